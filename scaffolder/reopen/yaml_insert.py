"""Adding entries to a YAML file someone else wrote, as text, in the file's own style.

A round trip through a YAML library re-indents a 4-space file to 2 spaces, moves comments
and drops the layout of commented-out blocks, so a file protean-init did not write is never
re-serialised. Instead the file is scanned line by line to find each top-level block mapping
(`services:`, `volumes:`) and the indent of its children; each new entry is rendered on its
own (ruamel, indented as the file indents) and spliced in after the mapping's last entry.
The result is then verified, as domain.toml edits are: it parses, it parses to exactly the
old document plus the new entries (anchors, aliases and `<<:` merge keys resolved on both
sides), and every original line survives unchanged and in order. A flow mapping
(`services: {db: {...}}`) gains its entries as flow text inside its braces; the line it ends
on then differs from the original by exactly that inserted text, which is verified too.
Anything else is refused with a one-line reason, and the caller keeps the file as it is.

Public API: :class:`YamlInsertError`, :func:`load_plain`, :func:`add_entries`,
:func:`insert_item` (an item of a block sequence, before another).
"""

from __future__ import annotations

import io
import itertools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class YamlInsertError(Exception):
    """The entries cannot be added as text; the message is one line naming why."""


def load_plain(text: str) -> Any:
    """The document as plain data (aliases and merge keys resolved)."""
    # deferred: ruamel.yaml ~11 ms, ruamel.yaml.error ~11 ms (CPU, measured): `edit --ui none`
    # imports this module without them
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return YAML(typ="safe", pure=True).load(text)
    except YAMLError as error:
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise YamlInsertError(f"{where}not valid YAML ({problem})") from None


@dataclass(frozen=True)
class Style:
    """How the file indents: children of a top-level key, nested mappings, sequence dashes."""

    child: int = 2  # column of the new entries (`services:` -> `  db:`)
    mapping: int = 2  # one level of nesting below them
    dash: int = 2  # columns from a key to the `-` of its block sequence items


_TOP_KEY = re.compile(
    r"""^(?:"([^"]*)"|'([^']*)'|([^\s#'"{\[&*!|>%@`-][^:#]*?))[ \t]*:(?:[ \t]|$)"""
)
_ANCHOR_OR_TAG = re.compile(r"^(?:[&!][^\s]+[ \t]*)*$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_content(line: str) -> bool:
    """A line that is neither blank nor only a comment."""
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


@dataclass(frozen=True)
class _Top:
    """A key of a block mapping: its line, the line after its block's last content, its
    children's indent (None when the block has no content lines)."""

    line: int
    end: int
    child: int | None
    rest: str  # the text after `key:` on the header line, comment removed


def _keys_at(lines: list[str], start: int, stop: int, indent: int) -> dict[str, _Top]:
    """The keys of the block mapping whose keys sit at column `indent`, within lines
    [start, stop): where each is, where its block ends, its children's indent."""
    found: dict[str, _Top] = {}
    starts: list[tuple[str, int, str]] = []
    for i in range(start, stop):
        line = lines[i]
        if not _is_content(line) or _indent(line) != indent or line[indent] == "\t":
            continue
        body = line[indent:]
        m = _TOP_KEY.match(body)
        if not m or (indent == 0 and body.startswith(("---", "..."))):
            starts.append(("", i, ""))  # a sequence item, a document marker: no key of ours
            continue
        key = next(g for g in m.groups() if g is not None).strip()
        rest = body[m.end() :].strip()
        rest = "" if rest.startswith("#") else rest.split(" #", 1)[0].strip()
        starts.append((key, i, rest))
    for n, (key, i, rest) in enumerate(starts):
        if not key:
            continue
        end = starts[n + 1][1] if n + 1 < len(starts) else stop
        content = [j for j in range(i + 1, end) if _is_content(lines[j])]
        # Comments indented below the key after its last entry (a commented-out service)
        # stay inside its block, before what is added; a comment at the key's own column
        # introduces the next key.
        inside = [
            j
            for j in range(i + 1, end)
            if lines[j].strip() and (_is_content(lines[j]) or _indent(lines[j]) > indent)
        ]
        last = inside[-1] + 1 if inside else i + 1
        child = _indent(lines[content[0]]) if content else None
        found.setdefault(key, _Top(i, last, child, rest))
    return found


def detect_style(lines: list[str], block: _Top | None, child: int, step: int = 2) -> Style:
    """The file's indents, read from `block` (compose: services): the column of its children
    (else `child`), one level of nesting below them (else `step`), and where sequence dashes
    go."""
    mapping = dash = step
    if block is not None and block.child is not None:
        child = block.child
        body = [lines[j] for j in range(block.line + 1, block.end) if _is_content(lines[j])]
        keys = [line for line in body if not line.lstrip().startswith("- ")]
        deeper = sorted({_indent(line) for line in keys if _indent(line) > child})
        nested = [_indent(line) - child for line in body if _indent(line) > child]
        if deeper:
            mapping = deeper[0] - child
        elif nested:
            mapping = min(nested)
        # A dash right below a `key:` line: its offset from that key.
        for a, b in itertools.pairwise(body):
            if b.lstrip().startswith("- ") and a.rstrip().endswith(":"):
                dash = _indent(b) - _indent(a)
                break
        else:
            dash = mapping
    return Style(child=child, mapping=max(mapping, 1), dash=max(dash, 0))


def _render(name: str, value: Any, style: Style, indent: int) -> list[str]:
    # deferred: ruamel.yaml ~11 ms (CPU, measured): `edit --ui none` imports this module without it
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.width = 4096  # a long health-check command stays on its line
    yaml.indent(mapping=style.mapping, sequence=style.dash + 2, offset=style.dash)
    out = io.StringIO()
    yaml.dump({name: value}, out)
    pad = " " * indent
    return [pad + line if line else line for line in out.getvalue().rstrip("\n").split("\n")]


def _plain(value: Any) -> Any:
    """Round-trip nodes (CommentedMap, quoted scalars) as the plain data a safe load gives."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def add_entries(
    text: str,
    additions: Mapping[str, Mapping[str, Any]],
    *,
    prefer: str,
    under: tuple[str, ...] = (),
) -> str:
    """Return ``text`` with ``additions[key][name] = value`` for each entry, inserted as text.

    The keys are top-level ones, or keys of the block mapping at ``under`` (a GitHub job:
    ``("jobs", "integration")``). A missing key is added after the last line of its parent
    block (of the file, at the top). ``prefer`` names the block whose indentation the new
    entries copy (compose: ``services``). A key written as a flow mapping
    (``services: {db: ...}``, on its line or the next, over any number of lines) gains the
    entries inside its braces, in flow style: text inserted after its last entry, nothing
    else touched. Raises :class:`YamlInsertError` when the file is not a block mapping there
    (the whole document in flow style), when a key to extend is an alias or holds a scalar,
    when a name already exists, or when verification fails.
    """
    old = _top_mapping(text)
    additions = {top: dict(entries) for top, entries in additions.items() if entries}
    if not additions:
        return text
    lines, cr, final = _lines_of(text)
    bare = [line.removesuffix("\r") for line in lines]
    level, tops, parent_end, here = _block_under(bare, old, under)
    # One level of the file's indentation: what its first top-level block indents by.
    step = next((b.child for b in _keys_at(bare, 0, len(bare), 0).values() if b.child), 2)
    style = detect_style(bare, tops.get(prefer), level + step, step)
    inserts: dict[int, list[str]] = {}
    flows: dict[int, tuple[int, str]] = {}  # line -> (column, text inserted there)
    expected = _plain(old)
    target = expected
    for key in under:
        target = target[key]
    for top, entries in additions.items():
        _check_addable(top, entries, here, tops)
        # What the result must parse to: the entries under `top`, however they are written.
        node = target.get(top)
        if not isinstance(node, dict):
            node = target[top] = {}  # absent, or `top:` with nothing under it yet
        node.update({name: _plain(value) for name, value in entries.items()})
        flow = _flow_start(bare, tops[top]) if top in tops else None
        if flow is not None:
            # `services: {db: {...}}`: the new entries go inside the braces, in flow style.
            line, column, text_added = _flow_insertion(bare, *flow, entries)
            if line in flows:
                raise YamlInsertError("two flow mappings end on one line; adding is refused")
            flows[line] = (column, text_added)
            continue
        if top in tops and not _ANCHOR_OR_TAG.match(tops[top].rest):
            raise YamlInsertError(
                f"`{top}:` is written as `{tops[top].rest}` (an alias or another form whose "
                "entries live elsewhere); protean-init adds only to mappings written in place"
            )
        known = tops.get(top)
        child = known.child if known is not None and known.child is not None else style.child
        rendered = [
            line for name, value in entries.items() for line in _render(name, value, style, child)
        ]
        if top in tops:
            inserts.setdefault(tops[top].end, []).extend(rendered)
        else:
            at = parent_end
            gap = [""] if level == 0 and at and bare[at - 1].strip() else []
            inserts.setdefault(at, []).extend([*gap, " " * level + f"{top}:", *rendered])
    result = _joined(lines, flows, inserts, cr, final)
    _verify(text, result, expected, flows)
    return result


def insert_item(
    text: str, under: tuple[str, ...], key: str, index: int, value: Mapping[str, Any]
) -> str:
    """Return ``text`` with the mapping ``value`` inserted, as text, before item ``index`` of
    the block sequence at ``under`` + ``key`` (a GitHub job's steps: ``("jobs", "test")``,
    ``"steps"``), at the items' column, followed by a blank line where the items are
    separated by one. Comment lines right above the item stay with it, below the new one.
    Raises :class:`YamlInsertError` when that sequence is not a block sequence written in
    place with one `-` line per item, or when verification fails."""
    old = _top_mapping(text)
    lines, cr, final = _lines_of(text)
    bare = [line.removesuffix("\r") for line in lines]
    _, tops, _, here = _block_under(bare, old, under)
    block, items = tops.get(key), here.get(key)
    if block is None or not isinstance(items, list) or not _ANCHOR_OR_TAG.match(block.rest):
        raise YamlInsertError(f"could not find a block sequence `{key}:` to add to")
    body = range(block.line + 1, block.end)
    dashes = [i for i in body if _is_content(bare[i]) and bare[i].lstrip().startswith("-")]
    column = min((_indent(bare[i]) for i in dashes), default=-1)
    starts = [i for i in dashes if _indent(bare[i]) == column]
    if len(starts) != len(items) or not 0 <= index < len(items):
        raise YamlInsertError(f"`{key}:` is not written one `- ` line per item")
    at = starts[index]
    while at - 1 > block.line and bare[at - 1].strip().startswith("#"):
        at -= 1  # the item's own comment stays on top of it
    step = next((b.child for b in _keys_at(bare, 0, len(bare), 0).values() if b.child), 2)
    rendered = _render_item(value, step)
    lines_added = [" " * column + line if line else line for line in rendered]
    if at - 1 > block.line and not bare[at - 1].strip():
        lines_added.append("")
    expected = _plain(old)
    target = expected
    for name in under:
        target = target[name]
    target[key].insert(index, _plain(value))
    result = _joined(lines, {}, {at: lines_added}, cr, final)
    _verify(text, result, expected)
    return result


def _render_item(value: Mapping[str, Any], step: int) -> list[str]:
    """``value`` as one block sequence item at column 0: `- key: ...`, the rest under it."""
    # deferred: ruamel.yaml ~11 ms (CPU, measured): `edit --ui none` imports this module without it
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.width = 4096
    yaml.indent(mapping=step, sequence=step + 2, offset=step)
    out = io.StringIO()
    yaml.dump(dict(value), out)
    body = out.getvalue().rstrip("\n").split("\n")
    return [("- " if n == 0 else "  ") + line if line else line for n, line in enumerate(body)]


def _lines_of(text: str) -> tuple[list[str], str, bool]:
    """The file's lines, each with its "\r" where CRLF, without the final newline; the "\r"
    to end an inserted line with; and whether the file ends with a newline."""
    crlf = "\r\n" in text
    final = text.endswith("\n") or not text
    lines = text.split("\n")
    if final:
        lines = lines[:-1]
    elif crlf:
        lines[-1] += "\r"  # handled as if terminated; the ending is taken off again in _joined
    return lines, "\r" if crlf else "", final


def _joined(
    lines: list[str],
    flows: Mapping[int, tuple[int, str]],
    inserts: Mapping[int, list[str]],
    cr: str,
    final: bool,
) -> str:
    """The lines with the flow text put in at its columns and the new lines before theirs."""
    out = list(lines)
    for at, (column, added) in flows.items():
        out[at] = out[at][:column] + added + out[at][column:]
    for at in sorted(inserts, reverse=True):
        out[at:at] = [line + cr for line in inserts[at]]
    result = "\n".join(out) + "\n" if out else ""
    if not final:
        result = result.removesuffix("\n").removesuffix("\r")  # keep "no final newline"
    return result


def _top_mapping(text: str) -> dict[str, Any]:
    """The file as plain data: a mapping (an empty file is an empty one)."""
    old = load_plain(text) if text.strip() else {}
    if old is None:
        old = {}
    if not isinstance(old, dict):
        raise YamlInsertError("the file is not a mapping at the top level")
    return old


def _block_under(
    bare: list[str], old: dict[str, Any], under: tuple[str, ...]
) -> tuple[int, dict[str, _Top], int, dict[str, Any]]:
    """Down to the block the keys belong to: its indentation, its keys' blocks, the line it
    ends before, and its data. Each step must be a block mapping written in place."""
    level, tops, parent_end, here = 0, _keys_at(bare, 0, len(bare), 0), len(bare), old
    for key in under:
        block = tops.get(key)
        if block is None or block.child is None or not isinstance(here.get(key), dict):
            raise YamlInsertError(f"could not find a block-style `{key}:` to add to")
        if not _ANCHOR_OR_TAG.match(block.rest):
            raise YamlInsertError(f"`{key}:` is written in flow style; adding to it is refused")
        level, parent_end, here = block.child, block.end, here[key]
        tops = _keys_at(bare, block.line + 1, block.end, block.child)
    return level, tops, parent_end, here


def _check_addable(
    top: str, entries: Mapping[str, Any], here: Mapping[str, Any], tops: Mapping[str, _Top]
) -> None:
    """`top` is absent, or a mapping on a line of its own, and has none of the names."""
    have = here.get(top)
    if top in here and have is not None and not isinstance(have, dict):
        raise YamlInsertError(f"`{top}:` is not a mapping in this file")
    if top in here and top not in tops:
        raise YamlInsertError(
            f"could not find a `{top}:` line at the start of a line (the whole file in "
            "flow style, or another unusual form); protean-init adds only to those"
        )
    clash = sorted(set(entries) & set(have or {}))
    if clash:
        raise YamlInsertError(f"{top}.{clash[0]} already exists")


def _verify(
    original: str, result: str, expected: Any, flows: Mapping[int, tuple[int, str]] = {}
) -> None:
    """The result parses to `expected`, and every original line is in it, in order: as it
    was, or (a line a flow mapping ends on) with exactly the inserted text at its column."""
    got = load_plain(result)
    if _plain(got) != expected:
        raise YamlInsertError("refusing to write: the result would not parse as intended")
    remaining = iter(result.split("\n"))
    old = original.split("\n")
    for index, line in enumerate(old):
        if index in flows:
            column, added = flows[index]
            line = line[:column] + added + line[column:]
        last = index == len(old) - 1
        accepted = {line, line + "\r"} if last and line else {line}
        if not any(candidate in accepted for candidate in remaining):
            raise YamlInsertError("refusing to write: an original line would change")


# --------------------------------------------------------------------------- flow style

_ANCHORS_TAGS = re.compile(r"(?:[&!][^\s{\[]*[ \t]+)*")


def _flow_start(lines: list[str], block: _Top) -> tuple[int, int] | None:
    """Where the flow mapping `{` of `block`'s value is (line, column): on the key's line
    (`services: {db: ...}`, an anchor or tag may come first) or alone on the next content
    line; None for a block mapping."""
    header = lines[block.line]
    if block.rest:
        indent = _indent(header)
        key = _TOP_KEY.match(header[indent:])
        if key is None:
            return None
        at = indent + key.end()
        at += len(header[at:]) - len(header[at:].lstrip(" \t"))
        at += _ANCHORS_TAGS.match(header, at).end() - at  # type: ignore[union-attr]
        return (block.line, at) if header[at : at + 1] == "{" else None
    for i in range(block.line + 1, block.end):
        if _is_content(lines[i]):
            body = lines[i].lstrip(" ")
            return (i, _indent(lines[i])) if body.startswith("{") else None
    return None


def _flow_insertion(
    lines: list[str], line: int, column: int, entries: Mapping[str, Any]
) -> tuple[int, int, str]:
    """Where in the flow mapping opening at (line, column) the entries go, and their text:
    right after its last entry (`, name: {...}`), after a trailing comma (` name: {...},`),
    or inside empty braces. Quoted scalars and comments are skipped; a mapping that does not
    close is refused."""
    depth = 0
    last: tuple[int, int] | None = None  # just after the last character of an entry
    comma = False
    i, j = line, column
    while i < len(lines):
        text = lines[i]
        while j < len(text):
            c = text[j]
            if c == "#" and (j == 0 or text[j - 1] in " \t"):
                break  # a comment: the rest of the line
            if c in "\"'":
                i, j = _skip_quoted(lines, i, j)
                text = lines[i]
                last, comma = (i, j), False
                continue
            if c in "{[":
                depth += 1
                if depth > 1:
                    last, comma = (i, j + 1), False
            elif c in "}]":
                depth -= 1
                if depth == 0:
                    if c != "}":
                        raise YamlInsertError("a flow mapping closes with `]`")
                    return _flow_text(lines, line, column, last, comma, entries)
                last, comma = (i, j + 1), False
            elif c not in " \t\r":
                last, comma = (i, j + 1), c == "," and depth == 1
            j += 1
        i, j = i + 1, 0
    raise YamlInsertError("a flow mapping does not close; adding to it is refused")


def _flow_text(
    lines: list[str],
    line: int,
    column: int,
    last: tuple[int, int] | None,
    comma: bool,
    entries: Mapping[str, Any],
) -> tuple[int, int, str]:
    items = ", ".join(f"{_flow_scalar(name)}: {_flow(value)}" for name, value in entries.items())
    if last is None:  # `{}`
        return line, column + 1, items
    at_line, at_column = last
    return at_line, at_column, f" {items}," if comma else f", {items}"


def _skip_quoted(lines: list[str], i: int, j: int) -> tuple[int, int]:
    """(line, column) just after the quoted scalar starting at lines[i][j]."""
    quote = lines[i][j]
    j += 1
    while i < len(lines):
        text = lines[i]
        while j < len(text):
            c = text[j]
            if quote == '"' and c == "\\":
                j += 2
                continue
            if c == quote:
                if quote == "'" and text[j + 1 : j + 2] == "'":
                    j += 2
                    continue
                return i, j + 1
            j += 1
        i, j = i + 1, 0
    raise YamlInsertError("a quoted value does not close; adding to it is refused")


_FLOW_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*")
_WORDS = frozenset({"yes", "no", "on", "off", "y", "n", "true", "false", "null"})


def _flow_scalar(value: Any) -> str:
    """A scalar for flow context: plain when it is a simple word YAML reads as text, else
    JSON (a JSON string or number is a YAML flow scalar)."""

    value = _plain(value)
    if isinstance(value, str) and _FLOW_PLAIN.fullmatch(value) and value.lower() not in _WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)


def _flow(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_flow_scalar(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _flow_scalar(value)
