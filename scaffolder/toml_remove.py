"""Removing one table from a TOML config, verified: a stand-in until toml_edit has its own.

`protean-init set ENV.ROLE.NAME=inherit` and `remove-database` delete exactly one table (and
what is under it). The lines that define it go whole, as the diff then shows; every other
line stays byte for byte, and the result must parse to the old tree without that table, or
nothing is returned but an error. scaffolder.edits prefers `toml_edit.remove_table` when the
module gains one.
"""

from __future__ import annotations

import tomllib
from typing import Any

from scaffolder.toml_edit import TomlEditError, _Document


def _pruned(value: Any) -> Any:
    """Without empty tables: removing `[a.b.c]` may leave `a.b` defined or not, as written."""
    if isinstance(value, dict):
        kept = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v != {}}
    return value


def remove_table(text: str, path: tuple[str, ...], *, root: tuple[str, ...] = ()) -> str:
    """`text` without the table at `root + path`; unchanged when there is none. A table
    written inside an inline table, or sharing a line with another statement, is refused."""
    full = tuple(root) + tuple(path)
    try:
        tree = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TomlEditError(f"malformed TOML: {error}") from error
    node: Any = tree
    for key in full[:-1]:
        node = node.get(key) if isinstance(node, dict) else None
    if not isinstance(node, dict) or not isinstance(node.get(full[-1]), dict):
        return text
    doc = _Document(text)
    n = len(full)
    drop: set[int] = set()
    for index, section in enumerate(doc.sections):
        if section.kind != "root" and section.path[:n] == full:
            drop.update(range(section.header_line, doc.last_line(index) + 1))
    for section in doc.sections:
        for kv in section.kvs:
            if kv.path[:n] == full:
                drop.update(range(kv.first_line, kv.last_line + 1))
            elif kv.kind == "inline" and full[: len(kv.path)] == kv.path:
                raise TomlEditError(f"{'.'.join(path)} is inside an inline table; edit it by hand")
    for section in doc.sections:
        for kv in section.kvs:
            inside = kv.path[:n] == full or (section.kind != "root" and section.path[:n] == full)
            if not inside and any(line in drop for line in range(kv.first_line, kv.last_line + 1)):
                raise TomlEditError(f"{'.'.join(path)} shares a line with another statement")
    parts = doc.parts
    # Blank lines between two removed tables go with them.
    blank = [i for i in range(min(drop), max(drop)) if i not in drop and not parts[i].strip()]
    for i in blank:
        up = next((j for j in range(i - 1, -1, -1) if parts[j].strip()), None)
        down = next((j for j in range(i + 1, len(parts)) if parts[j].strip()), None)
        if up in drop and down in drop:
            drop.add(i)
    # One blank line between what was before and after, not two.
    last = max(drop)
    before_blank = min(drop) == 0 or not parts[min(drop) - 1].strip()
    if before_blank and last + 1 < doc.nlines and not parts[last + 1].strip():
        drop.add(last + 1)
    result = "\n".join(line for i, line in enumerate(parts) if i not in drop)
    expected = tomllib.loads(text)
    target = expected
    for key in full[:-1]:
        target = target[key]
    del target[full[-1]]
    try:
        got = tomllib.loads(result)
    except tomllib.TOMLDecodeError as error:
        raise TomlEditError("refusing to write: removing the table breaks the file") from error
    if _pruned(got) != _pruned(expected):
        raise TomlEditError("refusing to write: removing the table would change other values")
    return result
