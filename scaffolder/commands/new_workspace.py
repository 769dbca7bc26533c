"""`protean-init new DIR --context a --context b`: a workspace of bounded contexts.

The project-level choices (name, CI, compose, deploy) and the keys without a context apply to
every context; `a:KEY=VALUE` (a `--set`, or a key of the answers file, or a key under its
`contexts: {a: {...}}` section) to context `a` alone, over them. Each context's spec then takes
the workspace's sharing rules (scaffolder.workspace_spec) where the user named nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Collection
from pathlib import Path
from typing import Any

from scaffolder.answers import build_spec
from scaffolder.commands.new_spec import starting_spec
from scaffolder.errors import UsageError
from scaffolder.generated_record import with_record
from scaffolder.next_steps import files_written
from scaffolder.spec.project import ProjectSpec
from scaffolder.workspace_spec import (
    WorkspaceSpec,
    answers_contexts,
    context_spec,
    split_qualified,
    taken_by,
    validate_context_names,
)
from scaffolder.writer import create_project

# The engine's scale: one for the workspace, checked in each context.
_SCALE_KEYS = ("replicas", "workers")


def context_names(requested: list[str], answered: dict[str, Any]) -> list[str]:
    """The contexts, in order: --context's, else the answers file's. Each a valid name, once;
    an answers file's context that --context leaves out is named, not dropped."""

    names = list(requested) or list(answered)
    validate_context_names(names)
    missing = [name for name in answered if name not in names]
    if missing:
        raise UsageError(
            f"the answers file has context {missing[0]!r}, which --context does not name; "
            f"expected one of: {', '.join(names)}"
        )
    return names


def workspace_spec(
    args: argparse.Namespace, name: str, ui: str, answers: dict[str, Any] | None
) -> WorkspaceSpec:
    project_answers, answered = answers_contexts(answers or {})
    names = context_names(args.contexts, answered)
    shared, own = split_qualified(args.sets, names)
    # The engine's scale is checked against each context's subscription type, so it is
    # applied to the contexts, not to the project's spec (which no engine runs).
    scale = [item for item in shared if item.partition("=")[0].strip() in _SCALE_KEYS]
    scale_answers = {k: v for k, v in project_answers.items() if k in _SCALE_KEYS}
    unqualified = argparse.Namespace(
        **{**vars(args), "sets": [item for item in shared if item not in scale]}
    )
    project_answers = {k: v for k, v in project_answers.items() if k not in _SCALE_KEYS}
    project = starting_spec(unqualified, name, ui, answers=project_answers)
    contexts: dict[str, ProjectSpec] = {}
    for context in names:
        try:
            chosen = build_spec(
                project,
                answers={**scale_answers, **answered.get(context, {})},
                sets=[*scale, *own[context]],
            )
        except UsageError as error:
            raise UsageError(f"context {context!r}: {error}") from None
        contexts[context] = context_spec(chosen, context, taken_by(contexts.values()))
    return WorkspaceSpec(project, contexts)


def run(
    args: argparse.Namespace, target: Path, name: str, ui: str, answers: dict[str, Any] | None
) -> int:
    """With no front end (a terminal's goes through scaffolder.commands.new._ask)."""
    workspace = workspace_spec(args, name, ui, answers)
    if args.dry_run:
        # deferred: scaffolder.commands.new_dry_run: only a dry run needs it
        from scaffolder.commands.new_dry_run import dry_run_report

        print(dry_run_report(target, new_workspace_files(workspace)))
        return 0
    written = write_new_workspace(workspace, target, force=args.force)
    print(summary(workspace, target, written))
    return 0


def write_new_workspace(workspace: WorkspaceSpec, target: Path, *, force: bool) -> list[str]:
    """Render `workspace` and write it to `target` with the record of what was generated, all
    or nothing; the paths written. The one writer of a new workspace: `new --context`, the
    wizard and the prompts all come here (scaffolder.commands.new.write_chosen)."""
    files = new_workspace_files(workspace)
    create_project(target, files, force=force)
    return sorted(files)  # the record's paths too (next_steps.files_written counts them apart)


def new_workspace_files(workspace: WorkspaceSpec) -> dict[str, bytes]:
    """Every file a new workspace is: the rendered ones and the record of them, as
    write_new_workspace writes them and `new --dry-run` lists them."""
    # deferred: scaffolder.workspace_render ~1 ms (CPU, measured): `new --defaults` imports this
    # module without it
    from scaffolder.workspace_render import render_workspace

    # Every file but the answers file is recorded: a context's domain.toml too (a single
    # project's is not, config ""), as remove-context deletes a context's files only while
    # they are as generated.
    return with_record(render_workspace(workspace), config="")


def summary(workspace: WorkspaceSpec, target: Path, written: Collection[str]) -> str:
    """What was written and what to run next."""
    project = workspace.project
    lines = [
        f"Created the workspace {project.project_name} in {target}/ "
        f"({files_written(written)}), contexts: {', '.join(workspace.names)}",
        "",
        "Next:",
        f"  cd {target}",
        '  python -m venv .venv && . .venv/bin/activate && pip install -e ".[test]"',
    ]
    lines += [f"  pytest tests/{context} --protean-env memory" for context in workspace.names]
    return "\n".join(lines)
