"""Writing to disk, flushed, and an OSError said in plain words."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import time
from pathlib import Path

# Test-only: sleep this many seconds before each write step, so tests can land a real signal
# inside the commit. It changes timing only, never what is written.
TEST_DELAY_ENV = "PROTEAN_INIT_TEST_COMMIT_DELAY"

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


def delay() -> None:
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


def unlink(path: Path | None) -> None:
    if path is not None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
