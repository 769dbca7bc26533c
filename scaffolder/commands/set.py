"""`protean-init set KEY=VALUE...`: change providers, settings and connections in place.

The keys are the edit vocabulary of `new --set` (scaffolder.vocabulary), parsed by the same
function: `production.databases.default=postgresql`, `test.debug=false`,
`test.caches.default=inherit`, `variables.databases.reports=LEDGER_URL`. Several keys are
one edit: one diff, one write.
"""

from __future__ import annotations

import argparse
import sys

from scaffolder.commands import add_reopen_arguments
from scaffolder.vocabulary import vocabulary_help


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignments", nargs="+", metavar="KEY=VALUE", help=vocabulary_help())
    add_reopen_arguments(parser)


def run(args: argparse.Namespace) -> int:
    # deferred: scaffolder.reopen.edits ~19 ms, scaffolder.reopen.project ~14 ms (CPU, measured):
    # `set --help` imports this module without them
    from scaffolder.reopen.edits import apply_assignments, assigned_identity, installer_notes
    from scaffolder.reopen.project import commit, editing

    with editing(
        args.project, dry_run=args.dry_run, context=args.context, here=args.here
    ) as project:
        new_text = apply_assignments(project, args.assignments)
        identity = assigned_identity(project, args.assignments)  # installer=uv
        written = commit(
            project, new_text, identity=identity, dry_run=args.dry_run, force=args.force
        )
        for note in installer_notes(project, identity):
            print(f"note: {note}", file=sys.stderr)
    if not args.dry_run:
        # deferred: scaffolder.redact ~3 ms (CPU, measured): `set --help` imports this module
        # without it
        from scaffolder.redact import redact_text

        # A local URL given here may hold a password: it is not repeated (scaffolder.redact).
        keys = redact_text(", ".join(args.assignments))
        print(f"Set {keys}; updated: {', '.join(written) or 'nothing (already so)'}")
    return 0
