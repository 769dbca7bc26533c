"""Adding the variables domain.toml reads to an .env.example protean-init did not write.

The file only gains lines. The first time, one block goes at the end under a header saying
protean-init added it; later runs put new variables into that same block (under their
environment's title when it is already there), so repeated edits never stack up headers.
"""

from __future__ import annotations

import re

HEADER = "# Added by protean-init: variables domain.toml reads"
_VARIABLE = re.compile(r"^[#\s]*([A-Za-z_][A-Za-z0-9_]*)=", re.MULTILINE)


def _missing_groups(yours: str, generated: str) -> list[tuple[str | None, list[str]]]:
    """(environment title, variable lines) the file lacks, in the generated file's order."""
    have = set(_VARIABLE.findall(yours))
    groups: list[tuple[str | None, list[str]]] = []
    for block in generated.split("\n\n"):
        lines = block.strip("\n").splitlines()
        missing = [
            line
            for line in lines
            if (match := _VARIABLE.match(line)) and match.group(1) not in have
        ]
        if missing:
            titles = [line for line in lines if not _VARIABLE.match(line)]
            groups.append((titles[-1] if titles else None, missing))
    return groups


def add_missing_variables(yours: str, generated: str) -> str:
    """`yours` with the variable lines of `generated` it lacks, each under its environment's
    title, inside the one block protean-init keeps at the end of the file."""
    groups = _missing_groups(yours, generated)
    if not groups:
        return yours
    lines = yours.split("\n")
    final = lines[-1] == ""
    if final:
        lines.pop()
    bare = [line.removesuffix("\r") for line in lines]
    cr = "\r" if yours.count("\r\n") * 2 > yours.count("\n") else ""  # the file's own ending
    header = next((i for i, line in enumerate(bare) if line.strip() == HEADER), None)
    inserts: dict[int, list[str]] = {}
    appended: list[str] = []
    if header is None:
        if bare and bare[-1].strip():
            appended.append("")
        appended.append(HEADER)
    for title, missing in groups:
        start = len(bare) if header is None else header + 1
        at = max((i for i in range(start, len(bare)) if bare[i] == title), default=None)
        if title is None or at is None:
            appended.extend(["", *((title,) if title else ()), *missing])
            continue
        end = at + 1
        while end < len(bare) and _VARIABLE.match(bare[end]):
            end += 1
        inserts.setdefault(end, []).extend(missing)
    out = list(lines)
    if out and not final and (inserts.get(len(out)) or appended):
        out[-1] += cr  # the old last line is no longer last: it gets the file's line ending
    for at in sorted(inserts, reverse=True):
        out[at:at] = [line + cr for line in inserts[at]]
    out.extend(line + cr for line in appended)
    return "\n".join(out) + "\n"
