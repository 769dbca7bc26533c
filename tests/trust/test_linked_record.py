"""The record's folder `.protean-init/` is protean-init's own: a symlink there (to a folder
outside the project, planted or left by a tool) is refused in one line naming the link, exit
2, nothing written, by `upgrade` as by the edits that write the record; never taken for a
record that is "missing" (the attack round of the twelfth stop)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


def snapshot_tree(root: Path) -> dict[str, bytes | str]:
    """Every file and link under `root` (links not followed), with its content or target."""
    return {
        path.relative_to(root).as_posix(): (
            str(path.readlink()) if path.is_symlink() else path.read_bytes()
        )
        for path in root.rglob("*")
        if path.is_symlink() or path.is_file()
    }


@pytest.fixture
def linked(generated_projects, tmp_path: Path) -> tuple[Path, Path]:
    """A project whose `.protean-init` is a link to the same folder moved out of it."""
    root = generated_projects.copy(tmp_path / "shop")
    elsewhere = tmp_path / "elsewhere"
    shutil.move(root / ".protean-init", elsewhere)
    (root / ".protean-init").symlink_to(elsewhere, target_is_directory=True)
    return root, elsewhere


@pytest.mark.parametrize(
    "argv", [["upgrade", "--dry-run"], ["upgrade"], ["upgrade", "--force"], ["derive"]]
)
def test_a_linked_record_folder_is_refused_naming_the_link(
    cli, linked: tuple[Path, Path], argv: list[str]
) -> None:
    root, elsewhere = linked
    before, outside = snapshot_tree(root), snapshot_tree(elsewhere)
    ran = cli([*argv, "--project", root])
    assert ran.code == 2, ran.printed
    lines = ran.err.strip().splitlines()
    assert len(lines) == 1, ran.err
    assert f"{root / '.protean-init'} is a symlink" in lines[0], lines[0]
    assert "missing" not in lines[0]
    assert snapshot_tree(root) == before and snapshot_tree(elsewhere) == outside
