"""Staging folders of `new`: a project is built in one and renamed into place."""

from __future__ import annotations

import contextlib
import fcntl
import hmac
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from scaffolder.transaction.names import STAGING_PREFIX
from scaffolder.transaction.seal import seal, user_key

PURPOSE = "staging"


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


def _name(key: bytes, parent: Path, pid: int, token: str) -> str:
    """`.protean-init-staging-PID-TOKEN-SEAL`: the seal shows this user's protean-init made
    it in `parent`, so a folder planted under that name is never taken for ours."""
    mark = f"{pid}-{token}"
    return f"{STAGING_PREFIX}{mark}-{seal(key, PURPOSE, parent, mark.encode())[:32]}"


def _ours(key: bytes | None, parent: Path, name: str) -> bool:
    pid, _, rest = name[len(STAGING_PREFIX) :].partition("-")
    token = rest.partition("-")[0]
    if key is None or not pid.isdigit():
        return False
    return hmac.compare_digest(_name(key, parent, int(pid), token), name)


def sweep_staging(parent: Path) -> None:
    """Remove staging folders of `new` runs that died (SIGKILL) in `parent`.

    Only folders whose sealed name shows they are ours, real folders (never a link); a live
    run holds a flock on its staging folder; one whose owner is alive and that is not locked
    yet (just made) is left alone too.
    """
    try:
        names = [n for n in os.listdir(parent) if n.startswith(STAGING_PREFIX)]
    except OSError:
        return
    if not names:
        return
    key = user_key(create=False)
    for name in names:
        if not _ours(key, parent, name):
            continue
        path = parent / name
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
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
                same = os.lstat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                continue
            if same:
                shutil.rmtree(path, ignore_errors=True)
        finally:
            os.close(fd)


@contextlib.contextmanager
def staging_folder(parent: Path) -> Iterator[Path]:
    """A new, locked, recognisable folder in `parent`; removed on the way out if still there."""
    key = user_key(create=True)
    assert key is not None
    sweep_staging(parent)
    path = parent / _name(key, parent, os.getpid(), secrets.token_hex(4))
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
