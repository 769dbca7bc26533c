"""`protean-init add-broker`, `add-cache`, `remove-database`, `rename-cache`, ...: named slots
by name. One module for the three roles and three verbs; the command's own name says which
(`add-database` keeps its own module and flags, which this one mirrors)."""

from __future__ import annotations

import argparse
import sys

from scaffolder.commands import NAME_EXAMPLE, add_reopen_arguments, add_slot_arguments

VERBS = ("add", "remove", "rename")
ROLES = ("database", "broker", "cache")


def commands() -> dict[str, tuple[str, str]]:
    """The subcommands this module serves, for scaffolder.cli.COMMANDS."""
    helps = {
        "add": "add a named {role} to every environment",
        "remove": "remove a named {role} from base and every overlay",
        "rename": "rename a named {role} in base and every overlay (its variable follows)",
    }
    return {
        f"{verb}-{role}": ("slots", helps[verb].format(role=role))
        for verb in VERBS
        for role in ROLES
        if (verb, role) != ("add", "database")
    }


def _which(parser: argparse.ArgumentParser) -> tuple[str, str]:
    verb, _, role = parser.prog.rpartition(" ")[2].partition("-")
    return verb, role


def add_arguments(parser: argparse.ArgumentParser) -> None:
    verb, role = _which(parser)
    parser.set_defaults(slot_verb=verb, slot_role=role)
    if verb == "rename":
        parser.add_argument("old", metavar="OLD", help=f"the {role}'s name now")
        parser.add_argument("new", metavar="NEW", help="its new name")
    else:
        parser.add_argument(
            "name", metavar="NAME", help=f"the {role}'s name, e.g. {NAME_EXAMPLE[role]}"
        )
    if verb == "add":
        add_slot_arguments(parser, role)
    add_reopen_arguments(parser)


def run(args: argparse.Namespace) -> int:
    # deferred: scaffolder.catalog ~10 ms, scaffolder.commands.add_database ~1 ms,
    # scaffolder.reopen.edits ~35 ms, scaffolder.reopen.project ~28 ms, scaffolder.spec.slots ~13 ms
    # (CPU, measured): `--version` imports this module without them
    from scaffolder.catalog import Role
    from scaffolder.commands.add_database import parse_env_choices
    from scaffolder.reopen.edits import add_slot, in_memory_in_production, remove_slot, rename_slot
    from scaffolder.reopen.project import commit, editing
    from scaffolder.spec.slots import Slot

    role = {"database": Role.DATABASE, "broker": Role.BROKER, "cache": Role.CACHE}[args.slot_role]
    with editing(
        args.project, dry_run=args.dry_run, context=args.context, here=args.here
    ) as project:
        warning = None
        if args.slot_verb == "add":
            text = add_slot(project, role, args.name, args.provider, parse_env_choices(args.envs))
            done = f"Added {role.value}.{args.name} ({args.provider})"
            warning = in_memory_in_production(project, text, Slot(role, args.name))
        elif args.slot_verb == "remove":
            text = remove_slot(project, role, args.name)
            done = f"Removed {role.value}.{args.name}"
        else:
            text = rename_slot(project, role, args.old, args.new)
            done = f"Renamed {role.value}.{args.old} to {role.value}.{args.new}"
        written = commit(project, text, dry_run=args.dry_run, force=args.force)
    if warning:
        print(warning, file=sys.stderr)
    if not args.dry_run:
        print(f"{done}; updated: {', '.join(written) or 'nothing'}")
        if args.slot_verb != "add":
            name = args.name if args.slot_verb == "remove" else args.old
            print(f"Code that names {name!r} (provider={name!r}) needs the same change.")
    return 0
