"""Renaming a table in place: only the key segment that names it changes, on every line that
names it (its header, its sub-tables' headers, dotted keys and inline tables that spell it).

Every other byte stays where it is: the comments above the table, after its header and after
its keys, and the table's place in the file. The result must parse to the old tree with the
one key renamed, and only the lines that spell the key may differ.
"""

from __future__ import annotations

from typing import Any

from scaffolder.toml.errors import TomlEditError
from scaffolder.toml.scan import _BASIC_STR, _LITERAL_STR, Document
from scaffolder.toml.tree import load
from scaffolder.toml.values import BARE_KEY, key_text
from scaffolder.toml.verify import check_parses_to

Path = tuple[str, ...]


def rename_table(text: str, path: Path, new: str, *, root: Path = ()) -> str:
    """`text` with the table at `root + path` named `new` instead of `path[-1]`."""
    full = (*root, *path)
    tree = load(text)
    parent: Any = tree
    for key in full[:-1]:
        parent = parent.get(key) if isinstance(parent, dict) else None
    if not isinstance(parent, dict) or full[-1] not in parent:
        raise TomlEditError(f"no table {'.'.join(full)} to rename")
    if new in parent:
        raise TomlEditError(f"{'.'.join((*full[:-1], new))} already exists")
    doc = Document(text)
    at = len(full) - 1  # the index of the renamed segment in a key path
    spans: list[tuple[int, int]] = []  # (offset of the key, segment index within it)
    for section in doc.sections:
        if section.header_line >= 0 and section.path[: len(full)] == full:
            start = doc.starts[section.header_line]
            opening = text.index("[", start) + (2 if section.kind == "array" else 1)
            spans.append((opening, at))
        for kv in section.kvs:
            depth = at - len(section.path)
            if depth >= 0 and kv.path[: len(full)] == full:
                line = doc.parts[kv.first_line]
                spans.append((doc.starts[kv.first_line] + len(line) - len(line.lstrip()), depth))
    if not spans:
        raise TomlEditError(f"{'.'.join(full)} is not written where it can be renamed")
    result = text
    # From the end of the file, so earlier offsets still hold.
    for offset, index in sorted(set(spans), reverse=True):
        start, end = _segment(result, offset, index)
        quote = result[start] if result[start] in "\"'" else ""
        # The user's quoting kept: `"archive"` becomes `"cold"` (a slot name needs no escape).
        written = f"{quote}{new}{quote}" if quote else key_text(new)
        result = result[:start] + written + result[end:]
    expected = dict(tree)
    node: dict[str, Any] = expected
    for key in full[:-1]:
        node[key] = dict(node[key])
        node = node[key]
    node[new] = node.pop(full[-1])
    checked = check_parses_to(result, expected)
    changed = {doc.line_of(offset) for offset, _ in spans}
    old_lines, new_lines = text.split("\n"), result.split("\n")
    pairs = enumerate(zip(old_lines, new_lines, strict=False))
    if len(old_lines) != len(new_lines) or any(a != b for i, (a, b) in pairs if i not in changed):
        raise TomlEditError("refusing to write: the rename would alter other lines")
    return checked


def _segment(text: str, pos: int, index: int) -> tuple[int, int]:
    """The start and end offsets of segment `index` of the dotted key that starts at `pos`."""
    for i in range(index + 1):
        while text[pos] in " \t":
            pos += 1
        if text[pos] == '"':
            match = _BASIC_STR.match(text, pos)
        elif text[pos] == "'":
            match = _LITERAL_STR.match(text, pos)
        else:
            match = BARE_KEY.match(text, pos)
        if match is None:
            raise TomlEditError("could not read a key to rename; no edit made")
        if i == index:
            return match.start(), match.end()
        pos = match.end()
        while text[pos] in " \t":
            pos += 1
        if text[pos] != ".":
            raise TomlEditError("could not read a key to rename; no edit made")
        pos += 1
    raise AssertionError("unreachable")
