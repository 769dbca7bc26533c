"""scaffolder.toml.values: the one value writer, what new projects and edits both write."""

from __future__ import annotations

import json
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scaffolder.toml import values
from scaffolder.toml.edit import insert_tables, set_value
from scaffolder.toml.errors import TomlEditError


def test_values_are_rendered_as_toml() -> None:
    table = {
        "s": 'quote " backslash \\ tab \t newline \n \u00e9',
        "i": 3,
        "f": 1.5,
        "b": True,
        "l": ["a", 1],
        "weird key": "x",
    }
    result = insert_tables("", {("a", "b.c"): table})
    assert result.startswith('[a."b.c"]\n')
    assert tomllib.loads(result) == {"a": {"b.c": table}}


def test_refuses_unsupported_values() -> None:
    with pytest.raises(TomlEditError, match="unsupported value"):
        insert_tables("", {("databases", "default"): {"options": {"a": 1}}})
    with pytest.raises(TomlEditError, match=r"a\.b is already a value"):
        insert_tables("", {("a",): {"b": 1}, ("a", "b"): {}})


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_strings_round_trip_and_read_as_written_for_new_projects(value: str) -> None:
    """Any string reads back as itself; and it is written as new projects always wrote it
    (JSON's escapes, a literal string for one holding double quotes), but where that was not
    TOML (a raw DEL; a control character inside a literal string)."""

    rendered = values.render(value)
    assert tomllib.loads(f"k = {rendered}\n")["k"] == value
    control = any(ord(c) < 0x20 and c != "\t" for c in value)
    literal = '"' in value and "'" not in value and not control and "\x7f" not in value
    if literal:
        assert rendered == f"'{value}'"
    elif "\x7f" not in value:
        assert rendered == json.dumps(value, ensure_ascii=False)


def test_an_edit_writes_a_value_as_a_new_project_does() -> None:
    hosts = '{"hosts": ["http://localhost:9200"]}'
    text = '[databases.default]\nprovider = "elasticsearch"\n'
    result = set_value(text, ("databases", "default", "database_uri"), hosts)
    assert result == text + f"database_uri = '{hosts}'\n"
    added = insert_tables(text, {("databases", "search"): {"database_uri": hosts}})
    assert added.endswith(f"[databases.search]\ndatabase_uri = '{hosts}'\n")
