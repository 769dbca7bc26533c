"""Writing a set of file changes all or nothing: prepare, journal "commit", replace, tidy."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

from scaffolder.errors import OutsideProject, StaleFile, Unfinished, WriteError
from scaffolder.transaction.change import FileChange
from scaffolder.transaction.disk import (
    delay,
    fsync_dir,
    fsync_file,
    os_error_text,
    unlink,
    write_new_file,
)
from scaffolder.transaction.journal import (
    Entry,
    RestoreBlocked,
    back,
    remove_emptied,
    remove_journal,
    write_journal,
)
from scaffolder.transaction.lock import project_lock
from scaffolder.transaction.names import BACKUP_MARK, JOURNAL_NAME, TEMP_MARK, beside_name
from scaffolder.transaction.paths import check_inside, follow_outside_links
from scaffolder.transaction.signals import deferred_signals, record_written


def _current(path: Path) -> bytes | None:
    # Opened without blocking and checked on the open file: a named pipe planted where a
    # file is written would otherwise hold the read (and the project's lock) forever.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise WriteError(f"{path}: is a folder, expected a file; nothing was written") from None
    with os.fdopen(fd, "rb") as file:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise WriteError(f"{path}: is a folder, expected a file; nothing was written")
        if not stat.S_ISREG(mode):
            raise WriteError(
                f"{path}: is not a regular file (a named pipe, socket or device), expected a "
                "file; nothing was written"
            )
        return file.read()


def _missing_folders(folder: Path) -> list[Path]:
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    missing.reverse()
    return missing


def _token() -> str:
    return secrets.token_hex(4)


def _check_writable(change: FileChange) -> None:
    try:
        mode = os.stat(change.path).st_mode
    except FileNotFoundError:
        return
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise WriteError(
            f"{change.relative} is read-only (mode {stat.S_IMODE(mode):04o}); nothing was "
            f"written (chmod u+w {change.relative} to let protean-init change it)"
        )


def _check_place(root: Path, change: FileChange) -> None:
    """The target is below the project through real folders and is not a link (a link of
    the project was resolved by writer.changes_for, and must not have appeared since)."""
    if not change.path.is_relative_to(root):
        if follow_outside_links():
            return
        raise OutsideProject(
            f"refused to write {change.relative}: {change.path} is outside the project "
            f"{root}; nothing was written"
        )
    check_inside(root, change.path.relative_to(root).as_posix())
    if os.path.islink(change.path):
        raise OutsideProject(
            f"{change.relative} became a symlink since protean-init read it; nothing was "
            "written; run the command again"
        )


def commit(root: Path, changes: Sequence[FileChange]) -> None:
    """Write every change or none, under the project lock; see the module's docstring.

    Refuses (nothing written) when a target no longer holds `old`: another process or the
    user changed it since it was read; or when it is not a file below the project reached
    through real folders (scaffolder.transaction.paths), checked again under the lock.
    """
    if not changes:
        return
    root = Path(os.path.realpath(root))
    with project_lock(root):
        # An OS error while reading a target back is as much "nothing written" as one while
        # staging: both come before any target is touched.
        try:
            for change in changes:
                _check_place(root, change)
                if _current(change.path) != change.old:
                    raise StaleFile(change.relative)
                _check_writable(change)
            _commit_locked(root, changes)
        except OSError as error:
            raise WriteError(f"nothing written: {os_error_text(error)}") from error


class _Cancelled(Exception):
    """A held-back signal arrived before anything was replaced: undo, then deliver it."""


def _commit_locked(root: Path, changes: Sequence[FileChange]) -> None:
    """prepare (temp files and backups written, journal "prepare") -> commit (journal
    "commit", every target replaced) -> done; a failure or a held-back signal before "done"
    undoes what was done, as the journal's state says a later run would."""
    entries, folders = _entries(changes)
    with deferred_signals() as deferred:
        state = "prepare"
        try:
            _prepare(root, entries, folders, changes)
            if deferred.pending:
                raise _Cancelled
            state = "commit"
            write_journal(root, state, entries, folders)
            _replace_targets(entries)
            # From here the change is made: an interrupt now is reported as "after writing".
            record_written(root, [c.relative for c in changes])
            state = "done"
        except BaseException as error:
            if state == "done":
                raise
            _undo(root, entries, folders, renamed=state == "commit")
            if not isinstance(error, _Cancelled):
                raise
        if state == "done":
            _tidy(root, entries)
    deferred.deliver()


def _entries(changes: Sequence[FileChange]) -> tuple[list[Entry], list[Path]]:
    """Each change's temp and backup names, and the folders the commit must make."""
    entries: list[Entry] = []
    folders: list[Path] = []
    for change in changes:
        for folder in _missing_folders(change.path.parent):
            if folder not in folders:
                folders.append(folder)
        target = change.path
        token = _token()
        temp = None
        if change.new is not None:
            temp = target.with_name(beside_name(target.name, TEMP_MARK, token))
        backup = None
        mode = 0o644
        if change.old is not None:
            backup = target.with_name(beside_name(target.name, BACKUP_MARK, token))
            mode = stat.S_IMODE(os.stat(target).st_mode)
        entries.append(Entry(target, temp, backup, mode))
    return entries, folders


def _prepare(
    root: Path, entries: list[Entry], folders: list[Path], changes: Sequence[FileChange]
) -> None:
    """Journal "prepare", then every new content in its temp file and every old file under
    its backup name, all flushed: nothing a user sees has changed yet."""
    write_journal(root, "prepare", entries, folders)
    for folder in folders:
        os.mkdir(folder)
    for entry, change in zip(entries, changes, strict=True):
        delay()
        if entry.temp is not None and change.new is not None:
            write_new_file(entry.temp, change.new, entry.mode)
        if entry.backup is not None:
            _backup(entry.target, entry.backup)
    for folder in {e.target.parent for e in entries}:
        fsync_dir(folder)


def _replace_targets(entries: list[Entry]) -> None:
    for entry in entries:
        delay()
        if entry.temp is None:
            os.unlink(entry.target)
        else:
            os.replace(entry.temp, entry.target)


def _undo(root: Path, entries: list[Entry], folders: list[Path], *, renamed: bool) -> None:
    """Back to the old files; if that fails too, the journal is left for the next run."""
    try:
        if renamed:
            with contextlib.suppress(OSError):
                write_journal(root, "rollback", entries, folders)
        back(root, entries, folders, renamed=renamed)
        remove_journal(root)
    except RestoreBlocked as blocked:
        raise Unfinished(f"the write failed, and {blocked}") from blocked.error
    except OSError as undo_error:
        raise Unfinished(
            f"could not restore {root} after a failed write "
            f"({os_error_text(undo_error)}); the next protean-init command there "
            f"finishes it ({JOURNAL_NAME})"
        ) from undo_error


def _tidy(root: Path, entries: list[Entry]) -> None:
    """After the commit: flush the folders, drop the backups, the folders a deletion left
    empty, and the journal."""
    try:
        for folder in {e.target.parent for e in entries}:
            fsync_dir(folder)
        for entry in entries:
            unlink(entry.backup)
        remove_emptied(root, entries)
        remove_journal(root)
    except OSError as error:
        # All is written; the journal (state "commit") lets the next run tidy up.
        print(
            f"protean-init: written, but not tidied up: {os_error_text(error)}",
            file=sys.stderr,
        )


def _backup(target: Path, backup: Path) -> None:
    """A second name for the old file: a hard link where the file system has them."""
    try:
        os.link(target, backup, follow_symlinks=False)
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EXDEV):
            raise
        shutil.copy2(target, backup)
        fsync_file(backup)
