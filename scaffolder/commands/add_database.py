"""`protean-init add-database NAME [--provider P]`: a named database in every environment;
without --provider, on the default database's providers (reopen.edits.like_default_database)."""

from __future__ import annotations

import argparse
import sys

from scaffolder.commands import add_reopen_arguments, add_slot_arguments
from scaffolder.errors import UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", help="the database's name, e.g. reports")
    add_slot_arguments(
        parser,
        "database",
        without_provider="the default database's, in base and in each overlay that sets one",
    )
    add_reopen_arguments(parser)


def parse_env_choices(texts: list[str]) -> dict[str, str]:
    choices: dict[str, str] = {}
    for text in texts:
        env, sep, provider = text.partition("=")
        if not sep or not env or not provider:
            raise UsageError(f"invalid --env {text!r}; expected ENV=PROVIDER, e.g. test=sqlite")
        if env == "base":
            raise UsageError("base is set with --provider, not --env")
        choices[env] = provider
    return choices


def run(args: argparse.Namespace) -> int:
    # deferred: scaffolder.catalog ~12 ms, scaffolder.reopen.edits ~36 ms, scaffolder.reopen.project
    # ~29 ms, scaffolder.spec.slots ~13 ms (CPU, measured): `add-database --help` imports this
    # module without them
    from scaffolder.catalog import Role
    from scaffolder.reopen.edits import add_database, in_memory_in_production, like_default_database
    from scaffolder.reopen.project import commit, editing
    from scaffolder.spec.slots import Slot

    with editing(
        args.project, dry_run=args.dry_run, context=args.context, here=args.here
    ) as project:
        env_choices = parse_env_choices(args.envs)
        provider, said = args.provider, args.provider
        if provider is None:
            provider, overlays = like_default_database(project)
            env_choices = {**overlays, **env_choices}
            chosen = {"base": provider, **env_choices}.items()
            said = ", ".join(f"{env} {name}" for env, name in chosen)
            said += ": the default database's" + (" where --env names none" if args.envs else "")
        new_text = add_database(project, args.name, provider, env_choices)
        written = commit(project, new_text, dry_run=args.dry_run, force=args.force)
        warning = in_memory_in_production(project, new_text, Slot(Role.DATABASE, args.name))
    if warning:
        print(warning, file=sys.stderr)
    if args.dry_run:
        return 0
    print(f"Added database {args.name!r} ({said}); updated: {', '.join(written)}")
    print("\nUse it for an aggregate in your domain:\n")
    model = "".join(part.title() for part in args.name.split("_"))
    print(f'    @domain.aggregate(provider="{args.name}")')
    print(f"    class {model}Record:\n        ...")
    return 0
