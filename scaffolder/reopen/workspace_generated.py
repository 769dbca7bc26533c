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
from pathlib import Path, PurePosixPath

from scaffolder.project_files import ANSWERS_FILE
from scaffolder.reopen.workspace_edit import Layout
from scaffolder.spec.project import ProjectSpec
from scaffolder.workspace import CONTEXT_CONFIG_NAMES

# The engine's scale is the workspace's, applied to (and checked in) each context, as `new`
# applies it (scaffolder.commands.new_workspace).
_SCALE_KEYS = ("replicas", "workers")
# The second context `new` makes handles the first one's event: src/<context>/<source>_customers.py.
_CROSSING = re.compile(r"src/([a-z_][a-z0-9_]*)/([a-z_][a-z0-9_]*)_customers\.py")


def is_config(path: str) -> bool:
    """Whether `path` is a context's (or a project's) Protean config: the user's own."""
    return PurePosixPath(path).name in CONTEXT_CONFIG_NAMES


def recorded_specs(layout: Layout) -> dict[str, ProjectSpec]:
    """Each context the answers record lists, as its recorded choices make it: the
    workspace's project-level choices, its own keys over them, then the sharing rules (as
    `new --answers` of the record would)."""
    from scaffolder.answers import build_spec
    from scaffolder.errors import UsageError
    from scaffolder.workspace_spec import answers_contexts, context_spec

    project_answers, contexts = answers_contexts(layout.answers)
    scale = {key: value for key, value in project_answers.items() if key in _SCALE_KEYS}
    project = build_spec(
        None, answers={k: v for k, v in project_answers.items() if k not in _SCALE_KEYS}
    )
    specs: dict[str, ProjectSpec] = {}
    for name, own in contexts.items():
        try:
            chosen = build_spec(project, answers={**scale, **own})
            specs[name] = context_spec(chosen, name)
        except UsageError as error:
            raise UsageError(f"{ANSWERS_FILE}: context {name!r}: {error}") from None
    return specs


def crossing_sources(context: str, recorded: Iterable[str]) -> list[str]:
    """The contexts whose event `context` handles in the example `new` wrote (its
    `<source>_customers.py`), as the record of what was generated lists them."""
    from scaffolder.errors import UsageError
    from scaffolder.workspace_spec import validate_context_name

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


def workspace_generated(
    layout: Layout, recorded: Iterable[str], templates: Path
) -> dict[str, bytes]:
    """What `templates` generate for the workspace `layout` (module docstring): by relative
    path. `recorded`: the paths the record of what was generated lists."""
    from scaffolder.workspace_render import (
        WORKSPACE_OWN_FILES,
        context_files,
        render_workspace_derived,
    )

    recorded = list(recorded)
    files: dict[str, bytes] = {}
    for name, spec in recorded_specs(layout).items():
        for source in crossing_sources(name, recorded) or [None]:
            files.update(context_files(spec, source, templates))
    files.update(
        render_workspace_derived(layout.identity, layout.trees, templates, own=WORKSPACE_OWN_FILES)
    )
    return {path: content for path, content in files.items() if not _users(path)}


def _users(path: str) -> bool:
    return is_config(path) or path == ANSWERS_FILE
