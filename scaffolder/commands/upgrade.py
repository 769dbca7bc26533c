"""`protean-init upgrade`: bring a project made by an older protean-init to this version's
templates, keeping every edit (scaffolder.reopen.upgrade). In a workspace `new --context` made,
the whole workspace, from its root or any context's folder.

Conflicts are shown together and nothing is written (exit 1), unless --force takes this
version's lines where they conflict; --dry-run shows every diff and writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scaffolder.commands import add_reopen_arguments
from scaffolder.errors import UsageError

if TYPE_CHECKING:
    from scaffolder.reopen.upgrade import Upgrade

FORCE_HELP = "where your edits conflict with the new templates, take the new templates' lines"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_reopen_arguments(parser, FORCE_HELP)


def run(args: argparse.Namespace) -> int:
    # deferred: scaffolder.reopen.project ~27 ms, scaffolder.reopen.upgrade ~28 ms (CPU, measured):
    # `upgrade --help` imports this module without them
    from scaffolder.reopen.project import editing, guarded
    from scaffolder.reopen.upgrade import plan_upgrade, plan_workspace_upgrade

    root: Path = args.project
    if _whole_workspace(root, args.context):
        with guarded(root, dry_run=args.dry_run):
            upgrade = plan_workspace_upgrade(root)
            _write(args, root, upgrade)
    else:
        with editing(root, dry_run=args.dry_run, context=args.context, here=args.here) as project:
            upgrade = plan_upgrade(project)
            _write(args, root, upgrade)
    print(upgrade_report(upgrade, written=not args.dry_run))
    return 0


def _whole_workspace(root: Path, context: str | None) -> bool:
    """Whether `upgrade` at `root` upgrades a whole workspace: one `new --context` made (its
    answers record lists the contexts), wherever in it the command runs. Its files are one
    version's, as its record names one: --context, which would upgrade one context's files
    and leave the rest, is refused. A hand-made workspace (no answers record) is refused as a
    hand-made project is: it has nothing to upgrade from."""
    # deferred: scaffolder.project_files ~15 ms, scaffolder.reopen.upgrade ~28 ms,
    # scaffolder.reopen.workspace_edit ~20 ms, scaffolder.workspace ~16 ms (CPU, measured): `upgrade
    # --help` imports this module without them
    from scaffolder.project_files import read_answers
    from scaffolder.reopen.upgrade import project_version
    from scaffolder.reopen.workspace_edit import is_workspace_record
    from scaffolder.workspace import discover

    if not root.is_dir():
        return False  # editing's "no such project folder"
    answers = read_answers(root)
    if is_workspace_record(answers):
        if context is not None:
            raise UsageError(
                f"--context {context!r}: upgrade takes the whole workspace, whose files are one "
                "protean-init version's; run it without --context; nothing written"
            )
        return True
    if not answers and discover(root).several:
        project_version(root, answers)  # its refusal: not made by protean-init
    return False


def _write(args: argparse.Namespace, root: Path, upgrade: Upgrade) -> None:
    """Say the base, then write the upgrade (or show it, with --dry-run); conflicts write
    nothing unless --force."""
    # deferred: scaffolder.redact ~4 ms, scaffolder.reopen.derive ~74 ms, scaffolder.writer ~17 ms
    # (CPU, measured): `upgrade --help` imports this module without them
    from scaffolder.redact import redact_text
    from scaffolder.reopen.derive import MergeConflict, conflict_report
    from scaffolder.writer import changes_for, show_or_apply

    print(redact_text(upgrade.base), file=sys.stderr)
    files = dict(upgrade.files)
    if upgrade.conflicts:
        if not args.force:
            print(upgrade_report(upgrade), file=sys.stderr)
            raise MergeConflict(
                "your edits conflict with the new templates; nothing written (resolve by "
                "hand, or --force to take the new templates' lines):\n"
                + conflict_report(upgrade.conflicts)
            )
        files.update({path: forced for path, (_, forced) in upgrade.conflicts.items()})
    show_or_apply(changes_for(root, files), root, dry_run=args.dry_run)


def upgrade_report(upgrade: Upgrade, *, written: bool = False) -> str:
    """Per file what happened (or would), then the notes the templates ship."""
    # deferred: scaffolder.redact ~4 ms, scaffolder.reopen.upgrade ~28 ms (CPU, measured): `upgrade
    # --help` imports this module without them
    from scaffolder.redact import redact_text
    from scaffolder.reopen.upgrade import CHANGING

    if upgrade.from_version == upgrade.to_version and not any(
        outcome in CHANGING for outcome in upgrade.outcomes.values()
    ):
        return f"Up to date with protean-init {upgrade.to_version}"
    if upgrade.from_version == upgrade.to_version:
        # The templates are the ones that made the files; the choices they render have changed
        # since (ci, deploy, set): "from 0.2.0 to 0.2.0" would name no upgrade.
        verb = "Refreshed" if written else "Refresh"
        head = (
            f"{verb} with protean-init {upgrade.to_version}, the version that made these "
            "files: your choices changed since"
        )
    else:
        verb = "Upgraded" if written else "Upgrade"
        head = f"{verb} from protean-init {upgrade.from_version} to {upgrade.to_version}"
    width = max((len(outcome) for outcome in upgrade.outcomes.values()), default=0)
    lines = [head]
    lines += [f"  {outcome:<{width}}  {path}" for path, outcome in upgrade.outcomes.items()]
    if not upgrade.outcomes:
        lines.append("  every file was already as this version generates it")
    for version, text in upgrade.notes:
        lines.append(f"\nNotes for {version}:")
        lines += [f"  {line}" if line else "" for line in text.splitlines()]
    return redact_text("\n".join(lines))
