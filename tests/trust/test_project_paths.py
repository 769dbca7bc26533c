"""The one rule for where a transaction may write (scaffolder.transaction.paths), as a
property over path forms: whatever a relative path is made of, an accepted one stays below
the project, outside .git/, and passes through no link."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scaffolder.errors import OutsideProject
from scaffolder.transaction.paths import check_inside, relative_problem

SEGMENTS = ["..", ".", "", ".git", ".GIT", "a", "b", "link", "file", "x\x00y", "c\\..", "~"]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with real folders a/ and a/b/, a file, and `link` and a/link (folders
    that are symlinks: out of the project, and back into it)."""
    base = tmp_path_factory.mktemp("paths")
    project = base / "project"
    (project / "a" / "b").mkdir(parents=True)
    (project / "file").write_bytes(b"")
    (base / "outside").mkdir()
    os.symlink(base / "outside", project / "link")
    os.symlink(project / "a" / "b", project / "a" / "link")
    return Path(os.path.realpath(project))


@settings(max_examples=400, deadline=None)
@given(parts=st.lists(st.sampled_from(SEGMENTS), min_size=0, max_size=6), lead=st.booleans())
def test_an_accepted_path_stays_inside_outside_git_and_off_links(
    root: Path, parts: list[str], lead: bool
) -> None:
    relative = ("/" if lead else "") + "/".join(parts)
    try:
        path = check_inside(root, relative)
    except OutsideProject as refused:
        assert "\n" not in str(refused) and "nothing was written" in str(refused)
        return
    assert relative_problem(relative) is None
    assert os.path.normpath(path) == str(path)  # no '.', '..' or '//' left to resolve
    assert path.is_relative_to(root) and path != root
    assert all(part.casefold() != ".git" for part in path.relative_to(root).parts)
    for parent in path.relative_to(root).parents:
        folder = root / parent
        assert not folder.is_symlink()
        assert not folder.exists() or folder.is_dir()


@pytest.mark.parametrize("relative", ["file", "a/new", "a/b/new", "new/folder/file"])
def test_plain_paths_through_real_folders_are_accepted(root: Path, relative: str) -> None:
    assert check_inside(root, relative) == root / relative


@pytest.mark.parametrize(
    "relative",
    ["link/x", "a/link/x", "file/x", "../x", "/etc/passwd", ".git/config", "a/../file", "a//b"],
)
def test_links_escapes_and_git_are_refused(root: Path, relative: str) -> None:
    with pytest.raises(OutsideProject):
        check_inside(root, relative)
