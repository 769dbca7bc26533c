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

from dataclasses import dataclass
from pathlib import Path

from scaffolder.errors import UsageError
from scaffolder.project_files import ConfigFile, _refuse_outside, require_config

# A context folder's own config: a folder with a pyproject.toml of its own is another project,
# not a context of this one (find_config skips it under src/ for the same reason).
CONTEXT_CONFIG_NAMES = (".domain.toml", "domain.toml")
# Folders beside the contexts that are never one: a test suite may keep a domain.toml for
# its own Domain, documentation may hold an example.
NOT_CONTEXTS = frozenset({"tests", "test", "docs", "doc", "examples", "scripts", "src"})
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
    from scaffolder.errors import closest

    return closest(name, names)


def context_folders(root: Path) -> list[Path]:
    """The folders that could be contexts: every folder under src/, and every folder of the
    root with a name a Python package can have, but for the ones that never are."""
    found: list[Path] = []
    src = root / "src"
    if src.is_dir() and not src.is_symlink():
        found += sorted(p for p in src.iterdir() if p.is_dir())
    found += sorted(
        p
        for p in root.iterdir()
        if p.is_dir() and p.name.isidentifier() and p.name not in NOT_CONTEXTS
    )
    return found


def _context_in(root: Path, folder: Path) -> Context | None:
    """`folder` as a context: its own config (a folder with a pyproject.toml is a project of
    its own), refused when the folder or the config is a link out of the project."""
    if (folder / "pyproject.toml").is_file():
        return None
    for name in CONTEXT_CONFIG_NAMES:
        path = folder / name
        if path.is_file():
            _refuse_outside(root, path)
            module = folder / DOMAIN_MODULE
            return Context(folder.name, folder, ConfigFile(path, ()), _module(module))
    return None


def _module(path: Path) -> Path | None:
    return path if path.is_file() else None


def discover(root: Path) -> Workspace:
    """The workspace at `root`. Several context folders with a config: each is a context (the
    same config reached twice, through a link inside the project, counts once). Otherwise the
    project's one config, found as today (`require_config`: a UsageError when there is none).
    """
    root = Path(root)
    contexts: list[Context] = []
    seen: set[Path] = set()
    for folder in context_folders(root):
        context = _context_in(root, folder)
        if context is None:
            continue
        real = context.config.path.resolve()
        if real in seen:
            continue
        seen.add(real)
        contexts.append(context)
    if len(contexts) < 2:
        return Workspace(root, (_single(root),))
    _refuse_twins(root, contexts)
    return Workspace(root, tuple(contexts))


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
