"""What every family of config rules shares: the collector, names and small helpers.

Rules come in families, one module each: structure (keys, tables and overlays as written),
values (each environment as Protean resolves it: settings, providers, variables) and risks
(warnings). Keys, providers and values come from the catalog; a finding reached by several
environments is reported once, in the first (base before overlays).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from scaffolder.catalog import PROVIDER_KEYS, PROVIDERS, TOP_LEVEL_KEYS, Provider, Role
from scaffolder.check.findings import Finding
from scaffolder.check.resolution import Resolved
from scaffolder.check.source import Path, Source
from scaffolder.engine_options import ANY_ENGINE_OPTION
from scaffolder.printable import printable
from scaffolder.provider_plugins import InstalledProviders
from scaffolder.redact import redact_text
from scaffolder.spec.environments import PRODUCTION
from scaffolder.spec.slots import Slot

# Names people give environments: a table with one of these names is an overlay even when
# it is empty or holds only misspelled keys.
ENV_WORDS = frozenset(
    {
        "production",
        "prod",
        "preprod",
        "staging",
        "stage",
        "live",
        "test",
        "tests",
        "testing",
        "dev",
        "development",
        "local",
        "ci",
        "qa",
        "uat",
        "preview",
        "sandbox",
        "demo",
        "e2e",
        "integration",
        "memory",
    }
)
# Top-level settings whose value is a table (Protean's `_default_config()`; a test keeps
# this in step). Every other top-level key is a scalar setting.
TABLE_SETTINGS = frozenset(
    {
        "brokers",
        "caches",
        "consume_idempotency",
        "custom",
        "databases",
        "email_providers",
        "event_store",
        "field_defaults",
        "idempotency",
        "lint",
        "logging",
        "observatory",
        "outbox",
        "server",
        "telemetry",
    }
)
ROLE_BY_KEY = {role.value: role for role in Role}
# Tables of the config file that Protean's tooling reads and its runtime config leaves alone:
# [docs] ([tool.protean.docs] in pyproject.toml), read by `protean docs` (domain_snapshot).
TOOLING_TABLES = frozenset({"docs"})

# Every key some database provider reads: Protean's, and what create_engine takes.
DATABASE_KEYS = PROVIDER_KEYS[Role.DATABASE] | ANY_ENGINE_OPTION


def is_production(env: str) -> bool:
    name = env.lower()
    return name in {PRODUCTION, "live"} or name.startswith("prod")


def nearest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice `word` most likely meant: same letters in another case, a prefix, or close."""
    options = sorted(choices)
    lowered = word.lower()
    for option in options:
        if option.lower() == lowered:
            return option
    prefixed = [c for c in options if lowered and c.lower().startswith(lowered)]
    if prefixed:
        return prefixed[0]
    match = difflib.get_close_matches(word, options, n=1, cutoff=cutoff)
    return match[0] if match else None


def did_you_mean(match: str | None) -> str:
    return f" (did you mean {match!r}?)" if match else ""


def looks_like_config(table: Mapping[str, Any]) -> bool:
    return any(key in TOP_LEVEL_KEYS for key in table)


def article(label: str) -> str:
    return f"{'an' if label[0] in 'aeiou' else 'a'} {label}"


def type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


@dataclass
class Collector:
    """Findings for one config file, each reported once."""

    source: Source
    # The providers installed packages register (entry points), read when a name needs them.
    installed: InstalledProviders = field(default_factory=InstalledProviders)
    findings: list[Finding] = field(default_factory=list)
    # Role tables reported as misplaced overlays: their missing provider is the same problem.
    misplaced: set[Path] = field(default_factory=set)
    _seen: set[tuple[object, ...]] = field(default_factory=set)

    def add(
        self,
        severity: str,
        code: str,
        message: str,
        *,
        line: int | None,
        env: str | None,
        fix: str,
        key: tuple[object, ...] | None = None,
        file: str | None = None,
    ) -> None:
        # Where a finding's text leaves the check: a secret the config holds is never in it,
        # in any format (scaffolder.redact), nor a line break or terminal escape a key or
        # value holds (scaffolder.printable: one finding, its own lines).
        message, fix = printable(redact_text(message)), printable(redact_text(fix))
        identity = (code, *(key or (file or self.source.file, line, message)))
        if identity in self._seen:
            return
        self._seen.add(identity)
        self.findings.append(
            Finding(severity, code, message, file or self.source.file, line, env, fix)
        )


def strings(tree: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """Every string in a tree with its key path (items of an array share the array's)."""
    if isinstance(tree, str):
        yield path, tree
    elif isinstance(tree, dict):
        for key, value in tree.items():
            yield from strings(value, (*path, key))
    elif isinstance(tree, list):
        for item in tree:
            yield from strings(item, path)


@dataclass(frozen=True)
class ConfiguredSlot:
    """A slot as `check` reads it in one environment: its provider table as resolved (the
    provider None when the catalog does not know it), and the line that chose it. (The
    derived files' plan has its own scaffolder.plan.SlotUse: a known provider only.)"""

    slot: Slot
    table: Mapping[str, Any]
    provider: Provider | None
    line: int
    # Whether the file writes this slot for this environment (not only Protean defaults).
    written: bool


def configured_slots(source: Source, resolved: Resolved) -> list[ConfiguredSlot]:
    """Slots the file configures, and the default slots Protean always has."""
    env, values = resolved.env, resolved.values
    uses = []
    for role in Role:
        section = values.get(role.value)
        if not isinstance(section, dict):
            continue
        tables = section.items() if role.is_named else [(None, section)]
        for name, table in tables:
            if not isinstance(table, dict):
                continue
            slot = Slot(role, name)
            written = source.origin(env, slot.path) is not None
            if not written and name not in (None, "default"):
                continue  # Protean's own `databases.memory`
            provider_name = table.get("provider")
            provider = (
                PROVIDERS[role].get(provider_name) if isinstance(provider_name, str) else None
            )
            line = source.where(env, (*slot.path, "provider"))
            uses.append(ConfiguredSlot(slot, table, provider, line, written))
    return uses
