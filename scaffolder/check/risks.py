"""Risk rules (warnings): choices Protean accepts that are rarely meant. Production on an
in-memory provider, a password in a URI, a memory overlay that still needs a server, and a
named database a deployed overlay forgets while it overrides the others."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from scaffolder.catalog import CONNECTION_KEYS, PROTEAN_DEFAULTS, PROVIDERS, Role
from scaffolder.check.common import (
    ROLE_BY_KEY,
    Collector,
    ConfiguredSlot,
    is_production,
    strings,
)
from scaffolder.check.findings import WARNING
from scaffolder.check.resolution import Resolved
from scaffolder.check.source import Path
from scaffolder.config_tree import deliberately_in_memory, overlay_names, provider_of
from scaffolder.redact import looks_secret, remote_host
from scaffolder.spec.environments import BASE, MEMORY
from scaffolder.spec.slots import Slot
from scaffolder.variable_reference import references_in, without_references

# Overlays for running on one machine: they are not expected to repoint every database.
LOCAL_ENVS = frozenset(
    {"test", "tests", "testing", "memory", "dev", "development", "local", "ci", "e2e"}
)

# The password runs to the last '@' before the host, as urllib and scaffolder.redact split a
# netloc: a password holding an unescaped '@' is no part of the host a message names.
_URL_WITH_PASSWORD = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?P<user>[^\s:/@\"'{}]*):(?P<password>[^\s/\"'{}]+)"
    r"@(?P<host>\[[^\]\s]*\]|[^\s:/?#\"'{},]*)"
)

_CONSEQUENCES = {
    Role.DATABASE: "its data lives in one process and is lost on every restart",
    Role.BROKER: "messages never leave the process that published them",
    Role.EVENT_STORE: "every event is lost on restart",
    Role.CACHE: "each process keeps its own cache, lost on restart",
}


def memory_rules(c: Collector, env: str, use: ConfiguredSlot) -> None:
    provider, slot = use.provider, use.slot
    if provider is None:
        return
    line = use.line if c.source.origin(env, (*slot.path, "provider")) else c.source.env_line(env)
    if is_production(env) and provider.in_memory and not deliberately_in_memory(slot, provider):
        real = next((p for p in PROVIDERS[slot.role].values() if p.needs_server), None)
        chosen = "chosen in the file" if use.written else "Protean's default"
        c.add(
            WARNING,
            "memory-in-production",
            f"{env} uses the in-memory {slot.role.label} '{provider.name}' for {slot} "
            f"({chosen}): {_CONSEQUENCES[slot.role]}",
            line=line,
            env=env,
            fix=(
                f'set provider = "{real.name}" and {real.uri_key} = "${{{slot.variable}}}" in '
                f"{c.source.table_name(env, slot.path)}"
                if real
                else f"choose a server-backed provider for {slot}"
            ),
        )
    if env == MEMORY and provider.service is not None:  # needs_server, seen by pyright
        memory = PROTEAN_DEFAULTS[slot.role]
        c.add(
            WARNING,
            "memory-overlay-service",
            f"the memory overlay leaves {slot} on '{provider.name}', which needs a running "
            f"{provider.service.name} server: `pytest --protean-env memory` is not in memory",
            line=line,
            env=env,
            fix=f'set provider = "{memory}" in {c.source.table_name(env, slot.path)}',
        )


def passwords(c: Collector, resolved: Resolved) -> None:
    source, env = c.source, resolved.env
    for path, text in strings(resolved.merged):
        if "://" not in text:
            continue
        origin = source.origin(env, path)
        if origin is None:
            continue
        where, line = origin
        name = ".".join(path)
        for match in _URL_WITH_PASSWORD.finditer(without_references(text)):
            c.add(
                WARNING,
                "password-in-uri",
                f"{name} holds a literal password for {match.group('host')}: "
                f"{source.file} is committed, and the password with it",
                line=line,
                env=where,
                fix=f'read it from a variable: {path[-1]} = "${{{_variable_for(path)}}}"',
                key=(line, "literal"),
            )
        for ref in references_in(text):
            if not ref.default:
                continue
            for match in _URL_WITH_PASSWORD.finditer(ref.default):
                # Where the password goes: every host the URL names (a host list, a libpq
                # query's host=), as the derived files judge it (redact.remote_host).
                host = remote_host(ref.default, match.start())
                if host is not None:
                    c.add(
                        WARNING,
                        "password-in-uri",
                        f"the default of ${{{ref.name}}} in {name} holds a password for "
                        f"{host}, a server that is not local; it applies whenever "
                        f"{ref.name} is unset",
                        line=line,
                        env=where,
                        fix=f"drop the default (${{{ref.name}}}) or point it at localhost",
                        key=(line, ref.name),
                    )
                elif is_production(env):
                    c.add(
                        WARNING,
                        "password-in-uri",
                        f"{env} falls back to the local password in the default of "
                        f"${{{ref.name}}} ({name}) whenever {ref.name} is unset",
                        line=line,
                        env=env,
                        fix=f"write ${{{ref.name}}} with no default in "
                        f"{source.table_name(env, path[:-1])}",
                        key=(line, ref.name, env),
                    )


def secrets(c: Collector, resolved: Resolved) -> None:
    """A secret committed with the config: the value of a key named like a credential
    (redact.looks_secret: `secret_key`, `password`, `api_token`, ...) written as a literal,
    or a `${VAR|default}` whose default a deployed environment falls back to.

    The rule: a literal is reported where it is written, unless in a local overlay
    (LOCAL_ENVS: a test's fixed key); a default is reported for each deployed environment
    that falls back to it, since it applies there whenever VAR is unset: every overlay but
    the local ones, and base when no overlay is production-like (base is then what
    production runs; beside one, base is the local run's). A default that only
    local environments use is Protean's documented local-development form, and is not
    reported, nor is one beside a local connection (a table whose URL's default names
    localhost: the local server's credential), nor any key not named like a credential (a
    database_uri's local default).
    """
    source, env = c.source, resolved.env
    deployed = (env != BASE and env.lower() not in LOCAL_ENVS) or (
        env == BASE and not any(is_production(o) for o in overlay_names(source.raw))
    )
    for path, text in strings(resolved.merged):
        if not path or not looks_secret(str(path[-1])) or not text.strip():
            continue
        origin = source.origin(env, path)
        if origin is None:
            continue
        where, line = origin
        name, refs = ".".join(path), list(references_in(text))
        variable = "_".join(str(p) for p in path).upper()
        if not refs and where.lower() not in LOCAL_ENVS:
            c.add(
                WARNING,
                "literal-secret",
                f"{name} is a secret written as a literal: {source.file} is committed, "
                "and the secret with it",
                line=line,
                env=where,
                fix=f'read it from a variable: {path[-1]} = "${{{variable}}}"',
                key=(line, "literal-secret"),
            )
        local = _connects_locally(resolved.merged, path[:-1])
        for ref in refs if deployed and not local else ():
            if ref.default:
                c.add(
                    WARNING,
                    "literal-secret",
                    f"{env} falls back to the default of ${{{ref.name}}} in {name}, a secret "
                    f"committed with {source.file}, whenever {ref.name} is unset",
                    line=line,
                    env=env,
                    fix=f'{path[-1]} = "${{{ref.name}}}" (no default) in '
                    f"{source.table_name(env, path[:-1]) if env != BASE else source.file}",
                    key=(line, "literal-secret", ref.name, env),
                )


def _connects_locally(tree: object, table: Path) -> bool:
    """The provider table at `table` connects to this machine (its URL, or that URL's
    default, names a local host): a credential's default beside it is the local server's,
    as `postgres:postgres@localhost` is, not a secret."""

    for key in table:
        tree = tree.get(key) if isinstance(tree, dict) else None
    if not table or not isinstance(tree, dict):
        return False
    for key in CONNECTION_KEYS:
        url = tree.get(key)
        if not isinstance(url, str):
            continue
        refs = list(references_in(url))
        url = refs[0].default or "" if refs else url
        return remote_host(url) is None
    return False


def _variable_for(path: Path) -> str:
    if len(path) >= 2 and path[0] in ROLE_BY_KEY:
        role = ROLE_BY_KEY[path[0]]
        name = path[1] if role.is_named and len(path) >= 3 else None
        return Slot(role, name).variable
    return "SECRET_URL"


# --- Across environments ------------------------------------------------------------------


def database_overrides(c: Collector, overlays: Sequence[str], checked: Iterable[str]) -> None:
    """A named database that no deployed overlay overrides, while they override the others."""
    raw = c.source.raw
    base = raw.get("databases")
    if not isinstance(base, dict):
        return
    names = [
        name
        for name, table in base.items()
        if isinstance(table, dict)
        and not deliberately_in_memory(
            Slot(Role.DATABASE, name), provider_of(Slot(Role.DATABASE, name), table)
        )
    ]
    if len(names) < 2:
        return
    deployed = [env for env in overlays if env.lower() not in LOCAL_ENVS]
    overriders: dict[str, list[str]] = {name: [] for name in names}
    for env in deployed:
        section = raw[env].get("databases")
        if isinstance(section, dict):
            for name in names:
                if isinstance(section.get(name), dict):
                    overriders[name].append(env)
    overridden = [name for name in names if overriders[name]]
    left = [name for name in names if not overriders[name]]
    if not overridden or not left or not (len(left) == 1 or len(left) < len(overridden)):
        return
    counts = {env: sum(env in envs for envs in overriders.values()) for env in deployed}
    env = max(deployed, key=lambda e: counts[e])
    if env not in set(checked):
        return
    others = ", ".join(f"databases.{name}" for name in overridden[:3])
    if len(overridden) > 3:
        others += f" and {len(overridden) - 3} more"
    for name in left:
        provider = base[name].get("provider", "?")
        c.add(
            WARNING,
            "database-not-overridden",
            f"databases.{name} is overridden by no overlay, while {env} overrides {others}: "
            f"in {env} it keeps its base settings (provider '{provider}')",
            line=c.source.exact(("databases", name)),
            env=env,
            fix=f"add {c.source.table_name(env, ('databases', name))} with {env}'s provider "
            f"and connection",
        )
