"""Staging folders of `new`: a project is built in one and renamed into place."""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from scaffolder.transaction.names import STAGING_PREFIX


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
