"""From a spec to the tables of domain.toml: what each environment writes, and how it reads.

The copier template lays these sections out; this module decides their content, so the
template stays a plain loop and tests can compare the tree with what Protean resolves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scaffolder.catalog import Provider
from scaffolder.spec.environments import BASE, MEMORY, PRODUCTION, TEST
from scaffolder.spec.settings import SETTING_TABLE
from scaffolder.spec.slots import Slot

if TYPE_CHECKING:
    from scaffolder.spec.project import ProjectSpec

_COMMENTS = {
    BASE: (
        "Base configuration: local development, every provider in memory unless chosen",
        "otherwise. PROTEAN_ENV selects an overlay below, merged over these values.",
    ),
    PRODUCTION: (
        "--- Production overlay: PROTEAN_ENV=production ---",
        "Connection strings come from variables with no default: a start without them fails.",
    ),
    TEST: (
        "--- Test overlay: PROTEAN_ENV=test (the default under pytest) ---",
        "Real services from docker-compose.yml: docker compose up -d && pytest",
    ),
    MEMORY: (
        "--- Memory overlay: pytest --protean-env memory ---",
        "Dual-mode testing: the same suite with every provider in memory, no services.",
    ),
}


@dataclass(frozen=True)
class Table:
    header: str
    values: dict[str, Any]


@dataclass(frozen=True)
class EnvironmentSection:
    """One environment's part of domain.toml: its comment, settings and provider tables."""

    env: str
    comments: tuple[str, ...]
    settings: dict[str, Any]
    tables: tuple[Table, ...]

    @property
    def header(self) -> str | None:
        return None if self.env == BASE else self.env


def connection(spec: ProjectSpec, env: str, slot: Slot, provider: Provider) -> str:
    """`${VAR}` in production (no default: no credential in the file), `${VAR|local}` elsewhere."""
    variable = spec.variable(slot)
    if env == PRODUCTION:
        return provider.uri_value(f"${{{variable}}}")
    return provider.uri_value(f"${{{variable}|{spec.local_url(slot, provider, env)}}}")


def slot_table(spec: ProjectSpec, env: str, slot: Slot) -> dict[str, Any]:
    provider = spec.provider(env, slot)
    table: dict[str, Any] = {"provider": provider.name}
    if provider.uri_key:
        table[provider.uri_key] = connection(spec, env, slot, provider)
    table.update(provider.settings)
    return table


# What a container deployment needs in [production.server] unless chosen otherwise: the
# health server on every interface (Protean binds 127.0.0.1 by default, which no probe from
# outside the container reaches), and the settings the deployment files derive from, visible.
CONTAINER_SERVER = {
    "server.default_subscription_type": "event_store",
    "server.drain_timeout": 10,
    "server.health.host": "0.0.0.0",
    "server.health.port": 8080,
}


def _settings_and_tables(
    spec: ProjectSpec, env: str, settings: dict[str, Any]
) -> tuple[dict[str, Any], list[Table]]:
    """Plain settings, and the dotted ones (server.health.port) as their own tables."""
    if env == PRODUCTION and spec.deploy != "none":
        settings = {**settings, **{k: v for k, v in CONTAINER_SERVER.items() if k not in settings}}
    plain = {k: v for k, v in settings.items() if "." not in k}
    grouped: dict[str, dict[str, Any]] = {}
    order = list(SETTING_TABLE)
    dotted = (k for k in settings if "." in k)
    for key in sorted(dotted, key=lambda k: (k.count("."), order.index(k) if k in order else 99)):
        table, _, name = key.rpartition(".")
        grouped.setdefault(".".join((*_prefix(env), table)), {})[name] = settings[key]
    return plain, [Table(header, values) for header, values in grouped.items()]


def sections(spec: ProjectSpec) -> list[EnvironmentSection]:
    """The sections of domain.toml in file order: base, then each overlay the spec has."""
    result = []
    for env, environment in spec.environments.items():
        tables = []
        for slot in spec.slots:
            table = slot_table(spec, env, slot)
            # Overlays hold only what differs from base, except [memory]: it pins every
            # slot, so memory mode stays in memory when someone changes base later.
            if env in (BASE, MEMORY) or table != slot_table(spec, BASE, slot):
                tables.append(Table(".".join((*_prefix(env), *slot.path)), table))
        settings, server_tables = _settings_and_tables(spec, env, environment.settings())
        tables.extend(server_tables)
        result.append(EnvironmentSection(env, _COMMENTS[env], settings, tuple(tables)))
    return result


def _prefix(env: str) -> tuple[str, ...]:
    return () if env == BASE else (env,)


def config_tree(spec: ProjectSpec) -> dict[str, Any]:
    """The tree that parsing the rendered domain.toml gives (tomllib.loads of the file)."""
    tree: dict[str, Any] = {}
    for section in sections(spec):
        target = tree if section.header is None else tree.setdefault(section.header, {})
        target.update(section.settings)
        for table in section.tables:
            node = tree
            for part in table.header.split("."):
                node = node.setdefault(part, {})
            node.update(table.values)
    return tree
