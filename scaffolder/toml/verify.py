"""An edit is written only if its result proves itself: nothing else in the file changed.

Every edit ends here: the result must parse (tomllib) to exactly the intended tree
(type-strict: ``1``, ``1.0`` and ``true`` differ), and every original line must survive byte
for byte, in order, but for the lines the edit was meant to change or remove.

An edit that only appends tables under top-level keys the file lacks (`add-env` adding an
overlay) is proved without parsing the original part again: see `_appended_tree`.
"""

from __future__ import annotations

import math
import re
import tomllib
from typing import Any

from scaffolder.toml.errors import TomlEditError
from scaffolder.toml.scan import Document
from scaffolder.toml.tree import TomlText


def verify(
    original: str, result: str, expected: dict[str, Any], *, changed: range | tuple
) -> TomlText:
    """`result`, with its tree, once it proves itself (see the module's docstring)."""
    appended = None if changed else _appended_tree(original, result)
    if appended is not None:
        checked = check_parses_to(TomlText.parsed_as(result, appended), expected)
        # The lines before the original's last are the result's own first lines.
        last = original.rpartition("\n")[2]
        old, new = [last], result[len(original) - len(last) :].split("\n")
    else:
        checked = check_parses_to(result, expected)
        old, new = original.split("\n"), result.split("\n")
    if not _lines_survive(old, new, set(changed)):
        raise TomlEditError("refusing to write: the edit would alter existing lines")
    return checked


def check_parses_to(result: str, expected: dict[str, Any]) -> TomlText:
    """The edited text must be TOML that parses to exactly the intended tree: returned with
    that tree (parsed here, or already by `load_result`)."""
    checked = result if isinstance(result, TomlText) else load_result(result)
    if not same(checked.tree, expected):
        raise TomlEditError(
            "refusing to write: the edited file would not parse to the intended config"
        )
    return checked


def check_kept(doc: Document, result: str, remove: set[int]) -> None:
    """Every line not removed is in the result, unchanged and in order, and nothing else."""
    kept = [part for i, part in enumerate(doc.parts) if i not in remove] or [""]
    new = result.split("\n")
    if kept and new and len(kept) == len(new) and kept[-1] != new[-1]:
        kept[-1] = kept[-1].removesuffix("\r")  # the new last line of a no-final-newline file
    if new != kept:
        raise TomlEditError("refusing to write: the edit would alter other lines")


def load_result(result: str) -> TomlText:
    """An edit's result with its tree: the one parse of it, which every check then reads."""
    try:
        tree = tomllib.loads(result)
    except tomllib.TOMLDecodeError as exc:
        raise TomlEditError(
            f"refusing to write: the edit would produce invalid TOML ({exc})"
        ) from None
    return TomlText.parsed_as(result, tree)


# Blank lines (LF or CRLF), then a table header at the start of a line.
_HEADER_FIRST = re.compile(r"(?:\r?\n)*\[")


def _appended_tree(original: str, result: str) -> dict[str, Any] | None:
    """The tree `result` parses to, parsing only what was appended to `original`, when the
    result is the original byte for byte followed by blank lines and tables under top-level
    keys the original does not have; None otherwise (the caller parses the whole result).

    This is what parsing the whole result gives, or an error in both: tomllib reads a
    document statement by statement, and the original is a whole valid document (its tree
    was read), so it ends between statements, outside any string or array; no token runs on
    past a line break. The appended part starts on a new line (the original ends with one, or
    the part starts with one) with a table header, so none of its keys joins the original's
    last table. Tables whose top-level key the original never defined cannot clash with the
    original's keys, headers or dotted keys, whose flags tomllib keeps under their own keys;
    so the appended part's statements do in the result what they do alone, and the
    result's tree is the original's with the appended part's top-level keys after it (in
    tomllib's order: a dict keeps first definitions first). The original part of the result
    being the original's bytes, every original line survives too. A splice that breaks any
    of these conditions takes the whole parse (tests/toml/test_verify.py holds both ways to
    agree on every corrupted splice).
    """
    if not isinstance(original, TomlText) or not result.startswith(original):
        return None
    tail = result[len(original) :]
    starts = _HEADER_FIRST.match(tail)
    if starts is None or (original and not original.endswith("\n") and "\n" not in starts[0]):
        return None
    tree = original.tree
    try:
        added = tomllib.loads(tail)
    except tomllib.TOMLDecodeError:
        return None  # the whole parse words the error
    if not added or not added.keys().isdisjoint(tree):
        return None
    return {**tree, **added}


def _lines_survive(old: list[str], new: list[str], skip: set[int]) -> bool:
    """True if ``old`` (minus ``skip`` indexes) is a subsequence of ``new``.

    Lines are split on "\n" only, so a CRLF line keeps its "\r".  An unterminated
    last line may gain a line ending (its "\r" for CRLF) when text is appended.
    """
    it = iter(new)
    last = len(old) - 1
    for i, line in enumerate(old):
        if i in skip:
            continue
        ok = (line, line + "\r") if i == last and line else (line,)
        if not any(cand in ok for cand in it):
            return False
    return True


def same(a: Any, b: Any) -> bool:
    """Type-strict deep equality (``1 == 1.0 == True`` must not pass). A subtree an edit's
    expected tree shares with the parsed one is the same by identity."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)
