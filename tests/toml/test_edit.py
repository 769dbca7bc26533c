"""scaffolder.toml.edit: insert_tables and set_value on real files and on generated documents
in every style (properties), large documents included."""

from __future__ import annotations

import tomllib
from typing import Any
from unittest import mock

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from scaffolder.toml import scan
from scaffolder.toml.edit import insert_tables, set_value
from scaffolder.toml.errors import TomlEditError

from .support import (
    KEYS,
    LAYER_SETTINGS,
    PROPERTY_SETTINGS,
    PROTEAN,
    REPORTS,
    TEXT,
    changed_lines,
    documents,
    lookup,
    merged,
    only_insertions,
    read_fixture,
    with_value,
)


@pytest.mark.parametrize("name", ["guide.domain.toml", "protean-new.domain.toml", "pyproject.toml"])
def test_fixture_set_values(name: str) -> None:
    text = read_fixture(name)
    root = PROTEAN if name == "pyproject.toml" else ()
    tree = tomllib.loads(text)
    for path, value in [
        (("databases", "default", "provider"), "sqlite"),
        (("production", "databases", "default", "provider"), "sqlite"),
        (("production", "databases", "default", "database_uri"), "${DB}"),
        (("databases", "default", "schema"), "public"),
        (("test", "databases", "default", "provider"), "memory"),
    ]:
        result = set_value(text, path, value, root=root)
        assert tomllib.loads(result) == with_value(tree, root + path, value)
        old = lookup(tree, root + path)
        if old is not None and old != value:
            assert len(changed_lines(text, result)) == 1
        else:
            assert only_insertions(text, result)


def test_set_value_keeps_comment_and_spacing() -> None:
    text = '[production.databases.default]\nprovider   =  "memory"   # changed by CI\r\nx = 1\n'
    result = set_value(text, ("production", "databases", "default", "provider"), "postgresql")
    assert result == (
        '[production.databases.default]\nprovider   =  "postgresql"   # changed by CI\r\nx = 1\n'
    )


def test_set_value_same_value_is_a_no_op() -> None:
    text = "[a]\nprovider = 'memory'\n"
    assert set_value(text, ("a", "provider"), "memory") is text


def test_set_value_inside_inline_tables() -> None:
    text = '[production]\ndatabases = { default = { provider = "memory" } }  # inline\n'
    result = set_value(text, ("production", "databases", "default", "provider"), "postgresql")
    assert result == (
        '[production]\ndatabases = { default = { provider = "postgresql" } }  # inline\n'
    )
    result = set_value(text, ("production", "databases", "default", "uri"), "${DB}")
    assert result == (
        '[production]\ndatabases = { default = { provider = "memory", uri = "${DB}" } }  # inline\n'
    )
    result = set_value(text, ("production", "databases", "reports", "provider"), "sqlite")
    assert result == (
        '[production]\ndatabases = { default = { provider = "memory" }, reports.provider = "sqlite"'
        " }  # inline\n"
    )
    assert set_value("a = {}\n", ("a", "b"), 1) == "a = { b = 1 }\n"


def test_set_value_root_without_keys() -> None:
    text = "# config\n\n[a]\nx = 1\n"
    assert set_value(text, ("debug",), True) == "# config\ndebug = true\n\n[a]\nx = 1\n"
    assert set_value("[a]\nx = 1\n", ("debug",), True) == "debug = true\n\n[a]\nx = 1\n"


def test_set_value_refusals() -> None:
    text = read_fixture("guide.domain.toml")
    with pytest.raises(TomlEditError, match="is a table"):
        set_value(text, ("production", "databases"), "x")
    with pytest.raises(TomlEditError, match="is a value"):
        set_value(text, ("debug", "x"), 1)
    with pytest.raises(TomlEditError, match="is an array"):
        set_value("[[a]]\nx = 1\n", ("a", "x"), 2)
    with pytest.raises(TomlEditError, match="non-empty"):
        set_value(text, (), 1)


@st.composite
def additions(draw: st.DrawFn) -> dict[tuple[str, ...], dict[str, Any]]:
    envs = st.sampled_from([(), ("production",), ("test",), ("staging",)])
    paths = st.tuples(envs, st.sampled_from([*KEYS, "x"])).map(lambda t: (*t[0], "databases", t[1]))
    chosen = draw(st.lists(paths, min_size=1, max_size=3, unique=True))
    return {
        p: {"provider": draw(st.sampled_from(["postgresql", "sqlite"])), "database_uri": "${U}"}
        for p in chosen
    }


def refusal_reason(
    tree: dict[str, Any], inline: set[tuple[str, ...]], path: tuple[str, ...]
) -> str | None:
    if lookup(tree, path) is not None:
        return "exists"
    for k in range(1, len(path)):
        node = lookup(tree, path[:k])
        if node is None:
            return None
        if not isinstance(node, dict):
            return "value"
        if path[:k] in inline:
            return "inline"
    return None


@PROPERTY_SETTINGS
@given(documents(), additions())
def test_insert_tables_property(doc: tuple, adds: dict) -> None:
    text, tree, inline, prefix = doc
    reasons = [refusal_reason(tree, inline, prefix + p) for p in adds]
    event(f"refused: {sorted(filter(None, reasons))}" if any(reasons) else "inserted")
    if any(reasons):
        with pytest.raises(TomlEditError):
            insert_tables(text, adds, root=prefix)
        return
    result = insert_tables(text, adds, root=prefix)
    assert only_insertions(text, result)
    expected = tree
    for path, table in adds.items():
        expected = merged(expected, prefix + path, table)
    assert tomllib.loads(result) == expected
    # Line endings of the inserted lines follow the file.
    if "\r\n" in text:
        assert result.count("\n") == result.count("\r\n")


@st.composite
def edits(draw: st.DrawFn, tree: dict[str, Any], prefix: tuple[str, ...]) -> tuple:
    leaves: list[tuple[str, ...]] = []

    def walk(node: dict[str, Any], path: tuple[str, ...]) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value, (*path, key))
            elif key in ("provider", "debug", "testing", "x"):
                leaves.append((*path, key))

    walk(lookup(tree, prefix) or {}, ())
    new_keys = st.tuples(
        st.sampled_from([(), ("production",), ("test",), ("production", "databases", "default")]),
        st.sampled_from(["debug", "schema", "uri"]),
    ).map(lambda t: (*t[0], t[1]))
    path = draw(st.sampled_from(leaves) if leaves and draw(st.booleans()) else new_keys)
    value = draw(st.one_of(st.booleans(), st.integers(-3, 3), TEXT))
    return path, value


@PROPERTY_SETTINGS
@given(st.data())
def test_set_value_property(data: st.DataObject) -> None:
    text, tree, inline, prefix = data.draw(documents())
    path, value = data.draw(edits(tree, prefix))
    full = prefix + path
    blocked = any(
        lookup(tree, full[:k]) is not None and not isinstance(lookup(tree, full[:k]), dict)
        for k in range(1, len(full))
    )
    current = lookup(tree, full)
    in_inline = any(full[:k] in inline for k in range(1, len(full)))
    event("refused" if blocked or isinstance(current, dict) else f"existing={current is not None}")
    event(f"inside inline table={in_inline}")
    if blocked or isinstance(current, dict):
        with pytest.raises(TomlEditError):
            set_value(text, path, value, root=prefix)
        return
    result = set_value(text, path, value, root=prefix)
    assert tomllib.loads(result) == with_value(tree, full, value)
    old_lines, new_lines = text.split("\n"), result.split("\n")
    if current is not None:
        if type(current) is type(value) and current == value:
            assert result == text
        else:  # only the value token changed, on its line
            assert len(changed_lines(text, result)) == 1
    elif len(new_lines) == len(old_lines):  # entry added inside an inline table
        (index,) = changed_lines(text, result)
        old_line, new_line = old_lines[index], new_lines[index]
        assert in_inline
        # Only an insertion inside the line (plus spacing inside empty braces).
        common = len(old_line) - len(old_line.lstrip(" "))
        while common < len(old_line) and old_line[common] == new_line[common]:
            common += 1
        tail = 0
        while tail < len(old_line) - common and old_line[-1 - tail] == new_line[-1 - tail]:
            tail += 1
        assert not old_line[common : len(old_line) - tail].strip()
    else:
        assert only_insertions(text, result)


def big_document(tables: int) -> str:
    parts = ["debug = true\n"]
    for i in range(tables):
        env = ("", "production.", "test.")[i % 3]
        parts.append(
            f'\n# table {i}\n[{env}databases.db{i}]\nprovider = "postgresql"  # pg\n'
            f'database_uri = "${{DB{i}_URL}}"\n'
        )
    return "".join(parts)


@pytest.mark.parametrize("tables", [10, 100, 1000])
def test_large_documents(tables: int) -> None:
    # Speed is measured in bench/, never asserted here; this proves large files edit correctly.
    text = big_document(tables)
    adds = {
        ("databases", "reports"): REPORTS,
        ("production", "databases", "reports"): REPORTS,
        ("staging", "databases", "default"): REPORTS,
    }
    result = insert_tables(text, adds)
    edited = set_value(result, ("production", "databases", "reports", "provider"), "sqlite")
    assert only_insertions(text, result)
    assert tomllib.loads(edited)["production"]["databases"]["reports"]["provider"] == "sqlite"


@LAYER_SETTINGS
@given(documents(), st.data())
def test_tables_under_new_top_level_keys_go_where_a_scanned_file_puts_them(
    doc: tuple, data: st.DataObject
) -> None:
    """Tables under top-level keys a file lacks (add-env's overlays) are placed without
    scanning the file's tables (scan.Document(scan=False)): the same text as with the scan,
    which finds no ancestor for them, at the end of any file."""
    text, tree, _inline, prefix = doc
    new_keys = [k for k in ("memory", "production", "test", "staging", "extra") if k not in tree]
    tops = data.draw(st.lists(st.sampled_from(new_keys), min_size=1, max_size=3, unique=True))
    adds: dict[tuple[str, ...], dict[str, Any]] = {}
    for top in tops:
        adds[(top,)] = {"testing": True}
        for name in data.draw(st.lists(st.sampled_from(KEYS), max_size=3, unique=True)):
            adds[(top, "databases", name)] = {"provider": "memory"}
    if prefix:
        # Under [tool.protean], which the file has: its tables are scanned as before.
        adds = {(k[0] + "x", *k[1:]): v for k, v in adds.items()}
    unscanned = insert_tables(text, adds, root=prefix)
    with mock.patch.object(scan.Document, "__init__", _always_scanned):
        assert insert_tables(text, adds, root=prefix) == unscanned


_scanned_init = scan.Document.__init__


def _always_scanned(self: scan.Document, text: str, *, scan: bool = True) -> None:
    _scanned_init(self, text, scan=True)
