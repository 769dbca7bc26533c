"""Two `add-database` runs at once on one project, many times: each either lands or exits
non-zero saying why, and none is lost (the project lock is taken before the project is read,
so the second run reads what the first wrote)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import tomllib
from pathlib import Path

from .transaction_support import cli_command, cli_env, leftovers, make_project

PAIRS = 12
ANSWERS = ".copier-answers.protean-init.yml"


def start(name: str, root: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        cli_command(["add-database", name, "--provider", "sqlite", "--project", str(root)]),
        cwd=root.parent,
        env=cli_env(PROTEAN_INIT_LOCK_TIMEOUT="60"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_simultaneous_add_database_pairs_lose_nothing(generated_projects, tmp_path: Path) -> None:
    landed = 0
    for i in range(PAIRS):
        root = make_project("generated", tmp_path / f"pair{i}" / "shop", generated_projects)
        names = (f"left{i}", f"right{i}")
        processes = [start(name, root) for name in names]
        results = [(p.wait(timeout=180), *p.communicate()) for p in processes]
        config = tomllib.loads((root / "domain.toml").read_text())
        env_example = (root / ".env.example").read_text()
        answers = (root / ANSWERS).read_text()
        for name, (code, out, err) in zip(names, results, strict=True):
            if code == 0:
                assert f"Added database {name!r}" in out
                assert name in config["databases"], f"{name} said Added but is lost"
                assert f"{name.upper()}_DATABASE_URL" in env_example, name
                assert name in answers, name
                landed += 1
            else:
                # The only acceptable refusal: the lock was busy for too long.
                assert "another protean-init is changing this project" in err, err
                assert name not in config["databases"]
        assert not leftovers(root), leftovers(root)
    print(f"{PAIRS} pairs: {landed} of {2 * PAIRS} runs landed")
    assert landed == 2 * PAIRS  # with a 60 s wait, none should have had to give up


def test_a_second_run_gives_up_after_the_wait_and_changes_nothing(
    generated_projects, tmp_path: Path
) -> None:
    """The lock held by another process (here: this test) for longer than the wait."""
    root = make_project("generated", tmp_path / "shop", generated_projects)
    before = (root / "domain.toml").read_bytes()
    fd = os.open(root / ".protean-init-lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        argv = ["add-database", "reports", "--provider", "sqlite", "--project", str(root)]
        result = subprocess.run(
            cli_command(argv),
            env=cli_env(PROTEAN_INIT_LOCK_TIMEOUT="0.5"),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(fd)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "another protean-init is changing this project" in result.stderr
    assert (root / "domain.toml").read_bytes() == before


WORKSPACE_PAIRS = 4


def test_two_contexts_edited_at_once_lose_nothing(generated_projects, tmp_path: Path) -> None:
    """Two processes each adding a database to a different context of one workspace, one
    named by --context at the root, one run inside its context's folder: both re-derive the
    shared files from every context, so the lock is the workspace root's whichever way the
    project was found, and the second reads what the first wrote (both databases in
    .env.example and the record; derive then finds nothing to change)."""
    for i in range(WORKSPACE_PAIRS):
        root = make_project("workspace", tmp_path / f"pair{i}" / "shop", generated_projects)
        name = f"extra{i}"
        argv = ["add-database", name, "--provider", "sqlite"]
        processes = [
            subprocess.Popen(
                cli_command([*argv, *where]),
                cwd=cwd,
                env=cli_env(PROTEAN_INIT_LOCK_TIMEOUT="60"),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for where, cwd in (
                (["--context", "ordering", "--project", str(root)], root.parent),
                ([], root / "src" / "catalogue"),
            )
        ]
        for process in processes:
            code = process.wait(timeout=180)
            assert code == 0, process.communicate()
        env_example = (root / ".env.example").read_text()
        answers = (root / ANSWERS).read_text()
        for context in ("ordering", "catalogue"):
            config = tomllib.loads((root / "src" / context / "domain.toml").read_text())
            assert name in config["databases"], (context, name)
            assert f"{context.upper()}_{name.upper()}_DATABASE_URL" in env_example, context
            assert answers.count(f"databases.{name}:") >= 2, answers
        derive = subprocess.run(
            cli_command(["derive", "--dry-run", "--project", str(root)]),
            env=cli_env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert derive.returncode == 0 and "nothing would change" in derive.stdout, derive
        assert not leftovers(root), leftovers(root)
