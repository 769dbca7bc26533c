"""Where each key and table header of a TOML file is: {path: line}, for findings.

A single pass over text that tomllib has already accepted, so it only has to tell keys from
values (strings, multi-line strings and arrays can hide `=`, `[` and `#`), not validate.
Dotted keys, quoted keys and inline tables give paths like any table header does; a table
that is only implied (`[a.b.c]` implies `a` and `a.b`) gets the line that first implied it.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left

Path = tuple[str, ...]

_SPACE = re.compile(r"[ \t]*")
# Whitespace, comments and newlines: between statements and inside arrays.
_BLANK = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_BASIC = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_LITERAL = re.compile(r"'[^'\n]*'")
_SCALAR = re.compile(r"[^,\]}\n#]*")


def index_lines(text: str) -> dict[Path, int]:
    """Every key path and table header path in `text`, with its 1-based line."""
    return _Indexer(text).run()


class _Indexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.lines: dict[Path, int] = {}

    def line_at(self, position: int) -> int:
        return bisect_left(self.newlines, position) + 1

    def record(self, path: Path, position: int) -> None:
        line = self.line_at(position)
        for end in range(1, len(path) + 1):
            self.lines.setdefault(path[:end], line)

    def run(self) -> dict[Path, int]:
        text, size = self.text, len(self.text)
        table: Path = ()
        i = 0
        while True:
            i = _BLANK.match(text, i).end()
            if i >= size:
                return self.lines
            start = i
            if text[i] == "[":
                double = text.startswith("[[", i)
                keys, i = self.keys(i + (2 if double else 1))
                i = _SPACE.match(text, i).end() + (2 if double else 1)
                table = tuple(keys)
                self.record(table, start)
            else:
                keys, i = self.keys(i)
                i = _SPACE.match(text, i).end() + 1  # '='
                i = _SPACE.match(text, i).end()
                path = table + tuple(keys)
                self.record(path, start)
                i = self.value(i, path)
            # The rest of the line: spaces and a comment.
            i = _SPACE.match(text, i).end()
            if i < size and text[i] == "#":
                newline = text.find("\n", i)
                i = size if newline < 0 else newline

    def keys(self, i: int) -> tuple[list[str], int]:
        text = self.text
        keys = []
        while True:
            i = _SPACE.match(text, i).end()
            char = text[i]
            if char == '"':
                match = _BASIC.match(text, i)
                keys.append(tomllib.loads(f"k = {match.group()}")["k"])
            elif char == "'":
                match = _LITERAL.match(text, i)
                keys.append(match.group()[1:-1])
            else:
                match = _BARE_KEY.match(text, i)
                keys.append(match.group())
            i = _SPACE.match(text, match.end()).end()
            if i < len(text) and text[i] == ".":
                i += 1
                continue
            return keys, i

    def value(self, i: int, path: Path) -> int:
        text = self.text
        if text.startswith('"""', i):
            return self._multiline(i, '"""', escapes=True)
        if text.startswith("'''", i):
            return self._multiline(i, "'''", escapes=False)
        char = text[i]
        if char == '"':
            return _BASIC.match(text, i).end()
        if char == "'":
            return _LITERAL.match(text, i).end()
        if char == "[":
            i += 1
            while True:
                i = _BLANK.match(text, i).end()
                if text[i] == "]":
                    return i + 1
                i = self.value(i, path)
                i = _BLANK.match(text, i).end()
                if text[i] == ",":
                    i += 1
        if char == "{":
            i += 1
            while True:
                i = _SPACE.match(text, i).end()
                if text[i] == "}":
                    return i + 1
                start = i
                keys, i = self.keys(i)
                i = _SPACE.match(text, i).end() + 1
                i = _SPACE.match(text, i).end()
                inner = path + tuple(keys)
                self.record(inner, start)
                i = self.value(i, inner)
                i = _SPACE.match(text, i).end()
                if text[i] == ",":
                    i += 1
        return _SCALAR.match(text, i).end()

    def _multiline(self, i: int, quotes: str, *, escapes: bool) -> int:
        text = self.text
        j = i + 3
        while True:
            j = text.find(quotes, j)
            if j < 0:
                return len(text)
            if escapes:
                before = j
                while before > i and text[before - 1] == "\\":
                    before -= 1
                if (j - before) % 2:
                    j += 1
                    continue
            end = j + 3
            # Up to two quotes may end the content just before the delimiter.
            while end < len(text) and text[end] == quotes[0] and end - j < 5:
                end += 1
            return end
