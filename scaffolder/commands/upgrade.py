"""`protean-init upgrade`: bring a project made by an older protean-init to this version's
templates, keeping every edit (scaffolder.reopen.upgrade).

Conflicts are shown together and nothing is written (exit 1), unless --force takes this
version's lines where they conflict; --dry-run shows every diff and writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from scaffolder.commands import add_reopen_arguments

if TYPE_CHECKING:
    from scaffolder.reopen.upgrade import Upgrade

FORCE_HELP = "where your edits conflict with the new templates, take the new templates' lines"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_reopen_arguments(parser, FORCE_HELP)


def run(args: argparse.Namespace) -> int:
    from scaffolder.redact import redact_text
    from scaffolder.reopen.derive import MergeConflict, conflict_report
    from scaffolder.reopen.project import editing
    from scaffolder.reopen.upgrade import plan_upgrade
    from scaffolder.writer import apply, changes_for, describe

    with editing(
        args.project, dry_run=args.dry_run, context=args.context, here=args.here
    ) as project:
        upgrade = plan_upgrade(project)
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
        changes = changes_for(project.root, files)
        if args.dry_run:
            from scaffolder.generated_record import is_record

            shown = [change for change in changes if not is_record(change.relative)]
            print(describe(shown) if shown else "nothing would change")
        else:
            apply(changes, project.root)
    print(upgrade_report(upgrade, written=not args.dry_run))
    return 0


def upgrade_report(upgrade: Upgrade, *, written: bool = False) -> str:
    """Per file what happened (or would), then the notes the templates ship."""
    from scaffolder.redact import redact_text
    from scaffolder.reopen.upgrade import CHANGING

    if upgrade.from_version == upgrade.to_version and not any(
        outcome in CHANGING for outcome in upgrade.outcomes.values()
    ):
        return f"Up to date with protean-init {upgrade.to_version}"
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
