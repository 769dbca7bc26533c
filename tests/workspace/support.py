"""Running protean-init on a workspace, and what is on disk before and after."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` (links as their target's name), by relative path."""
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_symlink():
            files[relative] = os.readlink(path).encode()
        elif path.is_file():
            files[relative] = path.read_bytes()
    return files


@contextlib.contextmanager
def inside(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)
