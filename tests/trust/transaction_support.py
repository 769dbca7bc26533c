"""Helpers for the transaction tests: projects, byte-for-byte states, our leftovers, the CLI."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from scaffolder.transaction.names import (
    BACKUP_MARK,
    JOURNAL_NAME,
    LOCK_NAME,
    STAGING_PREFIX,
    TEMP_MARK,
)
from tests.support.projects import GeneratedProjects

REPO = Path(__file__).resolve().parents[2]
PROTEAN_NEW = REPO / "tests" / "fixtures" / "domain-toml" / "protean-new.domain.toml"

# The writing commands, each as (argv after the command's own name, how the project is made).
REOPEN_COMMANDS: dict[str, tuple[list[str], str]] = {
    "add-database": (["add-database", "reports", "--provider", "sqlite"], "generated"),
    "set": (["set", "production.caches.default=memory"], "generated"),
    "add-env": (["add-env", "production", "test", "memory"], "protean-new"),
    "ci": (["ci", "--ci", "gitlab"], "generated"),
    "add-context": (["add-context", "billing"], "generated"),
    # One context's edit re-deriving a workspace's shared files (scaffolder.reopen.workspace_edit).
    "workspace-add-database": (
        ["add-database", "reports", "--provider", "postgresql", "--context", "ordering"],
        "workspace",
    ),
}

State = dict[str, tuple[object, ...]]


def ours(name: str) -> bool:
    """A name protean-init's writer makes and must not leave behind."""
    return (
        TEMP_MARK in name
        or BACKUP_MARK in name
        or name.startswith(STAGING_PREFIX)
        or name in (LOCK_NAME, JOURNAL_NAME, JOURNAL_NAME + ".tmp")
    )


def leftovers(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if ours(p.name))


def state(root: Path, *, ignore_ours: bool = False) -> State:
    """Every file's bytes and mode and every folder under `root` (mtimes differ run to run)."""
    found: State = {}
    if not root.exists():
        return found
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if ignore_ours and any(ours(part) for part in relative.parts):
            continue
        info = path.lstat()
        key = relative.as_posix()
        if path.is_symlink():
            found[key] = ("link", os.readlink(path))
        elif path.is_dir():
            found[key] = ("dir", stat.S_IMODE(info.st_mode))
        else:
            found[key] = ("file", path.read_bytes(), stat.S_IMODE(info.st_mode))
    return found


def make_project(kind: str, root: Path, projects: GeneratedProjects) -> Path:
    """A fresh copy of `new shop --defaults` ("generated"), of it with the contexts ordering
    and catalogue ("workspace"), or a folder holding only the domain.toml `protean new` writes
    (no overlays)."""
    if kind == "generated":
        return projects.copy(root, name="shop")
    if kind == "workspace":
        return projects.copy(root, "--context", "ordering", "--context", "catalogue", name="shop")
    root.mkdir(parents=True)
    shutil.copyfile(PROTEAN_NEW, root / "domain.toml")
    return root


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PROTEAN_ENV"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def cli_command(argv: list[str]) -> list[str]:
    return [sys.executable, "-m", "scaffolder", *argv]


def run_cli(
    argv: list[str], cwd: Path, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli_command(argv),
        cwd=cwd,
        env=cli_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
