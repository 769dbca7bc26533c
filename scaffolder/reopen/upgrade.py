"""Bringing a project made by an older protean-init up to the templates of the running one.

Every file protean-init's templates own is merged three ways: the base is what the older
version generated for this project, "yours" the file on disk, "theirs" what this version
generates for the project as it is now. The base comes from the record of what was generated
(scaffolder.generated_record), kept since 0.2.0; a project made before has none, and its base
is rendered by the templates of the version that made it, shipped with this package
(scaffolder.template_source). So a template change arrives where the user did not edit, an
edit stays, a deleted file stays deleted, a file the new templates add is added, one they no
longer produce is removed only when the user never changed it.

domain.toml is the user's config and the source of the derived files, never re-rendered; the
answers file is rewritten (its `_template` names the version upgraded to).

A workspace `new --context` made (its answers record lists each context's choices) is upgraded
whole, in one change: every context's files and the shared ones, each merged as above, its
base the record (workspaces are made since the record is kept), theirs what this version
generates for the workspace (scaffolder.reopen.workspace_generated).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffolder.errors import UsageError
from scaffolder.generated_record import (
    RECORD_DIR,
    has_record,
    merge_base,
    read_recorded,
    record_files,
    recordable,
    recorded_paths,
    refuse_linked_record,
    through_link,
)
from scaffolder.project_files import ANSWERS_FILE, refuse_outside
from scaffolder.redact import redact_text, restore
from scaffolder.reopen.project import Project
from scaffolder.reopen.workspace_edit import is_recorded, is_workspace_record, read_layout
from scaffolder.spec.names import validate_variable_name
from scaffolder.spec.slots import Slot
from scaffolder.template_source import (
    recorded_version,
    running_root,
    running_version,
    templates_of,
    upgrade_notes,
    version_key,
)

if TYPE_CHECKING:
    from scaffolder.reopen.workspace_generated import Generated
    from scaffolder.spec.project import ProjectSpec

# The first version that keeps the record of what it generated.
RECORD_SINCE = "0.2.0"

# What happened to a file, as the summary says it.
ADDED = "added"
UPDATED = "updated"  # untouched by the user: the new version's file, whole
MERGED = "merged"  # the template change merged with the user's edits
KEPT = "kept yours"  # the user's edits; the template did not change there
CONFLICT = "conflict"
REMOVED = "removed"
KEPT_DELETED = "kept deleted"  # the user deleted it; it stays deleted
KEPT_RETIRED = "kept yours (no longer generated)"
# The outcomes that change a file (the others say why a file stays as it is).
CHANGING = frozenset({ADDED, UPDATED, MERGED, CONFLICT, REMOVED})


@dataclass(frozen=True)
class Upgrade:
    """An upgrade computed and not yet written."""

    from_version: str
    to_version: str
    # One line: where the base of the merge came from.
    base: str
    # What happens to each file that is not left exactly as it is, by relative path.
    outcomes: dict[str, str]
    # The new content of every file that changes (None deletes it), the record of what was
    # generated and the answers file included; a conflicted file is in `conflicts` instead.
    files: dict[str, bytes | None]
    # Conflicted files: the merge with markers (to show), and with every conflict settled by
    # the new version's lines (--force).
    conflicts: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    # The notes the templates ship for the versions upgraded across: (version, text).
    notes: list[tuple[str, str]] = field(default_factory=list)


def project_version(root: Path, answers: Mapping[str, Any]) -> str:
    """The version that generated (or last upgraded) the project at `root`, from its answers
    record `answers`."""

    if not answers:
        raise UsageError(
            f"{root} has no {ANSWERS_FILE}: it was not made by protean-init, so there "
            "is nothing to upgrade from; protean-init derive regenerates its derived files"
        )
    version = recorded_version(dict(answers))
    if version is None and answers.get("_template") is None:
        # An edit's record of a project it adopted (`protean new`'s, or one made by hand):
        # no template version, so no base to upgrade from.
        raise UsageError(
            f"{root.resolve()} was not made from protean-init's templates (protean-init "
            "only edited it), so there is nothing to upgrade from; protean-init derive "
            "re-derives its compose, CI, .env.example and pip extras from domain.toml as it "
            "is; nothing written"
        )
    if version is None:
        recorded = redact_text(repr(answers.get("_template")))[:80]
        raise UsageError(
            f"{root / ANSWERS_FILE}: _template is {recorded}, expected "
            "'protean-init X.Y.Z' (the version that generated the project)"
        )
    return version


def _versions(root: Path, answers: Mapping[str, Any]) -> tuple[str, str]:
    """(the version upgraded from, the running one); a project newer than us is refused."""

    old_version = project_version(root, answers)
    new_version = running_version()
    if version_key(old_version) > version_key(new_version):
        raise UsageError(
            f"{root} was generated by protean-init {old_version}, newer than this "
            f"{new_version}; upgrade protean-init itself first"
        )
    return old_version, new_version


def is_older(project: Project) -> bool:
    """Whether the project was generated by a version older than the running one."""

    version = recorded_version(project.answers)
    return version is not None and version_key(version) < version_key(running_version())


def plan_upgrade(project: Project) -> Upgrade:
    """What `upgrade` writes: every owned file merged from the older version's output to this
    one's, the record, and the answers file naming this version. A context of a workspace
    `new --context` made: the whole workspace's upgrade (plan_workspace_upgrade)."""

    if is_workspace_record(project.answers):
        return plan_workspace_upgrade(project.root)
    refuse_linked_record(project.root)  # not "missing": the link is named
    old_version, new_version = _versions(project.root, project.answers)
    theirs = _generated_now(project)
    base, said = _generated_then(project, old_version, theirs)
    owned = _owned_paths(project, base, theirs)
    upgrade = _merged(
        project.root,
        (old_version, new_version),
        said,
        {path: (base.get(path), theirs.get(path)) for path in owned},
        lambda removed: _paths_generated_by(project, old_version, removed),
    )
    upgrade.files[ANSWERS_FILE] = _answers_text(project, new_version, theirs)
    return upgrade


def plan_workspace_upgrade(root: Path) -> Upgrade:
    """`plan_upgrade` for the workspace at `root`, made by `new --context` (its answers record
    lists each context's choices): every context's files and the workspace's shared ones,
    each merged from what the recorded version generated (the record, kept since before
    workspaces were made) to what this one generates for the workspace now; the contexts'
    domain.toml files are the user's, never re-rendered."""
    # deferred: scaffolder.reopen.workspace_generated ~88 ms with scaffolder.workspace_render
    # (Jinja) it loads (wall, measured on the shared machine): `edit --ui none` and `upgrade` of
    # a project of one context import this module without it
    from scaffolder.reopen.workspace_generated import is_config, workspace_generated

    layout = read_layout(root)
    old_version, new_version = _versions(root, layout.answers)
    if not is_recorded(layout):
        raise UsageError(
            f"{root}: its {ANSWERS_FILE} lists contexts, but its config is in the root: not a "
            "workspace protean-init made; nothing written"
        )
    refuse_linked_record(root)
    if not has_record(root):
        raise UsageError(
            f"{root / RECORD_DIR} is missing: the record of what protean-init {old_version} "
            "generated, the base of the upgrade; restore it (git checkout) and run again"
        )
    listed = recorded_paths(root)
    now = workspace_generated(layout, listed, running_root())
    old_templates = templates_of(old_version)
    then = workspace_generated(layout, listed, old_templates) if old_templates else None
    base = read_recorded(root, listed | set(now.files))
    theirs = {**_template_changes(base, now.written_once, then), **now.derived}
    # The contexts' configs are the user's: never merged, never removed (their record stays,
    # remove-context's proof that they are as generated).
    owned = {path for path in set(base) | set(theirs) if not is_config(path)}
    upgrade = _merged(
        root,
        (old_version, new_version),
        f"base: the record of what protean-init {old_version} generated ({RECORD_DIR}/)",
        {path: (base.get(path), theirs.get(path)) for path in owned},
        lambda removed: removed & set(then.files) if then is not None else set(),
    )
    text = (root / ANSWERS_FILE).read_text(encoding="utf-8")
    upgrade.files[ANSWERS_FILE] = _with_template(text, new_version)
    return upgrade


def _template_changes(
    recorded: Mapping[str, bytes], now: Mapping[str, bytes], then: Generated | None
) -> dict[str, bytes]:
    """A workspace's written-once files as this version would have written them: the record
    of each with the template change (from what the older version's templates render for it
    to what this version's do) applied. A file written once keeps what it was written from
    (the choices then; the single project's templates, for the package of a project that
    became a workspace) and takes only the template's change: where that change does not
    apply to it, it stays as recorded. Without the older templates, this version's files."""
    # deferred: scaffolder.reopen.derive ~31 ms (CPU, measured): `edit --ui none` imports this
    # module without it
    from scaffolder.reopen.derive import merge_file

    if then is None:
        return dict(now)
    files: dict[str, bytes] = {}
    for path, new in now.items():
        old, written = then.written_once.get(path), recorded.get(path)
        if old is None or written is None or old == new:
            files[path] = new if old is None or written is None else merge_base(written, old)
            continue
        written = merge_base(written, old)
        try:
            rebased, conflicted = merge_file(old, written, new)
        except UnicodeDecodeError:
            rebased, conflicted = written, True
        files[path] = written if conflicted else rebased
    return files


def _merged(
    root: Path,
    versions: tuple[str, str],
    said: str,
    owned: Mapping[str, tuple[bytes | None, bytes | None]],
    generated_by_old: Callable[[set[str]], set[str]],
) -> Upgrade:
    """The upgrade of every `owned` file, (base, theirs) by relative path, and the record of
    what this version generates; `generated_by_old(paths)`: which of `paths` the older
    version's own templates generate for the project."""

    outcomes: dict[str, str] = {}
    files: dict[str, bytes | None] = {}
    conflicts: dict[str, tuple[str, bytes]] = {}
    for relative in sorted(owned):
        base, theirs = owned[relative]
        step = _upgrade_file(root, relative, base, theirs)
        if step is None:
            continue
        outcomes[relative] = step.outcome
        if step.conflict is not None:
            conflicts[relative] = step.conflict
        elif step.changes:
            files[relative] = step.content
    # The record is the repository's, so untrusted: a file it alone names is never deleted.
    # Only one the older version's own templates generate for this project can be.
    removed = {path for path, outcome in outcomes.items() if outcome == REMOVED}
    if removed:
        for path in removed - generated_by_old(removed):
            outcomes[path] = KEPT_RETIRED
            del files[path]

    record: dict[str, bytes | None] = {path: theirs for path, (_, theirs) in owned.items()}
    files.update(record_files(record, root))
    old_version, new_version = versions
    return Upgrade(
        old_version, new_version, said, outcomes, files, conflicts, upgrade_notes(old_version)
    )


def _generated_now(project: Project) -> dict[str, bytes]:
    """What the running version generates for the project as it is now: the project's files
    from the choices its answers record (as `new --answers` of it would), the derived files
    from domain.toml itself (as `derive` would)."""
    # deferred: scaffolder.render ~27 ms (CPU, measured): `edit --ui none` imports this module
    # without it
    from scaffolder.render import DERIVED_FILES, render_derived, render_project

    spec, names = _recorded_spec(project.answers)
    files = {
        path: _named(content, names)
        for path, content in render_project(spec).items()
        if path not in DERIVED_FILES
    }
    files.update(render_derived(project.tree, project.identity))
    return recordable(files, project.config_relative)


def _generated_then(
    project: Project, version: str, now: dict[str, bytes]
) -> tuple[dict[str, bytes], str]:
    """What `version` generated for the project, and one line saying where that came from:
    the record (from 0.2.0 on), else that version's shipped templates rendered from the
    answers record (the derived files from its domain.toml snapshot), with any record an
    edit made since taking precedence."""

    recorded = read_recorded(project.root, recorded_paths(project.root) | set(now))
    if version_key(version) >= version_key(RECORD_SINCE):
        if not has_record(project.root):
            raise UsageError(
                f"{project.root / RECORD_DIR} is missing: the record of what protean-init "
                f"{version} generated, the base of the upgrade; restore it (git checkout) "
                "and run again"
            )
        return (
            recorded,
            f"base: the record of what protean-init {version} generated ({RECORD_DIR}/)",
        )
    templates = templates_of(version)
    if templates is None:
        raise UsageError(
            f"no record of what protean-init {version} generated, and its templates do not "
            "ship with this version; nothing written"
        )
    files = _rendered_by(project, templates)
    line = f"base: what protean-init {version} generates for this project (its templates ship here)"
    if recorded:
        line += f"; {len(recorded)} file(s) from the record edits kept since"
    return {**files, **recorded}, line


# What the spec names a recorded variable no choice can give while the project's files render,
# each then named as the record has it (`_recorded_spec`). A name no template writes.
_STAND_IN = "UPGRADE_STAND_IN_{}_"


def _recorded_spec(answers: Mapping[str, Any]) -> tuple[ProjectSpec, dict[bytes, bytes]]:
    """The answers record's choices as a spec (as `new --answers` of it reads them), and the
    names to put back into what it renders. The record holds a slot's connection as
    domain.toml has it, which no choice may give: a variable named as Protean reads any name
    (`${ DB-PASS |x}`: spaces, '-'), named in the spec by a stand-in (_STAND_IN) that the
    rendered files then name as the record does, as derive names it in .env.example; a local
    URL the record masks (a credential variable's whole default), left to the slot's own
    default: only domain.toml holds it, and upgrade never renders domain.toml."""
    # deferred: scaffolder.answers ~3 ms (CPU, measured): `edit --ui none` imports this module
    # without it
    from scaffolder.answers import build_spec

    spec = answers.get("spec")
    if not isinstance(spec, Mapping):
        return build_spec(None, answers=answers), {}
    kept, names = dict(spec), {}
    variables = spec.get("variables")
    if isinstance(variables, Mapping):
        kept["variables"] = dict(variables)
        for key, name in variables.items():
            if not _a_choice("variables", key, name):
                stand_in = _STAND_IN.format(len(names))
                kept["variables"][key] = stand_in
                names[stand_in.encode()] = str(name).encode()
    local_urls = spec.get("local_urls")
    if isinstance(local_urls, Mapping):
        kept["local_urls"] = {
            k: url for k, url in local_urls.items() if _a_choice("local_urls", k, url)
        }
    return build_spec(None, answers={**answers, "spec": kept}), names


def _named(content: bytes, names: Mapping[bytes, bytes]) -> bytes:
    for stand_in, name in names.items():
        content = content.replace(stand_in, name)
    return content


def _a_choice(group: str, key: Any, value: Any) -> bool:
    """Whether the record's `group.key: value` is one a choice can give (a malformed one is
    kept, for build_spec to name)."""
    # deferred: scaffolder.spec.validation ~8 ms (CPU, measured, with what it imports): `edit
    # --ui none` imports this module without it
    from scaffolder.spec.validation import validate_local_url

    try:
        slot = Slot.parse(str(key))
    except UsageError:
        return True
    if not isinstance(value, str):
        return True
    try:
        if group == "variables":
            validate_variable_name(value, slot)
        else:
            validate_local_url(slot, value)
    except UsageError:
        return False
    return True


def _rendered_by(project: Project, templates: Path) -> dict[str, bytes]:
    """The project as the templates in `templates` render it: its files from the recorded
    choices, its derived files from the recorded domain.toml snapshot (passwords put back
    from the config, as derive does)."""
    # deferred: scaffolder.render ~27 ms (CPU, measured): `edit --ui none` imports this module
    # without it
    from scaffolder.render import DERIVED_FILES, render_derived, render_project

    spec, names = _recorded_spec(project.answers)
    files = {
        path: _named(content, names)
        for path, content in render_project(spec, templates).items()
        if path not in DERIVED_FILES
    }
    if project.last_generated is not None:
        snapshot = restore(project.last_generated, project.tree)
        files.update(render_derived(snapshot, project.identity, templates))
    return recordable(files, project.config_relative)


def _paths_generated_by(project: Project, version: str, paths: set[str]) -> set[str]:
    """Which of `paths` the templates of `version` generate for the project (none when they
    do not ship here)."""

    templates = templates_of(version)
    return paths & set(_rendered_by(project, templates)) if templates is not None else set()


def _owned_paths(project: Project, base: dict[str, bytes], theirs: dict[str, bytes]) -> set[str]:
    """The files the upgrade merges: every one either version generates, less a derived file
    protean-init did not write (the answers record's `derived_files` leaves it out), which
    only `derive`'s rules touch."""
    # deferred: scaffolder.render ~27 ms (CPU, measured): `edit --ui none` imports this module
    # without it
    from scaffolder.render import DERIVED_FILES

    managed = project.managed
    return {
        path
        for path in set(base) | set(theirs)
        if managed is None or path not in DERIVED_FILES or path in managed or path in base
    }


@dataclass(frozen=True)
class _Step:
    outcome: str
    content: bytes | None = None
    changes: bool = False
    conflict: tuple[str, bytes] | None = None


def _upgrade_file(
    root: Path, relative: str, base: bytes | None, theirs: bytes | None
) -> _Step | None:
    """What becomes of one file; None: it stays as it is and there is nothing to say."""
    disk = root / relative
    # A link out of the project is not read: the merge would print the user's file.
    refuse_outside(root, disk, "file")
    raw = disk.read_bytes() if disk.is_file() else None
    if raw is None:
        if theirs is None:
            return None
        return _Step(KEPT_DELETED) if base is not None else _Step(ADDED, theirs, changes=True)
    yours, _ = _lf(raw)
    if base is not None:
        base = merge_base(base, yours)
    if theirs is None:  # the new version no longer generates it
        if base is None:
            return None
        # Removed only when it is exactly as generated, and never through a symlink.
        if yours == base and not through_link(root, relative):
            return _Step(REMOVED, None, changes=True)
        return _Step(KEPT_RETIRED)
    if base is None:
        # A file of the user's where the new version adds one: every line is a conflict.
        return None if yours == theirs else _merge(raw, None, theirs)
    if base == theirs:
        return _Step(KEPT) if yours != base else None
    return _merge(raw, base, theirs)


def _lf(content: bytes) -> tuple[bytes, bool]:
    """A file checked out with CRLF (git's core.autocrlf) as its LF twin, and whether it was."""
    crlf = b"\r\n" in content and content.count(b"\n") == content.count(b"\r\n")
    return (content.replace(b"\r\n", b"\n"), True) if crlf else (content, False)


def _merge(on_disk: bytes, base: bytes | None, theirs: bytes) -> _Step | None:
    # deferred: scaffolder.reopen.derive ~31 ms (CPU, measured): `edit --ui none` imports this
    # module without it
    from scaffolder.reopen.derive import merge_file, take_regenerated

    yours, crlf = _lf(on_disk)

    def eol(text: bytes) -> bytes:
        return text.replace(b"\n", b"\r\n") if crlf else text

    try:
        merged, conflicted = merge_file(base, yours, theirs)
        forced = take_regenerated(base, yours, theirs)
    except UnicodeDecodeError:
        # Not text: it cannot be merged line by line; yours stays unless --force.
        return _Step(CONFLICT, conflict=("(not text: cannot be merged)\n", theirs))
    if conflicted:
        return _Step(CONFLICT, conflict=(merged.decode(), eol(forced)))
    if merged == yours:
        return _Step(KEPT) if yours != base else None
    outcome = UPDATED if yours == base else MERGED
    return _Step(outcome, eol(merged), changes=True)


def _answers_text(project: Project, version: str, theirs: dict[str, bytes]) -> bytes:
    """The answers file with `_template` naming `version`, its other lines as they are, and
    the snapshot of domain.toml re-recorded when the derived files were regenerated from a
    config that changed since (a hand edit no `derive` followed)."""
    # deferred: scaffolder.render ~27 ms, scaffolder.reopen.derive ~31 ms (CPU, measured): `edit
    # --ui none` imports this module without them
    from scaffolder.render import DERIVED_FILES
    from scaffolder.reopen.derive import record_snapshot

    path = project.root / ANSWERS_FILE
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    state = project.state
    if state.snapshot != project.last_generated:
        managed = project.managed
        if managed is None:
            managed = frozenset(path for path in theirs if path in DERIVED_FILES)
        text = record_snapshot(
            text, project.tree, project.identity, managed, state.snapshot, state.environments
        ).decode()
    return _with_template(text, version)


def _with_template(text: str, version: str) -> bytes:
    """An answers file's text with `_template` naming `version`, its other lines as they are."""
    line = f"_template: protean-init {version}"
    new, count = re.subn(r"(?m)^_template:[^\n]*$", line, text, count=1)
    return (new if count else f"{line}\n{text}").encode()
