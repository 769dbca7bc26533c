"""The "Next:" lines printed after `new` follow the generated README's "Run the tests"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scaffolder.answers import build_spec
from scaffolder.next_steps import creation_report, next_commands
from scaffolder.render import render_project
from scaffolder.spec.defaults import default_spec


def readme_commands(files: dict[str, bytes]) -> list[str]:
    """The shell lines of the README's first code block (Run the tests), comments left out."""
    readme = files["README.md"].decode()
    block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


@pytest.mark.parametrize(
    "sets",
    [
        [],  # PostgreSQL in test: the README sets up its tables before pytest
        ["test.databases.default=sqlite"],
        ["test.databases.default=memory", "test.event_store=memory"],
        ["base.databases.reports=postgresql"],
    ],
)
def test_next_runs_what_the_readme_runs_in_its_order(sets: list[str]) -> None:
    spec = build_spec(default_spec("shop"), sets=sets)
    files = render_project(spec)
    commands = [command for command, _ in next_commands(spec, Path("shop"), files)]
    readme = readme_commands(files)
    # Every README command is in Next (the install is one line there); db setup before pytest.
    for line in readme:
        if line.startswith(("python -m venv", "pip install")):
            continue
        assert line in commands, (line, commands)
    # ... in the README's order: the memory suite, which needs no services, before compose.
    assert [c for c in commands if c in readme] == [line for line in readme if line in commands]
    setups = [line for line in readme if "protean db setup" in line]
    if setups:
        assert commands.index(setups[0]) < commands.index("pytest")
    else:
        assert not any("db setup" in command for command in commands)


def test_the_default_projects_next_sets_up_the_database_before_pytest() -> None:
    spec = default_spec("shop")
    text = creation_report(spec, Path("shop"), render_project(spec))
    assert "PROTEAN_ENV=test protean db setup --domain=src/shop/domain.py" in text
    assert text.index("protean db setup") < text.rindex("\n  pytest")


def test_no_cd_when_the_project_is_written_into_the_current_folder(tmp_path, monkeypatch):
    spec = default_spec("shop")
    files = render_project(spec)
    monkeypatch.chdir(tmp_path)
    here = [command for command, _ in next_commands(spec, tmp_path, files)]
    assert not any(command.startswith("cd ") for command in here)
    elsewhere = [command for command, _ in next_commands(spec, tmp_path / "shop", files)]
    assert elsewhere[0] == f"cd {tmp_path / 'shop'}"
    assert elsewhere[1:] == here


def _files_below(folder: Path) -> int:
    return sum(1 for path in folder.rglob("*") if path.is_file())


@pytest.mark.parametrize(
    "argv", [[], ["--context", "ordering", "--context", "billing"]], ids=["project", "workspace"]
)
def test_new_counts_the_files_a_user_finds_in_the_folder(cli, tmp_path, argv) -> None:
    """`new` says how many files it wrote as the folder holds them: the project's, and the
    record's in .protean-init/ apart, so `find DIR -type f` adds up to what it printed."""
    target = tmp_path / "shop"
    code, out, err = cli(["new", target, *argv], "--ui", "none", "--defaults")
    assert code == 0, out + err
    kept = _files_below(target / ".protean-init")
    mine = _files_below(target) - kept
    assert kept > 0 and mine > 0
    assert f"({mine} files; .protean-init/ keeps {kept} more, the base of later merges)" in out
