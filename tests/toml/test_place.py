"""scaffolder.toml.place: where a new table or key goes (after its nearest ancestor's last
table, before the comment that introduces the next block, in every style TOML allows), and which
additions it refuses."""

from __future__ import annotations

import tomllib

import pytest

from scaffolder.toml.edit import insert_tables, set_value
from scaffolder.toml.errors import TomlEditError

from .support import PROTEAN, REPORTS, merged, only_insertions, read_fixture

GUIDE_WITH_REPORTS = """\
# domain.toml

# Base configuration (recommended development overrides)
# Framework defaults are event_processing="async", command_processing="async"
debug = true
event_processing = "sync"
command_processing = "sync"

[databases.default]
provider = "memory"

[databases.reports]
provider = "postgresql"
database_uri = "${REPORTS_DATABASE_URL}"

[brokers.default]
provider = "inline"

[event_store]
provider = "memory"

# --- Production overlay: PROTEAN_ENV=production ---
[production]
debug = false
event_processing = "async"
command_processing = "async"

[production.databases.default]
provider = "postgresql"
database_uri = "${DATABASE_URL}"

[production.databases.reports]
provider = "postgresql"
database_uri = "${REPORTS_DATABASE_URL}"

[production.brokers.default]
provider = "redis"
URI = "${REDIS_URL}"

[production.event_store]
provider = "message_db"
database_uri = "${MESSAGEDB_URL}"

[production.caches.default]
provider = "redis"

# --- Test overlay: PROTEAN_ENV=test (pytest default) ---
[test]
testing = true
event_processing = "sync"
command_processing = "sync"

[staging.databases.default]
provider = "postgresql"
"""


GUIDE_ADDITIONS = {
    ("databases", "reports"): REPORTS,
    ("production", "databases", "reports"): REPORTS,
    ("production", "caches", "default"): {"provider": "redis"},
    ("staging", "databases", "default"): {"provider": "postgresql"},
}


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_guide_example(eol: str) -> None:
    text = read_fixture("guide.domain.toml").replace("\n", eol)
    result = insert_tables(text, GUIDE_ADDITIONS)
    # Base database after the last [databases.*]; production database after the
    # last [production.databases.*]; a new production sub-table after the last
    # [production...] table but before the comment block introducing [test];
    # a table of a new overlay at the end of the file.
    assert result == GUIDE_WITH_REPORTS.replace("\n", eol)


def test_protean_new_output() -> None:
    text = read_fixture("protean-new.domain.toml")
    result = insert_tables(
        text,
        {("databases", "reports"): REPORTS, ("production", "databases", "default"): REPORTS},
    )
    assert only_insertions(text, result)
    expected = merged(tomllib.loads(text), ("databases", "reports"), REPORTS)
    expected = merged(expected, ("production", "databases", "default"), REPORTS)
    assert tomllib.loads(result) == expected
    # After [databases.memory], before the comment that introduces [event_store].
    assert (
        '[databases.memory]\nprovider = "memory"\n\n[databases.reports]\n'
        'provider = "postgresql"\ndatabase_uri = "${REPORTS_DATABASE_URL}"\n\n'
        "# Default Event Store Configuration\n[event_store]\n"
    ) in result
    # A new overlay goes to the end, after the commented-out [logging] block.
    assert result.endswith(
        '# "protean.server.outbox_processor" = "INFO"\n\n[production.databases.default]\n'
        'provider = "postgresql"\ndatabase_uri = "${REPORTS_DATABASE_URL}"\n'
    )


def test_pyproject_tool_protean() -> None:
    text = read_fixture("pyproject.toml")
    additions = {
        ("databases", "reports"): REPORTS,
        ("production", "databases", "reports"): REPORTS,
        ("test", "databases", "default"): {"provider": "memory"},
    }
    result = insert_tables(text, additions, root=PROTEAN)
    assert only_insertions(text, result)
    expected = tomllib.loads(text)
    for path, table in additions.items():
        expected = merged(expected, PROTEAN + path, table)
    assert tomllib.loads(result) == expected
    # [tool.protean] defines tool.protean.databases with dotted keys: the new
    # sub-table goes right after that table, as a full header (valid TOML).
    assert (
        'databases.default.provider = "memory"   # dotted keys: [tool.protean.databases] is '
        "defined here\n\n[tool.protean.databases.reports]\n"
    ) in result
    # New overlay tables stay with the other [tool.protean...] tables, before
    # the comment that introduces [tool.ruff].
    assert (
        '[tool.protean.test.databases.default]\nprovider = "memory"\n\n# Linting\n[tool.ruff]'
    ) in result


def test_pyproject_without_tool_protean_goes_after_last_tool_table() -> None:
    text = '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 100\n\n[other]\na = 1\n'
    result = insert_tables(text, {("databases", "default"): {"provider": "memory"}}, root=PROTEAN)
    assert result == (
        '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 100\n\n'
        '[tool.protean.databases.default]\nprovider = "memory"\n\n[other]\na = 1\n'
    )


def test_dotted_keys_in_overlay_table() -> None:
    text = '[production]\ndebug = false\ndatabases.default.provider = "postgresql"\n\n[test]\n'
    result = insert_tables(text, {("production", "databases", "reports"): REPORTS})
    assert result == (
        '[production]\ndebug = false\ndatabases.default.provider = "postgresql"\n\n'
        '[production.databases.reports]\nprovider = "postgresql"\n'
        'database_uri = "${REPORTS_DATABASE_URL}"\n\n[test]\n'
    )


def test_dotted_keys_at_root() -> None:
    text = 'debug = true\nproduction.databases.default.provider = "postgresql"\n[x]\na = 1\n'
    result = insert_tables(text, {("production", "databases", "reports"): {"provider": "sqlite"}})
    assert result == (
        'debug = true\nproduction.databases.default.provider = "postgresql"\n\n'
        '[production.databases.reports]\nprovider = "sqlite"\n\n[x]\na = 1\n'
    )


def test_out_of_order_tables() -> None:
    text = (
        '[production.databases.default]\nprovider = "postgresql"\n\n[databases.default]\n'
        'provider = "memory"\n\n[production]\ndebug = false\n'
    )
    result = insert_tables(
        text,
        {
            ("production", "databases", "reports"): {"provider": "sqlite"},
            ("production", "brokers", "default"): {"provider": "redis"},
        },
    )
    assert result == (
        '[production.databases.default]\nprovider = "postgresql"\n\n'
        '[production.databases.reports]\nprovider = "sqlite"\n\n[databases.default]\n'
        'provider = "memory"\n\n[production]\ndebug = false\n\n'
        '[production.brokers.default]\nprovider = "redis"\n'
    )


def test_no_trailing_newline_and_crlf() -> None:
    text = '[databases.default]\r\nprovider = "memory"'
    result = insert_tables(text, {("databases", "reports"): {"provider": "sqlite"}})
    assert result == (
        '[databases.default]\r\nprovider = "memory"\r\n\r\n[databases.reports]\r\n'
        'provider = "sqlite"'
    )


def test_empty_file_and_comment_only_file() -> None:
    assert insert_tables("", {("databases", "default"): {"provider": "memory"}}) == (
        '[databases.default]\nprovider = "memory"\n'
    )
    assert insert_tables("# config\n", {("a",): {}}) == "# config\n\n[a]\n"


def test_comments_directly_below_keys_stay_with_their_table() -> None:
    text = (
        '[databases.default]\nprovider = "memory"\n# database_uri = "sqlite://"\n\n'
        "# Brokers\n[brokers.default]\n"
    )
    result = insert_tables(text, {("databases", "reports"): {"provider": "sqlite"}})
    assert result == (
        '[databases.default]\nprovider = "memory"\n# database_uri = "sqlite://"\n\n'
        '[databases.reports]\nprovider = "sqlite"\n\n# Brokers\n[brokers.default]\n'
    )


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        ('[databases.default]\nprovider = "m"\n', ("databases", "default"), "already exists"),
        ("[production]\ndatabases.default.x = 1\n", ("production", "databases"), "already"),
        ("[a.b.c]\nx = 1\n", ("a", "b"), "[a.b] already exists"),
        ('databases = { default = { provider = "m" } }\n', ("databases", "r"), "inline table"),
        ("[production]\ndatabases = {}\n", ("production", "databases", "r"), "inline table"),
        ("production = 1\n", ("production", "databases", "r"), "is a value"),
        ("[[production]]\na = 1\n", ("production", "databases", "r"), "is an array"),
    ],
)
def test_refuses_invalid_additions(text: str, path: tuple[str, ...], message: str) -> None:
    with pytest.raises(TomlEditError, match=message.replace("[", r"\[").replace(".", r"\.")):
        insert_tables(text, {path: {"provider": "sqlite"}})


def test_existing_path_is_named_with_its_line() -> None:
    text = read_fixture("guide.domain.toml")
    with pytest.raises(TomlEditError) as info:
        insert_tables(text, {("production", "databases", "default"): REPORTS})
    assert str(info.value) == "[production.databases.default] already exists (line 24)"
    assert info.value.line == 24


def test_set_value_adds_missing_keys_in_the_owning_table() -> None:
    text = (
        "debug = true\n\n[production]\n  debug = false\n  databases.default.provider = 'pg'\n"
        "\n[test.databases.default]\nprovider = 'memory'\n"
    )
    # Header table: after its last key, with its indentation.
    assert set_value(text, ("production", "testing"), False) == text.replace(
        "provider = 'pg'\n", "provider = 'pg'\n  testing = false\n"
    )
    # Dotted-key table: another dotted key next to the existing ones.
    assert set_value(text, ("production", "databases", "default", "uri"), "x") == text.replace(
        "provider = 'pg'\n", "provider = 'pg'\n  databases.default.uri = \"x\"\n"
    )
    # Root keys go after the last root key.
    assert set_value(text, ("testing",), False) == text.replace(
        "debug = true\n", "debug = true\ntesting = false\n", 1
    )
    # Implicit table (only sub-tables exist): defined right before them.
    assert set_value(text, ("test", "testing"), True) == text.replace(
        "\n[test.databases.default]", "\n[test]\ntesting = true\n\n[test.databases.default]"
    )
    # Missing table: created like an addition.
    assert set_value(text, ("staging", "debug"), False) == text + "\n[staging]\ndebug = false\n"
