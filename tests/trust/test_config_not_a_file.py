"""A project's domain.toml that is there but no regular file (a link to nothing, a loop of
links, a folder, a named pipe) is named as such, in one line, exit 2, nothing written: every
command said "no Protean config in .: looked for ... domain.toml", the file it looked at
not named for what it is (the attack round of the thirteenth stop; a context's config and
the answers record were named so already)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.support.projects import GeneratedProjects
from tests.workspace.support import snapshot

KINDS = {
    "dangling": ("a link to nothing", lambda p: p.symlink_to("nowhere.toml")),
    "loop": ("a link to nothing", lambda p: p.symlink_to(p.name)),
    "folder": ("a folder", lambda p: p.mkdir()),
    "pipe": ("a named pipe", lambda p: os.mkfifo(p)),
}


@pytest.fixture(scope="module")
def pristine(generated_projects: GeneratedProjects) -> Path:
    return generated_projects.pristine("shop", ("--defaults",))


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize(
    "argv",
    [
        ["check"],
        ["derive"],
        ["edit", "--ui", "none"],
        ["add-database", "reports", "--provider", "sqlite"],
        ["set", "production.debug=false"],
    ],
    ids=" ".join,
)
def test_a_config_that_is_no_file_is_named(
    cli, pristine: Path, tmp_path: Path, kind: str, argv: list[str]
) -> None:
    root = tmp_path / "shop"
    shutil.copytree(pristine, root, symlinks=True)
    said, make = KINDS[kind]
    (root / "domain.toml").unlink()
    make(root / "domain.toml")
    before = snapshot(root)
    code, out, err = cli(argv, "--project", root)
    assert snapshot(root) == before
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1, err
    assert "domain.toml: the Protean config is " + said in err, err
