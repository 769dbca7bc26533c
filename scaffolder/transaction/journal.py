"""The journal of a commit (`.protean-init-journal`), and recovering from it: an interrupted
run is finished (state "commit": all new) or undone (before it: all old).

The journal is input like every file of the project: it is acted on only when its seal
(scaffolder.transaction.seal) shows this user's protean-init wrote it for this folder, and
only on paths a transaction writes: relative, below the project, outside .git/, through real
folders, each temporary and backup beside its target under our marks. Anything else is
refused in one line that names the file to delete, and nothing is done.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from scaffolder.errors import JournalRefused
from scaffolder.transaction.disk import fsync_dir, os_error_text, unlink, write_new_file
from scaffolder.transaction.names import BACKUP_MARK, JOURNAL_NAME, TEMP_MARK, is_beside_name
from scaffolder.transaction.paths import (
    folder_link,
    follow_outside_links,
    relative_problem,
)
from scaffolder.transaction.seal import seal, sealed, user_key
from scaffolder.transaction.staging import sweep_staging

PURPOSE = "journal"
HEADER = b"protean-init journal 2 "
# Far above any real journal (a few hundred bytes a file); a bigger one is not ours.
MAX_JOURNAL_BYTES = 4 << 20
STATES = ("prepare", "commit", "rollback")


@dataclass
class Entry:
    target: Path
    temp: Path | None  # None: the target is deleted
    backup: Path | None  # None: the target did not exist
    mode: int = 0o644


class RestoreBlocked(Exception):
    """Undoing stopped at a file the disk would not put back; the others were restored."""

    def __init__(self, relative: str, error: OSError) -> None:
        super().__init__(relative, error)
        self.relative = relative
        self.error = error

    def __str__(self) -> str:
        return (
            f"could not put back {self.relative} ({os_error_text(self.error)}); the other "
            f"files are as before and {JOURNAL_NAME} keeps the change: make {self.relative} "
            "writable again (chmod u+w, chattr -i, free space) and run any protean-init "
            "command there to finish undoing it"
        )


def store(root: Path, path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)  # a file outside, written through a link the user allowed


def write_journal(root: Path, state: str, entries: list[Entry], folders: list[Path]) -> None:
    data = {
        "version": 2,
        "state": state,
        "pid": os.getpid(),
        "entries": [
            {
                "target": store(root, e.target),
                "temp": store(root, e.temp),
                "backup": store(root, e.backup),
            }
            for e in entries
        ],
        "folders": [store(root, f) for f in folders],
    }
    body = json.dumps(data, indent=1).encode()
    key = user_key(create=True)
    assert key is not None
    text = HEADER + seal(key, PURPOSE, root, body).encode() + b"\n" + body
    journal = root / JOURNAL_NAME
    tmp = root / (JOURNAL_NAME + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    write_new_file(tmp, text, 0o644)
    os.rename(tmp, journal)
    fsync_dir(root)


def remove_journal(root: Path) -> None:
    unlink(root / (JOURNAL_NAME + ".tmp"))
    unlink(root / JOURNAL_NAME)
    fsync_dir(root)


# ---------------------------------------------------------------- reading one


def _refuse(journal: Path, why: str) -> JournalRefused:
    return JournalRefused(
        f"{journal}: {why}; protean-init did not act on it and wrote nothing: check the "
        f"project's files, then delete {journal}"
    )


def _read_bytes(journal: Path) -> bytes | None:
    """The journal's bytes, None when there is none; never through a link, never a fifo."""
    try:
        fd = os.open(journal, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise _refuse(journal, f"not a file protean-init wrote ({os_error_text(error)})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _refuse(journal, "not a regular file")
        chunks = []
        size = 0
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_JOURNAL_BYTES:
                raise _refuse(journal, "far too big to be a journal protean-init wrote")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _unsealed(root: Path, journal: Path, raw: bytes) -> bytes:
    """The journal's body, once its seal shows protean-init wrote it here for this user."""
    header, _, body = raw.partition(b"\n")
    claimed = header[len(HEADER) :].decode("ascii", errors="replace")
    if not header.startswith(HEADER) or not sealed(
        user_key(create=False), PURPOSE, root, body, claimed
    ):
        raise _refuse(
            journal,
            "not a journal protean-init wrote on this machine for this folder (a file of the "
            "repository, or copied from elsewhere)",
        )
    return body


def _path(root: Path, text: object, journal: Path) -> Path:
    """A journal's path: relative below the project through real folders (or, only when the
    user allows writing through links to the outside, absolute)."""
    if isinstance(text, str) and os.path.isabs(text) and follow_outside_links():
        return Path(text)
    problem = relative_problem(text)
    if problem is not None:
        raise _refuse(journal, f"names a path no transaction writes: {problem}")
    assert isinstance(text, str)
    link = folder_link(root, text)
    if link is not None:
        raise _refuse(journal, f"names {text}, through {link}, which is not a real folder")
    return root / text


def _beside(target: Path, other: Path | None, mark: str, journal: Path) -> Path | None:
    """A temporary or backup: beside its target, under our mark."""
    if other is None:
        return None
    if other.parent != target.parent or not is_beside_name(target.name, other.name, mark):
        raise _refuse(journal, f"names {other.name} beside {target.name}, not a file of ours")
    return other


def _entry(root: Path, item: object, journal: Path) -> Entry:
    if not isinstance(item, dict) or set(item) != {"target", "temp", "backup"}:
        raise _refuse(journal, "holds an entry that is not a target, a temp and a backup")
    target = _path(root, item["target"], journal)

    def optional(key: str, mark: str) -> Path | None:
        value = item[key]
        return (
            None if value is None else _beside(target, _path(root, value, journal), mark, journal)
        )

    return Entry(target, optional("temp", TEMP_MARK), optional("backup", BACKUP_MARK))


def read_journal(root: Path) -> tuple[str, list[Entry], list[Path]] | None:
    """The state, entries and folders of the journal in `root` (its real path), or None when
    there is none. Raises JournalRefused for one protean-init cannot vouch for."""
    journal = root / JOURNAL_NAME
    raw = _read_bytes(journal)
    if raw is None:
        return None
    body = _unsealed(root, journal, raw)
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise _refuse(journal, f"unreadable ({error})") from None
    if not isinstance(data, dict) or data.get("state") not in STATES:
        raise _refuse(journal, "has no state protean-init writes")
    items, folder_texts = data.get("entries"), data.get("folders", [])
    if not isinstance(items, list) or not isinstance(folder_texts, list):
        raise _refuse(journal, "has no list of entries and folders")
    entries = [_entry(root, item, journal) for item in items]
    folders = [_path(root, text, journal) for text in folder_texts]
    parents = {parent for entry in entries for parent in entry.target.parents}
    if any(folder not in parents or folder == root for folder in folders):
        raise _refuse(journal, "names a folder that holds none of its files")
    return data["state"], entries, folders


def pending_change(root: Path) -> str | None:
    """For a command that only reads: a line saying an interrupted change is pending (left as
    it is, for the next command that writes), or None. Refuses a journal not ours."""
    real = Path(os.path.realpath(root))
    if read_journal(real) is None:
        return None
    return (
        f"protean-init: {real / JOURNAL_NAME} holds an interrupted change; the next command "
        "that writes finishes or undoes it; this reads the files as they are"
    )


# ---------------------------------------------------------------- acting on one


def _remove_folders(folders: list[Path]) -> None:
    for folder in reversed(folders):
        with contextlib.suppress(OSError):
            folder.rmdir()


def remove_emptied(root: Path, entries: list[Entry]) -> None:
    """The folders a deletion left empty (.github/workflows/ after `ci --ci gitlab`), up to
    the project: rmdir removes only an empty folder, and a link is never followed."""
    for entry in entries:
        if entry.temp is not None or not entry.target.is_relative_to(root):
            continue
        folder = entry.target.parent
        while folder != root and folder.is_relative_to(root):
            if os.path.islink(folder):
                break
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent


def forward(root: Path, entries: list[Entry]) -> None:
    """Finish a commit: every temporary renamed into place, every deletion done."""
    for entry in entries:
        if entry.temp is None:
            # A deletion not yet tidied up still has its backup; without it the target was
            # deleted before, and a file there now is a later one (a journal seen again).
            if entry.backup is None or os.path.lexists(entry.backup):
                unlink(entry.target)
        elif os.path.lexists(entry.temp):
            os.replace(entry.temp, entry.target)
    for folder in {e.target.parent for e in entries}:
        with contextlib.suppress(OSError):
            fsync_dir(folder)
    for entry in entries:
        unlink(entry.backup)
    remove_emptied(root, entries)


def back(root: Path, entries: list[Entry], folders: list[Path], *, renamed: bool) -> None:
    """Undo: every target as it was. `renamed` False means no rename can have happened yet.

    A file the disk will not put back does not stop the others: each is restored that can
    be, and RestoreBlocked names the first that could not (the journal stays)."""
    blocked: RestoreBlocked | None = None
    for entry in reversed(entries):
        try:
            _restore(entry, renamed=renamed)
        except OSError as error:
            blocked = blocked or RestoreBlocked(store(root, entry.target) or "", error)
    if blocked is not None:
        raise blocked
    for folder in {e.target.parent for e in entries if e.target.parent.exists()}:
        with contextlib.suppress(OSError):
            fsync_dir(folder)
    _remove_folders(folders)


def _restore(entry: Entry, *, renamed: bool) -> None:
    if renamed and entry.backup is not None and os.path.lexists(entry.backup):
        # The backup is the old file (a hard link to it): putting it back is always right,
        # and a no-op when the target still is that file.
        os.rename(entry.backup, entry.target)
    elif renamed and entry.backup is None and entry.temp and not os.path.lexists(entry.temp):
        unlink(entry.target)  # it was created by this transaction
    unlink(entry.temp)
    unlink(entry.backup)


def recover(root: Path) -> str | None:
    """Finish or undo what an interrupted run left in `root` (its real path; called with the
    lock held). Returns what was done, for a line on stderr, or None when there was nothing.
    Raises JournalRefused for a journal protean-init cannot vouch for (nothing done)."""
    unlink(root / (JOURNAL_NAME + ".tmp"))
    # `new` stages in the nearest folder above the project that existed then: its parent, or
    # further up when it made the folders in between.
    for folder in root.parents:
        sweep_staging(folder)
    found = read_journal(root)
    if found is None:
        return None
    state, entries, folders = found
    names = ", ".join(store(root, e.target) or "" for e in entries)
    if state == "commit":
        forward(root, entries)
        outcome = f"finished an interrupted change (all new): {names}"
    else:
        back(root, entries, folders, renamed=state == "rollback")
        outcome = f"undid an interrupted change (all as before): {names}"
    remove_journal(root)
    print(f"protean-init: {outcome}", file=sys.stderr)
    return outcome
