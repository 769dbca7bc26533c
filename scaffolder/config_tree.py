"""Reading a parsed domain.toml the way Protean 0.18 does: base, overlays, `${VAR}` references.

Everything derived from a project (compose, CI, .env.example, `check`) starts from this view of
the config, so regenerating after a hand edit reads what the user wrote, not old answers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from scaffolder.catalog import PROTEAN_DEFAULTS, PROVIDERS, TOP_LEVEL_KEYS, Provider, Role
from scaffolder.spec.environments import BASE
from scaffolder.spec.slots import Slot
from scaffolder.variable_reference import VariableReference, references_in

Tree = Mapping[str, Any]


def overlay_names(tree: Tree) -> list[str]:
    """Top-level tables Protean would select with PROTEAN_ENV=<name>, in file order."""
    return [
        key for key, value in tree.items() if key not in TOP_LEVEL_KEYS and isinstance(value, dict)
    ]


def base_of(tree: Tree) -> dict[str, Any]:
    return {key: value for key, value in tree.items() if key in TOP_LEVEL_KEYS}


def deep_merge(lower: Mapping[str, Any], upper: Mapping[str, Any]) -> dict[str, Any]:
    """Protean's overlay merge: tables merge key by key, anything else is replaced."""
    merged = dict(lower)
    for key, value in upper.items():
        if isinstance(merged.get(key), dict) and isinstance(value, dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def resolve(tree: Tree, env: str) -> dict[str, Any]:
    """The configuration `env` selects, before `${VAR}` substitution (base for `base`)."""
    base = base_of(tree)
    if env == BASE:
        return base
    overlay = tree.get(env)
    return deep_merge(base, overlay) if isinstance(overlay, dict) else base


def environments(tree: Tree) -> list[str]:
    return [BASE, *overlay_names(tree)]


def slot_tables(config: Mapping[str, Any]) -> Iterator[tuple[Slot, Mapping[str, Any]]]:
    """Every provider table in a resolved config, with Protean's defaults for missing roles."""
    for role in Role:
        section = config.get(role.value)
        if role.is_named:
            tables = section if isinstance(section, dict) else {}
            if "default" not in tables:
                tables = {"default": {"provider": PROTEAN_DEFAULTS[role]}, **tables}
            for name, table in tables.items():
                if isinstance(table, dict):
                    yield Slot(role, name), table
        else:
            table = section if isinstance(section, dict) else {"provider": PROTEAN_DEFAULTS[role]}
            yield Slot(role), table


def provider_of(slot: Slot, table: Mapping[str, Any]) -> Provider | None:
    """The catalog entry a table names, or None for an unknown provider (`check` reports it)."""
    name = table.get("provider")
    return PROVIDERS[slot.role].get(name) if isinstance(name, str) else None


# A slot's table in a resolved config, with the catalog entry its `provider` names (None: not
# one the catalog knows).
SlotTable = tuple[Slot, Mapping[str, Any], Provider | None]


@dataclass(frozen=True)
class ResolvedEnvironments:
    """Every environment of a config resolved (`resolve`), and each one's provider tables
    (`slot_tables`) with their providers: the walk the plan, the answers record's spec and
    the local-ports check each read, made once per config
    (scaffolder.reopen.config_state.ConfigState.environments) and passed on to them."""

    configs: Mapping[str, dict[str, Any]]
    slots: Mapping[str, tuple[SlotTable, ...]]


def resolve_environments(tree: Tree) -> ResolvedEnvironments:
    configs = {env: resolve(tree, env) for env in environments(tree)}
    slots = {
        env: tuple((slot, table, provider_of(slot, table)) for slot, table in slot_tables(config))
        for env, config in configs.items()
    }
    return ResolvedEnvironments(configs, slots)


IN_MEMORY_SLOT_NAMES = frozenset({"memory", "inline"})


def deliberately_in_memory(slot: Slot, provider: Provider | None) -> bool:
    """A named slot in memory and named for it (`protean new`'s `databases.memory`,
    `brokers.inline`, `caches.memory`): kept in memory on purpose, in every environment.
    Adopting a project gives it no server, variable or database, and check does not ask
    production to move it to one."""
    return slot.name in IN_MEMORY_SLOT_NAMES and provider is not None and provider.in_memory


def references(value: Any) -> Iterator[VariableReference]:
    """Every `${VAR}` / `${VAR|default}` inside a value, nested tables and lists included,
    in document order.

    A walk with its own stack, not nested generators: plans read every table of the config
    several times per edit, and on a 2,000-table file the recursion's `yield from` chains
    were a third of an edit's time."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "${" in item:
                # A reference without a name (`${|x}`) reads no variable.
                yield from (ref for ref in references_in(item) if ref.name)
        elif isinstance(item, dict):
            stack.extend(reversed(item.values()))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def config_strings(tree: Any) -> Iterator[str]:
    """Every string of a config: the URLs a new slot's local one must not collide with."""
    if isinstance(tree, str):
        yield tree
    elif isinstance(tree, Mapping):
        for value in tree.values():
            yield from config_strings(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from config_strings(value)
