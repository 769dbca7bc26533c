"""Malformed TOML and refused edits: one exception, and one way to say where the file is bad.

tomllib reports `Invalid value (at line 3, column 12)` or `(at end of document)`; every message
the project prints leads with the position instead: `line 3, column 12: malformed TOML: ...`.
"""

from __future__ import annotations

import re
import tomllib


class TomlEditError(Exception):
    """An edit was refused; the message is a single line fit for a CLI.

    ``line``/``column`` (1-based) are set when the error points into the input,
    e.g. for a TOML syntax error.
    """

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        super().__init__(" ".join(message.split()))
        self.line = line
        self.column = column


_AT = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


def error_location(exc: tomllib.TOMLDecodeError, text: str) -> tuple[int, int, str]:
    """``(line, column, message)`` (1-based) of a tomllib error in ``text``; an error at the
    end of the document gets the position just after its last character."""
    message = str(exc)
    lineno = getattr(exc, "lineno", None)
    colno = getattr(exc, "colno", None)
    m = _AT.search(message)
    if m:
        message = message[: m.start()]
        if m.group(1):
            lineno, colno = int(m.group(1)), int(m.group(2))
    if lineno is None or colno is None:
        lineno = text.count("\n") + 1
        colno = len(text) - (text.rfind("\n") + 1) + 1
    msg = getattr(exc, "msg", None)
    return lineno, colno, " ".join((msg if isinstance(msg, str) and msg else message).split())


def error_text(exc: tomllib.TOMLDecodeError, text: str) -> str:
    """The one line printed after the file name: ``line 3, column 12: malformed TOML: ...``."""
    line, column, message = error_location(exc, text)
    return f"line {line}, column {column}: malformed TOML: {message}"


def parse_error_location(text: str) -> tuple[int, int, str] | None:
    """Return ``(line, column, message)`` (1-based) of the first TOML syntax error.

    Returns ``None`` when ``text`` is valid TOML.
    """
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return error_location(exc, text)
    return None
