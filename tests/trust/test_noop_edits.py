"""An edit that changes nothing changes nothing on disk, on a project protean-init did not make
too: a no-op `set` on `protean new`'s project wrote protean-init's answers record (its first),
a file the user never asked for (the attack round of the twelfth stop)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.reopen.test_adopt import protean_new


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return protean_new(tmp_path_factory.mktemp("made"), "acme")


def _tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.mark.parametrize(
    "assignments",
    [
        ["base.debug=true"],
        ["base.databases.default=memory"],
        ["base.debug=true", "base.brokers.default=inline"],
    ],
)
def test_a_no_op_set_on_a_protean_new_project_writes_nothing(
    cli, made: Path, tmp_path: Path, assignments: list[str]
) -> None:
    root = tmp_path / "acme"
    shutil.copytree(made, root)
    before = _tree(root)
    ran = cli(["set", *assignments, "--project", root])
    assert ran.code == 0, ran.printed
    assert "updated: nothing (already so)" in ran.out, ran.printed
    assert _tree(root) == before


def test_a_real_set_there_still_records_it(cli, made: Path, tmp_path: Path) -> None:
    """The record is written with the first change, as before."""
    root = tmp_path / "acme"
    shutil.copytree(made, root)
    ran = cli(["set", "base.debug=false", "--project", root])
    assert ran.code == 0, ran.printed
    assert (root / ".copier-answers.protean-init.yml").is_file()
    assert "debug = false" in (root / "src/acme/domain.toml").read_text()
