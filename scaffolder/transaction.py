"""One transaction for every command that writes: a project lock, a journal, deferred signals.

A commit writes every new file to a temporary name beside its target (fsynced), keeps a hard
link to each old file, records all of it in a small journal (fsynced), and only then renames
the temporaries into place. A run killed at any moment leaves a journal that the next command
on the project reads first: before the journal says "commit", nothing was replaced and the
temporaries are removed (all old); after, the renames are finished (all new). SIGINT, SIGTERM
and SIGHUP are held back while files are replaced, so "nothing was written" is only said when
it is true. The lock (`fcntl.flock` on `.protean-init-lock` in the project root) serialises
read-modify-write: commands take it before they read the project (`project_lock`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import secrets
import shutil
import signal
import stat
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scaffolder.errors import ScaffolderError, UsageError

if TYPE_CHECKING:
    from scaffolder.reopen.project import Project

LOCK_NAME = ".protean-init-lock"
JOURNAL_NAME = ".protean-init-journal"
# Temporaries and backups beside their targets, recognisable as ours by these marks.
TEMP_MARK = ".protean-init-new-"
BACKUP_MARK = ".protean-init-old-"
STAGING_PREFIX = ".protean-init-staging-"
DEFERRED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

# How long a second process waits for the lock before giving up (seconds).
LOCK_TIMEOUT_ENV = "PROTEAN_INIT_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 5.0
# Test-only: sleep this many seconds before each write step, so tests can land a real signal
# inside the commit. It changes timing only, never what is written.
TEST_DELAY_ENV = "PROTEAN_INIT_TEST_COMMIT_DELAY"


class WriteError(ScaffolderError):
    """The disk refused a write (permission, name too long, disk full, ...); nothing written."""

    exit_code = 2


class ProjectBusy(ScaffolderError):
    exit_code = 2


class Unfinished(ScaffolderError):
    """A commit failed and its rollback failed too; the journal stays for the next run."""

    exit_code = 1


# What this process has written: (root, relative paths). The CLI reads it when interrupted.
_written: list[tuple[Path, list[str]]] = []


def written() -> list[tuple[Path, list[str]]]:
    return list(_written)


def forget_written() -> None:
    _written.clear()


def record_written(root: Path, relatives: Sequence[str]) -> None:
    _written.append((root, list(relatives)))


_REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENAMETOOLONG: "name too long",
    errno.ENOSPC: "disk full",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "file too large (the file size limit, ulimit -f, was reached)",
    errno.EROFS: "read-only file system",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "is a folder",
    errno.EEXIST: "already exists",
    errno.EMFILE: "too many open files",
    errno.EIO: "input/output error",
}


def os_error_text(error: OSError) -> str:
    """`/path: why` for a user: the path the OS named and the reason in plain words."""
    if getattr(error, "retcode", None) == -signal.SIGXFSZ:
        # A program copier ran (git) was killed for writing past the file size limit.
        return _REASONS[errno.EFBIG]
    reason = _REASONS.get(error.errno or 0) or error.strerror or " ".join(str(error).split())
    if error.strerror and error.strerror.lower() != reason:
        reason = f"{reason} ({error.strerror})"
    path = error.filename if error.filename is not None else None
    return f"{path}: {reason}" if path else reason


def _delay() -> None:
    seconds = os.environ.get(TEST_DELAY_ENV)
    if seconds:
        time.sleep(float(seconds))


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_new_file(path: Path, data: bytes, mode: int) -> None:
    """Create `path` (it must not exist) with `data` and `mode`, and fsync it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fchmod(fd, mode)
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------- signals


class Deferred:
    """Signals that arrived while held back, delivered by `deliver` after the window."""

    def __init__(self) -> None:
        self.pending: list[int] = []

    def deliver(self) -> None:
        if not self.pending:
            return
        signum = self.pending[0]
        self.pending.clear()
        if signum == signal.SIGINT and signal.getsignal(signum) is signal.default_int_handler:
            raise KeyboardInterrupt
        os.kill(os.getpid(), signum)


@contextlib.contextmanager
def deferred_signals() -> Iterator[Deferred]:
    """Hold SIGINT/SIGTERM/SIGHUP: they are recorded, and the caller decides when to deliver.

    Python runs signal handlers in the main thread only; elsewhere (the wizard writes from a
    worker thread, where Ctrl-C is a key, not a signal) there is nothing to hold.
    """
    deferred = Deferred()
    if threading.current_thread() is not threading.main_thread():
        yield deferred
        return

    def hold(signum: int, _frame: object) -> None:
        deferred.pending.append(signum)

    previous = {}
    try:
        for signum in DEFERRED:
            previous[signum] = signal.signal(signum, hold)
        yield deferred
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


# ---------------------------------------------------------------- the lock


_held: dict[Path, tuple[int, int]] = {}  # real root -> (fd, depth)


def _lock_timeout() -> float:
    try:
        return float(os.environ.get(LOCK_TIMEOUT_ENV, DEFAULT_LOCK_TIMEOUT))
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT


def _acquire(path: Path, timeout: float) -> int:
    """An fd holding an exclusive flock on `path`, which still names the locked file.

    The holder removes the lock file when done; a waiter that then gets the lock on the
    removed file sees the name gone (or naming another file) and tries again.
    """
    deadline = time.monotonic() + timeout
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise ProjectBusy(
                    f"another protean-init is changing this project ({path} is locked); "
                    "nothing was written; try again when it has finished"
                ) from None
            time.sleep(0.05)
            continue
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


@contextlib.contextmanager
def project_lock(root: Path, *, recover_first: bool = True) -> Iterator[None]:
    """Hold the project's lock (re-entrant in this process); on first taking it, finish or
    undo an interrupted transaction and remove our stale temporary files."""
    key = Path(os.path.realpath(root))
    if key in _held:
        fd, depth = _held[key]
        _held[key] = (fd, depth + 1)
        try:
            yield
        finally:
            fd, depth = _held[key]
            _held[key] = (fd, depth - 1)
        return
    lock_path = key / LOCK_NAME
    try:
        fd = _acquire(lock_path, _lock_timeout())
    except OSError as error:
        raise WriteError(
            f"nothing written: cannot lock the project: {os_error_text(error)}"
        ) from error
    _held[key] = (fd, 1)
    try:
        if recover_first:
            try:
                recover(key)
            except OSError as error:
                raise WriteError(
                    f"nothing written: could not finish an interrupted change in {key} "
                    f"({os_error_text(error)}); the next command tries again"
                ) from error
        yield
    finally:
        del _held[key]
        try:
            with contextlib.suppress(OSError):
                os.unlink(lock_path)
        finally:
            os.close(fd)  # even if interrupted just now: a lock must never outlive its holder


def recover_folder(folder: Path) -> None:
    """Finish or undo an interrupted run in `folder` if it left anything there (`new` into
    an existing folder calls this before deciding whether the folder is empty)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    if any(n in (LOCK_NAME, JOURNAL_NAME, JOURNAL_NAME + ".tmp") for n in names):
        with project_lock(folder):
            pass


# ---------------------------------------------------------------- the journal


@dataclass
class Entry:
    target: Path
    temp: Path | None  # None: the target is deleted
    backup: Path | None  # None: the target did not exist
    mode: int = 0o644


def _store(root: Path, path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _load(root: Path, text: str | None) -> Path | None:
    return None if text is None else root / text


def _write_journal(root: Path, state: str, entries: list[Entry], folders: list[Path]) -> None:
    data = {
        "version": 1,
        "state": state,
        "pid": os.getpid(),
        "entries": [
            {
                "target": _store(root, e.target),
                "temp": _store(root, e.temp),
                "backup": _store(root, e.backup),
            }
            for e in entries
        ],
        "folders": [_store(root, f) for f in folders],
    }
    journal = root / JOURNAL_NAME
    tmp = root / (JOURNAL_NAME + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    write_new_file(tmp, json.dumps(data, indent=1).encode(), 0o644)
    os.rename(tmp, journal)
    fsync_dir(root)


def _remove_journal(root: Path) -> None:
    _unlink(root / (JOURNAL_NAME + ".tmp"))
    _unlink(root / JOURNAL_NAME)
    fsync_dir(root)


def _unlink(path: Path | None) -> None:
    if path is not None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def _remove_folders(folders: list[Path]) -> None:
    for folder in reversed(folders):
        with contextlib.suppress(OSError):
            folder.rmdir()


def _forward(entries: list[Entry]) -> None:
    """Finish a commit: every temporary renamed into place, every deletion done."""
    for entry in entries:
        if entry.temp is None:
            _unlink(entry.target)
        elif entry.temp.exists():
            os.replace(entry.temp, entry.target)
    for folder in {e.target.parent for e in entries}:
        with contextlib.suppress(OSError):
            fsync_dir(folder)
    for entry in entries:
        _unlink(entry.backup)


def _back(entries: list[Entry], folders: list[Path], *, renamed: bool) -> None:
    """Undo: every target as it was. `renamed` False means no rename can have happened yet."""
    for entry in reversed(entries):
        if renamed and entry.backup is not None and os.path.lexists(entry.backup):
            # The backup is the old file (a hard link to it): putting it back is always right,
            # and a no-op when the target still is that file.
            os.rename(entry.backup, entry.target)
        elif renamed and entry.backup is None and entry.temp and not entry.temp.exists():
            _unlink(entry.target)  # it was created by this transaction
        _unlink(entry.temp)
        _unlink(entry.backup)
    for folder in {e.target.parent for e in entries if e.target.parent.exists()}:
        with contextlib.suppress(OSError):
            fsync_dir(folder)
    _remove_folders(folders)


def recover(root: Path) -> str | None:
    """Finish or undo what an interrupted run left in `root` (called with the lock held).

    Returns what was done, for a line on stderr, or None when there was nothing.
    """
    _unlink(root / (JOURNAL_NAME + ".tmp"))
    # `new` stages in the nearest folder above the project that existed then: its parent, or
    # further up when it made the folders in between.
    for folder in root.parents:
        sweep_staging(folder)
    journal = root / JOURNAL_NAME
    try:
        text = journal.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(text)
        entries = [
            Entry(
                _load(root, item["target"]),  # type: ignore[arg-type]
                _load(root, item["temp"]),
                _load(root, item["backup"]),
            )
            for item in data["entries"]
        ]
        folders = [root / f for f in data.get("folders", [])]
        state = data["state"]
    except (ValueError, KeyError, TypeError) as error:
        raise UsageError(
            f"{journal}: unreadable journal of an interrupted protean-init ({error}); "
            "check the project's files and delete the journal"
        ) from error
    names = ", ".join(_store(root, e.target) or "" for e in entries)
    if state == "commit":
        _forward(entries)
        outcome = f"finished an interrupted change (all new): {names}"
    else:
        _back(entries, folders, renamed=state == "rollback")
        outcome = f"undid an interrupted change (all as before): {names}"
    _remove_journal(root)
    print(f"protean-init: {outcome}", file=sys.stderr)
    return outcome


# ---------------------------------------------------------------- staging folders for `new`


def _staging_owner_alive(name: str) -> bool:
    pid_text = name[len(STAGING_PREFIX) :].partition("-")[0]
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_staging(parent: Path) -> None:
    """Remove staging folders of `new` runs that died (SIGKILL) in `parent`.

    A live run holds a flock on its staging folder; one whose owner is alive and that is not
    locked yet (just made) is left alone too.
    """
    try:
        names = [n for n in os.listdir(parent) if n.startswith(STAGING_PREFIX)]
    except OSError:
        return
    for name in names:
        path = parent / name
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            if _staging_owner_alive(name):
                continue
            try:
                same = os.stat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                continue
            if same:
                shutil.rmtree(path, ignore_errors=True)
        finally:
            os.close(fd)


@contextlib.contextmanager
def staging_folder(parent: Path) -> Iterator[Path]:
    """A new, locked, recognisable folder in `parent`; removed on the way out if still there."""
    sweep_staging(parent)
    path = parent / f"{STAGING_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    try:
        os.mkdir(path, 0o700)
    except OSError as error:
        # The folder the user can act on (a read-only parent), not our staging folder's name.
        error.filename = os.fspath(parent)
        raise
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield path
    finally:
        try:
            if os.path.lexists(path):
                shutil.rmtree(path, ignore_errors=True)
        finally:
            os.close(fd)


# ---------------------------------------------------------------- the commit


@dataclass(frozen=True)
class Change:
    """One target: its new content (None deletes it) and the content it must have now."""

    target: Path
    relative: str
    old: bytes | None
    new: bytes | None


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise WriteError(f"{path}: is a folder, expected a file; nothing was written") from None


def _missing_folders(folder: Path) -> list[Path]:
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    missing.reverse()
    return missing


def _token() -> str:
    return secrets.token_hex(4)


def _check_writable(change: Change) -> None:
    try:
        mode = os.stat(change.target).st_mode
    except FileNotFoundError:
        return
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise WriteError(
            f"{change.relative} is read-only (mode {stat.S_IMODE(mode):04o}); nothing was "
            f"written (chmod u+w {change.relative} to let protean-init change it)"
        )


def commit(root: Path, changes: Sequence[Change]) -> None:
    """Write every change or none, under the project lock; see the module's docstring.

    Refuses (nothing written) when a target no longer holds `old`: another process or the
    user changed it since it was read.
    """
    if not changes:
        return
    root = Path(os.path.realpath(root))
    with project_lock(root):
        for change in changes:
            if _current(change.target) != change.old:
                raise ScaffolderError(
                    f"{change.relative} changed since protean-init read it (another edit at "
                    "the same time?); nothing was written; run the command again"
                )
            _check_writable(change)
        try:
            _commit_locked(root, changes)
        except OSError as error:
            raise WriteError(f"nothing written: {os_error_text(error)}") from error


class _Cancelled(Exception):
    """A held-back signal arrived before anything was replaced: undo, then deliver it."""


def _commit_locked(root: Path, changes: Sequence[Change]) -> None:
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
            _write_journal(root, state, entries, folders)
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


def _entries(changes: Sequence[Change]) -> tuple[list[Entry], list[Path]]:
    """Each change's temp and backup names, and the folders the commit must make."""
    entries: list[Entry] = []
    folders: list[Path] = []
    for change in changes:
        for folder in _missing_folders(change.target.parent):
            if folder not in folders:
                folders.append(folder)
        target = change.target
        # The target's name, cut short, so a long (valid) name still leaves room for ours.
        stem = f".{target.name[:64]}"
        token = _token()
        temp = None if change.new is None else target.with_name(f"{stem}{TEMP_MARK}{token}")
        backup = None
        mode = 0o644
        if change.old is not None:
            backup = target.with_name(f"{stem}{BACKUP_MARK}{token}")
            mode = stat.S_IMODE(os.stat(target).st_mode)
        entries.append(Entry(target, temp, backup, mode))
    return entries, folders


def _prepare(
    root: Path, entries: list[Entry], folders: list[Path], changes: Sequence[Change]
) -> None:
    """Journal "prepare", then every new content in its temp file and every old file under
    its backup name, all flushed: nothing a user sees has changed yet."""
    _write_journal(root, "prepare", entries, folders)
    for folder in folders:
        os.mkdir(folder)
    for entry, change in zip(entries, changes, strict=True):
        _delay()
        if entry.temp is not None and change.new is not None:
            write_new_file(entry.temp, change.new, entry.mode)
        if entry.backup is not None:
            _backup(entry.target, entry.backup)
    for folder in {e.target.parent for e in entries}:
        fsync_dir(folder)


def _replace_targets(entries: list[Entry]) -> None:
    for entry in entries:
        _delay()
        if entry.temp is None:
            os.unlink(entry.target)
        else:
            os.replace(entry.temp, entry.target)


def _undo(root: Path, entries: list[Entry], folders: list[Path], *, renamed: bool) -> None:
    """Back to the old files; if that fails too, the journal is left for the next run."""
    try:
        if renamed:
            with contextlib.suppress(OSError):
                _write_journal(root, "rollback", entries, folders)
        _back(entries, folders, renamed=renamed)
        _remove_journal(root)
    except OSError as undo_error:
        raise Unfinished(
            f"could not restore {root} after a failed write "
            f"({os_error_text(undo_error)}); the next protean-init command there "
            f"finishes it ({JOURNAL_NAME})"
        ) from undo_error


def _tidy(root: Path, entries: list[Entry]) -> None:
    """After the commit: flush the folders, drop the backups and the journal."""
    try:
        for folder in {e.target.parent for e in entries}:
            fsync_dir(folder)
        for entry in entries:
            _unlink(entry.backup)
        _remove_journal(root)
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


# ---------------------------------------------------------------- reading a project to edit it


@contextlib.contextmanager
def editing(root: Path, *, dry_run: bool = False) -> Iterator[Project]:
    """`with editing(args.project, dry_run=args.dry_run) as project:` read, edit, commit.

    Takes the project lock before reading (so two edits at once are applied one after the
    other, the second reading what the first wrote) and recovers an interrupted run first.
    A dry run takes no lock and changes nothing, not even a recovery.
    """
    from scaffolder.reopen.project import open_project

    if dry_run:
        if (root / JOURNAL_NAME).exists():
            print(
                f"protean-init: {root / JOURNAL_NAME} holds an interrupted change; the next "
                "command that writes finishes or undoes it; this preview is of the files as "
                "they are",
                file=sys.stderr,
            )
        yield open_project(root)
        return
    if not root.is_dir():
        yield open_project(root)  # its "no such project folder" error
        return
    with project_lock(root):
        yield open_project(root)
