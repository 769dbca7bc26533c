"""One file a command changes: what it holds now and what it will hold."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileChange:
    """`path` (the file written: `relative` below the project, or where a symlink of the
    project points) goes from `old` to `new`; None is "absent" on either side, so a None
    `new` deletes the file. A commit refuses when the file no longer holds `old`."""

    path: Path
    relative: str
    old: bytes | None
    new: bytes | None

    @property
    def deleted(self) -> bool:
        return self.new is None
