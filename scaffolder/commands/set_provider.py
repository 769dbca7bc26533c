"""`protean-init set ENV.ROLE[.NAME]=PROVIDER`: change a provider in one environment."""

from __future__ import annotations

import argparse
from pathlib import Path

from scaffolder.errors import UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "assignment",
        metavar="KEY=PROVIDER",
        help="e.g. production.databases.default=postgresql or test.event_store=message_db",
    )
    parser.add_argument("--project", type=Path, default=Path("."), help="project folder")
    parser.add_argument("--dry-run", action="store_true", help="show the diff, write nothing")
    parser.add_argument(
        "--force", action="store_true", help="take regenerated derived files over your edits"
    )


def run(args: argparse.Namespace) -> int:
    from scaffolder.answers import parse_set
    from scaffolder.edits import set_provider
    from scaffolder.reopen import commit, open_project
    from scaffolder.spec import ENVIRONMENTS, Slot

    key, provider = parse_set(args.assignment)
    env, _, rest = key.partition(".")
    if env not in ENVIRONMENTS or not rest:
        raise UsageError(
            f"invalid key {key!r}; expected ENV.ROLE[.NAME] with ENV one of: "
            f"{', '.join(ENVIRONMENTS)}"
        )
    project = open_project(args.project)
    new_text = set_provider(project, env, Slot.parse(rest), provider)
    written = commit(project, new_text, dry_run=args.dry_run, force=args.force)
    if not args.dry_run:
        print(f"Set {key} = {provider}; updated: {', '.join(written) or 'nothing'}")
    return 0
