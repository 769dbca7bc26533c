"""The record of what protean-init generated, file by file: the base of every later merge.

`.protean-init/generated/<path>` holds, byte for byte, what protean-init last generated for
`<path>` (plain files, so git diffs and reviews them like any other), URL passwords masked as
in the answers record. A later merge takes its base from there, not from rendering a
snapshot with today's templates: after a template change, an untouched file would differ
from such a base by that change reversed, and the merge would take the improvement for the
user's edit and drop it.

The record is in the repository, so it is read as untrusted: it only ever supplies content
(the base of a merge, the proof a file is unchanged); a path is read from it only for a path
protean-init computed itself, and a path listed from its folder (`recorded_paths`) must be a
plain relative path inside the project that no symlink leads through.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from scaffolder.errors import UsageError
from scaffolder.project_files import ANSWERS_FILE
from scaffolder.redact import MASK, redact_file, restore_lines

RECORD_FOLDER = ".protean-init"
RECORD_DIR = f"{RECORD_FOLDER}/generated"
RECORD_README = f"{RECORD_FOLDER}/README.md"
_README = b"""\
# .protean-init

`generated/` holds what protean-init last generated for each file of this project, byte for
byte: the base `protean-init upgrade`, `derive` and every edit merge from, so your own edits
to a file are kept when protean-init regenerates it. Commit it with the project; do not edit
it by hand.
"""


def recorded_name(relative: str) -> str:
    """Where the record of the project file `relative` lives, relative to the project."""
    return f"{RECORD_DIR}/{relative}"


def is_record(relative: str) -> bool:
    """Whether the project file `relative` is part of the record (ours, not the user's)."""
    return relative == RECORD_FOLDER or relative.startswith(f"{RECORD_FOLDER}/")


def is_plain_path(relative: str) -> bool:
    """A relative POSIX path of ordinary names: no `..`, no absolute or drive path, no
    backslash or control character, not in .git nor in our own folder."""
    if not relative or relative.startswith("/") or "\\" in relative:
        return False
    if any(ord(c) < 32 or ord(c) == 127 for c in relative):
        return False
    parts = PurePosixPath(relative).parts
    if any(part in ("", ".", "..") for part in parts) or ":" in parts[0]:
        return False
    return parts[0] not in (".git", RECORD_FOLDER)


def recordable(files: Mapping[str, bytes], config: str) -> dict[str, bytes]:
    """The generated files protean-init keeps a record of: all but the config (the user's,
    edited in place, never regenerated) and the answers file (the record of choices)."""
    return {
        path: content
        for path, content in files.items()
        if path not in (config, ANSWERS_FILE) and is_plain_path(path)
    }


def record_files(
    generated: Mapping[str, bytes | None], root: Path | None = None
) -> dict[str, bytes | None]:
    """The record's files for `generated` (None removes a file's record), with the folder's
    README, as files to write into the project at `root`. URL passwords are masked, as in the
    answers record: the record is no second copy of one (`merge_base` puts them back for a
    merge). A symlink on the way to one (planted: the folder is ours) is refused."""
    files: dict[str, bytes | None] = {
        recorded_name(p): None if c is None else _masked(p, c) for p, c in generated.items()
    }
    if root is not None:
        for name in files:
            refuse_linked_record(root, name)
    if generated:
        files[RECORD_README] = _README
    return files


def _masked(path: str, content: bytes) -> bytes:
    try:
        text = content.decode()
    except UnicodeDecodeError:
        return content
    masked = redact_file(path, text)
    return masked.encode() if MASK in masked else content


def merge_base(recorded: bytes, yours: bytes) -> bytes:
    """The recorded content as the base of a merge with `yours`: each line whose password the
    record masks is the line of yours that differs from it only there (scaffolder.redact)."""

    return restore_lines(recorded, recorded, yours)


def with_record(files: Mapping[str, bytes], config: str = "domain.toml") -> dict[str, bytes]:
    """A new project's files and the record of what was generated for them."""
    record = record_files(recordable(files, config))
    return {**files, **{path: content for path, content in record.items() if content}}


def has_record(root: Path) -> bool:
    folder = root / RECORD_DIR
    return folder.is_dir() and not through_link(root, RECORD_DIR)


def through_link(root: Path, relative: str) -> bool:
    """Whether any component of `relative` below `root` is a symlink."""
    return _first_link(root, relative) is not None


def _first_link(root: Path, relative: str) -> Path | None:
    path = root
    for part in PurePosixPath(relative).parts:
        path = path / part
        if path.is_symlink():
            return path
    return None


def refuse_linked_record(root: Path, relative: str = RECORD_DIR) -> None:
    """A symlink on the way to `relative` in the record's folder refused, in one line naming
    the link: the folder is protean-init's own, so a link there is planted, and neither read
    (has_record) nor written through."""
    link = _first_link(root, relative)
    if link is not None:
        raise UsageError(
            f"{link} is a symlink: the record's folder {RECORD_FOLDER}/ is protean-init's "
            "own, remove the link; nothing written"
        )


def _lf(content: bytes) -> bytes:
    """A record checked out with CRLF (git's core.autocrlf) read as generated, with LF."""
    if b"\r\n" in content and content.count(b"\n") == content.count(b"\r\n"):
        return content.replace(b"\r\n", b"\n")
    return content


def read_recorded(root: Path, paths: Iterable[str]) -> dict[str, bytes]:
    """The recorded content of each of `paths` that has a record (regular files only, none
    reached through a symlink)."""
    # deferred: scaffolder.inputs ~2.8 ms with toml.tree and toml.values (wall, measured on the
    # shared machine): `new --defaults` imports this module without them
    from scaffolder.inputs import read_bytes

    found: dict[str, bytes] = {}
    if not has_record(root):
        return found
    for relative in paths:
        if not is_plain_path(relative):
            continue
        name = recorded_name(relative)
        path = root / name
        if path.is_file() and not through_link(root, name):
            content = _lf(read_bytes(path, f"the record of {relative}"))
            try:
                content.decode()
            except UnicodeDecodeError:
                continue  # not text protean-init wrote: no base, as if unrecorded
            found[relative] = content
    return found


def recorded_paths(root: Path) -> set[str]:
    """The project files that have a record, as listed in the record's folder: only plain
    paths (`is_plain_path`), never through a symlink, regular files only."""
    folder = root / RECORD_DIR
    if not has_record(root):
        return set()
    paths: set[str] = set()
    for current, dirs, names in os.walk(folder, followlinks=False):
        here = Path(current)
        dirs[:] = [d for d in dirs if not (here / d).is_symlink()]
        for name in names:
            path = here / name
            if path.is_symlink() or not path.is_file():
                continue
            relative = path.relative_to(folder).as_posix()
            if is_plain_path(relative):
                paths.add(relative)
    return paths
