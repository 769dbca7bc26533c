"""What a command says matches the disk after the commit too: a report that cannot be
printed is not "nothing written", a rollback that cannot finish says which file blocked it,
and a deletion takes the folders it emptied with it (issues 22 and 26)."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

from scaffolder.transaction.names import BACKUP_MARK, JOURNAL_NAME, TEMP_MARK

from .transaction_support import cli_command, cli_env, make_project, state

ADD = ["add-database", "reports", "--provider", "postgresql"]


def _run_with_stdout(argv: list[str], root: Path, stdout: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli_command([*argv, "--project", str(root)]),
        cwd=root,
        env=cli_env(),
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_closed_pipe_after_the_commit_is_not_nothing_written(tmp_path: Path, generated_projects):
    """`add-database ... | true`: the reader is gone before anything is printed (its end of
    the pipe is closed before the command starts, so this does not depend on timing)."""
    root = make_project("generated", tmp_path / "shop", generated_projects)
    before = state(root)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = _run_with_stdout(ADD, root, write_end)
    finally:
        os.close(write_end)
    assert state(root) != before  # committed, and kept
    assert result.returncode == 141, result.stderr
    assert "nothing written" not in result.stderr
    assert "the change is complete" in result.stderr and "domain.toml" in result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr


def test_a_full_stdout_after_the_commit_says_what_was_written(tmp_path: Path, generated_projects):
    root = make_project("generated", tmp_path / "shop", generated_projects)
    before = state(root)
    with open("/dev/full", "wb") as full:
        result = _run_with_stdout(ADD, root, full.fileno())
        assert state(root) != before
        assert result.returncode == 1, result.stderr
        assert "the change is complete" in result.stderr and "disk full" in result.stderr
        assert "nothing written" not in result.stderr
        preview = _run_with_stdout(
            ["add-database", "analytics", "--provider", "sqlite", "--dry-run"], root, full.fileno()
        )
    # A dry run writes nothing: there "nothing written" is the truth.
    assert preview.returncode == 2 and "nothing written" in preview.stderr, preview.stderr


def test_a_rollback_blocked_by_one_file_restores_the_others_and_names_it(
    cli, tmp_path: Path, generated_projects, monkeypatch
) -> None:
    """The third rename of the commit fails (EIO), and the first file the rollback puts back
    cannot be renamed (EPERM, as an immutable file): every other file is as before, the line
    names the blocked file and what to do, the journal stays; the next command finishes."""
    root = make_project("generated", tmp_path / "shop", generated_projects)
    before = state(root, ignore_ours=True)
    real_replace, real_rename = os.replace, os.rename
    replaced: list[str] = []
    blocked: list[str] = []

    def failing_replace(src, dst, *args, **kwargs):
        if str(dst).startswith(str(root)) and TEMP_MARK in str(src):
            replaced.append(str(dst))
            if len(replaced) == 3:
                raise OSError(errno.EIO, "Input/output error (injected)", str(dst))
        return real_replace(src, dst, *args, **kwargs)

    def immutable_rename(src, dst, *args, **kwargs):
        if BACKUP_MARK in str(src) and (not blocked or blocked[0] == str(dst)):
            blocked.append(str(dst))
            raise OSError(errno.EPERM, "Operation not permitted (injected)", str(src))
        return real_rename(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", failing_replace)
    monkeypatch.setattr(os, "rename", immutable_rename)
    code, _, err = cli([*ADD, "--project", root])
    monkeypatch.undo()
    assert blocked, "the rollback never tried to put a file back"
    name = Path(blocked[0]).relative_to(root).as_posix()
    assert code == 1, err
    line = err.strip().splitlines()[-1]
    assert f"could not put back {name}" in line and "chmod u+w" in line, err
    assert (root / JOURNAL_NAME).exists()
    now = state(root, ignore_ours=True)
    assert {k: v for k, v in now.items() if k != name} == {
        k: v for k, v in before.items() if k != name
    }
    code, _, err = cli("derive --project", root)
    assert code == 0 and "undid an interrupted change" in err, err
    assert state(root, ignore_ours=True) == before
    assert not (root / JOURNAL_NAME).exists()


def test_leaving_github_ci_removes_the_folders_it_emptied_and_no_other(
    cli, tmp_path: Path, generated_projects
) -> None:
    """Issue 26 item 8: after `ci --ci gitlab`, no empty .github/workflows/ or .github/; a
    .github/ holding a file of the user's stays, with that file."""
    root = make_project("generated", tmp_path / "shop", generated_projects)
    code, _, err = cli("ci --ci gitlab --project", root)
    assert code == 0, err
    assert not (root / ".github").exists()
    assert (root / ".gitlab-ci.yml").is_file()

    other = make_project("generated", tmp_path / "other", generated_projects)
    (other / ".github" / "dependabot.yml").write_bytes(b"version: 2\n")
    assert cli("ci --ci gitlab --project", other).code == 0
    assert not (other / ".github" / "workflows").exists()
    assert (other / ".github" / "dependabot.yml").read_bytes() == b"version: 2\n"
