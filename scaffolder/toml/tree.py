"""The parsed tree an edit should produce: the input's tree with one change made.

The verifier compares the edited text's tree with this one, so these helpers never touch
text; `load` parses an edit's input, refusing malformed TOML with its position.
"""

from __future__ import annotations

import copy
import tomllib
from typing import Any

from scaffolder.toml.errors import TomlEditError, error_location, error_text
from scaffolder.toml.values import dotted

Path = tuple[str, ...]


def parsed(text: str) -> dict[str, Any]:
    """``tomllib.loads(text)``, once per distinct text: one edit parses its input and its
    result in this layer, and the commands read the same two texts again (on a 2,000-table
    file each parse is 0.15-0.2 s). The tree is shared, so nothing may change it: the edits
    build their expected trees as copies (`merged`, `without`). Errors are not kept."""
    tree = _PARSED.get(text)
    if tree is None:
        tree = tomllib.loads(text)
        if len(_PARSED) >= _PARSED_KEEP:
            del _PARSED[next(iter(_PARSED))]
        _PARSED[text] = tree
    return tree


_PARSED: dict[str, dict[str, Any]] = {}
_PARSED_KEEP = 4  # an edit's input and result, with room for a second edit's


def load(text: str) -> dict[str, Any]:
    try:
        return parsed(text)
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
