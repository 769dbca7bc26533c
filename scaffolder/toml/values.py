"""The one TOML value writer: what a new project's domain.toml holds, and what edits insert.

Strings read as the user would write them: a string holding double quotes but no single
quote (an elasticsearch hosts JSON) becomes a literal string, free of backslashes; any other
string is a basic string with JSON's escapes (``\\n``, ``\\"``, ``\\u001b``), DEL escaped too
because TOML forbids it raw. Keys are bare when TOML allows it, quoted otherwise.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from scaffolder.toml.errors import TomlEditError

Path = tuple[str, ...]

BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")

_ESCAPES = {i: f"\\u{i:04x}" for i in [*range(0x20), 0x7F]}
_ESCAPES.update({ord("\b"): "\\b", ord("\t"): "\\t", ord("\n"): "\\n", ord("\f"): "\\f"})
_ESCAPES.update({ord("\r"): "\\r", ord('"'): '\\"', ord("\\"): "\\\\"})
# A literal string holds no escapes: any control character but tab rules it out.
_NOT_LITERAL = re.compile(r"['\x00-\x08\x0a-\x1f\x7f]")


def quote(s: str) -> str:
    """A basic string: ``"..."`` with escapes."""
    return '"' + s.translate(_ESCAPES) + '"'


def string(s: str) -> str:
    """A literal string when it saves escaping double quotes, a basic string otherwise."""
    if '"' in s and not _NOT_LITERAL.search(s):
        return f"'{s}'"
    return quote(s)


def key_text(k: str) -> str:
    return k if BARE_KEY.fullmatch(k) else quote(k)


def dotted(path: Path) -> str:
    return ".".join(key_text(k) for k in path)


def header(path: Path) -> str:
    return f"[{dotted(path)}]"


def render(value: Any, path: Path = ()) -> str:
    """A TOML literal for ``value``; ``path`` names the key in the error for a value TOML
    cannot hold (None, a mapping: tables are written as tables, not values)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return string(value)
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    if isinstance(value, _dt.time) and value.tzinfo is None:
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(render(v, path) for v in value) + "]"
    raise TomlEditError(f"unsupported value for {dotted(path)}: {type(value).__name__}")
