"""`protean-init add-database NAME --provider P`: a named database in every environment."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from scaffolder.errors import UsageError, closest


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", help="the database's name, e.g. reports")
    parser.add_argument(
        "--provider", required=True, help="provider in base: memory, postgresql, sqlite, ..."
    )
    parser.add_argument(
        "--env",
        dest="envs",
        action="append",
        default=[],
        metavar="ENV=PROVIDER",
        help="provider in an overlay, e.g. production=postgresql (repeatable)",
    )
    parser.add_argument("--project", type=Path, default=Path("."), help="project folder")
    parser.add_argument("--dry-run", action="store_true", help="show the diff, write nothing")
    parser.add_argument(
        "--force", action="store_true", help="take regenerated derived files over your edits"
    )


def parse_env_choices(texts: list[str], overlays: list[str]) -> dict[str, str]:
    choices: dict[str, str] = {}
    for text in texts:
        env, sep, provider = text.partition("=")
        if not sep or not env or not provider:
            raise UsageError(f"invalid --env {text!r}; expected ENV=PROVIDER, e.g. test=sqlite")
        if env not in overlays:
            found = ", ".join(overlays) or "none"
            raise UsageError(
                f"environment {env!r} does not exist in this project{closest(env, overlays)}; "
                f"overlays found: {found} (base is set with --provider)"
            )
        choices[env] = provider
    return choices


def database_additions(
    name: str, provider: str, env_choices: dict[str, str], overlays: list[str], package: str
) -> dict[tuple[str, ...], dict[str, Any]]:
    """The tables to add, by path: base, the overlays asked for, and the ones that must follow.

    A [memory] overlay gets an in-memory entry (memory mode stays in memory), and a
    [production] overlay gets the base's provider with a variable that has no default, so
    production never falls back to a local connection string.
    """
    from scaffolder.catalog import PROVIDERS, Role
    from scaffolder.spec import Slot, check_provider

    slot = Slot(Role.DATABASE, name)
    chosen = {"base": provider, **env_choices}
    if "memory" in overlays:
        chosen.setdefault("memory", "memory")
    if "production" in overlays and not PROVIDERS[Role.DATABASE][provider].in_memory:
        chosen.setdefault("production", provider)
    additions: dict[tuple[str, ...], dict[str, Any]] = {}
    for env, provider_name in chosen.items():
        check_provider(slot, provider_name)
        entry = PROVIDERS[Role.DATABASE][provider_name]
        table: dict[str, Any] = {"provider": entry.name}
        if entry.uri_key:
            url = (
                f"${{{slot.variable}}}"
                if env == "production"
                else f"${{{slot.variable}|{entry.local_url_for(package)}}}"
            )
            table[entry.uri_key] = entry.uri_value(url)
        path = slot.path if env == "base" else (env, *slot.path)
        additions[path] = table
    return additions


def run(args: argparse.Namespace) -> int:
    from scaffolder.config_tree import overlay_names
    from scaffolder.reopen import commit, open_project
    from scaffolder.spec import validate_slot_name
    from scaffolder.toml_edit import TomlEditError, insert_tables

    validate_slot_name(args.name)
    project = open_project(args.project)
    overlays = overlay_names(project.tree)
    env_choices = parse_env_choices(args.envs, overlays)
    databases = project.tree.get("databases", {})
    if args.name in databases:
        raise UsageError(
            f"database {args.name!r} already exists in {project.config_relative}; "
            "choose another name"
        )
    additions = database_additions(
        args.name, args.provider, env_choices, overlays, project.identity.package_name
    )
    try:
        new_text = insert_tables(project.text, additions, root=project.config.root_key)
    except TomlEditError as error:
        raise UsageError(f"{project.config_relative}: {error}; nothing written") from error
    written = commit(project, new_text, dry_run=args.dry_run, force=args.force)
    if args.dry_run:
        return 0
    print(f"Added database {args.name!r} ({args.provider}); updated: {', '.join(written)}")
    print("\nUse it for an aggregate in your domain:\n")
    print(f'    @domain.aggregate(provider="{args.name}")')
    print("    class Report:\n        ...")
    return 0
