"""An edit is written only if its result proves itself: nothing else in the file changed.

Every edit ends here: the result must parse (tomllib) to exactly the intended tree
(type-strict: ``1``, ``1.0`` and ``true`` differ), and every original line must survive byte
for byte, in order, but for the lines the edit was meant to change or remove.
"""

from __future__ import annotations

import math
import tomllib
from typing import Any

from scaffolder.toml.errors import TomlEditError
from scaffolder.toml.scan import Document
from scaffolder.toml.tree import TomlText


def verify(
    original: str, result: str, expected: dict[str, Any], *, changed: range | tuple
) -> TomlText:
    """`result`, with its tree, once it proves itself (see the module's docstring)."""
    checked = check_parses_to(result, expected)
    if not _lines_survive(original.split("\n"), result.split("\n"), set(changed)):
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
    """Type-strict deep equality (``1 == 1.0 == True`` must not pass)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)
