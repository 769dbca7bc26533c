"""The project's lock: `fcntl.flock` on `.protean-init-lock` in its root, taken before a
command reads the project and held until it has written, re-entrant in this process."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from scaffolder.errors import ProjectBusy, WriteError
from scaffolder.transaction.disk import os_error_text
from scaffolder.transaction.journal import RestoreBlocked, recover
from scaffolder.transaction.names import JOURNAL_NAME, LOCK_NAME
from scaffolder.transaction.signals import deferred_signals

# How long a second process waits for the lock before giving up (seconds).
LOCK_TIMEOUT_ENV = "PROTEAN_INIT_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 5.0


# real root -> (fd, depth, the thread that took it: the wizard writes from a worker thread)
_held: dict[Path, tuple[int, int, int]] = {}


def _lock_timeout() -> float:
    try:
        return float(os.environ.get(LOCK_TIMEOUT_ENV, DEFAULT_LOCK_TIMEOUT))
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT


def _acquire(key: Path, path: Path, timeout: float) -> None:
    """Take an exclusive flock on `path` (which must still name the locked file) and note it
    in `_held` under `key`.

    The holder removes the lock file when done; a waiter that then gets the lock on the
    removed file sees the name gone (or naming another file) and tries again. Each attempt
    holds Ctrl-C back (scaffolder.transaction.signals) until its fd is closed or in `_held`,
    from where a release, or `release_abandoned` after an interrupt, removes the file: an
    interrupt between creating the file and noting it would leave it in the project. The wait
    between attempts stays interruptible.
    """
    deadline = time.monotonic() + timeout
    while True:
        with deferred_signals() as deferred:
            fd = _try_lock(path)
            if fd is not None:
                _held[key] = (fd, 1, threading.get_ident())
        deferred.deliver()
        if fd is not None:
            return
        if time.monotonic() >= deadline:
            raise ProjectBusy(
                f"another protean-init is changing this project ({path} is locked); "
                "nothing was written; try again when it has finished"
            )
        time.sleep(0.05)


def _try_lock(path: Path) -> int | None:
    """One attempt: an fd holding the flock on the file `path` names, or None (busy, or the
    name was removed or replaced meanwhile)."""
    # Never through a link (a planted `.protean-init-lock -> ../elsewhere/victim` would
    # create the victim), never a fifo or a device: only a regular file of the project.
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise WriteError(f"nothing written: {path} is not a lock file protean-init made; delete it")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    try:
        same = os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        same = False
    if same:
        return fd
    os.close(fd)
    return None


@contextlib.contextmanager
def project_lock(root: Path, *, recover_first: bool = True) -> Iterator[None]:
    """Hold the project's lock (re-entrant in this process); on first taking it, finish or
    undo an interrupted transaction and remove our stale temporary files."""
    key = Path(os.path.realpath(root))
    if key in _held:
        fd, depth, owner = _held[key]
        _held[key] = (fd, depth + 1, owner)
        try:
            yield
        finally:
            fd, depth, owner = _held[key]
            _held[key] = (fd, depth - 1, owner)
        return
    lock_path = key / LOCK_NAME
    try:
        try:
            _acquire(key, lock_path, _lock_timeout())
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise WriteError(
                    f"nothing written: {lock_path} is a symlink, not a lock file protean-init "
                    "made; delete it"
                ) from None
            raise WriteError(
                f"nothing written: cannot lock the project: {os_error_text(error)}"
            ) from error
        if recover_first:
            try:
                recover(key)
            except RestoreBlocked as blocked:
                raise WriteError(f"nothing written: {blocked}") from None
            except OSError as error:
                raise WriteError(
                    f"nothing written: could not finish an interrupted change in {key} "
                    f"({os_error_text(error)}); the next command tries again"
                ) from error
        yield
    finally:
        if key in _held:
            _release(key)


def _release(key: Path) -> None:
    """Remove the lock file, then let the lock go (the fd is closed even if the unlink
    failed: a lock must never outlive its holder). Safe to repeat: `release_abandoned` does
    it again for a release that an interrupt cut short."""
    with contextlib.suppress(OSError):
        os.unlink(key / LOCK_NAME)
    with contextlib.suppress(OSError):
        os.close(_held[key][0])
    del _held[key]


def release_abandoned() -> None:
    """Release every lock this thread still holds: after a Ctrl-C or SIGTERM reached the
    command line (scaffolder.cli), which may have landed inside a lock's own release, so
    that no lock file is left in a project. A lock another thread holds is that thread's to
    release: it may still be writing."""
    for key, (_, _, owner) in list(_held.items()):
        if owner == threading.get_ident():
            _release(key)


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
