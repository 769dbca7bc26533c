"""The project's lock: `fcntl.flock` on `.protean-init-lock` in its root, taken before a
command reads the project and held until it has written, re-entrant in this process."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from scaffolder.errors import ProjectBusy, WriteError
from scaffolder.transaction.disk import os_error_text
from scaffolder.transaction.journal import RestoreBlocked, recover
from scaffolder.transaction.names import JOURNAL_NAME, LOCK_NAME

# How long a second process waits for the lock before giving up (seconds).
LOCK_TIMEOUT_ENV = "PROTEAN_INIT_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 5.0


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
        # Never through a link (a planted `.protean-init-lock -> ../elsewhere/victim` would
        # create the victim), never a fifo or a device: only a regular file of the project.
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise WriteError(
                f"nothing written: {path} is not a lock file protean-init made; delete it"
            )
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
        if error.errno == errno.ELOOP:
            raise WriteError(
                f"nothing written: {lock_path} is a symlink, not a lock file protean-init "
                "made; delete it"
            ) from None
        raise WriteError(
            f"nothing written: cannot lock the project: {os_error_text(error)}"
        ) from error
    _held[key] = (fd, 1)
    try:
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
