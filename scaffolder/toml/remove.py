"""Verified removals: a key's statement removed or commented out, a table removed by name.

Lines go (or get ``# ``) whole, so the diff shows exactly what left; every other line stays
byte for byte, and the result must parse to the old tree without that key or table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scaffolder.toml.errors import TomlEditError
from scaffolder.toml.scan import Document
from scaffolder.toml.tree import delete, get, load, without
from scaffolder.toml.values import dotted
from scaffolder.toml.verify import check_kept, check_parses_to, load_result

Path = tuple[str, ...]


def remove_key(text: str, path: tuple[str, ...], *, root: tuple[str, ...] = ()) -> str:
    """Return ``text`` without the key/value statement at ``root + path``.

    Only a statement that has its line(s) to itself can go: the lines are removed whole
    (a comment on the same line goes with it), and nothing else changes. A key that does
    not exist leaves the text as it is. A key inside an inline table, or sharing its line
    with another statement, is refused rather than rewritten. An edit that only makes a key
    meaningless should use :func:`comment_out_key`, which keeps the user's text.
    """
    full = tuple(root) + tuple(path)
    found = _statement(text, full)
    if found is None:
        return text
    tree, doc, lines = found
    result = load_result(_drop_lines(doc, set(lines)))
    check_parses_to(result, _expected_without(tree, full, result.tree))
    check_kept(doc, result, set(lines))
    return result


def comment_out_key(
    text: str, path: tuple[str, ...], *, root: tuple[str, ...] = (), note: str = ""
) -> str:
    """Return ``text`` with the key/value statement at ``root + path`` turned into comments.

    For a key an edit made meaningless (a connection string once the provider is in
    memory): the user's text stays in the file, each whole line behind ``# ``,
    and ``note`` (one line: why) follows the first line in parentheses. A missing key leaves
    the text as it is; a key inside an inline table, or sharing its line, is refused.
    Verified: the result parses to the old tree without the key, every other line is
    unchanged, and every commented line still holds its original text.
    """
    if "\n" in note or "\r" in note:
        raise TomlEditError("a comment-out note must be one line")
    full = tuple(root) + tuple(path)
    found = _statement(text, full)
    if found is None:
        return text
    tree, doc, lines = found
    parts = list(doc.parts)
    for i in lines:
        line = parts[i]
        cr = "\r" if line.endswith("\r") else ""
        body = line[: len(line) - len(cr)]
        suffix = f"  ({note})" if note and i == lines[0] else ""
        parts[i] = f"# {body}{suffix}{cr}"  # the whole line, indent included, after "# "
    result = load_result("\n".join(parts))
    check_parses_to(result, _expected_without(tree, full, result.tree))
    old, new = doc.parts, result.split("\n")
    kept = len(old) == len(new) and all(
        new[i] == old[i] if i not in lines else new[i].startswith("# " + old[i].removesuffix("\r"))
        for i in range(len(old))
    )
    if not kept:
        raise TomlEditError("refusing to write: the edit would alter other lines")
    return result


def _statement(text: str, full: Path) -> tuple[dict[str, Any], Document, range] | None:
    """The parsed text, its scan and the lines of the statement at ``full`` that has its
    lines to itself; None when there is no such key (refused where it shares them)."""
    tree = load(text)
    doc = Document(text)
    lines = _own_lines(doc, tree, full)
    return None if lines is None else (tree, doc, lines)


def remove_table(text: str, path: tuple[str, ...], *, root: tuple[str, ...] = ()) -> str:
    """Return ``text`` without the table at ``root + path``: for removals asked for by name.

    Goes: every ``[path]``/``[path.sub]``/``[[path.sub]]`` header with its keys, the comment
    block directly above each such header (no blank line between), comment lines directly
    below its last key, dotted keys ``path.x = ...`` written in a parent table, an inline
    ``name = {...}`` statement, and one blank separator line per removed run. Comments
    above a dotted key stay (they may describe the parent). A missing table leaves the
    text as it is; a table inside an inline table is refused. Verified: the result parses
    to the old tree minus that table (a parent left empty and defined by nothing else may
    disappear with it), and every other line survives unchanged, in order.
    """
    full = tuple(root) + tuple(path)
    if not full:
        raise TomlEditError("remove_table needs a non-empty table path")
    tree = load(text)
    node = get(tree, full)
    if node is None:
        return text
    if not isinstance(node, dict):
        kind = "an array" if isinstance(node, list) else "a value"
        raise TomlEditError(f"{dotted(full)} is {kind}, not a table")
    doc = Document(text)
    if any(full[:k] in doc.inlines for k in range(1, len(full))):
        raise TomlEditError(f"{dotted(full)} is inside an inline table; edit it by hand")
    remove = _table_lines(doc, full)
    remove |= _separators(doc, remove)
    result = load_result(_drop_lines(doc, remove))
    check_parses_to(result, _expected_without(tree, full, result.tree))
    check_kept(doc, result, remove)
    return result


def _table_lines(doc: Document, full: Path) -> set[int]:
    """The lines that write the table at ``full``: its headers with their keys and the
    comments attached to them, and the dotted keys or inline statement that define it."""
    is_comment = _comment_lines(doc)
    remove: set[int] = set()
    n = len(full)
    for index, sec in enumerate(doc.sections):
        if sec.kind != "root" and sec.path[:n] == full:
            remove.update(_section_block(doc, index, is_comment))
        else:
            for kv in sec.kvs:
                if kv.path[:n] == full:
                    remove.update(range(kv.first_line, kv.last_line + 1))
    return remove


def _comment_lines(doc: Document) -> Callable[[int], bool]:
    """Whether a line is a comment line of its own (not inside a value, not a header)."""
    value_lines = {
        i for sec in doc.sections for kv in sec.kvs for i in range(kv.first_line, kv.last_line + 1)
    }
    headers = {sec.header_line for sec in doc.sections if sec.kind != "root"}

    def is_comment(i: int) -> bool:
        return i not in value_lines and i not in headers and doc.parts[i].lstrip().startswith("#")

    return is_comment


def _section_block(doc: Document, index: int, is_comment: Callable[[int], bool]) -> range:
    """Section ``index`` with the comment block right above its header and the comment lines
    right below its last key, unless those run into the next header (they are its own)."""
    sec = doc.sections[index]
    start = sec.header_line
    while start > 0 and is_comment(start - 1):
        start -= 1
    end = doc.last_line(index)
    stop = doc.sections[index + 1].header_line if index + 1 < len(doc.sections) else doc.nlines
    below = end + 1
    while below < stop and is_comment(below):
        below += 1
    if below == stop and stop < doc.nlines:
        below = end + 1
    return range(start, max(end + 1, below))


def _expected_without(tree: dict[str, Any], full: Path, got: dict[str, Any]) -> dict[str, Any]:
    """The old tree without ``full``. A parent table that only the removed lines defined goes
    with them (``[x]`` / ``a.b = 1``: without ``a.b`` there is no ``x.a``, not an empty one):
    as the result's tree ``got`` has it."""
    expected = without(tree, full)
    for k in range(len(full) - 1, 0, -1):
        if get(expected, full[:k]) == {} and get(got, full[:k]) is None:
            delete(expected, full[:k])
    return expected


def _own_lines(doc: Document, tree: dict[str, Any], full: Path) -> range | None:
    """The lines of the statement at ``full`` (None if the key does not exist), refusing a
    key inside an inline table or one sharing a line with another statement or a header."""
    parent: Any = tree
    for key in full[:-1]:
        parent = parent.get(key) if isinstance(parent, dict) else None
    if not full or not isinstance(parent, dict) or full[-1] not in parent:
        return None
    statement = next(
        (kv for section in doc.sections for kv in section.kvs if kv.path == full), None
    )
    if statement is None:
        raise TomlEditError(f"{dotted(full)} is inside an inline table; edit it by hand")
    lines = range(statement.first_line, statement.last_line + 1)
    sharing = [
        kv
        for section in doc.sections
        for kv in section.kvs
        if kv is not statement and kv.first_line <= lines[-1] and kv.last_line >= lines[0]
    ]
    if sharing or any(section.header_line in lines for section in doc.sections):
        raise TomlEditError(f"{dotted(full)} shares its line with another statement")
    return lines


def _separators(doc: Document, remove: set[int]) -> set[int]:
    """One blank line per removed run, so that removing a block leaves no double gap."""
    extra: set[int] = set()
    for i in sorted(remove):
        if i - 1 in remove:
            continue
        end = i
        while end + 1 in remove:
            end += 1
        before_blank = i == 0 or doc.is_blank(i - 1)
        after = end + 1
        if before_blank and after < doc.nlines and doc.is_blank(after):
            extra.add(after)
        elif after >= doc.nlines and i > 0 and doc.is_blank(i - 1):
            extra.add(i - 1)
    return extra


def _drop_lines(doc: Document, remove: set[int]) -> str:
    """The text without the given lines; a file without a final newline keeps that style
    (the new last line loses its line ending, "\r" included, rather than keep a bare one)."""
    kept = [part for i, part in enumerate(doc.parts) if i not in remove]
    if not doc.text.endswith("\n") and doc.nlines - 1 in remove and kept:
        kept[-1] = kept[-1].removesuffix("\r")
    return "\n".join(kept)
