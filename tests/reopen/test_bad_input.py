"""Bad input is a clear error, exit 2, and touches nothing; a failed write leaves all files
as they were."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest

from .support import ANSWERS, COMPOSE, GITHUB, contents, snapshot, write

MALFORMED = {
    "unterminated string": 'debug = true\n\n[databases.default]\nprovider = "memory\n',
    "double equals": "debug = true\n[databases.default]\nprovider = = 'memory'\n",
    "duplicate table": "[databases.default]\nprovider = 'memory'\n\n[databases.default]\n",
}
COMMANDS = [
    "add-database reports --provider sqlite",
    "add-env memory",
    "set test.databases.default=sqlite",
    "ci",
    "ci --ci gitlab --force",
]


def parser_position(text: str) -> tuple[int, int]:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # Python 3.11's error has no lineno/colno: read them from its message.
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        assert match, str(error)
        return int(match.group(1)), int(match.group(2))
    raise AssertionError("valid TOML")


@pytest.mark.parametrize("case", sorted(MALFORMED))
@pytest.mark.parametrize("command", COMMANDS)
def test_malformed_toml_reports_file_line_and_column(generated, cli, case, command):
    root = generated()
    text = MALFORMED[case]
    (root / "domain.toml").write_text(text)
    before = snapshot(root)

    result = cli(command, "--project", root)

    assert result.code == 2
    line, column = parser_position(text)
    assert f"domain.toml: line {line}, column {column}: malformed TOML" in result.err
    assert snapshot(root) == before


def test_malformed_pyproject_tool_protean(tmp_path, cli):
    root = tmp_path / "acme"
    text = '[project]\nname = "acme"\n\n[tool.protean]\ndebug = tru\n'
    write(root / "pyproject.toml", text)
    before = snapshot(root)
    result = cli("add-database reports --provider sqlite --project", root)
    assert result.code == 2
    assert "pyproject.toml: line 5, column 9: malformed TOML" in result.err
    assert snapshot(root) == before


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("add-database 1x --provider sqlite", "invalid name '1x'"),
        ("add-database class --provider sqlite", "invalid name 'class'"),
        ("add-database Reports --provider sqlite", "invalid name 'Reports'"),
        ("add-database my-db --provider sqlite", "invalid name 'my-db'"),
        ("add-database reports --provider redis", "'redis' is a provider for brokers, caches"),
        ("add-database reports --provider postgres", "did you mean 'postgresql'?"),
        ("add-database reports --provider inline", "unknown database provider 'inline'"),
        ("add-database reports --provider sqlite --env test=redis", "unknown database provider"),
        ("add-database reports --provider sqlite --env staging=sqlite", "'staging' does not exist"),
        ("add-database reports --provider sqlite --env prod=sqlite", "did you mean 'production'?"),
        ("add-database reports --provider sqlite --env test", "expected ENV=PROVIDER"),
        ("add-database reports --provider sqlite --env base=sqlite", "base is set with --provider"),
        ("add-database default --provider sqlite", "database 'default' already exists"),
        ("add-env staging", "unknown environment 'staging'"),
        ("set staging.databases.default=sqlite", "unknown key 'staging.databases.default'"),
        ("set test.databases.default=redis", "unknown database provider 'redis'"),
        ("set test.database.default=sqlite", "did you mean 'databases'?"),
        ("set test.databases.1x=sqlite", "invalid name '1x'"),
    ],
)
def test_bad_input_exits_2_and_touches_nothing(generated, cli, arguments, message):
    root = generated()
    before = snapshot(root)

    result = cli(arguments, "--project", root)

    assert result.code == 2, result.err
    assert message in result.err
    assert result.err.startswith("protean-init: error: ") and result.err.count("\n") == 1
    assert snapshot(root) == before


def test_adding_the_same_database_twice_is_an_error(generated, cli):
    root = generated()
    assert cli("add-database reports --provider sqlite --project", root).code == 0
    before = snapshot(root)
    result = cli("add-database reports --provider postgresql --project", root)
    assert result.code == 2
    assert "database 'reports' already exists in domain.toml; choose another name" in result.err
    assert snapshot(root) == before


def test_environment_missing_from_a_project_without_overlays(protean_new_project, cli):
    root = protean_new_project
    before = snapshot(root)
    for arguments in (
        "add-database reports --provider sqlite --env test=postgresql",
        "set test.databases.default=sqlite",
    ):
        result = cli(arguments, "--project", root)
        assert result.code == 2
        assert "environment 'test' does not exist" in result.err and "none" in result.err
    # Protean's own defaults already name databases.memory in the file.
    result = cli("add-database memory --provider sqlite --project", root)
    assert result.code == 2 and "'memory' already exists" in result.err
    assert snapshot(root) == before


def test_overlay_table_that_already_exists_is_refused(tmp_path, cli):
    root = tmp_path / "p"
    write(
        root / "domain.toml",
        '[databases.default]\nprovider = "memory"\n\n[test]\ntesting = true\n\n'
        '[test.databases.reports]\nprovider = "sqlite"\n',
    )
    before = snapshot(root)
    result = cli("add-database reports --provider sqlite --env test=postgresql --project", root)
    assert result.code == 2
    assert "[test.databases.reports] already exists" in result.err
    assert snapshot(root) == before


def test_no_config_or_no_folder(tmp_path, cli):
    (tmp_path / "empty").mkdir()
    write(tmp_path / "packaging" / "pyproject.toml", '[project]\nname = "x"\n')
    before = snapshot(tmp_path)
    for folder in ("empty", "packaging"):
        result = cli("add-database reports --provider sqlite --project", tmp_path / folder)
        assert result.code == 2 and "no Protean config" in result.err
    result = cli("ci --project", tmp_path / "missing")
    assert result.code == 2 and "no such project folder" in result.err
    assert snapshot(tmp_path) == before


def failing_replace(monkeypatch, root: Path, fail_on: int) -> list[str]:
    """os.replace fails on the `fail_on`-th rename into the project."""
    real = os.replace
    calls: list[str] = []

    def replace(src, dst, *args, **kwargs):
        if Path(dst).resolve().is_relative_to(root.resolve()):
            calls.append(str(dst))
            if len(calls) == fail_on:
                raise OSError(28, "No space left on device")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    return calls


@pytest.mark.parametrize(
    "command",
    [
        "add-database archive --provider mysql",
        "add-env production test memory",
        "set test.databases.default=sqlite",
    ],
)
def test_a_failed_rename_leaves_every_file_as_it_was(generated, cli, monkeypatch, command):
    root = generated()
    if command.startswith("add-env"):
        root = generated("ci-none")
        config = root / "domain.toml"
        text = config.read_text()
        config.write_text(text[: text.index("# --- Production overlay")])
    before = snapshot(root)
    calls = failing_replace(monkeypatch, root, fail_on=2)

    result = cli(command, "--project", root)

    assert len(calls) == 2, calls
    assert result.code != 0
    assert "nothing written" in result.err and "No space left" in result.err
    after = snapshot(root)
    assert contents(after) == contents(before)  # bytes and modes; no file added or left


def test_a_failed_rename_removes_the_files_it_created(guide_project, cli, monkeypatch):
    """The guide has no compose, CI or answers file yet: none of them may stay behind."""
    root = guide_project
    before = snapshot(root)
    calls = failing_replace(monkeypatch, root, fail_on=3)

    result = cli("add-database reports --provider postgresql --project", root)

    assert len(calls) == 3 and result.code != 0
    after = snapshot(root)
    files = {path for path, entry in after.items() if entry[0] == "file"}
    assert files == {"domain.toml"}, files
    assert after["domain.toml"][1] == before["domain.toml"][1]
    for name in (COMPOSE, GITHUB, ANSWERS):
        assert not (root / name).exists()


def test_a_failed_rename_leaves_no_new_folder(guide_project, cli, monkeypatch):
    root = guide_project
    before = snapshot(root)
    failing_replace(monkeypatch, root, fail_on=3)
    assert cli("add-database reports --provider postgresql --project", root).code != 0
    assert set(snapshot(root)) == set(before), "a folder made for a new file stayed behind"


def test_an_edit_toml_cannot_express_is_refused(tmp_path, cli):
    """databases as an inline table cannot gain a sub-table: refuse, do not rewrite."""
    root = tmp_path / "inline"
    write(root / "domain.toml", 'debug = true\ndatabases = { default = { provider = "memory" } }\n')
    before = snapshot(root)
    result = cli("add-database reports --provider sqlite --project", root)
    assert result.code == 2
    assert "inline table" in result.err and "nothing written" in result.err
    assert snapshot(root) == before


def test_malformed_answers_file_touches_nothing(generated, cli):
    root = generated()
    (root / ANSWERS).write_text("ci: github\ngenerated_from: [unclosed\n")
    before = snapshot(root)
    result = cli("add-database reports --provider sqlite --project", root)
    assert result.code == 2
    assert ANSWERS in result.err and "malformed YAML" in result.err
    assert snapshot(root) == before
