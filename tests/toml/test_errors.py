"""scaffolder.toml.errors: malformed TOML said once, alike by every reader (line, column, why)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.toml.edit import insert_tables, set_value
from scaffolder.toml.errors import TomlEditError, parse_error_location

from .support import REPORTS


def test_malformed_input() -> None:
    text = "debug = true\n[databases.default]\nprovider = \n"
    assert parse_error_location(text) == (3, 12, "Invalid value")
    assert parse_error_location("a = 1\n") is None
    assert parse_error_location('a = "x') == (1, 7, "Unterminated string")
    assert parse_error_location("[a]\nb = 1\n[a]\n") == (3, 3, "Cannot declare ('a',) twice")
    with pytest.raises(TomlEditError) as info:
        insert_tables(text, {("databases", "reports"): REPORTS})
    assert (info.value.line, info.value.column) == (3, 12)
    assert str(info.value) == "line 3, column 12: malformed TOML: Invalid value"
    with pytest.raises(TomlEditError, match="line 3, column 12"):
        set_value(text, ("debug",), False)


def test_end_of_document_error_has_a_location() -> None:
    assert parse_error_location("a = 1\nb =") == (2, 4, "Invalid value")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a = 1\n[b]\nc = \n", "line 3, column 5: malformed TOML: Invalid value"),
        ("a = 1\nb =", "line 2, column 4: malformed TOML: Invalid value"),  # end of document
    ],
)
def test_every_reader_words_malformed_toml_alike(tmp_path: Path, text: str, expected: str) -> None:
    from scaffolder.check.source import Source
    from scaffolder.errors import UsageError
    from scaffolder.project_files import ConfigFile, parse_config

    with pytest.raises(TomlEditError) as edit_error:
        insert_tables(text, {("databases", "x"): {"provider": "memory"}})
    assert str(edit_error.value) == expected
    with pytest.raises(UsageError) as check_error:
        Source.parse(text, "domain.toml")
    assert str(check_error.value) == f"domain.toml: {expected}"
    config = ConfigFile(tmp_path / "domain.toml", ())
    with pytest.raises(UsageError) as reopen_error:
        parse_config(text, config)
    assert str(reopen_error.value) == f"{config.path}: {expected}"
