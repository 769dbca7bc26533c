"""Where new text goes: a new table after the last table of its nearest existing ancestor,
a new key after its table's last key (dotted or inside the braces when the table is written
that way), with the file's line ending and one blank line between blocks.

Placement only proposes text; the caller verifies it (scaffolder.toml.verify).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scaffolder.toml.errors import TomlEditError
from scaffolder.toml.scan import Document, KeyValue
from scaffolder.toml.tree import get
from scaffolder.toml.values import dotted, header, key_text, render

Path = tuple[str, ...]


@dataclass(eq=False)
class Block:
    path: Path
    lines: list[str]


class Placement:
    """Ordered sections of the document plus the new blocks placed among them."""

    _EOF = -1

    # The order is a linked list whose items carry integer labels that grow along it: a block
    # goes right after an item, labelled halfway to the next one. Finding "the last item
    # under this prefix" is then one comparison per prefix, not a search of the list: with
    # list.index over every placed block, add-env on 2,000 tables took seconds (cubic).
    def __init__(self, doc: Document, capacity: int = 64):
        self.doc = doc
        items: list[int | Block] = [*range(len(doc.sections)), self._EOF]
        # Each insertion at most halves one gap, so gaps of 2**(capacity + 1) never close.
        self._gap = 1 << (capacity + 1)
        self._head = items[0]
        self._tail = items[-1]
        self._next: dict[int, int | Block | None] = {}
        self._label: dict[int, int] = {}
        for i, item in enumerate(items):
            self._label[self._id(item)] = i * self._gap
            self._next[self._id(item)] = items[i + 1] if i + 1 < len(items) else None
        self.last = doc.contributors()
        # Per key prefix, the placed block furthest down the document under it.
        self._furthest: dict[Path, Block] = {}

    @staticmethod
    def _id(item: int | Block) -> int:
        # Sections are small ints (EOF is -1); blocks are keyed by identity, kept apart.
        return item if isinstance(item, int) else ~id(item) - (1 << 70)

    def _after(self, item: int | Block) -> int:
        return self._label[self._id(item)]

    @property
    def seq(self) -> list[int | Block]:
        """Sections (by index, then _EOF) and placed blocks, in document order."""
        out: list[int | Block] = []
        item: int | Block | None = self._head
        while item is not None:
            out.append(item)
            item = self._next[self._id(item)]
        return out

    def place(self, block: Block) -> None:
        path = block.path
        at: int | Block = self._tail  # default: end of file, after blocks placed there
        for k in range(len(path) - 1, 0, -1):
            prefix = path[:k]
            cands: list[int | Block] = []
            if prefix in self._furthest:
                cands.append(self._furthest[prefix])
            if prefix in self.last:
                cands.append(self.last[prefix])
            if cands:
                at = max(cands, key=self._after)
                break
        following = self._next[self._id(at)]
        low = self._after(at)
        high = self._after(following) if following is not None else low + 2 * self._gap
        if high - low < 2:
            raise TomlEditError("internal: too many tables placed at once")
        self._label[self._id(block)] = (low + high) // 2
        self._next[self._id(block)] = following
        self._next[self._id(at)] = block
        if following is None:
            self._tail = block
        for k in range(1, len(path) + 1):
            prefix = path[:k]
            known = self._furthest.get(prefix)
            if known is None or self._after(block) > self._after(known):
                self._furthest[prefix] = block

    def render(self) -> str:
        doc = self.doc
        groups: dict[int, list[Block]] = {}
        real = 0
        anchor: int | None = None
        for item in self.seq:
            if isinstance(item, Block):
                if anchor is None:
                    anchor = doc.nlines if real == self._EOF else doc.anchor_after(real)
                groups.setdefault(anchor, []).append(item)
            else:
                real, anchor = item, None
        pieces: list[str] = []
        done = 0
        for line in sorted(groups):
            offset, chunk = insertion(doc, line, [b.lines for b in groups[line]], separate=True)
            pieces.append(doc.text[done:offset])
            pieces.append(chunk)
            done = offset
        pieces.append(doc.text[done:])
        return "".join(pieces)


def insertion(
    doc: Document, line: int, blocks: list[list[str]], *, separate: bool
) -> tuple[int, str]:
    """Text to insert before ``line`` (``doc.nlines`` = end of file) and its offset.

    With ``separate``, blocks are separated from each other and from surrounding
    non-blank lines by one blank line.
    """
    eol = doc.eol_before(line)
    out: list[str] = []
    before_blank = line == 0 or doc.is_blank(line - 1)
    for block in blocks:
        if separate and (out or not before_blank):
            out.append("")
        out.extend(block)
    if separate and line < doc.nlines and not doc.is_blank(line):
        out.append("")
    body = eol.join(out)
    text = doc.text
    if line < doc.nlines:
        return doc.starts[line], body + eol
    if not text or text.endswith("\n"):
        return len(text), body + eol
    return len(text), eol + body  # keep the file's "no final newline" style


def check_new_table(tree: dict[str, Any], doc: Document, path: Path) -> None:
    """Raise unless a ``[path]`` header may be added to the document."""

    def refuse(what: Path, problem: str, hint: str = "") -> TomlEditError:
        where = doc.defined_at(what)
        suffix = f" (line {where})" if where else ""
        return TomlEditError(problem + suffix + hint, line=where)

    node: Any = tree
    for i, key in enumerate(path):
        if not isinstance(node, dict) or key not in node:
            return
        node = node[key]
        prefix = path[: i + 1]
        if i == len(path) - 1:
            raise refuse(path, f"{header(path)} already exists")
        start = f"cannot add {header(path)}: {dotted(prefix)} is"
        if isinstance(node, list):
            raise refuse(prefix, f"{start} an array")
        if not isinstance(node, dict):
            raise refuse(prefix, f"{start} a value, not a table")
        if prefix in doc.inlines:
            raise refuse(
                prefix,
                f"{start} an inline table",
                ", which TOML does not allow to extend; rewrite it as [table] sections first",
            )


def add_key(doc: Document, tree: dict[str, Any], full: Path, value: Any) -> tuple[str, range]:
    """Insert a missing key; return the new text and the original lines it changed."""
    text = doc.text
    parent, leaf = full[:-1], full[-1]
    rendered = render(value, full)

    # Inside an inline table (at any depth): add the entry within the braces.
    owner = next((parent[:k] for k in range(len(parent), 0, -1) if parent[:k] in doc.inlines), None)
    if owner is not None:
        info = doc.inlines[owner]
        entry = f"{dotted(full[len(owner) :])} = {rendered}"
        if info.empty:
            start, end = info.after_last, info.close
            result = text[:start] + f" {entry} " + text[end:]
        else:
            start = end = info.after_last
            result = text[:start] + f", {entry}" + text[end:]
        first = doc.line_of(start)
        return result, range(first, max(first, doc.line_of(max(start, end - 1))) + 1)

    # The table has a header (or is the document root): append after its last key.
    for index, sec in enumerate(doc.sections):
        if sec.path == parent and sec.kind != "array":
            return _insert_kv(doc, index, dotted((leaf,)), rendered), range(0)

    # The table is defined by dotted keys: add another dotted key next to them.
    hit: tuple[int, KeyValue] | None = None
    for index, sec in enumerate(doc.sections):
        base = len(sec.path)
        for kv in sec.kvs:
            if base < len(parent) < len(kv.path) and kv.path[: len(parent)] == parent:
                hit = (index, kv)
    if hit is not None:
        index, kv = hit
        sec = doc.sections[index]
        key = dotted(full[len(sec.path) :])
        return _insert_kv(doc, index, key, rendered, after=kv), range(0)

    # The table only exists implicitly (through sub-table headers): define it
    # right before the first of them.
    contributing = [
        i for i, sec in enumerate(doc.sections) if i and sec.path[: len(parent)] == parent
    ]
    exists = get(tree, parent) is not None
    if parent and exists and contributing:
        line = doc.anchor_after(contributing[0] - 1)
        block = [header(parent), f"{key_text(leaf)} = {rendered}"]
        offset, chunk = insertion(doc, line, [block], separate=True)
        return text[:offset] + chunk + text[offset:], range(0)

    # The table does not exist: add it as a new table.
    check_new_table(tree, doc, parent)
    placement = Placement(doc)
    placement.place(Block(parent, [header(parent), f"{key_text(leaf)} = {rendered}"]))
    return placement.render(), range(0)


def _insert_kv(
    doc: Document, index: int, key: str, rendered: str, *, after: KeyValue | None = None
) -> str:
    sec = doc.sections[index]
    text = doc.text
    ref = after or (sec.kvs[-1] if sec.kvs else None)
    if ref is not None:
        line = ref.last_line + 1
        first = doc.parts[ref.first_line]
        indent = first[: len(first) - len(first.lstrip(" \t"))]
    elif sec.kind == "root":
        # Root without keys: before the comment block of the first header.
        line = doc.anchor_after(0) if len(doc.sections) > 1 else doc.nlines
        indent = ""
        offset, chunk = insertion(doc, line, [[f"{key} = {rendered}"]], separate=False)
        if line < doc.nlines and not doc.is_blank(line):
            chunk += doc.eol_before(line)
        return text[:offset] + chunk + text[offset:]
    else:
        line = sec.header_line + 1
        indent = ""
    offset, chunk = insertion(doc, line, [[f"{indent}{key} = {rendered}"]], separate=False)
    return text[:offset] + chunk + text[offset:]
