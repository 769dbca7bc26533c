"""The edits a reopened project can take, as functions from a Project to new config text.

The commands (add-database, add-env, set) and the edit menu of the wizard and the prompts all
call these, then `reopen.commit`; none of them writes by itself. Every edit goes through
`scaffolder.toml_edit`, which inserts or replaces text and verifies nothing else changed.
"""

from __future__ import annotations

from typing import Any

from scaffolder.catalog import PROVIDERS, Provider, Role
from scaffolder.config_tree import base_of, overlay_names, provider_of, references, slot_tables
from scaffolder.errors import UsageError, closest
from scaffolder.reopen import Project
from scaffolder.spec import BASE, OVERLAYS, Slot, check_provider, validate_slot_name

Additions = dict[tuple[str, ...], dict[str, Any]]


def connection_value(env: str, slot: Slot, provider: Provider, package: str) -> str:
    """`${VAR}` in production (no default), `${VAR|local URL}` elsewhere."""
    if env == "production":
        return provider.uri_value(f"${{{slot.variable}}}")
    return provider.uri_value(f"${{{slot.variable}|{provider.local_url_for(package)}}}")


def slot_table(env: str, slot: Slot, provider: Provider, package: str) -> dict[str, Any]:
    table: dict[str, Any] = {"provider": provider.name}
    if provider.uri_key:
        table[provider.uri_key] = connection_value(env, slot, provider, package)
    return table


def _insert(project: Project, additions: Additions) -> str:
    from scaffolder.toml_edit import TomlEditError, insert_tables

    try:
        return insert_tables(project.text, additions, root=project.config.root_key)
    except TomlEditError as error:
        raise UsageError(f"{project.config_relative}: {error}; nothing written") from error


def check_overlay(project: Project, env: str) -> None:
    overlays = overlay_names(project.tree)
    if env not in overlays:
        raise UsageError(
            f"environment {env!r} does not exist in this project{closest(env, overlays)}; "
            f"overlays found: {', '.join(overlays) or 'none'}"
        )


def add_database(project: Project, name: str, provider: str, env_choices: dict[str, str]) -> str:
    """Add `[databases.NAME]` to base and to the overlays asked for, or that must follow.

    A [memory] overlay gets an in-memory entry (memory mode stays in memory), and a
    [production] overlay gets the base's provider with a variable that has no default, so
    production never falls back to a local connection string.
    """
    validate_slot_name(name)
    slot = Slot(Role.DATABASE, name)
    check_provider(slot, provider)
    for env in env_choices:
        check_overlay(project, env)
    if name in (project.tree.get("databases") or {}):
        raise UsageError(
            f"database {name!r} already exists in {project.config_relative}; choose another name"
        )
    overlays = overlay_names(project.tree)
    chosen = {BASE: provider, **env_choices}
    if "memory" in overlays:
        chosen.setdefault("memory", "memory")
    if "production" in overlays and not PROVIDERS[Role.DATABASE][provider].in_memory:
        chosen.setdefault("production", provider)
    additions: Additions = {}
    for env, provider_name in chosen.items():
        check_provider(slot, provider_name)
        entry = PROVIDERS[Role.DATABASE][provider_name]
        path = slot.path if env == BASE else (env, *slot.path)
        additions[path] = slot_table(env, slot, entry, project.identity.package_name)
    return _insert(project, additions)


def set_provider(project: Project, env: str, slot: Slot, provider: str) -> str:
    """Point `slot` in `env` at `provider`, with the connection string it needs."""
    from scaffolder.toml_edit import TomlEditError, remove_key, set_value

    check_provider(slot, provider)
    if env != BASE:
        check_overlay(project, env)
    entry = PROVIDERS[slot.role][provider]
    table = slot_table(env, slot, entry, project.identity.package_name)
    prefix = () if env == BASE else (env,)
    current = _table_at(project.tree, (*prefix, *slot.path))
    if current is None:
        return _insert(project, {(*prefix, *slot.path): table})
    text = project.text
    path = (*prefix, *slot.path)
    try:
        for key, value in table.items():
            # Keep a connection string the user wrote for the same provider.
            if key != "provider" and current.get("provider") == provider and key in current:
                continue
            text = set_value(text, (*path, key), value, root=project.config.root_key)
        if entry.uri_key is None:
            # An in-memory provider reads no connection string; a stale `${VAR}` left behind
            # would still make Protean demand the variable at start-up.
            for key in ("database_uri", "URI"):
                text = remove_key(text, (*path, key), root=project.config.root_key)
    except TomlEditError as error:
        raise UsageError(f"{project.config_relative}: {error}; nothing written") from error
    return text


def _table_at(tree: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any] | None:
    node: Any = tree
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node if isinstance(node, dict) else None


def overlay_additions(env: str, base: dict[str, Any]) -> Additions:
    """An overlay computed from the base config, as tables to insert.

    production: async processing and every server-backed slot reading a variable with no
    default (the variable the base already names, when it names one); test: testing on and
    the base's providers; memory: testing on, sync, and every slot in memory.
    """
    additions: Additions = {}
    if env == "production":
        additions[(env,)] = {
            "debug": False,
            "event_processing": "async",
            "command_processing": "async",
        }
        for slot, table in slot_tables(base):
            provider = provider_of(slot, table)
            if provider is None or provider.uri_key is None:
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


def add_environments(project: Project, envs: list[str]) -> str:
    """Add overlays (production, test, memory) computed from the project's base config."""
    existing = overlay_names(project.tree)
    for env in envs:
        if env not in OVERLAYS:
            raise UsageError(
                f"unknown environment {env!r}{closest(env, OVERLAYS)}; "
                f"expected one of: {', '.join(OVERLAYS)}"
            )
        if env in existing:
            raise UsageError(f"[{env}] already exists in {project.config_relative}")
    base = base_of(project.tree)
    additions: Additions = {}
    for env in dict.fromkeys(envs):
        additions.update(overlay_additions(env, base))
    return _insert(project, additions)
