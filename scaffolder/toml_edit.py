"""Lossless, verified edits of Protean TOML configuration files.

Users write ``domain.toml`` (or ``.domain.toml``, or ``[tool.protean]`` in
``pyproject.toml``) in every style TOML allows: dotted keys inside tables,
inline tables, out-of-order tables, comments everywhere, CRLF line endings.
Round-tripping such files through a TOML library tends to move comments or
re-create tables in the wrong place, so this module never re-serialises a
document.  It scans the text once to learn where every table and key lives,
then splices new lines into the original text (or replaces exactly one value
token), and finally *verifies* the result before returning it:

* the result parses with :mod:`tomllib`;
* the parsed result equals the original tree plus exactly the requested change;
* every original line survives byte for byte, in order (only insertions, or for
  :func:`set_value` only the line(s) holding the edited value change).

If any check fails, or if no valid edit exists (e.g. adding a sub-table to an
inline table, which TOML forbids), :class:`TomlEditError` is raised and the
caller keeps the original file.

Public API: :class:`TomlEditError`, :func:`insert_tables`, :func:`set_value`,
:func:`parse_error_location`.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import tomllib
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "TomlEditError",
    "comment_out_key",
    "insert_tables",
    "parse_error_location",
    "remove_key",
    "remove_table",
    "set_value",
]

Path = tuple[str, ...]


class TomlEditError(Exception):
    """An edit was refused; the message is a single line fit for a CLI.

    ``line``/``column`` (1-based) are set when the error points into the input,
    e.g. for a TOML syntax error.
    """

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        super().__init__(" ".join(message.split()))
        self.line = line
        self.column = column


# --------------------------------------------------------------------------- public API


def parse_error_location(text: str) -> tuple[int, int, str] | None:
    """Return ``(line, column, message)`` (1-based) of the first TOML syntax error.

    Returns ``None`` when ``text`` is valid TOML.  The CLI prints it as
    ``domain.toml:LINE:COL: MESSAGE``.
    """
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return _error_location(text, exc)
    return None


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
    tree = _load(text)
    if not additions:
        return text
    doc = _Document(text)
    expected = tree
    order = sorted(additions, key=len)  # parents before their sub-tables; stable otherwise
    blocks: list[_Block] = []
    for rel in order:
        path = tuple(root) + tuple(rel)
        values = additions[rel]
        if not path:
            raise TomlEditError("cannot add the document root as a table")
        _check_new_table(tree, doc, path)
        if not isinstance(values, Mapping):
            raise TomlEditError(f"values for {_header(path)} must be a mapping")
        lines = [_header(path)] + [
            f"{_key(str(k))} = {_render(v, (*path, str(k)))}" for k, v in values.items()
        ]
        expected = _merged(expected, path, {str(k): _plain(v) for k, v in values.items()})
        blocks.append(_Block(path, lines))
    plan = _Plan(doc, capacity=len(blocks))
    for block in blocks:
        plan.place(block)
    result = plan.render()
    _verify(text, result, expected, changed=())
    return result


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
    tree = _load(text)
    _render(value, full)  # validate the value type early
    doc = _Document(text)
    parent, leaf = full[:-1], full[-1]

    node: Any = tree
    for i, key in enumerate(parent):
        if not isinstance(node, dict) or key not in node:
            node = None
            break
        node = node[key]
        if isinstance(node, list):
            raise TomlEditError(f"{_dotted(full[: i + 1])} is an array; cannot set {_dotted(full)}")
        if not isinstance(node, dict):
            raise TomlEditError(
                f"{_dotted(full[: i + 1])} is a value, not a table; cannot set {_dotted(full)}"
            )
    expected = _merged(tree, full, _plain(value), leaf_value=True)

    if isinstance(node, dict) and leaf in node:
        current = node[leaf]
        if isinstance(current, (dict, list)):
            kind = "table" if isinstance(current, dict) else "array"
            raise TomlEditError(f"{_dotted(full)} is a {kind}, not a scalar value")
        if _same(current, _plain(value)):
            return text
        span = doc.values.get(full)
        if span is None:  # pragma: no cover - scanner and tomllib disagree
            raise TomlEditError(f"could not locate {_dotted(full)} in the file")
        start, end, _kind = span
        result = text[:start] + _render(value, full) + text[end:]
        changed = range(doc.line_of(start), doc.line_of(end - 1) + 1)
        _verify(text, result, expected, changed=changed)
        return result

    result, changed = _add_key(doc, tree, full, value)
    _verify(text, result, expected, changed=changed)
    return result


def remove_key(text: str, path: tuple[str, ...], *, root: tuple[str, ...] = ()) -> str:
    """Return ``text`` without the key/value statement at ``root + path``.

    Only a statement that has its line(s) to itself can go: the lines are removed whole
    (a comment on the same line goes with it), and nothing else changes. A key that does
    not exist leaves the text as it is. A key inside an inline table, or sharing its line
    with another statement, is refused rather than rewritten. An edit that only makes a key
    meaningless should use :func:`comment_out_key`, which keeps the user's text.
    """
    full = tuple(root) + tuple(path)
    tree = _load(text)
    doc = _Document(text)
    lines = _own_lines(doc, tree, full)
    if lines is None:
        return text
    result = _drop_lines(doc, set(lines))
    _check_parses_to(result, _without(tree, full))
    _check_kept(doc, result, set(lines))
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
    tree = _load(text)
    doc = _Document(text)
    lines = _own_lines(doc, tree, full)
    if lines is None:
        return text
    parts = list(doc.parts)
    for i in lines:
        line = parts[i]
        cr = "\r" if line.endswith("\r") else ""
        body = line[: len(line) - len(cr)]
        suffix = f"  ({note})" if note and i == lines[0] else ""
        parts[i] = f"# {body}{suffix}{cr}"  # the whole line, indent included, after "# "
    result = "\n".join(parts)
    _check_parses_to(result, _without(tree, full))
    old, new = doc.parts, result.split("\n")
    kept = len(old) == len(new) and all(
        new[i] == old[i] if i not in lines else new[i].startswith("# " + old[i].removesuffix("\r"))
        for i in range(len(old))
    )
    if not kept:
        raise TomlEditError("refusing to write: the edit would alter other lines")
    return result


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
    tree = _load(text)
    node = _get(tree, full)
    if node is None:
        return text
    if not isinstance(node, dict):
        kind = "an array" if isinstance(node, list) else "a value"
        raise TomlEditError(f"{_dotted(full)} is {kind}, not a table")
    doc = _Document(text)
    if any(full[:k] in doc.inlines for k in range(1, len(full))):
        raise TomlEditError(f"{_dotted(full)} is inside an inline table; edit it by hand")
    value_lines = {
        i for sec in doc.sections for kv in sec.kvs for i in range(kv.first_line, kv.last_line + 1)
    }
    headers = {sec.header_line for sec in doc.sections if sec.kind != "root"}

    def is_comment(i: int) -> bool:
        return i not in value_lines and i not in headers and doc.parts[i].lstrip().startswith("#")

    remove: set[int] = set()
    n = len(full)
    for index, sec in enumerate(doc.sections):
        if sec.kind != "root" and sec.path[:n] == full:
            start = sec.header_line
            while start > 0 and is_comment(start - 1):
                start -= 1
            end = doc.last_line(index)
            stop = (
                doc.sections[index + 1].header_line if index + 1 < len(doc.sections) else doc.nlines
            )
            below = end + 1
            while below < stop and is_comment(below):
                below += 1
            if below == stop and stop < doc.nlines:
                below = end + 1  # the comments run into the next header: they are its own
            remove.update(range(start, max(end + 1, below)))
        else:
            for kv in sec.kvs:
                if kv.path[:n] == full:
                    remove.update(range(kv.first_line, kv.last_line + 1))
    remove |= _separators(doc, remove)
    result = _drop_lines(doc, remove)
    expected = _without(tree, full)
    got = _load_result(result)
    for k in range(n - 1, 0, -1):  # a parent only the removed table defined goes with it
        if _get(expected, full[:k]) == {} and _get(got, full[:k]) is None:
            _delete(expected, full[:k])
    _check_parses_to(result, expected)
    _check_kept(doc, result, remove)
    return result


def _own_lines(doc: _Document, tree: dict[str, Any], full: Path) -> range | None:
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
        raise TomlEditError(f"{_dotted(full)} is inside an inline table; edit it by hand")
    lines = range(statement.first_line, statement.last_line + 1)
    sharing = [
        kv
        for section in doc.sections
        for kv in section.kvs
        if kv is not statement and kv.first_line <= lines[-1] and kv.last_line >= lines[0]
    ]
    if sharing or any(section.header_line in lines for section in doc.sections):
        raise TomlEditError(f"{_dotted(full)} shares its line with another statement")
    return lines


def _separators(doc: _Document, remove: set[int]) -> set[int]:
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


def _drop_lines(doc: _Document, remove: set[int]) -> str:
    """The text without the given lines; a file without a final newline keeps that style
    (the new last line loses its line ending, "\r" included, rather than keep a bare one)."""
    kept = [part for i, part in enumerate(doc.parts) if i not in remove]
    if not doc.text.endswith("\n") and doc.nlines - 1 in remove and kept:
        kept[-1] = kept[-1].removesuffix("\r")
    return "\n".join(kept)


def _check_kept(doc: _Document, result: str, remove: set[int]) -> None:
    """Every line not removed is in the result, unchanged and in order, and nothing else."""
    kept = [part for i, part in enumerate(doc.parts) if i not in remove] or [""]
    new = result.split("\n")
    if kept and new and len(kept) == len(new) and kept[-1] != new[-1]:
        kept[-1] = kept[-1].removesuffix("\r")  # the new last line of a no-final-newline file
    if new != kept:
        raise TomlEditError("refusing to write: the edit would alter other lines")


def _without(tree: dict[str, Any], full: Path) -> dict[str, Any]:
    """A deep copy of ``tree`` without the key at ``full``."""
    import copy

    out = copy.deepcopy(tree)
    _delete(out, full)
    return out


def _delete(tree: dict[str, Any], full: Path) -> None:
    node = tree
    for key in full[:-1]:
        node = node[key]
    del node[full[-1]]


def _load_result(result: str) -> dict[str, Any]:
    try:
        return tomllib.loads(result)
    except tomllib.TOMLDecodeError as exc:
        raise TomlEditError(
            f"refusing to write: the edit would produce invalid TOML ({exc})"
        ) from None


# --------------------------------------------------------------------------- scanning

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_WS = re.compile(r"[ \t]*")
_SKIP = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")
_BASIC_STR = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_LITERAL_STR = re.compile(r"'[^'\n]*'")
_ML_STOP = re.compile(r'["\\]')
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})?"
)
_SCALAR = re.compile(r"[^\s,\]}#]+")
_SIMPLE_KV = re.compile(
    r"""([A-Za-z0-9_-]+)[ \t]*=[ \t]*("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[A-Za-z0-9_:.+-]+)"""
    r"(?=[ \t]*(?:#|\r?\n|\Z))"
)
_SIMPLE_HEADER = re.compile(r"\[([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\](?=[ \t]*(?:#|\r?\n|\Z))")
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_SIMPLE_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def _unescape(body: str) -> str:
    def repl(m: re.Match[str]) -> str:
        hexa = m.group(1) or m.group(2)
        return chr(int(hexa, 16)) if hexa else _SIMPLE_ESCAPES[m.group(3)]

    return _ESCAPE.sub(repl, body) if "\\" in body else body


@dataclass
class _KeyValue:
    path: Path  # absolute key path
    first_line: int
    last_line: int
    kind: str  # "string" | "scalar" | "array" | "inline"


@dataclass
class _Section:
    path: Path
    kind: str  # "root" | "table" | "array"
    header_line: int  # -1 for the root section
    kvs: list[_KeyValue] = field(default_factory=list)


@dataclass
class _Inline:
    close: int  # offset of "}"
    after_last: int  # offset just after the last value (or after "{" when empty)
    empty: bool


class _Scan(Exception):
    pass


class _Document:
    """Where every table header, key/value statement and inline table lives."""

    def __init__(self, text: str):
        self.text = text
        self.parts = text.split("\n")  # line i == parts[i]; "\r" of CRLF stays on the line
        self.nlines = len(self.parts) - (1 if self.parts[-1] == "" else 0)
        starts = [0]
        find = text.find
        i = find("\n")
        while i >= 0:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self.starts = starts
        self.sections: list[_Section] = [_Section((), "root", -1)]
        self.values: dict[Path, tuple[int, int, str]] = {}
        self.inlines: dict[Path, _Inline] = {}
        try:
            self._scan()
        except (_Scan, AttributeError, IndexError, KeyError, ValueError):
            raise TomlEditError("could not analyse the file structure; no edit made") from None

    # -- helpers
    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def is_blank(self, line: int) -> bool:
        return not self.parts[line].strip()

    def eol_before(self, line: int) -> str:
        """Line ending to use for lines inserted before ``line``."""
        prev = line - 1
        if 0 <= prev < len(self.parts) - 1:
            return "\r\n" if self.parts[prev].endswith("\r") else "\n"
        first = self.text.find("\n")
        return "\r\n" if first > 0 and self.text[first - 1] == "\r" else "\n"

    # -- scanner (the input is known to be valid TOML: tomllib parsed it)
    def _scan(self) -> None:
        s, n = self.text, len(self.text)
        cur = self.sections[0]
        pos = 0
        while True:
            pos = _SKIP.match(s, pos).end()
            if pos >= n:
                return
            m = _SIMPLE_KV.match(s, pos)
            if m:  # fast path: bare key = one-line string or bare scalar
                path = (*cur.path, m.group(1))
                start, end = m.span(2)
                kind = "string" if s[start] in "\"'" else "scalar"
                self.values[path] = (start, end, kind)
                line = self.line_of(pos)
                cur.kvs.append(_KeyValue(path, line, line, kind))
                pos = end
                continue
            m = _SIMPLE_HEADER.match(s, pos)
            if m:
                cur = _Section(tuple(m.group(1).split(".")), "table", self.line_of(pos))
                self.sections.append(cur)
                pos = m.end()
                continue
            if s[pos] == "[":
                aot = s.startswith("[[", pos)
                key, end = self._key(pos + (2 if aot else 1))
                close = "]]" if aot else "]"
                if not s.startswith(close, end):
                    raise _Scan
                cur = _Section(key, "array" if aot else "table", self.line_of(pos))
                self.sections.append(cur)
                pos = end + len(close)
            else:
                first = self.line_of(pos)
                key, pos = self._key(pos)
                if s[pos] != "=":
                    raise _Scan
                pos = _WS.match(s, pos + 1).end()
                path = cur.path + key
                start = pos
                pos, kind = self._value(pos, path)
                self.values[path] = (start, pos, kind)
                cur.kvs.append(_KeyValue(path, first, self.line_of(pos - 1), kind))

    def _key(self, pos: int) -> tuple[Path, int]:
        s = self.text
        parts: list[str] = []
        while True:
            pos = _WS.match(s, pos).end()
            c = s[pos]
            if c == '"':
                m = _BASIC_STR.match(s, pos)
                parts.append(_unescape(m.group()[1:-1]))
            elif c == "'":
                m = _LITERAL_STR.match(s, pos)
                parts.append(m.group()[1:-1])
            else:
                m = _BARE_KEY.match(s, pos)
                parts.append(m.group())
            pos = _WS.match(s, m.end()).end()
            if s[pos] != ".":
                return tuple(parts), pos
            pos += 1

    def _value(self, pos: int, path: Path | None) -> tuple[int, str]:
        s = self.text
        c = s[pos]
        if c == '"':
            if s.startswith('"""', pos):
                return self._ml_basic_end(pos + 3), "string"
            return _BASIC_STR.match(s, pos).end(), "string"
        if c == "'":
            if s.startswith("'''", pos):
                end = s.index("'''", pos + 3) + 3
                while end < len(s) and s[end] == "'":
                    end += 1
                return end, "string"
            return _LITERAL_STR.match(s, pos).end(), "string"
        if c == "[":
            pos += 1
            while True:
                pos = _SKIP.match(s, pos).end()
                if s[pos] == "]":
                    return pos + 1, "array"
                pos, _ = self._value(pos, None)
                pos = _SKIP.match(s, pos).end()
                if s[pos] == ",":
                    pos += 1
        if c == "{":
            after_last = pos + 1
            empty = True
            pos += 1
            while True:
                pos = _SKIP.match(s, pos).end()
                if s[pos] == "}":
                    if path is not None:
                        self.inlines[path] = _Inline(pos, after_last, empty)
                    return pos + 1, "inline"
                key, pos = self._key(pos)
                if s[pos] != "=":
                    raise _Scan
                pos = _WS.match(s, pos + 1).end()
                sub = None if path is None else path + key
                start = pos
                pos, kind = self._value(pos, sub)
                if sub is not None:
                    self.values[sub] = (start, pos, kind)
                after_last, empty = pos, False
                pos = _SKIP.match(s, pos).end()
                if s[pos] == ",":
                    pos += 1
        m = _DATETIME.match(s, pos) or _SCALAR.match(s, pos)
        return m.end(), "scalar"

    def _ml_basic_end(self, pos: int) -> int:
        s = self.text
        while True:
            i = _ML_STOP.search(s, pos).start()
            if s[i] == "\\":
                pos = i + 2
                continue
            j = i
            while j < len(s) and s[j] == '"':
                j += 1
            if j - i >= 3:
                return j
            pos = j

    # -- layout
    def last_line(self, index: int) -> int:
        """Last line holding content of section ``index`` (-1: empty root)."""
        sec = self.sections[index]
        return sec.kvs[-1].last_line if sec.kvs else sec.header_line

    def anchor_after(self, index: int) -> int:
        """Line before which text following section ``index`` is inserted.

        Comment lines right below the section's last key stay with it; a comment
        block directly above the next header belongs to that header, so the
        anchor is the first blank line of the gap (or right after the last key
        when the gap has no blank line).  After the last section, trailing
        comments stay with it.
        """
        last = self.last_line(index)
        has_next = index + 1 < len(self.sections)
        stop = self.sections[index + 1].header_line if has_next else self.nlines
        for line in range(last + 1, stop):
            if self.is_blank(line):
                return line
        return last + 1 if has_next else self.nlines

    def contributors(self) -> dict[Path, int]:
        """Map each table path to the last section index whose text defines part of it."""
        out: dict[Path, int] = {}
        for index, sec in enumerate(self.sections):
            p = sec.path
            for k in range(len(p) + 1):
                out[p[:k]] = index
            base = len(p)
            for kv in sec.kvs:
                q = kv.path
                top = len(q) if kv.kind == "inline" else len(q) - 1
                for k in range(base + 1, top + 1):
                    out[q[:k]] = index
        return out

    def defined_at(self, path: Path) -> int | None:
        """1-based line where ``path`` is written (header or key), if found."""
        for sec in self.sections:
            if sec.path == path and sec.kind != "root":
                return sec.header_line + 1
            for kv in sec.kvs:
                if kv.path[: len(path)] == path:
                    return kv.first_line + 1
        return None


# --------------------------------------------------------------------------- planning


@dataclass(eq=False)
class _Block:
    path: Path
    lines: list[str]


class _Plan:
    """Ordered sections of the document plus the new blocks placed among them."""

    _EOF = -1

    # The order is a linked list whose items carry integer labels that grow along it: a block
    # goes right after an item, labelled halfway to the next one. Finding "the last item
    # under this prefix" is then one comparison per prefix, not a search of the list: with
    # list.index over every placed block, add-env on 2,000 tables took seconds (cubic).
    def __init__(self, doc: _Document, capacity: int = 64):
        self.doc = doc
        items: list[int | _Block] = [*range(len(doc.sections)), self._EOF]
        # Each insertion at most halves one gap, so gaps of 2**(capacity + 1) never close.
        self._gap = 1 << (capacity + 1)
        self._head = items[0]
        self._tail = items[-1]
        self._next: dict[int, int | _Block | None] = {}
        self._label: dict[int, int] = {}
        for i, item in enumerate(items):
            self._label[self._id(item)] = i * self._gap
            self._next[self._id(item)] = items[i + 1] if i + 1 < len(items) else None
        self.last = doc.contributors()
        # Per key prefix, the placed block furthest down the document under it.
        self._furthest: dict[Path, _Block] = {}

    @staticmethod
    def _id(item: int | _Block) -> int:
        # Sections are small ints (EOF is -1); blocks are keyed by identity, kept apart.
        return item if isinstance(item, int) else ~id(item) - (1 << 70)

    def _after(self, item: int | _Block) -> int:
        return self._label[self._id(item)]

    @property
    def seq(self) -> list[int | _Block]:
        """Sections (by index, then _EOF) and placed blocks, in document order."""
        out: list[int | _Block] = []
        item: int | _Block | None = self._head
        while item is not None:
            out.append(item)
            item = self._next[self._id(item)]
        return out

    def place(self, block: _Block) -> None:
        path = block.path
        at: int | _Block = self._tail  # default: end of file, after blocks placed there
        for k in range(len(path) - 1, 0, -1):
            prefix = path[:k]
            cands: list[int | _Block] = []
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
        groups: dict[int, list[_Block]] = {}
        real = 0
        anchor: int | None = None
        for item in self.seq:
            if isinstance(item, _Block):
                if anchor is None:
                    anchor = doc.nlines if real == self._EOF else doc.anchor_after(real)
                groups.setdefault(anchor, []).append(item)
            else:
                real, anchor = item, None
        pieces: list[str] = []
        done = 0
        for line in sorted(groups):
            offset, chunk = _chunk(doc, line, [b.lines for b in groups[line]], separate=True)
            pieces.append(doc.text[done:offset])
            pieces.append(chunk)
            done = offset
        pieces.append(doc.text[done:])
        return "".join(pieces)


def _chunk(
    doc: _Document, line: int, blocks: list[list[str]], *, separate: bool
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


def _check_new_table(tree: dict[str, Any], doc: _Document, path: Path) -> None:
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
            raise refuse(path, f"{_header(path)} already exists")
        start = f"cannot add {_header(path)}: {_dotted(prefix)} is"
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


def _add_key(doc: _Document, tree: dict[str, Any], full: Path, value: Any) -> tuple[str, range]:
    """Insert a missing key; return the new text and the original lines it changed."""
    text = doc.text
    parent, leaf = full[:-1], full[-1]
    rendered = _render(value, full)

    # Inside an inline table (at any depth): add the entry within the braces.
    owner = next((parent[:k] for k in range(len(parent), 0, -1) if parent[:k] in doc.inlines), None)
    if owner is not None:
        info = doc.inlines[owner]
        entry = f"{_dotted(full[len(owner) :])} = {rendered}"
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
            return _insert_kv(doc, index, _dotted((leaf,)), rendered), range(0)

    # The table is defined by dotted keys: add another dotted key next to them.
    hit: tuple[int, _KeyValue] | None = None
    for index, sec in enumerate(doc.sections):
        base = len(sec.path)
        for kv in sec.kvs:
            if base < len(parent) < len(kv.path) and kv.path[: len(parent)] == parent:
                hit = (index, kv)
    if hit is not None:
        index, kv = hit
        sec = doc.sections[index]
        key = _dotted(full[len(sec.path) :])
        return _insert_kv(doc, index, key, rendered, after=kv), range(0)

    # The table only exists implicitly (through sub-table headers): define it
    # right before the first of them.
    contributing = [
        i for i, sec in enumerate(doc.sections) if i and sec.path[: len(parent)] == parent
    ]
    exists = _get(tree, parent) is not None
    if parent and exists and contributing:
        line = doc.anchor_after(contributing[0] - 1)
        block = [_header(parent), f"{_key(leaf)} = {rendered}"]
        offset, chunk = _chunk(doc, line, [block], separate=True)
        return text[:offset] + chunk + text[offset:], range(0)

    # The table does not exist: add it as a new table.
    _check_new_table(tree, doc, parent)
    plan = _Plan(doc)
    plan.place(_Block(parent, [_header(parent), f"{_key(leaf)} = {rendered}"]))
    return plan.render(), range(0)


def _insert_kv(
    doc: _Document, index: int, key: str, rendered: str, *, after: _KeyValue | None = None
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
        offset, chunk = _chunk(doc, line, [[f"{key} = {rendered}"]], separate=False)
        if line < doc.nlines and not doc.is_blank(line):
            chunk += doc.eol_before(line)
        return text[:offset] + chunk + text[offset:]
    else:
        line = sec.header_line + 1
        indent = ""
    offset, chunk = _chunk(doc, line, [[f"{indent}{key} = {rendered}"]], separate=False)
    return text[:offset] + chunk + text[offset:]


# --------------------------------------------------------------------------- verification


def _verify(
    original: str, result: str, expected: dict[str, Any], *, changed: range | tuple
) -> None:
    _check_parses_to(result, expected)
    if not _lines_survive(original.split("\n"), result.split("\n"), set(changed)):
        raise TomlEditError("refusing to write: the edit would alter existing lines")


def _check_parses_to(result: str, expected: dict[str, Any]) -> None:
    """The edited text must be TOML that parses to exactly the intended tree."""
    try:
        got = tomllib.loads(result)
    except tomllib.TOMLDecodeError as exc:
        raise TomlEditError(
            f"refusing to write: the edit would produce invalid TOML ({exc})"
        ) from None
    if not _same(got, expected):
        raise TomlEditError(
            "refusing to write: the edited file would not parse to the intended config"
        )


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


def _same(a: Any, b: Any) -> bool:
    """Type-strict deep equality (``1 == 1.0 == True`` must not pass)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _merged(tree: dict[str, Any], path: Path, value: Any, *, leaf_value: bool = False) -> dict:
    """Copy of ``tree`` with ``value`` stored at ``path`` (tables are merged)."""
    out = dict(tree)
    node = out
    last = len(path) - 1
    for i, key in enumerate(path):
        if i == last and leaf_value:
            node[key] = value
            break
        child = node.get(key)
        if child is None:
            child = {}
        elif not isinstance(child, dict):
            raise TomlEditError(f"{_dotted(path[: i + 1])} is already a value, not a table")
        child = dict(child)
        node[key] = child
        node = child
        if i == last:
            clash = sorted(set(child) & set(value))
            if clash:
                raise TomlEditError(f"{_dotted((*path, clash[0]))} is set twice")
            child.update(value)
    return out


def _plain(value: Any) -> Any:
    """The value as tomllib would return it (tuples become lists)."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _get(tree: dict[str, Any], path: Path) -> Any:
    node: Any = tree
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _load(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, col, msg = _error_location(text, exc)
        raise TomlEditError(f"line {line}, column {col}: {msg}", line=line, column=col) from None


_AT = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


def _error_location(text: str, exc: tomllib.TOMLDecodeError) -> tuple[int, int, str]:
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


# --------------------------------------------------------------------------- rendering

_ESCAPES = {i: f"\\u{i:04X}" for i in [*range(0x20), 0x7F]}
_ESCAPES.update({ord("\b"): "\\b", ord("\t"): "\\t", ord("\n"): "\\n", ord("\f"): "\\f"})
_ESCAPES.update({ord("\r"): "\\r", ord('"'): '\\"', ord("\\"): "\\\\"})


def _quote(s: str) -> str:
    return '"' + s.translate(_ESCAPES) + '"'


def _key(k: str) -> str:
    return k if _BARE_KEY.fullmatch(k) else _quote(k)


def _dotted(path: Path) -> str:
    return ".".join(_key(k) for k in path)


def _header(path: Path) -> str:
    return f"[{_dotted(path)}]"


def _render(value: Any, path: Path) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    if isinstance(value, _dt.time) and value.tzinfo is None:
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_render(v, path) for v in value) + "]"
    raise TomlEditError(f"unsupported value for {_dotted(path)}: {type(value).__name__}")
