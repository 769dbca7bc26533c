"""One pass over a TOML file that knows where every table, key and value is.

Both the edits (where to splice, which lines a statement spans, which tables are inline) and
`check` (the line of every key and table, for findings) read a file through `Document`. The
input is known to be valid TOML (tomllib parsed it first), so the scanner only has to tell
keys from values (strings, multi-line strings and arrays can hide `=`, `[` and `#`), not
validate.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from scaffolder.toml.errors import TomlEditError
from scaffolder.toml.values import BARE_KEY

Path = tuple[str, ...]

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
class KeyValue:
    path: Path  # absolute key path
    first_line: int
    last_line: int
    kind: str  # "string" | "scalar" | "array" | "inline"


@dataclass
class Section:
    path: Path
    kind: str  # "root" | "table" | "array"
    header_line: int  # -1 for the root section
    kvs: list[KeyValue] = field(default_factory=list)


@dataclass
class Inline:
    close: int  # offset of "}"
    after_last: int  # offset just after the last value (or after "{" when empty)
    empty: bool


class _Scan(Exception):
    pass


# Every part of these two is optional, so they match at any position: never None.
_skip = cast(Callable[[str, int], re.Match[str]], _SKIP.match)
_ws = cast(Callable[[str, int], re.Match[str]], _WS.match)


def _must(pattern: re.Pattern[str], s: str, pos: int) -> re.Match[str]:
    """The match at ``pos``; tomllib accepted the text, so a miss means the scanner is wrong
    (the edit is then refused, see Document)."""
    m = pattern.match(s, pos)
    if m is None:
        raise _Scan
    return m


def _end(pattern: re.Pattern[str], s: str, pos: int) -> int:
    return _must(pattern, s, pos).end()


class Document:
    """Where every table header, key/value statement and inline table lives."""

    def __init__(self, text: str, *, scan: bool = True):
        """`scan=False` reads the lines only (where each starts, their line endings), not the
        tables: for text appended at the end of the file, which needs no table's place."""
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
        self.sections: list[Section] = [Section((), "root", -1)]
        self.values: dict[Path, tuple[int, int, str]] = {}
        self.inlines: dict[Path, Inline] = {}
        # Keys written inside inline tables (arrays included), with their 0-based line: the
        # only statements `lines` needs that sections and their keys do not list.
        self._inline_keys: list[tuple[Path, int]] = []
        if not scan:
            return
        try:
            self._scan()
        except (_Scan, AttributeError, IndexError, KeyError, ValueError):
            raise TomlEditError("could not analyse the file structure; no edit made") from None

    # -- helpers
    @functools.cached_property
    def lines(self) -> dict[Path, int]:
        """The 1-based line of every key and table path, inline tables' keys included: where
        `check` points its findings. A table only implied (``[a.b.c]`` implies ``a.b``) gets
        the first line that implies it. Built on first use: edits never need it."""
        out: dict[Path, int] = {}
        setdefault = out.setdefault
        statements: list[tuple[Path, int]] = []
        for sec in self.sections:
            statements.append((sec.path, sec.header_line))  # the root's path is ()
            statements.extend((kv.path, kv.first_line) for kv in sec.kvs)
        # An inline table's keys are under its own key, which no other statement can extend.
        for path, line in statements + self._inline_keys:
            for end in range(1, len(path) + 1):
                setdefault(path[:end], line + 1)
        return out

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
            pos = _skip(s, pos).end()
            if pos >= n:
                return
            m = _SIMPLE_KV.match(s, pos)
            if m:  # fast path: bare key = one-line string or bare scalar
                path = (*cur.path, m.group(1))
                start, end = m.span(2)
                kind = "string" if s[start] in "\"'" else "scalar"
                self.values[path] = (start, end, kind)
                line = self.line_of(pos)
                cur.kvs.append(KeyValue(path, line, line, kind))
                pos = end
                continue
            m = _SIMPLE_HEADER.match(s, pos)
            if m:
                cur = Section(tuple(m.group(1).split(".")), "table", self.line_of(pos))
                self.sections.append(cur)
                pos = m.end()
                continue
            if s[pos] == "[":
                aot = s.startswith("[[", pos)
                key, end = self._key(pos + (2 if aot else 1))
                close = "]]" if aot else "]"
                if not s.startswith(close, end):
                    raise _Scan
                cur = Section(key, "array" if aot else "table", self.line_of(pos))
                self.sections.append(cur)
                pos = end + len(close)
            else:
                first = self.line_of(pos)
                key, pos = self._key(pos)
                if s[pos] != "=":
                    raise _Scan
                pos = _ws(s, pos + 1).end()
                path = cur.path + key
                start = pos
                pos, kind = self._value(pos, path, path)
                self.values[path] = (start, pos, kind)
                cur.kvs.append(KeyValue(path, first, self.line_of(pos - 1), kind))

    def _key(self, pos: int) -> tuple[Path, int]:
        s = self.text
        parts: list[str] = []
        while True:
            pos = _ws(s, pos).end()
            c = s[pos]
            if c == '"':
                m = _must(_BASIC_STR, s, pos)
                parts.append(_unescape(m.group()[1:-1]))
            elif c == "'":
                m = _must(_LITERAL_STR, s, pos)
                parts.append(m.group()[1:-1])
            else:
                m = _must(BARE_KEY, s, pos)
                parts.append(m.group())
            pos = _ws(s, m.end()).end()
            if s[pos] != ".":
                return tuple(parts), pos
            pos += 1

    def _value(self, pos: int, path: Path | None, where: Path) -> tuple[int, str]:
        """End offset and kind of the value at ``pos``. ``path`` is the value's key path, None
        inside an array (no edit reaches there); ``where`` is the path the line index uses
        for keys of inline tables, arrays included."""
        s = self.text
        c = s[pos]
        if c in "\"'":
            return self._string_end(pos), "string"
        if c == "[":
            return self._array_end(pos, where), "array"
        if c == "{":
            return self._inline_end(pos, path, where), "inline"
        m = _DATETIME.match(s, pos) or _must(_SCALAR, s, pos)
        return m.end(), "scalar"

    def _string_end(self, pos: int) -> int:
        """After the basic or literal string, one line or several, that starts at ``pos``."""
        s = self.text
        if s[pos] == '"':
            if s.startswith('"""', pos):
                return self._ml_basic_end(pos + 3)
            return _end(_BASIC_STR, s, pos)
        if s.startswith("'''", pos):
            end = s.index("'''", pos + 3) + 3
            while end < len(s) and s[end] == "'":
                end += 1
            return end
        return _end(_LITERAL_STR, s, pos)

    def _array_end(self, pos: int, where: Path) -> int:
        """After the array that starts at ``pos`` (its values are scanned, not recorded)."""
        s = self.text
        pos += 1
        while True:
            pos = _skip(s, pos).end()
            if s[pos] == "]":
                return pos + 1
            pos, _ = self._value(pos, None, where)
            pos = _skip(s, pos).end()
            if s[pos] == ",":
                pos += 1

    def _inline_end(self, pos: int, path: Path | None, where: Path) -> int:
        """After the inline table that starts at ``pos``; records its keys' lines, and (where
        ``path`` names it) the table and its values for edits."""
        s = self.text
        after_last = pos + 1
        empty = True
        pos += 1
        while True:
            pos = _skip(s, pos).end()
            if s[pos] == "}":
                if path is not None:
                    self.inlines[path] = Inline(pos, after_last, empty)
                return pos + 1
            line = self.line_of(pos)
            key, pos = self._key(pos)
            self._inline_keys.append((where + key, line))
            if s[pos] != "=":
                raise _Scan
            pos = _ws(s, pos + 1).end()
            sub = None if path is None else path + key
            start = pos
            pos, kind = self._value(pos, sub, where + key)
            if sub is not None:
                self.values[sub] = (start, pos, kind)
            after_last, empty = pos, False
            pos = _skip(s, pos).end()
            if s[pos] == ",":
                pos += 1

    def _ml_basic_end(self, pos: int) -> int:
        s = self.text
        while True:
            found = _ML_STOP.search(s, pos)
            if found is None:
                raise _Scan
            i = found.start()
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


def index_lines(text: str) -> dict[Path, int]:
    """Every key path and table header path in ``text``, with its 1-based line; a table that
    is only implied (``[a.b.c]`` implies ``a`` and ``a.b``) gets the line that first implied
    it. Keys inside inline tables count, in arrays too (``a = [{b = 1}]`` gives ``a.b``)."""
    return Document(text).lines
