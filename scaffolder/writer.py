"""Writing to the user's disk, all or nothing.

Every command computes the complete new content of every file first; this module compares it
with what is on disk, shows it (`--dry-run`), and writes it so that an interrupted or failed
run leaves each file either as it was or as intended, never half-written.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from scaffolder.errors import ScaffolderError, UsageError


@dataclass(frozen=True)
class FileChange:
    path: Path
    relative: str
    old: bytes | None
    new: bytes

    @property
    def created(self) -> bool:
        return self.old is None


def changes_for(root: Path, files: Mapping[str, bytes]) -> list[FileChange]:
    """The files under `root` whose content would change; unchanged files are left out."""
    changes = []
    for relative, new in files.items():
        path = root / relative
        if path.is_symlink():
            # Write the file the link names: the link stays a link, shared configs stay shared.
            path = Path(os.path.realpath(path))
        old = path.read_bytes() if path.is_file() else None
        if old != new:
            changes.append(FileChange(path, relative, old, new))
    return changes


def describe(changes: Iterable[FileChange]) -> str:
    """What a dry run prints: a new file's content, or a unified diff of an existing one."""
    parts = []
    for change in changes:
        new_text = change.new.decode("utf-8", errors="replace")
        if change.old is None:
            parts.append(f"--- new file: {change.relative}\n{new_text}")
            continue
        diff = difflib.unified_diff(
            change.old.decode("utf-8", errors="replace").splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile=f"a/{change.relative}",
            tofile=f"b/{change.relative}",
        )
        parts.append("".join(diff))
    return "\n".join(parts)


def _make_folders(folder: Path) -> list[Path]:
    """Create `folder` and any missing parents; returns those it created, outermost first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    missing.reverse()
    for path in missing:
        path.mkdir(exist_ok=True)
    return missing


def _remove_folders(folders: list[Path]) -> None:
    """Remove folders `_make_folders` created, innermost first, if they are empty."""
    for folder in reversed(folders):
        with contextlib.suppress(OSError):
            folder.rmdir()


def apply(changes: list[FileChange]) -> None:
    """Write every change or none: stage all temporary files, then rename them into place.

    Each rename is atomic; if one fails (or the run is interrupted), the files already replaced
    are restored from their old content and the folders made for new files are removed, so the
    project is never left with some files new and some old.
    """
    staged: list[tuple[FileChange, Path]] = []
    made: list[Path] = []
    done: list[FileChange] = []
    finished = False
    try:
        try:
            for change in changes:
                made.extend(_make_folders(change.path.parent))
                fd, tmp = tempfile.mkstemp(prefix=f".{change.path.name}.", dir=change.path.parent)
                staged.append((change, Path(tmp)))
                with os.fdopen(fd, "wb") as handle:
                    handle.write(change.new)
                if change.old is not None:
                    shutil.copymode(change.path, tmp)
                else:
                    os.chmod(tmp, 0o644)
            for change, tmp in staged:
                os.replace(tmp, change.path)
                done.append(change)
            finished = True
        except BaseException:
            for change in reversed(done):
                if change.old is None:
                    change.path.unlink(missing_ok=True)
                else:
                    change.path.write_bytes(change.old)
            raise
    except OSError as error:
        raise ScaffolderError(f"nothing written: {error}") from error
    finally:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
        if not finished:
            _remove_folders(made)


def create_project(target: Path, files: Mapping[str, bytes], *, force: bool = False) -> None:
    """Write a new project into `target`, which must not exist or be empty unless `force`.

    The project is built in a sibling folder and renamed into place, so an interrupted run
    leaves no half project behind.
    """
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise UsageError(f"{target} exists and is not empty; pass --force to write into it")
    if target.is_dir():
        apply(changes_for(target, files))
        return
    made = _make_folders(target.parent)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    finished = False
    try:
        for relative, content in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        os.chmod(staging, 0o755)
        staging.rename(target)
        finished = True
    except OSError as error:
        raise ScaffolderError(f"nothing written: {error}") from error
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
        if not finished:
            _remove_folders(made)
