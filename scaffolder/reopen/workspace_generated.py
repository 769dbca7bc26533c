"""What protean-init generates for a workspace it made (`new --context`), from its records: the
answers record's choices of each context, and the record of what was generated.

`upgrade` merges from what the older version's templates generate to what this version's do
(scaffolder.reopen.upgrade), so both are rendered here the same way, with the templates given:
each recorded context's own files (package, tests) from its recorded choices, as `new` and
`add-context` rendered them, and the workspace's shared and own files from every context's
domain.toml as it is now, as every edit re-derives them. The contexts' domain.toml files and
the answers record are not among them: they are the user's, never re-rendered.

Both records are the repository's, so untrusted: the choices go through the same validation
as an answers file's, and the record's paths only say which context has the example of an
event crossing contexts (its source a valid context name, the path computed from it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from scaffolder.answers import build_spec
from scaffolder.errors import UsageError
from scaffolder.project_files import ANSWERS_FILE
from scaffolder.redact import MASK
from scaffolder.reopen.workspace_edit import Layout
from scaffolder.spec.project import ProjectSpec
from scaffolder.workspace import CONTEXT_CONFIG_NAMES
from scaffolder.workspace_render import (
    WORKSPACE_OWN_FILES,
    context_files,
    render_workspace_derived,
)
from scaffolder.workspace_spec import (
    answers_contexts,
    context_spec,
    taken_by,
    validate_context_name,
)

# The engine's scale is the workspace's, applied to (and checked in) each context, as `new`
# applies it (scaffolder.commands.new_workspace).
_SCALE_KEYS = ("replicas", "workers")
# The workspace's own files `new` writes once (pyproject.toml is re-derived by every edit).
_WRITTEN_ONCE = ("README.md", ".gitignore")
# The second context `new` makes handles the first one's event: src/<context>/<source>_customers.py.
_CROSSING = re.compile(r"src/([a-z_][a-z0-9_]*)/([a-z_][a-z0-9_]*)_customers\.py")


def is_config(path: str) -> bool:
    """Whether `path` is a context's (or a project's) Protean config: the user's own."""
    return PurePosixPath(path).name in CONTEXT_CONFIG_NAMES


def recorded_specs(layout: Layout) -> dict[str, ProjectSpec]:
    """Each context the answers record lists and the disk has (a folder with its config:
    `layout.trees`), as its recorded choices make it: the workspace's project-level choices,
    its own keys over them, then the sharing rules (as `new --answers` of the record would).
    A context only the record names (its folder deleted by hand, or a name planted in the
    record) is checked like any, but is none: its package and tests are not generated again,
    as an edit, which re-derives from the contexts on disk, drops it from the record."""
    project_answers, contexts = answers_contexts(layout.answers)
    scale = {key: value for key, value in project_answers.items() if key in _SCALE_KEYS}
    project = build_spec(
        None, answers={k: v for k, v in project_answers.items() if k not in _SCALE_KEYS}
    )
    specs: dict[str, ProjectSpec] = {}
    for name, own in contexts.items():
        # A local URL of the user's is recorded with its password masked, which no spec
        # takes; a context's own files do not read URLs (its domain.toml holds them).
        own = {key: value for key, value in own.items() if not _masked_url(key, value)}
        try:
            # The name becomes the folders its files are written in.
            validate_context_name(name)
            chosen = build_spec(project, answers={**scale, **own})
            spec = context_spec(chosen, name, taken_by(specs.values()))
        except UsageError as error:
            raise UsageError(f"{ANSWERS_FILE}: context {name!r}: {error}") from None
        if name in layout.trees:
            specs[name] = spec
    return specs


def _masked_url(key: str, value: object) -> bool:
    return key.startswith("local_urls.") and isinstance(value, str) and MASK in value


def crossing_sources(context: str, recorded: Iterable[str]) -> list[str]:
    """The contexts whose event `context` handles in the example `new` wrote (its
    `<source>_customers.py`), as the record of what was generated lists them."""
    sources = []
    for path in sorted(recorded):
        match = _CROSSING.fullmatch(path)
        if match is None or match.group(1) != context:
            continue
        try:
            validate_context_name(match.group(2))
        except UsageError:
            continue
        sources.append(match.group(2))
    return sources


@dataclass(frozen=True)
class Generated:
    """What templates generate for a workspace, by relative path, in two kinds."""

    # Written once, by `new` or `add-context`, from the recorded choices: each context's own
    # files (package, tests), the workspace's README and .gitignore. No edit rewrites them.
    written_once: dict[str, bytes]
    # Re-derived by every edit from every context's domain.toml: compose, CI, .env.example,
    # the Dockerfile and manifests, pyproject.toml.
    derived: dict[str, bytes]

    @property
    def files(self) -> dict[str, bytes]:
        return {**self.written_once, **self.derived}


def workspace_generated(layout: Layout, recorded: Iterable[str], templates: Path) -> Generated:
    """What `templates` generate for the workspace `layout` (module docstring). `recorded`:
    the paths the record of what was generated lists."""
    recorded = list(recorded)
    once: dict[str, bytes] = {}
    for name, spec in recorded_specs(layout).items():
        for source in crossing_sources(name, recorded) or [None]:
            once.update(context_files(spec, source, templates))
    derived = render_workspace_derived(
        layout.identity, layout.trees, templates, own=WORKSPACE_OWN_FILES
    )
    once.update({path: derived.pop(path) for path in _WRITTEN_ONCE if path in derived})
    return Generated(
        {path: content for path, content in once.items() if not _users(path)},
        {path: content for path, content in derived.items() if not _users(path)},
    )


def _users(path: str) -> bool:
    return is_config(path) or path == ANSWERS_FILE
