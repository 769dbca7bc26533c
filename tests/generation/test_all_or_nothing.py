"""Proof 7: a failure while writing leaves no half project, and the CLI exits cleanly.

Writes are made to fail on the Nth call (of Path.write_bytes, Path.rename or os.replace, counted
only for paths under the folder being written), then the folder is compared with what it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from scaffolder.generated_record import with_record
from scaffolder.render import render_project
from scaffolder.spec.defaults import default_spec

FILES = len(render_project(default_spec("proj")))


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (with content) and folder (None) under `folder`."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


def fail_on(
    monkeypatch: pytest.MonkeyPatch,
    owner: object,
    name: str,
    nth: int,
    under: Path,
    error: BaseException,
    path_of: Callable[..., object],
) -> list[int]:
    """Make `owner.name` raise `error` on its `nth` call that touches a path under `under`."""
    original = getattr(owner, name)
    calls = [0]

    def patched(*args, **kwargs):
        path = Path(os.fspath(path_of(*args, **kwargs)))
        if under in path.parents or path == under:
            calls[0] += 1
            if calls[0] == nth:
                raise error
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, patched)
    return calls


def assert_clean_failure(code: int, err: str) -> None:
    # An OS error on the target is exit 2, as any other input the command cannot use.
    assert code == 2
    assert err.startswith("protean-init: error: nothing written: ")
    assert err.count("\n") == 1, err


@pytest.mark.parametrize("nth", [1, FILES // 2, FILES])
def test_new_folder_failing_write_leaves_nothing(cli, tmp_path: Path, monkeypatch, nth) -> None:
    work = tmp_path / "work"
    work.mkdir()
    calls = fail_on(
        monkeypatch,
        Path,
        "write_bytes",
        nth,
        work,
        OSError(28, "No space left on device"),
        lambda self, data: self,
    )
    code, _, err = cli("new", work / "proj", "--ui none --defaults")
    assert_clean_failure(code, err)
    assert "No space left on device" in err
    assert calls[0] == nth
    assert snapshot(work) == {}


def test_new_folder_failing_final_rename_leaves_nothing(cli, tmp_path: Path, monkeypatch) -> None:
    work = tmp_path / "work"
    work.mkdir()
    calls = fail_on(
        monkeypatch,
        Path,
        "rename",
        1,
        work,
        OSError(13, "Permission denied"),
        lambda self, target: target,
    )
    code, _, err = cli("new", work / "proj", "--ui none --defaults")
    assert_clean_failure(code, err)
    assert calls[0] == 1
    assert snapshot(work) == {}


def test_a_successful_write_after_a_failed_one(cli, tmp_path: Path, monkeypatch) -> None:
    """The failure left nothing that blocks the next attempt."""
    work = tmp_path / "work"
    work.mkdir()
    with monkeypatch.context() as patch:
        fail_on(patch, Path, "write_bytes", 3, work, OSError(5, "I/O error"), lambda s, d: s)
        assert cli("new", work / "proj", "--ui none --defaults")[0] == 2
    code, _, err = cli("new", work / "proj", "--ui none --defaults")
    assert code == 0, err
    # Every file, and the record of what was generated for it (scaffolder.generated_record).
    assert {k for k, v in snapshot(work / "proj").items() if v is not None} == set(
        with_record(render_project(default_spec("proj")))
    )


@pytest.fixture
def existing(tmp_path: Path) -> Path:
    """A non-empty folder holding files `new --force` overwrites, and one it leaves alone."""
    root = tmp_path / "proj"
    (root / "src").mkdir(parents=True)
    # Not a domain.toml: `new` refuses a folder that already is a Protean project.
    (root / "docker-compose.yml").write_text("# my own compose\n")
    (root / "README.md").write_text("my readme\n")
    (root / "notes.txt").write_text("keep me\n")
    os.chmod(root / "README.md", 0o600)
    return root


@pytest.mark.parametrize("nth", [1, 2, FILES // 2, FILES])
def test_forced_write_failing_replace_restores_everything(
    cli, existing: Path, monkeypatch, nth
) -> None:
    before = snapshot(existing)
    modes = {p: (existing / p).stat().st_mode for p in before}
    calls = fail_on(
        monkeypatch,
        os,
        "replace",
        nth,
        existing,
        OSError(5, "I/O error"),
        lambda src, dst: dst,
    )
    code, _, err = cli("new", existing, "--ui none --defaults --force")
    assert_clean_failure(code, err)
    assert calls[0] == nth
    assert snapshot(existing) == before
    assert {p: (existing / p).stat().st_mode for p in before} == modes


@pytest.mark.parametrize("nth", [1, FILES // 2, FILES])
def test_empty_existing_folder_failing_replace_stays_empty(
    cli, tmp_path: Path, monkeypatch, nth
) -> None:
    """`mkdir proj && protean-init new proj`: the folder exists, so files are replaced in place."""
    root = tmp_path / "proj"
    root.mkdir()
    fail_on(monkeypatch, os, "replace", nth, root, OSError(5, "I/O error"), lambda s, d: d)
    code, _, err = cli("new", root, "--ui none --defaults")
    assert_clean_failure(code, err)
    assert snapshot(root) == {}


def _created(path: object, flags: int = 0, *args: object, **kwargs: object) -> object:
    """The path of an os.open that creates its file (a temporary, the journal, the lock), else
    a path outside every project, so that reading a target back is not counted."""
    return path if flags & os.O_CREAT else "/"


@pytest.mark.parametrize(
    ("nth", "path_of"),
    [
        # Temporaries are created with os.open beside their targets (after the lock file and
        # the journal): fail one halfway through the files.
        (FILES // 2, _created),
        # Before staging, every target is read back to see it is still what was planned.
        (1, lambda path, *a, **k: path),
        (FILES // 2, lambda path, *a, **k: path),
    ],
    ids=["staging", "first-read-back", "mid-read-back"],
)
def test_forced_write_failing_while_staging_restores_everything(
    cli, existing: Path, monkeypatch, nth, path_of
) -> None:
    before = snapshot(existing)
    calls = fail_on(
        monkeypatch, os, "open", nth, existing, OSError(24, "Too many open files"), path_of
    )
    code, _, err = cli("new", existing, "--ui none --defaults --force")
    assert calls[0] >= nth
    assert_clean_failure(code, err)
    assert snapshot(existing) == before


@pytest.mark.parametrize("nth", [2, FILES // 2])
def test_interrupt_mid_write_leaves_the_folder_as_it_was(
    cli, existing: Path, monkeypatch, nth
) -> None:
    """Ctrl-C between two renames: the CLI says nothing was written, and that must be true."""
    before = snapshot(existing)
    fail_on(monkeypatch, os, "replace", nth, existing, KeyboardInterrupt(), lambda s, d: d)
    code, _, err = cli("new", existing, "--ui none --defaults --force")
    assert code == 130
    assert err == "protean-init: cancelled; nothing was written\n"
    assert snapshot(existing) == before


@pytest.mark.parametrize("nth", [1, FILES // 2])
def test_interrupt_while_staging_a_new_folder_leaves_nothing(
    cli, tmp_path: Path, monkeypatch, nth
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    fail_on(monkeypatch, Path, "write_bytes", nth, work, KeyboardInterrupt(), lambda s, d: s)
    code, _, err = cli("new", work / "proj", "--ui none --defaults")
    assert code == 130
    assert err == "protean-init: cancelled; nothing was written\n"
    assert snapshot(work) == {}


@pytest.mark.parametrize("link", ["shop", "deeper"], ids=["the folder", "a folder above"])
def test_a_dangling_link_on_the_way_is_named_and_nothing_is_written(cli, tmp_path, link) -> None:
    """`new shop` where shop (or a folder above it) is a link to a place that is not there:
    one line naming the link and where it points, exit 2, nothing written anywhere."""
    (tmp_path / link).symlink_to(tmp_path / "gone" / "away")
    target = tmp_path / "shop" if link == "shop" else tmp_path / "deeper" / "shop"
    before = snapshot(tmp_path)

    code, out, err = cli(["new", target, "--defaults"])

    assert code == 2, out + err
    assert err.count("\n") == 1 and "staging" not in err
    assert f"{tmp_path / link} is a link to {tmp_path / 'gone' / 'away'}" in err
    assert snapshot(tmp_path) == before
    assert not (tmp_path / "gone").exists()
