"""`inputs.check_depth`, the guard every parsed file passes, held to its plain recursive
meaning over generated trees: it refuses nesting past MAX_DEPTH, else names the first number
that is not finite (in document order) with its key path."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scaffolder.errors import UsageError
from scaffolder.inputs import MAX_DEPTH, check_depth

_LEAVES = st.one_of(
    st.text(max_size=3),
    st.integers(),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
)
_TREES = st.recursive(
    _LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=2), inner),
    max_leaves=30,
)


def _deepest(value: Any, depth: int = 0) -> int:
    """The depth of the deepest table or list (the root is 0), -1 for none."""
    if isinstance(value, dict):
        children: Any = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return -1
    return max([depth, *(_deepest(child, depth + 1) for child in children)])


def _first_not_finite(value: Any, keys: tuple[str, ...] = ()) -> Any:
    if isinstance(value, dict):
        for key, child in value.items():
            found = _first_not_finite(child, (*keys, str(key)))
            if found is not None:
                return found
    elif isinstance(value, list):
        for child in value:
            found = _first_not_finite(child, keys)
            if found is not None:
                return found
    elif isinstance(value, float) and not math.isfinite(value):
        return keys, value
    return None


def _nested(tree: Any, levels: int) -> Any:
    for level in range(levels):
        tree = {f"k{level}": tree} if level % 2 else [tree]
    return tree


def _same(found: Any, expected: Any) -> bool:
    if found is None or expected is None:
        return found is expected
    (keys, number), (expected_keys, expected_number) = found, expected
    return keys == expected_keys and (number is expected_number or number == expected_number)


@settings(max_examples=400, deadline=None)
@given(tree=_TREES, levels=st.integers(0, MAX_DEPTH + 2))
def test_check_depth_is_its_recursive_meaning(tree: Any, levels: int) -> None:
    data = _nested(tree, levels)
    if _deepest(data) >= MAX_DEPTH:
        with pytest.raises(UsageError, match="nested more than"):
            check_depth(data, Path("f.toml"))
        return
    assert _same(check_depth(data, Path("f.toml")), _first_not_finite(data))


def test_the_first_number_not_finite_is_named_by_its_path() -> None:
    data = {"a": [1.0, {"b": 2.5}], "c": {"d": [math.inf, math.nan]}, "e": math.nan}
    assert check_depth(data, Path("f.toml")) == (("c", "d"), math.inf)
