"""Growing and shrinking a workspace: `add-context NAME` and `remove-context NAME`.

Each is one change of the project, written all or nothing (scaffolder.writer.apply: one
transaction under the project's lock): the context's own files, and every file of the whole
workspace re-derived from the contexts' domain.toml files as they are on disk after the change
(scaffolder.workspace_render). A derived file the user edited is merged three ways with the
record of what was last generated as the base; a conflict writes nothing (exit 1) unless
--force takes the regenerated lines.

A single project (domain.toml in its root, its package in src/<package>/) becomes a workspace
when a context is added: its package stays where it is as the first context, its domain.toml
moves beside the package (src/<package>/domain.toml: Protean reads the domain's folder first,
so every environment resolves as before) and its tests move into tests/<package>/, all byte
for byte; its derived files become the workspace's, merged with the user's edits.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from scaffolder.config_tree import Tree, config_strings
from scaffolder.errors import UsageError
from scaffolder.generated_record import (
    is_plain_path,
    merge_base,
    read_recorded,
    record_files,
    recorded_name,
)
from scaffolder.project_files import (
    ANSWERS_FILE,
    ProjectIdentity,
    parse_config,
    project_identity,
    read_answers,
)
from scaffolder.spec.defaults import default_spec
from scaffolder.workspace import discover, refuse_unfit_name

PYPROJECT = "pyproject.toml"
DOMAIN_TOML = "domain.toml"


@dataclass(frozen=True)
class Layout:
    """The workspace as it is on disk: its identity and each context's parsed config."""

    root: Path
    identity: ProjectIdentity
    answers: dict[str, Any]
    trees: dict[str, Tree]
    # The context a single project is: its config in the root, to be moved beside its package.
    single: str | None = None


def read_layout(root: Path) -> Layout:
    workspace = discover(root)
    answers = read_answers(root)
    identity = project_identity(root, answers)
    trees: dict[str, Tree] = {}
    single = None
    for context in workspace.contexts:
        config = context.config
        if config.is_pyproject:
            raise UsageError(
                f"{config.path}: a config in pyproject.toml cannot be one context of a "
                "workspace; move it into domain.toml first"
            )
        name = context.name
        if config.path.parent.resolve() == root.resolve():
            # A single project: its context is its package.
            name = single = identity.package_name
        trees[name] = parse_config(config.read_text(keep_newlines=True), config)
    # In the order the workspace was made in (its record), then any made by hand.
    recorded = answers.get("contexts")
    order = [n for n in recorded if n in trees] if isinstance(recorded, Mapping) else []
    order += [n for n in trees if n not in order]
    return Layout(root, identity, answers, {n: trees[n] for n in order}, single)


def _new_context_spec(layout: Layout, name: str, sets: list[str], like: str | None):
    """The new context's spec: protean-init's defaults with the workspace's project-level
    choices, the choices of context `like` (same as it), then `sets`, then the sharing rules
    (its own variables and storage, never `like`'s)."""
    # deferred: scaffolder.answers ~3 ms, scaffolder.workspace_spec ~2 ms (CPU, measured): `edit
    # --ui none` imports this module without them
    from scaffolder.answers import build_spec
    from scaffolder.workspace_spec import context_spec

    identity = layout.identity
    # The workspace's project-level choices, every one (ProjectChoices).
    start = replace(
        default_spec(identity.project_name, identity.package_name), **identity.choices()
    )
    answers = None
    if like is not None:
        if like not in layout.trees:
            raise UsageError(
                f"unknown context {like!r} for --like; this workspace's contexts: "
                f"{', '.join(layout.trees)}"
            )
        answers = {
            key: value
            for key, value in _answers_contexts(layout)[like].items()
            if not key.startswith(("variables.", "local_urls."))
        }
    try:
        chosen = build_spec(start, answers=answers, sets=sets)
    except UsageError as error:
        raise UsageError(f"context {name!r}: {error}") from None
    # Its caches take a local Redis database no context of the workspace uses.
    taken = [text for tree in layout.trees.values() for text in config_strings(tree)]
    return context_spec(chosen, name, taken)


def _refuse_taken(layout: Layout, name: str) -> None:
    # deferred: scaffolder.workspace_spec ~2 ms (CPU, measured): `edit --ui none` imports this
    # module without it
    from scaffolder.workspace_spec import refuse_cut_storage, validate_context_name

    validate_context_name(name)
    refuse_cut_storage(layout.identity.package_name, name)
    if name in layout.trees:
        raise UsageError(f"context {name!r} exists already; contexts: {', '.join(layout.trees)}")
    for folder in (f"src/{name}", f"tests/{name}"):
        if (layout.root / folder).exists():
            raise UsageError(f"{folder} exists already: choose another name, or move it first")


def add_context(
    layout: Layout, name: str, sets: list[str], *, like: str | None = None, force: bool
) -> dict:
    """The files `add-context NAME` writes (None deletes one)."""
    # deferred: scaffolder.domain_toml ~1 ms, scaffolder.workspace_render ~28 ms (CPU, measured):
    # `edit --ui none` imports this module without them
    from scaffolder.domain_toml import config_tree
    from scaffolder.workspace_render import context_files

    _refuse_taken(layout, name)
    spec = _new_context_spec(layout, name, sets, like)
    tree = config_tree(spec)
    # deferred: scaffolder.context_owned with connection_target ~2 ms (CPU, measured): only
    # adding a context needs it, not every edit of a workspace's context
    from scaffolder.context_owned import owned, refuse_taken

    refuse_taken(f"context {name!r}", owned(tree), layout.trees)
    files: dict[str, bytes | None] = dict(context_files(spec))
    new_files = dict(files)
    if layout.single is not None:
        refuse_unfit_name(f"src/{layout.single}", layout.single)  # the first context's folder
        files.update(_adopt_single(layout))
    trees = {**layout.trees, name: tree}
    contexts = _answers_contexts(layout)
    # deferred: scaffolder.answers ~3 ms, scaffolder.workspace_spec ~2 ms (CPU, measured): `edit
    # --ui none` imports this module without them
    from scaffolder.answers import spec_answers
    from scaffolder.workspace_spec import flat_answers

    contexts[name] = flat_answers(spec_answers(spec))
    files.update(_rederive(layout, trees, contexts, force=force))
    files.update(_record(new_files))
    return files


def is_workspace_record(answers: Mapping[str, Any]) -> bool:
    """Whether an answers record is a workspace's (`new --context`, `add-context`): it lists
    each context's choices, where a single project's records one project's."""
    return isinstance(answers.get("contexts"), Mapping)


def is_recorded(layout: Layout) -> bool:
    """Whether protean-init generated this workspace of several contexts and keeps its record
    (each context's choices): its shared files are then re-derived from every context on each
    edit. A hand-made workspace has none, and a context's edit only inserts into its files."""
    return layout.single is None and is_workspace_record(layout.answers)


def whole_workspace_context(root: Path, context: str | None, here: Path | None) -> str | None:
    """The context `derive` and `ci` read: the one named, else at the root of a recorded
    workspace (is_recorded) its first, since a context's edit there re-derives the files of
    every context whichever it reads; None leaves the choice (and the refusal at the root of
    a hand-made workspace) to scaffolder.workspace.Workspace.select."""

    if context is not None or not root.is_dir():
        return context
    workspace = discover(root)
    if not workspace.several or (here is not None and workspace.containing(here) is not None):
        return None
    if not is_workspace_record(read_answers(root)):
        return None
    return workspace.names[0]


def edit_context(
    layout: Layout,
    name: str,
    config: str,
    text: str,
    tree: Tree,
    identity: ProjectIdentity,
    *,
    force: bool,
) -> dict[str, bytes | None]:
    """The files of one context's edit in a recorded workspace (is_recorded): its domain.toml
    (`config`, relative to the root) now `text` (parsed: `tree`), and the workspace's shared
    files re-derived from every context's config with it, merged three ways with the user's
    edits as add-context merges them, the record of that context's choices updated.
    `identity`: the edit's; its CI provider is the workspace's (`ci --ci gitlab` switches
    every context's; the old one's file goes while as generated), and its deployment and
    scale are every context's, not changed by one context's edit."""
    old = layout.identity
    if (identity.deploy, identity.workers, identity.replicas) != (
        old.deploy,
        old.workers,
        old.replicas,
    ):
        raise UsageError(
            "a workspace's deployment and scale are every context's: deploy does not change "
            "them for one context yet; nothing written"
        )
    layout = replace(layout, identity=replace(old, ci=identity.ci))
    root = layout.root
    trees = {**layout.trees, name: tree}
    contexts = _answers_contexts(layout)
    configs = _config_paths(layout)
    recorded = read_recorded(root, list(configs.values()))
    # The choices of the context whose domain.toml this edit changes, and of any whose
    # domain.toml was edited by hand since protean-init last wrote it (`derive` after a hand
    # edit), are recorded as their domain.toml now says; the others keep what was recorded of
    # them. (Recorded again unchanged, the choices `new` wrote took the layout read back from
    # a domain.toml: `derive` right after `new` rewrote the record.)
    for other, path in configs.items():
        on_disk = (root / path).read_bytes()
        changed = other == name and text.encode() != on_disk
        if changed or not _as_generated(recorded.get(path), on_disk):
            contexts[other] = _recorded_choices(layout, other, trees[other])
    files: dict[str, bytes | None] = {config: text.encode()}
    files.update(_rederive(layout, trees, contexts, force=force))
    # A domain.toml still as generated stays so (protean-init wrote this edit): remove-context
    # tells a context's files as generated from the user's by this record.
    if _as_generated(recorded.get(config), (root / config).read_bytes()):
        files.update(_record({config: text.encode()}))
    return files


def redeploy(
    layout: Layout,
    identity: ProjectIdentity,
    configs: Mapping[str, tuple[str, str, Tree]],
    *,
    force: bool,
) -> dict[str, bytes | None]:
    """The files of `deploy KIND` at the root of a recorded workspace (is_recorded): the
    deployment and scale are the whole workspace's (one image; one engine per context), so
    `identity` (the new deploy, replicas and workers) re-derives every shared file. `configs`:
    the contexts whose domain.toml the deployment edits (name -> its path relative to the
    root, its new text, parsed), recorded as edit_context records one. The old choice's files
    the new one has not go while as generated (_retire)."""
    root = layout.root
    old = layout.identity
    layout = replace(layout, identity=identity)
    trees = dict(layout.trees)
    contexts = _answers_contexts(layout)
    recorded = read_recorded(root, [path for path, _, _ in configs.values()])
    files: dict[str, bytes | None] = {}
    for name, (path, text, tree) in configs.items():
        trees[name] = tree
        contexts[name] = _recorded_choices(layout, name, tree)
        files[path] = text.encode()
        if _as_generated(recorded.get(path), (root / path).read_bytes()):
            files.update(_record({path: text.encode()}))
    files.update(_rederive(layout, trees, contexts, force=force, previous=old))
    return files


def _config_paths(layout: Layout) -> dict[str, str]:
    """Each context's domain.toml, relative to the workspace's root."""

    root = layout.root
    return {
        context.name: context.config.path.relative_to(root).as_posix()
        for context in discover(root).contexts
        if context.name in layout.trees
    }


def _recorded_choices(layout: Layout, name: str, tree: Tree) -> dict[str, Any]:
    """Context `name`'s choices as the record holds them, from its domain.toml `tree`. Its
    local defaults are told from protean-init's own by the context's storage, as `new` names
    it (shop_ordering), so only the user's own are recorded."""
    # deferred: scaffolder.answers ~3 ms, scaffolder.workspace_spec ~2 ms (CPU, measured): `edit
    # --ui none` imports this module without them
    from scaffolder.answers import record_spec
    from scaffolder.workspace_spec import TEST_SUFFIX, flat_answers, storage_name

    storage = storage_name(layout.identity.package_name, name)
    return flat_answers(record_spec(tree, storage, layout.identity.deploy, TEST_SUFFIX))


def _adopt_single(layout: Layout) -> dict[str, bytes | None]:
    """A single project's context moved into the workspace layout, byte for byte: its
    domain.toml beside its package, its tests under tests/<package>/."""
    root = layout.root
    package = layout.single
    assert package is not None
    moved: dict[str, bytes | None] = {}
    target = f"src/{package}/{DOMAIN_TOML}"
    if (root / target).exists():
        raise UsageError(f"{target} exists already beside {DOMAIN_TOML}; nothing written")
    moved[DOMAIN_TOML] = None
    moved[target] = (root / DOMAIN_TOML).read_bytes()
    tests = root / "tests"
    if tests.is_dir():
        if (tests / package).exists():
            raise UsageError(f"tests/{package} exists already; nothing written")
        for path in sorted(tests.rglob("*")):
            if path.is_symlink():
                raise UsageError(f"{path} is a link; move the tests by hand first")
            if path.is_file() and "__pycache__" not in path.parts:
                relative = path.relative_to(root).as_posix()
                moved[relative] = None
                moved[f"tests/{package}/{path.relative_to(tests).as_posix()}"] = path.read_bytes()
    return {**moved, **_moved_record(root, moved)}


def _moved_record(root: Path, moved: Mapping[str, bytes | None]) -> dict[str, bytes | None]:
    """The record of each moved file follows it (the deleted path's record goes)."""
    gone = [path for path, content in moved.items() if content is None]
    recorded = read_recorded(root, gone)
    arrived = [path for path, content in moved.items() if content is not None]
    files: dict[str, bytes | None] = {}
    for old, new in zip(gone, arrived, strict=True):
        if old in recorded:
            files[recorded_name(old)] = None
            files[recorded_name(new)] = recorded[old]
    return files


def remove_context(layout: Layout, name: str, *, force: bool) -> dict:
    """The files `remove-context NAME` writes: the context's files deleted (only while as
    generated, unless --force), and the workspace's files re-derived without it."""
    if name not in layout.trees:
        raise UsageError(
            f"unknown context {name!r}; this workspace's contexts: {', '.join(layout.trees)}"
        )
    if len(layout.trees) < 2 or layout.single is not None:
        raise UsageError(f"{name!r} is the project's only context; nothing to remove it from")
    root = layout.root
    own = [
        path.relative_to(root).as_posix()
        for folder in (root / "src" / name, root / "tests" / name)
        if folder.is_dir()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    ]
    recorded = read_recorded(root, own)
    changed = [p for p in own if not _as_generated(recorded.get(p), (root / p).read_bytes())]
    if changed and not force:
        raise UsageError(
            f"{changed[0]} is not as protean-init generated it ({len(changed)} such file"
            f"{'s' if len(changed) > 1 else ''} in the context); nothing written: move your "
            "own files out first, or pass --force to delete them with the context"
        )
    files: dict[str, bytes | None] = {path: None for path in own}
    files.update({recorded_name(path): None for path in recorded})
    trees = {n: tree for n, tree in layout.trees.items() if n != name}
    contexts = {n: v for n, v in _answers_contexts(layout).items() if n != name}
    files.update(_rederive(layout, trees, contexts, force=force))
    return files


def _answers_contexts(layout: Layout) -> dict[str, Any]:
    """The record's choices per context; a context made by hand (or a single project's) gets
    its record from its domain.toml as it is."""
    # deferred: scaffolder.answers ~3 ms, scaffolder.workspace_spec ~2 ms (CPU, measured): `edit
    # --ui none` imports this module without them
    from scaffolder.answers import record_spec
    from scaffolder.workspace_spec import flat_answers

    recorded = layout.answers.get("contexts")
    recorded = dict(recorded) if isinstance(recorded, Mapping) else {}
    for name, tree in layout.trees.items():
        if not isinstance(recorded.get(name), Mapping):
            recorded[name] = flat_answers(record_spec(tree, name, layout.identity.deploy))
    return recorded


def _rederive(
    layout: Layout,
    trees: dict[str, Tree],
    contexts: dict[str, Any],
    *,
    force: bool,
    previous: ProjectIdentity | None = None,
) -> dict[str, bytes | None]:
    """The workspace's shared files for `trees`, each merged with the user's edits; files no
    longer derived deleted while as generated; the record and the answers file updated.
    `previous`: the identity the files on disk were derived with, when the edit changes it
    (a deploy: its old files are the ones no longer derived)."""
    # deferred: scaffolder.workspace_render ~28 ms (CPU, measured): `edit --ui none` imports this
    # module without it
    from scaffolder.workspace_render import answers_file, derived_paths, render_workspace_derived

    root = layout.root
    identity = layout.identity
    regenerated = render_workspace_derived(identity, trees, own=(PYPROJECT,))
    names = list(trees)
    before = set(derived_paths(previous or identity, [*layout.trees]))
    if layout.single is not None:
        # deferred: scaffolder.deployment ~4 ms with scaffolder.spec.settings (wall, measured on
        # the shared machine): `edit --ui none` imports this module without them
        from scaffolder import deployment

        before |= set(deployment.files_for(identity.deploy))
    retired = before - set(regenerated)
    files: dict[str, bytes | None] = dict(_merged(root, regenerated, force=force))
    files.update(_retire(root, retired))
    scale = {key: getattr(identity, key) for key in ("workers", "replicas")}
    answers = {
        k: v
        for k, v in layout.answers.items()
        if k not in ("spec", "generated_from", "derived_files", "contexts", "_template", *scale)
    }
    answers = {
        **answers,
        "project_name": identity.project_name,
        "package_name": identity.package_name,
        "ci": identity.ci,
        "compose": identity.compose,
        "deploy": identity.deploy,
        "contexts": {name: contexts[name] for name in names},
    }
    files[ANSWERS_FILE] = answers_file(_with_scale(answers, scale))
    files.update(_record(regenerated))
    return files


def _with_scale(answers: dict[str, Any], scale: Mapping[str, int]) -> dict[str, Any]:
    """The record with the engine's scale where `new` writes it (workspace_spec.record:
    right after deploy), and only when not the default (1)."""
    placed: dict[str, Any] = {}
    for key, value in answers.items():
        placed[key] = value
        if key == "deploy":
            placed.update({name: count for name, count in scale.items() if count > 1})
    return placed


def _merged(root: Path, regenerated: Mapping[str, bytes], *, force: bool) -> dict[str, bytes]:
    """Each regenerated file as it goes to disk: as is where the user's file is absent or
    as last generated, else merged three ways with the record as the base."""
    # deferred: scaffolder.reopen.derive ~31 ms (CPU, measured): `edit --ui none` imports this
    # module without it
    from scaffolder.reopen.derive import MergeConflict, merge_file, take_regenerated

    recorded = read_recorded(root, regenerated)
    files: dict[str, bytes] = {}
    conflicts: list[str] = []
    for path, new in regenerated.items():
        target = root / path
        if not target.is_file():
            files[path] = new
            continue
        yours = target.read_bytes()
        base = recorded.get(path)
        base = merge_base(base, yours) if base is not None else None
        if base == yours:
            files[path] = new
            continue
        merged, conflicted = merge_file(base, yours, new)
        if conflicted and not force:
            conflicts.append(path)
        files[path] = take_regenerated(base, yours, new) if conflicted else merged
    if conflicts:
        raise MergeConflict(
            f"your edits to {', '.join(conflicts)} conflict with the regenerated workspace "
            "files; nothing written (resolve by hand, or --force to take the regenerated lines)"
        )
    return files


def _retire(root: Path, paths: set[str]) -> dict[str, bytes | None]:
    """Derived files the workspace no longer has (a removed context's Deployment, a single
    project's one): deleted while as generated, else left with a line saying so."""

    recorded = read_recorded(root, paths)
    files: dict[str, bytes | None] = {}
    for path in sorted(paths):
        target = root / path
        if not target.is_file():
            continue
        if _as_generated(recorded.get(path), target.read_bytes()):
            files[path] = None
            files[recorded_name(path)] = None
        else:
            print(f"protean-init: left {path} as it is: it has your edits", file=sys.stderr)
    return files


def _as_generated(recorded: bytes | None, yours: bytes) -> bool:
    """Whether `yours` is what the record says was generated (its masked passwords aside)."""
    return recorded is not None and merge_base(recorded, yours) == yours


def _record(files: Mapping[str, bytes | None]) -> dict[str, bytes | None]:
    return record_files({p: c for p, c in files.items() if c is not None and is_plain_path(p)})
