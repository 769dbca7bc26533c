"""Writing to the user's disk, all or nothing.

Every command computes the complete new content of every file first; this module compares it
with what is on disk, shows it (`--dry-run`), and writes it so that an interrupted or failed
run leaves each file either as it was or as intended, never half-written.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from scaffolder.errors import UsageError, WriteError
from scaffolder.generated_record import RECORD_DIR, is_record
from scaffolder.redact import redact_text
from scaffolder.transaction.change import FileChange
from scaffolder.transaction.paths import project_file


def changes_for(root: Path, files: Mapping[str, bytes | None]) -> list[FileChange]:
    """The files under `root` whose content would change; unchanged files are left out.

    A None content deletes the file (left out when it is absent). Every path must stay in the
    project, outside .git/, through real folders (scaffolder.transaction.paths): a symlinked
    folder anywhere on the way is refused. A file that is itself a symlink is written through
    (the link stays a link, shared configs stay shared) when it points to a file of the
    project outside .git/; one pointing outside is refused, unless the user sets
    PROTEAN_INIT_FOLLOW_OUTSIDE_LINKS=1.
    """

    real_root = Path(os.path.realpath(root))
    changes = []
    for relative, new in files.items():
        path = project_file(real_root, relative)
        try:
            old = path.read_bytes() if path.is_file() else None
        except OSError as error:
            # deferred: scaffolder.transaction.disk ~1 ms (wall, measured on the shared machine):
            # the wizard of `new --context` up to its first screen imports this module without it
            from scaffolder.transaction.disk import os_error_text

            raise UsageError(f"cannot read {os_error_text(error)}") from error
        if old != new:
            changes.append(FileChange(path, relative, old, new))
    return changes


def file_diff(change: FileChange) -> str:
    """One change as a unified diff, not yet redacted: a new file is a diff from /dev/null, a
    deleted one (the CI of the provider left) a diff to it."""
    old = "" if change.old is None else change.old.decode("utf-8", errors="replace")
    new = "" if change.new is None else change.new.decode("utf-8", errors="replace")
    # deferred: difflib (with heapq) ~0.8 ms (CPU, measured): every edit imports this module,
    # and only a --dry-run's diff needs it
    import difflib

    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile="/dev/null" if change.old is None else f"a/{change.relative}",
            tofile="/dev/null" if change.new is None else f"b/{change.relative}",
        )
    )


def describe(changes: Iterable[FileChange]) -> str:
    """What a dry run prints: a new file's content, or a unified diff of an existing one."""
    parts = []
    for change in changes:
        if change.new is None:
            parts.append(f"--- deleted: {change.relative}\n")
            continue
        new_text = change.new.decode("utf-8", errors="replace")
        if change.old is None:
            parts.append(f"--- new file: {change.relative}\n{new_text}")
            continue
        parts.append(file_diff(change))
    # A diff is printed: passwords in connection strings (or credential-named values) never.
    return redact_text("\n".join(parts))


def describe_new(changes: Iterable[FileChange]) -> str:
    """What `new --dry-run` prints: `describe`'s text, but a new copy in the record of what was
    generated (.protean-init/generated/PATH, PATH's content again, passwords masked) is named
    in one line rather than printed a second time."""
    own, copies = [], []
    for change in changes:
        recorded = change.relative.removeprefix(f"{RECORD_DIR}/")
        if recorded != change.relative and change.old is None and change.new is not None:
            copies.append(f"--- new file: {change.relative} (the record of {recorded})")
        else:
            own.append(change)
    return "\n".join([describe(own), *copies])


def unified_diff(changes: Iterable[FileChange]) -> str:
    """What the edit menu shows: every change as a unified diff (file_diff), a new file as a
    diff from /dev/null, but for the record of what was generated (it follows the files it
    records); passwords masked, as `describe` masks them."""
    parts = [file_diff(change) for change in changes if not is_record(change.relative)]
    return redact_text("".join(part if part.endswith("\n") else part + "\n" for part in parts))


def apply(changes: list[FileChange], root: Path) -> None:
    """Write every change or none, as one transaction of the project (scaffolder.transaction):
    under its lock, refused if a file changed since it was read, journaled, fsynced, with
    signals held back while files are replaced. Deletions (new None) are part of it."""
    # deferred: scaffolder.transaction.commit ~23 ms with the journal, seal and hashlib it loads
    # (wall, measured on the shared machine): `new --defaults`, `edit --ui none` and the edit
    # menu's first screen import this module without it
    from scaffolder.transaction.commit import commit

    commit(root, changes)


def show_or_apply(changes: list[FileChange], root: Path, *, dry_run: bool) -> list[FileChange]:
    """Write `changes` in one transaction, or with `dry_run` print their diff ("nothing would
    change" when empty); either way the changes a user is told about: the record of what was
    generated follows the files it records and is not shown."""
    shown = [change for change in changes if not is_record(change.relative)]
    if dry_run:
        sys.stdout.write(describe(shown) + "\n" if shown else "nothing would change\n")
    else:
        apply(changes, root)
    return shown


def create_project(target: Path, files: Mapping[str, bytes], *, force: bool = False) -> None:
    """Write a new project into `target`, which must not exist or be empty unless `force`.

    The project is built in a staging folder (`.protean-init-staging-*`, locked while in use,
    so a later run can tell a dead run's leftovers from a live one's) in the nearest folder
    above it that exists, and renamed into place with signals held back: the folder and any
    missing ones above it appear complete or not at all.
    """
    # deferred: scaffolder.transaction.disk ~1 ms (wall, measured on the shared machine): the
    # wizard of `new --context` up to its first screen imports this module without it
    from scaffolder.transaction.disk import os_error_text

    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise UsageError(f"{target} exists and is not empty; pass --force to write into it")
    if target.is_dir():
        apply(changes_for(target, files), root=target)
        return
    # Missing folders above the target are made inside the staging folder too, so that one
    # rename makes the whole chain appear: a run killed before it leaves no empty folders
    # behind, only its staging folder, which the next run removes.
    _refuse_dangling_link(target)
    base = target.parent
    while not base.exists():
        base = base.parent
    try:
        _stage_and_rename(base, target.relative_to(base), files)
    except OSError as error:
        raise WriteError(f"nothing written: {os_error_text(error)}") from error


def _refuse_dangling_link(target: Path) -> None:
    """A link on the way to `target` whose destination is missing: the rename into place would
    fail on it (naming our staging folder), or, were the link replaced, write where the user
    did not name. Said of the link, with where it points."""
    for path in (target, *target.parents):
        if path.exists():
            return
        if path.is_symlink():
            raise UsageError(
                f"{path} is a link to {os.readlink(path)}, which does not exist; nothing "
                "written (make the folder it points to, or remove the link)"
            )


def _stage_and_rename(base: Path, inside: Path, files: Mapping[str, bytes]) -> None:
    """Write the project into a staging folder in `base`, at `inside` below it, then rename
    the outermost new folder into `base`."""
    # deferred: scaffolder.transaction.disk ~1 ms, scaffolder.transaction.staging ~8 ms with the
    # seal, hashlib and secrets it loads (wall, measured on the shared machine): the wizard of
    # `new --context` up to its first screen imports this module without them;
    # scaffolder.transaction.signals ~1.3 ms: `edit --ui none` imports this module without it
    from scaffolder.transaction.disk import fsync_dir
    from scaffolder.transaction.signals import deferred_signals, record_written
    from scaffolder.transaction.staging import staging_folder

    top = inside.parts[0]
    with staging_folder(base) as staging:
        try:
            _write_tree(staging, inside, files)
        except OSError as error:
            # Said of the place the user named, not of our staging folder.
            if error.filename is not None:
                named = os.fspath(error.filename)
                error.filename = named.replace(os.fspath(staging), os.fspath(base), 1)
            raise
        # From the rename on, the project exists: a Ctrl-C then is reported as after writing.
        with deferred_signals() as deferred:
            (staging / top).rename(base / top)
            record_written(base / inside, sorted(files))
            try:
                fsync_dir(base)
            except OSError as error:
                # Written: the project is there, complete; only its flush to disk is unsure.
                print(f"protean-init: written, but not flushed: {error}", file=sys.stderr)
        deferred.deliver()


def _write_tree(staging: Path, inside: Path, files: Mapping[str, bytes]) -> None:
    """Every file at `inside` below `staging`, made with its missing parents; files and
    folders fsynced, so the rename publishes what is on disk."""
    # deferred: scaffolder.transaction.disk ~1 ms (wall, measured on the shared machine): the
    # wizard of `new --context` up to its first screen imports this module without it
    from scaffolder.transaction.disk import fsync_dir, fsync_file

    project = staging / inside
    project.mkdir(parents=True)
    for relative, content in files.items():
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        fsync_file(path)
    for folder, _folders, _files in os.walk(staging):
        fsync_dir(Path(folder))
