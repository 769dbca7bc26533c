"""The journal of a commit (`.protean-init-journal`), and recovering from it: an interrupted
run is finished (state "commit": all new) or undone (before it: all old)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from scaffolder.errors import UsageError
from scaffolder.transaction.disk import fsync_dir, unlink, write_new_file
from scaffolder.transaction.names import JOURNAL_NAME
from scaffolder.transaction.staging import sweep_staging


@dataclass
class Entry:
    target: Path
    temp: Path | None  # None: the target is deleted
    backup: Path | None  # None: the target did not exist
    mode: int = 0o644


def store(root: Path, path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _load(root: Path, text: str | None) -> Path | None:
    return None if text is None else root / text


def write_journal(root: Path, state: str, entries: list[Entry], folders: list[Path]) -> None:
    data = {
        "version": 1,
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
    journal = root / JOURNAL_NAME
    tmp = root / (JOURNAL_NAME + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    write_new_file(tmp, json.dumps(data, indent=1).encode(), 0o644)
    os.rename(tmp, journal)
    fsync_dir(root)


def remove_journal(root: Path) -> None:
    unlink(root / (JOURNAL_NAME + ".tmp"))
    unlink(root / JOURNAL_NAME)
    fsync_dir(root)


def _remove_folders(folders: list[Path]) -> None:
    for folder in reversed(folders):
        with contextlib.suppress(OSError):
            folder.rmdir()


def _forward(entries: list[Entry]) -> None:
    """Finish a commit: every temporary renamed into place, every deletion done."""
    for entry in entries:
        if entry.temp is None:
            unlink(entry.target)
        elif entry.temp.exists():
            os.replace(entry.temp, entry.target)
    for folder in {e.target.parent for e in entries}:
        with contextlib.suppress(OSError):
            fsync_dir(folder)
    for entry in entries:
        unlink(entry.backup)


def back(entries: list[Entry], folders: list[Path], *, renamed: bool) -> None:
    """Undo: every target as it was. `renamed` False means no rename can have happened yet."""
    for entry in reversed(entries):
        if renamed and entry.backup is not None and os.path.lexists(entry.backup):
            # The backup is the old file (a hard link to it): putting it back is always right,
            # and a no-op when the target still is that file.
            os.rename(entry.backup, entry.target)
        elif renamed and entry.backup is None and entry.temp and not entry.temp.exists():
            unlink(entry.target)  # it was created by this transaction
        unlink(entry.temp)
        unlink(entry.backup)
    for folder in {e.target.parent for e in entries if e.target.parent.exists()}:
        with contextlib.suppress(OSError):
            fsync_dir(folder)
    _remove_folders(folders)


def recover(root: Path) -> str | None:
    """Finish or undo what an interrupted run left in `root` (called with the lock held).

    Returns what was done, for a line on stderr, or None when there was nothing.
    """
    unlink(root / (JOURNAL_NAME + ".tmp"))
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
    names = ", ".join(store(root, e.target) or "" for e in entries)
    if state == "commit":
        _forward(entries)
        outcome = f"finished an interrupted change (all new): {names}"
    else:
        back(entries, folders, renamed=state == "rollback")
        outcome = f"undid an interrupted change (all as before): {names}"
    remove_journal(root)
    print(f"protean-init: {outcome}", file=sys.stderr)
    return outcome
