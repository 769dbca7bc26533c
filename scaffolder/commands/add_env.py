"""`protean-init add-env ENV...`: add [production], [test] or [memory] overlays to a project.

This is how a project made elsewhere (`protean new`, or by hand) adopts the dual-mode layout:
the overlays are computed from the base configuration it already has, and inserted without
touching a line of the user's file.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from scaffolder.errors import UsageError, closest
from scaffolder.spec import OVERLAYS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "envs", nargs="+", metavar="ENV", help=f"overlays to add: {', '.join(OVERLAYS)}"
    )
    parser.add_argument("--project", type=Path, default=Path("."), help="project folder")
    parser.add_argument("--dry-run", action="store_true", help="show the diff, write nothing")
    parser.add_argument(
        "--force", action="store_true", help="take regenerated derived files over your edits"
    )


def overlay_additions(env: str, base: dict[str, Any]) -> dict[tuple[str, ...], dict[str, Any]]:
    """An overlay computed from the base config, as tables to insert.

    production: async processing and every server-backed slot reading a variable with no
    default (the variable the base already names, when it names one); test: testing on and
    the base's providers; memory: testing on, sync, and every slot in memory.
    """
    from scaffolder.catalog import PROVIDERS, Role
    from scaffolder.config_tree import provider_of, references, slot_tables

    additions: dict[tuple[str, ...], dict[str, Any]] = {}
    if env == "production":
        additions[(env,)] = {
            "debug": False,
            "event_processing": "async",
            "command_processing": "async",
        }
        for slot, table in slot_tables(base):
            provider = provider_of(slot, table)
            if provider is None or provider.in_memory or provider.uri_key is None:
                continue
            named = next(references(table.get(provider.uri_key, "")), None)
            variable = named.name if named else slot.variable
            additions[(env, *slot.path)] = {
                "provider": provider.name,
                provider.uri_key: provider.uri_value(f"${{{variable}}}"),
            }
    elif env == "test":
        additions[(env,)] = {"testing": True}
    else:
        additions[(env,)] = {
            "testing": True,
            "event_processing": "sync",
            "command_processing": "sync",
        }
        in_memory = {role: next(iter(PROVIDERS[role])) for role in Role}
        for slot, _ in slot_tables(base):
            additions[(env, *slot.path)] = {"provider": in_memory[slot.role]}
    return additions


def run(args: argparse.Namespace) -> int:
    from scaffolder.config_tree import base_of, overlay_names
    from scaffolder.reopen import commit, open_project
    from scaffolder.toml_edit import TomlEditError, insert_tables

    for env in args.envs:
        if env not in OVERLAYS:
            raise UsageError(
                f"unknown environment {env!r}{closest(env, OVERLAYS)}; "
                f"expected one of: {', '.join(OVERLAYS)}"
            )
    project = open_project(args.project)
    existing = overlay_names(project.tree)
    for env in args.envs:
        if env in existing:
            raise UsageError(f"[{env}] already exists in {project.config_relative}")
    base = base_of(project.tree)
    additions: dict[tuple[str, ...], dict[str, Any]] = {}
    for env in dict.fromkeys(args.envs):
        additions.update(overlay_additions(env, base))
    try:
        new_text = insert_tables(project.text, additions, root=project.config.root_key)
    except TomlEditError as error:
        raise UsageError(f"{project.config_relative}: {error}; nothing written") from error
    written = commit(project, new_text, dry_run=args.dry_run, force=args.force)
    if not args.dry_run:
        print(f"Added {', '.join(f'[{e}]' for e in args.envs)}; updated: {', '.join(written)}")
    return 0
