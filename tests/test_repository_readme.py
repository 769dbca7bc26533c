"""The repository's README shows what a newcomer runs first, and its usage lines do that."""

from __future__ import annotations

import re
from pathlib import Path

from scaffolder.cli import route

README = Path(__file__).resolve().parents[1] / "README.md"


def sh_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, re.S)


def test_the_first_commands_run_the_defaults_the_tests_then_reopen_a_project() -> None:
    """The first two commands stay (the tool on its defaults, the whole test suite); the
    usage right after shows `protean-init DIR`, which reopens a project in its edit menu."""
    first, second, usage, *_ = sh_blocks(README.read_text())
    assert "protean-init new my-shop --defaults" in first
    assert ".venv/bin/pytest" in second
    lines = [line.split("#")[0].strip() for line in usage.splitlines()]
    assert lines[0] == "protean-init"
    assert "protean-init DIR" in lines[:4], usage


def test_protean_init_dir_opens_the_edit_menu_of_a_project(cli, tmp_path: Path) -> None:
    """What that line says: DIR, or a folder in it, holding a project is its edit menu; a
    folder with none is new's."""
    root = tmp_path / "shop"
    code, out, err = cli(["new", root], "--ui", "none", "--defaults")
    assert code == 0, out + err
    assert route([str(root)]) == ["edit", "--project", str(root)]
    assert route([str(root / "tests")]) == ["edit", "--project", str(root)]
    assert route([str(tmp_path / "fresh")])[0] == "new"
