"""Lossless, verified edits of Protean TOML configuration files: add tables, set a value.

Users write ``domain.toml`` (or ``.domain.toml``, or ``[tool.protean]`` in
``pyproject.toml``) in every style TOML allows: dotted keys inside tables,
inline tables, out-of-order tables, comments everywhere, CRLF line endings.
Round-tripping such files through a TOML library tends to move comments or
re-create tables in the wrong place, so no edit re-serialises a document.
The file is scanned once (scaffolder.toml.scan), new lines are spliced into the
original text (or exactly one value token is replaced), and the result is
*verified* before it is returned (scaffolder.toml.verify):

* the result parses with :mod:`tomllib`;
* the parsed result equals the original tree plus exactly the requested change;
* every original line survives byte for byte, in order (only insertions, or for
  :func:`set_value` only the line(s) holding the edited value change).

If any check fails, or if no valid edit exists (e.g. adding a sub-table to an
inline table, which TOML forbids), :class:`TomlEditError` is raised and the
caller keeps the original file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scaffolder.toml.errors import TomlEditError
from scaffolder.toml.place import Block, Placement, add_key, check_new_table
from scaffolder.toml.scan import Document
from scaffolder.toml.tree import MergedCopy, load, merged, plain
from scaffolder.toml.values import dotted, header, key_text, render
from scaffolder.toml.verify import same, verify

Path = tuple[str, ...]


def insert_tables(
    text: str,
    additions: Mapping[tuple[str, ...], Mapping[str, Any]],
    *,
    root: tuple[str, ...] = (),
) -> str:
    """Return ``text`` with each addition inserted as a new TOML table.

    ``additions`` maps a key path relative to ``root`` (``("databases", "reports")``,
    ``("production", "databases", "reports")``) to a flat table of scalar values.
    ``root`` is ``("tool", "protean")`` for ``pyproject.toml``.

    Each table is written as a ``[full.header]`` block placed right after the last
    table that already contributes to its nearest existing ancestor (e.g. after
    the last ``[production.databases.*]`` table, or after the ``[production]``
    table whose dotted keys define ``production.databases``; after the last
    ``[production...]`` table when ``production.caches`` is new), before any
    comment block that introduces the next table.  When no ancestor exists
    (a new overlay, or no ``[tool.protean]`` at all) the table goes at the end
    of the file.  Shallower paths are placed first, so a new parent precedes its
    new sub-tables; otherwise the mapping's order is kept.  Blocks are separated
    by one blank line, use the file's line ending, and original lines are never
    touched.

    Raises :class:`TomlEditError` if the input is not valid TOML, if a path
    already exists, if a path runs through a value, array or inline table (TOML
    forbids extending those), or if the verified result would differ from the
    intended one.
    """
    tree = load(text)
    if not additions:
        return text
    # Tables under top-level keys the file lacks (a new overlay) have no ancestor in it: they
    # all go at its end, wherever its own tables are, so those are not scanned for them.
    tops = [(*root, *rel)[:1] for rel in additions]
    at_end = all(top and top[0] not in tree for top in tops)
    doc = Document(text, scan=not at_end)
    order = sorted(additions, key=len)  # parents before their sub-tables; stable otherwise
    blocks: list[Block] = []
    expected = MergedCopy(tree)
    for rel in order:
        path = tuple(root) + tuple(rel)
        values = additions[rel]
        if not path:
            raise TomlEditError("cannot add the document root as a table")
        check_new_table(tree, doc, path)
        if not isinstance(values, Mapping):
            raise TomlEditError(f"values for {header(path)} must be a mapping")
        lines = [header(path)] + [
            f"{key_text(str(k))} = {render(v, (*path, str(k)))}" for k, v in values.items()
        ]
        expected.merge(path, {str(k): plain(v) for k, v in values.items()})
        blocks.append(Block(path, lines))
    placement = Placement(doc, capacity=len(blocks))
    for block in blocks:
        placement.place(block)
    result = placement.render()
    return verify(text, result, expected.tree, changed=())


def set_value(
    text: str,
    path: tuple[str, ...],
    value: Any,
    *,
    root: tuple[str, ...] = (),
) -> str:
    """Return ``text`` with the scalar at ``root + path`` set to ``value``.

    An existing value is changed by replacing only its token, so the key, the
    spacing and any comment on the line stay as they are.  A missing key is
    added to the table that owns it: after the table's last key (as a dotted
    key when the table is written with dotted keys, inside the braces when it is
    an inline table), or in a new ``[table]`` when the table does not exist yet.

    Raises :class:`TomlEditError` for invalid input, for a path that names a
    table/array or runs through a value or array, and when verification fails.
    """
    full = tuple(root) + tuple(path)
    if not full:
        raise TomlEditError("set_value needs a non-empty key path")
    tree = load(text)
    render(value, full)  # validate the value type early
    doc = Document(text)
    parent, leaf = full[:-1], full[-1]

    node: Any = tree
    for i, key in enumerate(parent):
        if not isinstance(node, dict) or key not in node:
            node = None
            break
        node = node[key]
        if isinstance(node, list):
            raise TomlEditError(f"{dotted(full[: i + 1])} is an array; cannot set {dotted(full)}")
        if not isinstance(node, dict):
            raise TomlEditError(
                f"{dotted(full[: i + 1])} is a value, not a table; cannot set {dotted(full)}"
            )
    expected = merged(tree, full, plain(value), leaf_value=True)

    if isinstance(node, dict) and leaf in node:
        current = node[leaf]
        if isinstance(current, (dict, list)):
            kind = "table" if isinstance(current, dict) else "array"
            raise TomlEditError(f"{dotted(full)} is a {kind}, not a scalar value")
        if same(current, plain(value)):
            return text
        span = doc.values.get(full)
        if span is None:  # pragma: no cover - scanner and tomllib disagree
            raise TomlEditError(f"could not locate {dotted(full)} in the file")
        start, end, _kind = span
        result = text[:start] + render(value, full) + text[end:]
        changed = range(doc.line_of(start), doc.line_of(end - 1) + 1)
        return verify(text, result, expected, changed=changed)

    result, changed = add_key(doc, tree, full, value)
    return verify(text, result, expected, changed=changed)
