"""`protean-init edit` (and `protean-init` inside a project): the edit menu, or a summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scaffolder.errors import UsageError

if TYPE_CHECKING:
    from scaffolder.reopen.project import Project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project", type=Path, default=Path("."), help="project folder")
    parser.add_argument(
        "--ui",
        choices=("tui", "prompt", "none"),
        help="front end (default: what the terminal allows)",
    )


def run(args: argparse.Namespace) -> int:
    from scaffolder.commands.new import choose_ui
    from scaffolder.reopen.project import open_project
    from scaffolder.summary import describe

    if args.project.is_dir():
        from scaffolder.transaction.journal import pending_change

        # The menu reads and previews; only a confirmed change writes (and recovers first).
        pending = pending_change(args.project)
        if pending is not None:
            print(pending, file=sys.stderr)
    project = open_project(args.project)
    try:
        ui = choose_ui(args.ui)
    except UsageError:
        raise UsageError(
            f"--ui {args.ui} needs a terminal; --ui none prints the project's summary instead"
        ) from None
    if ui == "none":
        print(describe(project))
        _offer_upgrade(project)
        return 0
    from scaffolder.ui.edit_menu.run import run_edit_menu

    return run_edit_menu(project, ui)


def _offer_upgrade(project: Project) -> None:
    """A line when an older protean-init generated the project: `upgrade` brings it along."""
    from scaffolder.reopen.menu import upgrade_offer

    offer = upgrade_offer(project)
    if offer is not None:
        print(
            f"\nMade by protean-init {offer[0]}: protean-init upgrade takes {offer[1]}'s "
            "templates, keeping your edits (--dry-run shows the diff)"
        )
