"""`protean-init add-context NAME` and `remove-context NAME`: grow or shrink a workspace of
bounded contexts, in one change that re-derives the workspace's files
(scaffolder.reopen.workspace_edit)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from scaffolder.commands import add_reopen_arguments

if TYPE_CHECKING:
    from scaffolder.transaction.change import FileChange

FORCE = (
    "take the regenerated lines where your edits to a derived file conflict (remove-context: "
    "also delete the context's files you changed or added)"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", help="the context's name, e.g. billing")
    if parser.prog.split()[-1] == "add-context":
        parser.add_argument(
            "--set",
            dest="sets",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="one choice for the new context (repeatable), the keys of new --set, e.g. "
            "production.databases.default=postgresql",
        )
        parser.add_argument(
            "--like",
            metavar="CONTEXT",
            help="start from the choices of CONTEXT (same as it), with its own database and "
            "variables",
        )
    add_reopen_arguments(parser, FORCE)


def run(args: argparse.Namespace) -> int:
    # deferred: scaffolder.reopen.workspace_edit ~23 ms, scaffolder.transaction.lock ~18 ms,
    # scaffolder.workspace ~17 ms, scaffolder.writer ~20 ms (CPU, measured): `add-context --help`
    # imports this module without them
    from scaffolder.reopen.workspace_edit import add_context, read_layout, remove_context
    from scaffolder.transaction.lock import project_lock
    from scaffolder.workspace import discover_project
    from scaffolder.writer import changes_for, show_or_apply

    root = discover_project(args.project)
    adding = args.command == "add-context"

    def changes():
        layout = read_layout(root)
        if adding:
            files = add_context(layout, args.name, args.sets, like=args.like, force=args.force)
        else:
            files = remove_context(layout, args.name, force=args.force)
        return changes_for(root, files)

    if args.dry_run:
        show_or_apply(changes(), root, dry_run=True)
        return 0
    with project_lock(root):
        shown = show_or_apply(changes(), root, dry_run=False)
    print(context_report(args.name, adding, shown))
    return 0


def context_report(name: str, adding: bool, shown: list[FileChange]) -> str:
    """What happened, as the other edits say it (on stdout, the files named): the context's
    own files (its package and its tests) counted, the workspace's files re-derived named."""
    folders = (f"src/{name}/", f"tests/{name}/")
    own = [change for change in shown if change.relative.startswith(folders)]
    others = [change.relative for change in shown if change not in own]
    files = f"{len(own)} file{'' if len(own) == 1 else 's'} in {' and '.join(folders)}"
    head = f"Added context {name} ({files})" if adding else f"Removed context {name} ({files})"
    return f"{head}; updated: {', '.join(others) or 'nothing'}"
