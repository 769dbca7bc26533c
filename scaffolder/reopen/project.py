"""Changing an existing project: read its config, apply one edit, re-derive, write all or none.

Every reopen command (add-database, add-env, ci, the edit menu) goes through `open_project`
and `commit`, so they share the same guarantees: the user's domain.toml is edited in place
(scaffolder.toml.verify checks that only lines were inserted), derived files are merged three
ways (scaffolder.reopen.derive), and nothing is written unless everything can be.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffolder.config_tree import Tree
from scaffolder.errors import UsageError
from scaffolder.generated_record import is_record, merge_base, read_recorded, record_files
from scaffolder.inputs import read_text
from scaffolder.project_files import (
    ANSWERS_FILE,
    GITHUB_WORKFLOW,
    GITLAB_CI,
    ConfigFile,
    ProjectIdentity,
    parse_config,
    project_identity,
    read_answers,
    require_editable,
)
from scaffolder.redact import restore
from scaffolder.reopen.config_state import ConfigState
from scaffolder.template_source import recorded_version, templates_of
from scaffolder.toml.tree import TomlText
from scaffolder.transaction.journal import pending_change
from scaffolder.workspace import discover
from scaffolder.writer import changes_for, show_or_apply

if TYPE_CHECKING:
    from scaffolder.reopen.context_databases import Creation
    from scaffolder.reopen.workspace_edit import Layout
    from scaffolder.transaction.change import FileChange
    from scaffolder.workspace import Context


@dataclass(frozen=True)
class Project:
    root: Path
    config: ConfigFile
    text: str
    tree: Tree
    answers: dict[str, Any]
    identity: ProjectIdentity
    # The context edited in a workspace of several (scaffolder.workspace); None: a project of
    # one context, edited as it always was.
    context: Context | None = None
    # The workspace's package, which names its contexts' databases (`<package>_<context>`,
    # scaffolder.workspace_spec); only with a context.
    workspace_package: str | None = None

    @functools.cached_property
    def state(self) -> ConfigState:
        """The config as read, and what follows from it (the state before an edit)."""
        return ConfigState(self.text, self.tree, self.identity)

    @property
    def config_relative(self) -> str:
        return self.config.path.relative_to(self.root).as_posix()

    @property
    def last_generated(self) -> Tree | None:
        """domain.toml as the derived files were last generated from, if recorded."""
        recorded = self.answers.get("generated_from")
        return recorded if isinstance(recorded, dict) else None

    @property
    def managed(self) -> frozenset[str] | None:
        """Derived files protean-init wrote whole; None when it made them all (`new`)."""
        if self.last_generated is None:
            return frozenset()
        recorded = self.answers.get("derived_files")
        return frozenset(recorded) if isinstance(recorded, list) else None


def open_project(root: Path, context: str | None = None, here: Path | None = None) -> Project:
    """Read a project; malformed TOML is a UsageError with file, line and column.

    In a workspace of several contexts the config read is one context's: `context` by name,
    else the one `here` (the folder the command was given) is inside; at the root with none
    named, a UsageError listing them (scaffolder.workspace.Workspace.select)."""

    if not root.is_dir():
        raise UsageError(f"no such project folder: {root}")
    workspace = discover(root)
    chosen = workspace.select(context, here)
    config = chosen.config
    # CRLF line endings are kept as they are, so edits can keep them too. Parsed once: the
    # edits read the tree the text carries (scaffolder.toml.tree.TomlText).
    text = TomlText(config.read_text(keep_newlines=True))
    tree = parse_config(text, config)
    require_editable(tree, text, config)
    answers = read_answers(root)
    identity = project_identity(root, answers)
    if not workspace.several and not _one_context_workspace(root, chosen, answers):
        return Project(root, config, text, tree, answers, identity)
    # One context's config is not the workspace's: the record of what was generated (one
    # config's snapshot, the base of a three-way merge) would make the next context's edit
    # take the first one's lines for its own and remove them. Until the workspace's own
    # derived files are rendered whole, a context's edit merges as into a project made by
    # hand (inserting only) and records nothing; its package is the context's.
    answers = {k: v for k, v in answers.items() if k not in WHOLE_PROJECT_RECORD}
    package = _workspace_package(answers, identity)
    identity = replace(identity, package_name=chosen.name)
    return Project(root, config, text, tree, answers, identity, chosen, package)


def _workspace_package(answers: dict[str, Any], identity: ProjectIdentity) -> str:
    """The package a workspace was made with (its record), else its project's name as one:
    a hand-made workspace's package is a guess from its first context's folder."""

    recorded = answers.get("package_name")
    if isinstance(recorded, str) and recorded.isidentifier():
        return recorded
    return re.sub(r"\W+", "_", identity.project_name).lower()


# The answers that record one config as the base of the next merge (see open_project).
WHOLE_PROJECT_RECORD = ("generated_from", "derived_files")


def _one_context_workspace(root: Path, chosen: Context, answers: Mapping[str, Any]) -> bool:
    """Whether a project of one config is a workspace of one context protean-init made
    (`new --context` with one, or `remove-context` down to one): its config beside its
    package, its record the workspace's. Its edits are then a workspace context's, as in a
    workspace of several: the record is not one project's, and read as one it would be
    rewritten as a single project's, the shared files left as not protean-init's."""
    if chosen.folder.resolve() == root.resolve():
        return False
    # deferred: scaffolder.reopen.workspace_edit ~8 ms (wall, measured on the shared machine):
    # a project whose config is at its root (most; `add-env`, tests/trust/test_speed_edits)
    # needs nothing of it
    from scaffolder.reopen.workspace_edit import is_workspace_record

    return is_workspace_record(answers)


@contextlib.contextmanager
def editing(
    root: Path, *, dry_run: bool = False, context: str | None = None, here: Path | None = None
) -> Iterator[Project]:
    """`with editing(args.project, dry_run=args.dry_run) as project:` read, edit, commit.

    Takes the project lock before reading (so two edits at once are applied one after the
    other, the second reading what the first wrote) and recovers an interrupted run first.
    A dry run takes no lock and changes nothing, not even a recovery: it says when one is
    pending and previews the files as they are (and refuses a journal not protean-init's).
    `context` and `here` choose a workspace's context (open_project).
    """
    if not root.is_dir():
        yield open_project(root)  # its "no such project folder" error
        return
    with guarded(root, dry_run=dry_run):
        yield open_project(root, context, here)


@contextlib.contextmanager
def guarded(root: Path, *, dry_run: bool = False) -> Iterator[None]:
    """The project lock, taken before reading and recovering an interrupted run first; a dry
    run takes none and recovers nothing, saying when a recovery is pending (`editing`)."""
    # deferred: scaffolder.transaction.lock ~1.7 ms (wall, measured on the shared machine): `edit
    # --ui none` imports this module without it
    from scaffolder.transaction.lock import project_lock

    if dry_run:
        pending = pending_change(root)
        if pending is not None:
            print(pending, file=sys.stderr)
        yield
        return
    with project_lock(root):
        yield


def commit(
    project: Project,
    new_text: str | None = None,
    *,
    derived: set[str] | None = None,
    identity: ProjectIdentity | None = None,
    dry_run: bool = False,
    force: bool = False,
) -> list[str]:
    """Write the new config text and re-derive `derived` files (all when None).

    Returns the relative paths written (or that would be, with dry_run). Raises
    MergeConflict (exit 1) when a derived file conflicts with the user's edits, unless force.
    """
    changes = pending_changes(project, new_text, derived=derived, identity=identity, force=force)
    shown = show_or_apply(changes, project.root, dry_run=dry_run)
    return [change.relative for change in shown]


def _warn_skipped(path: str, reason: str) -> None:
    print(f"protean-init: left {path} as it is: {reason}", file=sys.stderr)


def _tell(path: str, note: str) -> None:
    print(f"protean-init: {path}: {note}", file=sys.stderr)


def pending_changes(
    project: Project,
    new_text: str | None = None,
    *,
    derived: set[str] | None = None,
    identity: ProjectIdentity | None = None,
    force: bool = False,
    skipped: Callable[[str, str], None] = _warn_skipped,
    noted: Callable[[str, str], None] = _tell,
) -> list[FileChange]:
    """What `commit` would write, as file changes, printing nothing: the edit menu previews
    these and applies them itself. `skipped(path, reason)` hears of each derived file left as
    it is (default: a line on stderr), `noted(path, note)` each note about a file added to (a
    service of the user's reused, a port moved). Raises MergeConflict as `commit` does."""
    # deferred: scaffolder.reopen.derive ~31 ms (CPU, measured): `edit --ui none` imports this
    # module without it
    from scaffolder.reopen.derive import MergeConflict, conflict_report, record_snapshot, regenerate

    identity = identity or project.identity
    if new_text is None:
        after = project.state.named(identity)
    else:
        # deferred: scaffolder.reopen.local_ports ~6 ms (CPU, measured): `edit --ui none` imports
        # this module without it
        from scaffolder.reopen.local_ports import aim_at_compose

        # A new local default reaches the service the project's compose file runs for it.
        edited = ConfigState.read(new_text, project.config, identity)
        after = aim_at_compose(project.root, project.tree, edited, project.config)
    workspace = recorded_workspace(project)
    if workspace is not None:
        return _workspace_changes(project, workspace, after.text, after.tree, identity, force=force)
    # The recorded snapshot masks passwords; regenerate puts them back for the merge base.
    recorded = project.last_generated
    bases = generated_bases(project)
    result = regenerate(
        project.root,
        after,
        recorded,
        derived,
        project.managed,
        config_now=project.tree,
        base_project=project.identity,
        recorded=bases.recorded,
        base_templates=bases.templates,
    )
    for path, reason in result.skipped.items():
        skipped(path, reason)
    creation = _context_databases(project, after.tree)
    for path, note in _notes_kept(result.notes, creation):
        noted(path, note)
    files: dict[str, bytes | None] = dict(result.files)  # None: the file is deleted
    if result.conflicts:
        if not force:
            raise MergeConflict(
                "your edits conflict with the regenerated files; nothing written "
                "(resolve by hand, or --force to take the regenerated files):\n"
                + conflict_report(result.conflicts)
            )
        files.update({path: new for path, (_, new) in result.conflicts.items()})
    managed = result.managed | set(result.conflicts)
    generated: dict[str, bytes | None] = dict(result.generated)
    for retired in retired_files(project, identity):
        # `ci --ci gitlab`, `deploy docker` after kubernetes: the files protean-init wrote for
        # the old choice go in the same change (the diff shows it); one with lines of the
        # user's own stays, and is said so.
        files[retired] = None
        generated[retired] = None
        managed = managed - {retired}

    if project.context is not None:
        _context_files(project, files, after if new_text is not None else None, skipped, noted)
        files.update(creation.files if creation is not None else {})
        return changes_for(project.root, files)
    # What was generated this run is the base of the next merge.
    files.update(record_files(generated, project.root))
    if new_text is not None:
        files.update(_config_files(project, after, noted))
    answers_path = project.root / ANSWERS_FILE
    # `managed` None means "all", as `new` records it; only a known set can have grown.
    managed_grew = project.managed is not None and managed != project.managed
    # Compared as recorded (redacted, dates as text), so an unchanged config is not re-recorded.
    if after.snapshot != recorded or identity != project.identity or managed_grew:
        old = answers_path.read_text(encoding="utf-8") if answers_path.is_file() else None
        files[ANSWERS_FILE] = record_snapshot(
            old, after.tree, identity, managed, after.snapshot, after.environments
        )
    changes = changes_for(project.root, files)

    # The record follows the files it records: on its own (a project made before it was kept,
    # its files as generated) it waits for a change to a file. So does the answers record of
    # a project that has none (`protean new`'s): a no-op edit there writes nothing (a choice
    # only the record holds, `set installer=uv`, is a change).
    kept = [c for c in changes if not is_record(c.relative)]
    if not answers_path.is_file() and identity == project.identity:
        kept = [c for c in kept if c.relative != ANSWERS_FILE]
    return changes if kept else []


def recorded_workspace(project: Project) -> Layout | None:
    """Which way a context's edit goes: in a workspace protean-init generated (its record
    holds each context's choices) the workspace's shared files are re-derived from every
    context's config, as add-context does (scaffolder.reopen.workspace_edit.edit_context): this
    workspace as on disk. None: a project of one context, or a hand-made workspace's context,
    whose derived files the edit only inserts into (_context_files)."""
    if project.context is None or "contexts" not in project.answers:
        return None
    # deferred: scaffolder.reopen.workspace_edit ~8 ms (wall, measured on the shared machine):
    # a project of one context (`add-env`, tests/trust/test_speed_edits) needs nothing of it
    from scaffolder.reopen.workspace_edit import is_recorded, read_layout

    layout = read_layout(project.root)
    return layout if is_recorded(layout) else None


def _workspace_changes(
    project: Project,
    workspace: Layout,
    text: str,
    new_tree: Tree,
    identity: ProjectIdentity,
    *,
    force: bool,
) -> list[FileChange]:
    """A recorded workspace's context edit as file changes (recorded_workspace)."""
    # deferred: scaffolder.reopen.workspace_edit ~8 ms (wall, measured on the shared machine):
    # `add-env` imports this module without it (tests/trust/test_speed_edits)
    from scaffolder.reopen.workspace_edit import edit_context

    assert project.context is not None
    name, config = project.context.name, project.config_relative
    files = edit_context(workspace, name, config, text, new_tree, identity, force=force)
    return changes_for(project.root, files)


def _notes_kept(notes: Mapping[str, list[str]], creation: Creation | None) -> list[tuple[str, str]]:
    """(path, note) to say: the merge's note of a database the workspace's init script
    creates after all is not said; a workspace's context's own are
    (scaffolder.reopen.context_databases). A project of one context's are the merge's."""
    if creation is None:
        return [(path, note) for path, said in notes.items() for note in said]
    return creation.kept(notes)


def _context_databases(project: Project, new_tree: Tree) -> Creation | None:
    """A workspace context's new databases, created as the workspace creates them (its init
    script, scaffolder.reopen.context_databases); None for a project of one context."""
    if project.context is None:
        return None
    # deferred: scaffolder.reopen.context_databases with connection_target ~2 ms (CPU,
    # measured): a project of one context needs nothing of it
    from scaffolder.reopen.context_databases import create_added

    return create_added(project.root, project.tree, new_tree, project.config_relative)


def _context_files(
    project: Project,
    files: dict[str, bytes | None],
    edited: ConfigState | None,
    skipped: Callable[[str, str], None],
    noted: Callable[[str, str], None],
) -> None:
    """A workspace context's edit: nothing recorded as the whole project's (open_project),
    and no derived file made from one context's config alone (the workspace's compose, CI and
    .env.example serve every context): `files` keeps the ones that exist. `edited`: the
    config after the edit, None when the edit left it as it was."""
    for path in [p for p in files if not (project.root / p).exists()]:
        del files[path]
        skipped(
            path,
            "not created: in a workspace of several contexts it serves them all, and is not "
            "made from one context's config",
        )
    if edited is not None:
        files.update(_config_files(project, edited, noted))


@dataclass(frozen=True)
class GeneratedBases:
    """Where the base of a merge comes from: the record of what was generated, by path, and
    the templates of the version that generated the project (None: not shipped here)."""

    recorded: dict[str, bytes]
    templates: Path | None


def generated_bases(project: Project) -> GeneratedBases:
    """The record of the derived files, and the templates of the project's recorded version."""
    # deferred: scaffolder.render ~27 ms (CPU, measured): `edit --ui none` imports this module
    # without it
    from scaffolder.render import DERIVED_FILES

    version = recorded_version(project.answers)
    return GeneratedBases(
        read_recorded(project.root, sorted(DERIVED_FILES)),
        templates_of(version) if version else None,
    )


def retired_files(project: Project, identity: ProjectIdentity) -> list[str]:
    """The files of the CI provider or deployment the project leaves, when protean-init wrote
    them whole and they still hold only what protean-init would write for the current config
    (unchanged since generated). The others stay: they hold lines of the user's own."""
    # deferred: scaffolder.deployment ~2 ms (wall, measured on the shared machine): `edit --ui
    # none` imports this module without it
    from scaffolder.deployment import files_for

    ci_files = {"github": GITHUB_WORKFLOW, "gitlab": GITLAB_CI}
    leaving: list[str] = []
    old_ci = ci_files.get(project.identity.ci)
    if identity.ci != project.identity.ci and old_ci is not None:
        leaving.append(old_ci)
    if identity.deploy != project.identity.deploy:
        kept = set(files_for(identity.deploy))
        leaving += [p for p in files_for(project.identity.deploy) if p not in kept]
    leaving = [
        path
        for path in leaving
        if (project.root / path).is_file() and (project.managed is None or path in project.managed)
    ]
    if not leaving or project.last_generated is None:
        return []
    # deferred: scaffolder.render ~27 ms (CPU, measured): `edit --ui none` imports this module
    # without it
    from scaffolder.render import render_derived

    # Unchanged since generated: what the recorded config renders, byte for byte (with the
    # passwords the snapshot masks put back from the config).
    bases = generated_bases(project)
    recorded = restore(project.last_generated, project.tree)
    rendered: dict[str, bytes] | None = None
    unchanged = []
    for path in leaving:
        on_disk = (project.root / path).read_bytes()
        generated = bases.recorded.get(path)
        if generated is not None:
            generated = merge_base(generated, on_disk)
        else:
            if rendered is None:
                rendered = render_derived(recorded, project.identity, bases.templates)
            generated = rendered.get(path)
        if generated == on_disk:
            unchanged.append(path)
    return unchanged


def _config_files(
    project: Project, after: ConfigState, noted: Callable[[str, str], None] = _tell
) -> dict[str, bytes]:
    """The edited config, and pyproject.toml where its protean requirement lacks an extra the
    new config needs (one file when the config lives in pyproject.toml itself)."""
    # deferred: scaffolder.reopen.extras ~17 ms with the modules it loads (wall, measured on the
    # shared machine): `edit --ui none` imports this module without it
    from scaffolder.reopen.extras import unplaced, with_extras

    new_text = after.text
    needed = after.plan.extras
    if project.config.is_pyproject:
        return {project.config_relative: with_extras(new_text, needed).encode()}
    files = {project.config_relative: new_text.encode()}
    pyproject = project.root / "pyproject.toml"
    if pyproject.is_file():
        old = read_text(pyproject, "pyproject.toml")
        updated = with_extras(old, needed)
        if updated != old:
            files["pyproject.toml"] = updated.encode()
        lacking = unplaced(updated, needed)
        if lacking:
            noted("pyproject.toml", lacking)
    return files


def with_ci(identity: ProjectIdentity, ci: str | None) -> ProjectIdentity:
    return identity if ci is None else replace(identity, ci=ci)
