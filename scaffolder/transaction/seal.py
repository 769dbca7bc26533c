"""What protean-init writes for itself proves it wrote it: a per-user key, kept outside every
project, seals the journal and names the staging folders.

A project folder is often someone else's repository, and anything in it can be planted. So,
as git decides what to trust from outside the repository (safe.directory, CVE-2022-24765),
a journal is acted on only when its seal, an HMAC over its bytes and the project's real path
with this key, is right: it was written by protean-init, for this user, for this folder.
The key lives in $XDG_STATE_HOME/protean-init/ (default ~/.local/state/protean-init/),
made 0700 and 0600 on first use.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from scaffolder.errors import WriteError

KEY_NAME = "journal-key"
KEY_BYTES = 32


def state_folder() -> Path:
    """$XDG_STATE_HOME/protean-init, or ~/.local/state/protean-init (a relative
    XDG_STATE_HOME is ignored, as the XDG base directory spec says)."""
    base = os.environ.get("XDG_STATE_HOME", "")
    home = Path(base) if os.path.isabs(base) else Path.home() / ".local" / "state"
    return home / "protean-init"


def _read_key(path: Path) -> bytes | None:
    """The key in `path`, None when there is none; refused when it is not a file of ours."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise WriteError(f"{path}: cannot read protean-init's key ({error.strerror})") from None
    try:
        info = os.fstat(fd)
        key = os.read(fd, KEY_BYTES + 1)
    finally:
        os.close(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or len(key) != KEY_BYTES:
        raise WriteError(
            f"{path}: not a key protean-init made (a {KEY_BYTES}-byte file of yours); "
            "delete it and run the command again"
        )
    return key


def user_key(*, create: bool) -> bytes | None:
    """This user's key; made when missing and `create` (a command about to write), else None."""
    folder = state_folder()
    path = folder / KEY_NAME
    key = _read_key(path)
    if key is not None or not create:
        return key
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Written whole under a temporary name, then linked into place: two first runs at
        # once agree on one key (the second link fails, and both read the first).
        temporary = folder / f".{KEY_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, secrets.token_bytes(KEY_BYTES))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    except OSError as error:
        raise WriteError(
            f"nothing written: cannot keep protean-init's key in {folder} ({error.strerror}); "
            "set XDG_STATE_HOME to a folder of yours"
        ) from None
    return _read_key(path)


def seal(key: bytes, purpose: str, root: Path, data: bytes) -> str:
    """HMAC-SHA256 of `data` for `purpose` in the folder `root` (its real path)."""
    where = os.fsencode(os.path.realpath(root))
    message = purpose.encode() + b"\0" + where + b"\0" + data
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def sealed(key: bytes | None, purpose: str, root: Path, data: bytes, claimed: str) -> bool:
    if key is None:
        return False
    return hmac.compare_digest(seal(key, purpose, root, data), claimed)
