"""A workspace: one project root (pyproject, compose, CI) holding several bounded contexts,
each a folder with its own Protean config and `Domain`, as domain-driven teams lay out one
repository (`src/<context>/domain.toml`, or `<context>/domain.toml` beside the root's files).

A project of one context is a workspace of one context: its config is the one
`project_files.find_config` finds (the nearest config wins), and everything reads as before.
A root is a workspace of several contexts when two or more context folders hold a config;
each context is then edited and checked on its own, and a command that edits one must be told
which (`--context NAME`, or run from inside its folder).

Everything here is read from the folder, which is untrusted: a context folder or config that
is a link out of the project is refused as `require_config` refuses one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from scaffolder.errors import UsageError, closest
from scaffolder.project_files import (
    ConfigFile,
    ci_files,
    compose_file,
    find_config,
    refuse_no_file,
    refuse_outside,
    require_config,
)

# A context folder's own config: a folder with a pyproject.toml of its own is another project,
# not a context of this one (find_config skips it under src/ for the same reason).
CONTEXT_CONFIG_NAMES = (".domain.toml", "domain.toml")
# Folders beside the contexts that are never one: a test suite may keep a domain.toml for
# its own Domain, documentation may hold an example.
NOT_CONTEXTS = frozenset({"tests", "test", "docs", "doc", "examples", "scripts", "src"})
# What a config's path can be instead of a regular file, as a message names it.
# The module a context's `Domain` lives in, as `protean new` and the reference layout name it.
DOMAIN_MODULE = "domain.py"


@dataclass(frozen=True)
class Context:
    """One bounded context: its name (its folder's), its folder, its config, and the module
    its `Domain` is declared in (None when the folder has none of that name)."""

    name: str
    folder: Path
    config: ConfigFile
    domain_module: Path | None

    def relative(self, root: Path) -> str:
        """The context's folder relative to the workspace root, POSIX separators ('.' for a
        project whose config is in the root)."""
        return self.folder.relative_to(root).as_posix() if self.folder != root else "."


@dataclass(frozen=True)
class Workspace:
    """A project root and its contexts, in a stable order (by folder)."""

    root: Path
    contexts: tuple[Context, ...]

    @property
    def several(self) -> bool:
        """Whether a command that edits one context must be told which."""
        return len(self.contexts) > 1

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(context.name for context in self.contexts)

    def context(self, name: str) -> Context:
        """The context called `name`; a UsageError naming it and the known ones otherwise."""
        for context in self.contexts:
            if context.name == name:
                return context
        raise UsageError(
            f"unknown context {name!r}{_closest(name, self.names)}; this project's contexts: "
            f"{', '.join(self.names)}"
        )

    def containing(self, path: Path) -> Context | None:
        """The context whose folder holds `path` (a folder inside the project), if any; the
        root's own context holds nothing more than the root does."""
        try:
            here = Path(path).resolve()
        except OSError:
            return None
        for context in self.contexts:
            folder = context.folder.resolve()
            if folder != self.root.resolve() and here.is_relative_to(folder):
                return context
        return None

    def select(self, name: str | None, here: Path | None = None) -> Context:
        """The context a per-context command acts on: `name` when given, else the one `here`
        is inside, else the only one. At the root of a workspace of several contexts with
        none named: a UsageError listing them (exit 2; the caller has written nothing)."""
        if name is not None:
            return self.context(name)
        inside = self.containing(here) if here is not None else None
        if inside is not None:
            return inside
        if not self.several:
            return self.contexts[0]
        raise UsageError(
            f"{self.root} is a workspace of {len(self.contexts)} contexts "
            f"({', '.join(self.names)}): name one with --context NAME, or run the command "
            "inside its folder; nothing written"
        )


def _closest(name: str, names: tuple[str, ...]) -> str:
    return closest(name, names)


def is_project_root(root: Path) -> bool:
    """Whether `root` holds what a workspace's root does (pyproject.toml, a compose file or a
    CI file): a folder of several projects (~/code/a/domain.toml, ~/code/b/domain.toml) is
    not one workspace, and a command run in one of them stays in it."""

    return (
        (root / "pyproject.toml").is_file()
        or compose_file(root) is not None
        or bool(ci_files(root))
    )


def context_folders(root: Path) -> list[Path]:
    """The folders that could be contexts: every folder under src/ named as a Python package
    can be (its Domain is imported as `<context>.domain`; a planted name with a line break
    never reaches a message), and every package folder of the root (an __init__.py or a
    domain module), but for the ones that never are contexts."""
    found: list[Path] = []
    src = root / "src"
    if src.is_dir() and not src.is_symlink():
        found += sorted(p for p in src.iterdir() if p.is_dir() and _package_name(p.name))
    found += sorted(
        p
        for p in root.iterdir()
        if p.is_dir()
        and _package_name(p.name)
        and p.name not in NOT_CONTEXTS
        and ((p / "__init__.py").is_file() or (p / DOMAIN_MODULE).is_file())
    )
    return found


def _package_name(name: str) -> bool:
    """Whether a folder's name can be a context's: an ASCII identifier, as every package
    protean-init names is (a look-alike in other letters, `b\u0456lling` with a Cyrillic i, would
    read as `billing` in every message and derived file)."""
    return name.isidentifier() and name.isascii()


def _context_in(folder: Path) -> Context | None:
    """`folder` as a context: its own config (a folder with a pyproject.toml is a project of
    its own)."""
    if (folder / "pyproject.toml").is_file():
        return None
    for name in CONTEXT_CONFIG_NAMES:
        path = folder / name
        if path.is_file():
            module = folder / DOMAIN_MODULE
            return Context(folder.name, folder, ConfigFile(path, ()), _module(module))
        refuse_no_file(path, "the context's Protean config", "a config")
    return None


def _module(path: Path) -> Path | None:
    return path if path.is_file() else None


def discover(root: Path) -> Workspace:
    """The workspace at `root`. A project root (is_project_root) with several context
    folders holding a config: each is a context (the same config reached twice, through a
    link inside the project, counts once), and one whose folder or config is a link out of
    the project is refused. Otherwise the project's one config, found as today
    (`require_config`: a UsageError when there is none).
    """
    root = Path(root)
    # By the config's real path: one reached through a link inside the project counts once,
    # as its real folder (writes never go through a linked folder).
    by_real: dict[Path, Context] = {}
    for folder in context_folders(root) if is_project_root(root) else ():
        context = _context_in(folder)
        if context is None:
            continue
        real = context.config.path.resolve()
        kept = by_real.get(real)
        if kept is None or (kept.folder.is_symlink() and not folder.is_symlink()):
            by_real[real] = context
    contexts = sorted(by_real.values(), key=lambda context: _listing_order(root, context))
    if len(contexts) < 2:
        return Workspace(root, (_single(root),))
    for context in contexts:
        refuse_outside(root, context.config.path)
        refuse_unfit_name(context.relative(root), context.name)
    _refuse_twins(root, contexts)
    return Workspace(root, tuple(contexts))


def refuse_upper_case(folder: str, name: str) -> None:
    """A context of several is named after its folder (`folder`, relative to the root), and a
    context's name is lower case (workspace_spec.validate_context_name): `src/Billing` would
    name databases PostgreSQL folds to lower case where its URLs do not, and Kubernetes
    objects it refuses. Refused where every command finds its contexts (discover), so none
    takes it and none drops it, and where a single project becomes a workspace. (One package
    of any case is a project of one context, named by its package.)"""
    if name != name.lower():
        raise UsageError(
            f"{folder}: a context is named after its folder, and a context name is a "
            f"lower-case ASCII identifier (a-z, 0-9, '_'); rename the folder, e.g. to "
            f"{name.lower()!r}; nothing written"
        )


def refuse_unfit_name(folder: str, name: str) -> None:
    """A context of several is named after its folder (`folder`, relative to the root), and
    held to the rule `new --context` and add-context hold a name to
    (workspace_spec.validate_context_name): a folder planted beside the contexts
    (`src/pytest/`, `src/class/`) would otherwise be a context whose package shadows the test
    runner, or one nothing can import, in every derived file. Upper case first, in its own
    words (refuse_upper_case)."""
    refuse_upper_case(folder, name)
    # deferred: the workspace's spec (names, catalog) only for a workspace of several.
    from scaffolder.workspace_spec import validate_context_name

    try:
        validate_context_name(name)
    except UsageError as error:
        raise UsageError(
            f"{folder}: a context is named after its folder: {error}; rename the folder; "
            "nothing written"
        ) from None


def _listing_order(root: Path, context: Context) -> tuple[int, str]:
    """src/ first, then the root's folders, each by name: the order contexts are listed in."""
    return (0 if context.folder.parent == root / "src" else 1, context.folder.name)


def _single(root: Path) -> Context:
    """The one context of a project as today: its config wherever find_config finds it."""
    config = require_config(root)
    folder = config.path.parent
    name = folder.name if folder != root else root.resolve().name
    module = folder / DOMAIN_MODULE
    return Context(name, folder, config, _module(module))


def _refuse_twins(root: Path, contexts: list[Context]) -> None:
    """Two contexts of one name (src/ordering/ and ordering/): `--context ordering` could not
    say which; the user renames one."""
    by_name: dict[str, Context] = {}
    for context in contexts:
        other = by_name.setdefault(context.name, context)
        if other is not context:
            raise UsageError(
                f"two contexts are named {context.name!r}: {other.relative(root)} and "
                f"{context.relative(root)}; rename one folder"
            )


def enclosing_workspace(folder: Path) -> Path | None:
    """The root of the workspace `folder` is a context of (the folder above src/, or its
    parent), or None: how a command run inside a context's folder finds the project."""
    # src/ itself holds the contexts' folders too, but the root is the folder above it.
    candidates = [folder.parent.parent] if folder.parent.name == "src" else [folder.parent]
    real = folder.resolve()
    for candidate in candidates:
        try:
            workspace = discover(candidate)
        except UsageError:
            continue  # not a project, or one this command will refuse by name from its root
        if workspace.several and any(c.folder.resolve() == real for c in workspace.contexts):
            return candidate
    return None


def discover_project(start: Path) -> Path:
    """The project `start` is in, found as git finds a repository: `start` or the nearest
    folder above it that holds a Protean config (as `find_config` looks), not crossing into
    another file system nor reaching $HOME. `start` itself when none is found, so the error
    names the folder the user gave."""

    try:
        here = start.resolve()
        device = here.stat().st_dev
    except OSError:
        return start
    home = Path(os.path.expanduser("~")).resolve()
    folder = here
    while True:
        if folder == home and folder != here:
            return start
        config = find_config(folder)
        if config is not None:
            # Inside src/<package>/ of a `protean new` layout: the project is two up, where
            # find_config finds the same file.
            outer = folder.parent.parent
            if folder.parent.name == "src" and find_config(outer) == config:
                folder = outer
            else:
                # Inside one context of a workspace: the project is the workspace's root.
                folder = enclosing_workspace(folder) or folder
            return start if folder == here else folder
        parent = folder.parent
        try:
            if parent == folder or parent.stat().st_dev != device:
                return start
        except OSError:
            return start
        folder = parent
