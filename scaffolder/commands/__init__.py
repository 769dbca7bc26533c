"""One module per subcommand: `add_arguments(parser)` declares its flags, `run(args)` does it.

Command modules import only the standard library and light project modules at import time;
anything heavy (copier, textual) is imported inside `run`, so `--help` stays fast.
"""

import argparse
from pathlib import Path

DERIVED_FORCE = "take regenerated derived files over your edits"


def add_reopen_arguments(parser: argparse.ArgumentParser, force_help: str = DERIVED_FORCE) -> None:
    """The flags of every command that edits a project: where it is, diff only, and --force
    (what it overrides said by `force_help`)."""
    parser.add_argument("--project", type=Path, default=Path("."), help="project folder")
    parser.add_argument("--dry-run", action="store_true", help="show the diff, write nothing")
    parser.add_argument("--force", action="store_true", help=force_help)
    add_context_argument(parser)


def add_context_argument(parser: argparse.ArgumentParser) -> None:
    """`--context NAME`: which bounded context of a workspace (scaffolder.workspace) the
    command reads; default: the one whose folder the command runs in."""
    parser.add_argument(
        "--context",
        metavar="NAME",
        help="the bounded context to act on in a workspace of several (default: the one "
        "whose folder you are in)",
    )


# The examples in --help, each a provider of its role (catalog.PROVIDERS; a test checks them):
# what base runs locally, what production typically runs, and a name of such a slot.
BASE_EXAMPLE = {"database": "memory", "broker": "inline", "cache": "memory"}
_PRODUCTION_EXAMPLE = {"database": "postgresql", "broker": "redis", "cache": "redis"}
NAME_EXAMPLE = {"database": "reports", "broker": "events", "cache": "sessions"}


def add_slot_arguments(
    parser: argparse.ArgumentParser, role: str, without_provider: str | None = None
) -> None:
    """The flags of every command that adds a named slot (add-database, add-broker,
    add-cache): its provider in base, and per overlay. `--provider` is required unless
    `without_provider` says what the command does without it."""
    help = f"the {role}'s provider in base, e.g. {BASE_EXAMPLE[role]}"
    parser.add_argument(
        "--provider",
        required=without_provider is None,
        help=f"{help} (default: {without_provider})" if without_provider else help,
    )
    parser.add_argument(
        "--env",
        dest="envs",
        action="append",
        default=[],
        metavar="ENV=PROVIDER",
        help=f"its provider in an overlay, e.g. production={_PRODUCTION_EXAMPLE[role]}, "
        "or ENV=inherit (repeatable)",
    )
