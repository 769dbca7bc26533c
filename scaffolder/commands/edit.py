"""`protean-init edit` (and `protean-init` inside a project): the edit menu, or a summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scaffolder.commands import add_context_argument
from scaffolder.errors import UsageError

if TYPE_CHECKING:
    from scaffolder.reopen.project import Project
    from scaffolder.ui.edit_menu.session import WorkspaceRoot


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project", type=Path, default=Path("."), help="project folder")
    parser.add_argument(
        "--ui",
        choices=("tui", "prompt", "none"),
        help="front end (default: what the terminal allows)",
    )
    add_context_argument(parser)


def run(args: argparse.Namespace) -> int:
    # deferred: scaffolder.commands.new ~19 ms, scaffolder.reopen.project ~32 ms, scaffolder.summary
    # ~33 ms (CPU, measured): `edit --help` imports this module without them
    from scaffolder.commands.new import choose_ui
    from scaffolder.reopen.project import open_project
    from scaffolder.summary import describe

    if args.project.is_dir():
        # deferred: scaffolder.transaction.journal ~19 ms (CPU, measured): `edit --help` imports
        # this module without it
        from scaffolder.transaction.journal import pending_change

        # The menu reads and previews; only a confirmed change writes (and recovers first).
        pending = pending_change(args.project)
        if pending is not None:
            print(pending, file=sys.stderr)
    every = _every_context(args)
    project = every[0] if every else open_project(args.project, args.context, args.here)
    try:
        ui = choose_ui(args.ui)
    except UsageError:
        raise UsageError(
            f"--ui {args.ui} needs a terminal; --ui none prints the project's summary instead"
        ) from None
    if ui == "none":
        for index, shown in enumerate(every or [project]):
            if shown.context is not None and every:
                if index:
                    print()
                print(f"== context {shown.context.name} ==")
            print(describe(shown))
        _offer_upgrade(project)
        return 0
    # deferred: scaffolder.ui.edit_menu.run ~31 ms (CPU, measured): `edit --help` imports this
    # module without it
    from scaffolder.ui.edit_menu.run import run_edit_menu

    if every:
        # At a workspace's root the menu lists its contexts first; picking one edits it.
        return run_edit_menu(project, ui, _workspace_root(args, every))
    return run_edit_menu(project, ui)


def _workspace_root(args: argparse.Namespace, every: list[Project]) -> WorkspaceRoot:
    # deferred: scaffolder.reopen.workspace_edit ~24 ms, scaffolder.ui.edit_menu.session ~9 ms (CPU,
    # measured): `edit --help` imports this module without them
    from scaffolder.reopen.workspace_edit import whole_workspace_context
    from scaffolder.ui.edit_menu.session import WorkspaceRoot

    names = tuple(shown.context.name for shown in every if shown.context is not None)
    whole = whole_workspace_context(args.project, None, args.here)
    return WorkspaceRoot(every[0].root, names, whole)


def _every_context(args: argparse.Namespace) -> list[Project]:
    """Every context of the workspace at the project's root, when the command names none and
    runs in none of them (the summary shows them all); [] otherwise."""
    # deferred: scaffolder.reopen.project ~32 ms, scaffolder.workspace ~18 ms (CPU, measured): `edit
    # --help` imports this module without them
    from scaffolder.reopen.project import open_project
    from scaffolder.workspace import discover

    if args.context is not None or not args.project.is_dir():
        return []
    workspace = discover(args.project)
    if not workspace.several or workspace.containing(args.here) is not None:
        return []
    return [open_project(args.project, name) for name in workspace.names]


def _offer_upgrade(project: Project) -> None:
    """A line when an older protean-init generated the project: `upgrade` brings it along."""
    # deferred: scaffolder.reopen.menu ~33 ms (CPU, measured): `edit --help` imports this module
    # without it
    from scaffolder.reopen.menu import upgrade_offer

    offer = upgrade_offer(project)
    if offer is not None:
        print(
            f"\nMade by protean-init {offer[0]}: protean-init upgrade takes {offer[1]}'s "
            "templates, keeping your edits (--dry-run shows the diff)"
        )
