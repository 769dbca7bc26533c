"""The parsed tree an edit should produce: the input's tree with one change made.

The verifier compares the edited text's tree with this one, so these helpers never touch
text; `load` parses an edit's input, refusing malformed TOML with its position.
"""

from __future__ import annotations

import copy
import functools
import tomllib
from typing import Any

from scaffolder.toml.errors import TomlEditError, error_location, error_text
from scaffolder.toml.values import dotted

Path = tuple[str, ...]


class TomlText(str):
    """A TOML text that carries its parsed tree, parsed once, when first asked for.

    What an edit returns: it parsed its result to verify it, and that tree comes along, so the
    next edit (or the caller) reads the tree rather than parsing the text again. A TOML
    text read from disk becomes one where it is first parsed. Any str operation on it (a
    slice, a concatenation) gives a plain str, which `load` parses afresh: the tree can only
    ever belong to this exact text. The tree is shared, so nothing may change it: the edits
    build their expected trees as copies (`merged`, `without`)."""

    @functools.cached_property
    def tree(self) -> dict[str, Any]:
        # A TOMLDecodeError is raised to the reader, and not kept: the next read raises again.
        return tomllib.loads(self)

    @classmethod
    def parsed_as(cls, text: str, tree: dict[str, Any]) -> TomlText:
        """`text`, whose tree the caller has just parsed."""
        known = cls(text)
        known.__dict__["tree"] = tree
        return known


def load(text: str) -> dict[str, Any]:
    """The tree of an edit's input: its own when it is a TomlText, else parsed now."""
    try:
        return text.tree if isinstance(text, TomlText) else tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, col, _msg = error_location(exc, text)
        raise TomlEditError(error_text(exc, text), line=line, column=col) from None


def merged(tree: dict[str, Any], path: Path, value: Any, *, leaf_value: bool = False) -> dict:
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
            raise TomlEditError(f"{dotted(path[: i + 1])} is already a value, not a table")
        child = dict(child)
        node[key] = child
        node = child
        if i == last:
            clash = sorted(set(child) & set(value))
            if clash:
                raise TomlEditError(f"{dotted((*path, clash[0]))} is set twice")
            child.update(value)
    return out


class MergedCopy:
    """A copy of a tree that tables are merged into one after the other, as `merged` would
    merge each (same result, same errors), copying each dict on the way once rather than once
    per table: add-env adds 2,000 tables under one `databases`."""

    def __init__(self, tree: dict[str, Any]):
        self.tree = dict(tree)
        self._copies = {id(self.tree)}

    def merge(self, path: Path, value: dict[str, Any]) -> None:
        node = self.tree
        for i, key in enumerate(path):
            child = node.get(key)
            if child is None:
                child = {}
            elif not isinstance(child, dict):
                raise TomlEditError(f"{dotted(path[: i + 1])} is already a value, not a table")
            if id(child) not in self._copies:
                child = dict(child)
                self._copies.add(id(child))
                node[key] = child
            node = child
        clash = sorted(set(node) & set(value))
        if clash:
            raise TomlEditError(f"{dotted((*path, clash[0]))} is set twice")
        node.update(value)


def plain(value: Any) -> Any:
    """The value as tomllib would return it (tuples become lists)."""
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def get(tree: dict[str, Any], path: Path) -> Any:
    node: Any = tree
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def without(tree: dict[str, Any], full: Path) -> dict[str, Any]:
    """A deep copy of ``tree`` without the key at ``full``."""
    out = copy.deepcopy(tree)
    delete(out, full)
    return out


def delete(tree: dict[str, Any], full: Path) -> None:
    node = tree
    for key in full[:-1]:
        node = node[key]
    del node[full[-1]]
