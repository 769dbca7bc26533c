"""Rules on the config alone: keys, providers, values, overlays, variables and risky choices.

Two kinds. Structural rules read the file as written (a key is misspelled wherever it is);
environment rules read each environment as Protean resolves it (resolution.py), so a value
that comes from an overlay or a `${VAR}` is judged where it ends up. The catalog says which
providers and keys exist; a finding reached by several environments is reported once, in
the first (base before overlays).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scaffolder.catalog import (
    PROTEAN_DEFAULTS,
    PROVIDER_KEYS,
    PROVIDERS,
    TOP_LEVEL_KEYS,
    Provider,
    Role,
)
from scaffolder.check.findings import ERROR, WARNING, Finding
from scaffolder.check.resolution import (
    Resolved,
    is_unset,
    protean_config_module,
    protean_defaults,
    references_in,
    without_references,
)
from scaffolder.check.source import Path, Source
from scaffolder.spec import BASE, Slot

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
# Overlays for running on one machine: they are not expected to repoint every database.
LOCAL_ENVS = frozenset(
    {"test", "tests", "testing", "memory", "dev", "development", "local", "ci", "e2e"}
)
MEMORY_ENV = "memory"

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

PROCESSING = ("sync", "async")
CHOICES: Mapping[str, tuple[str, ...]] = {
    "event_processing": PROCESSING,
    "command_processing": PROCESSING,
    "message_processing": PROCESSING,
    "identity_strategy": ("uuid", "function"),
    "identity_type": ("string", "integer", "uuid"),
}
# Protean's default for each, suggested when nothing written is near a choice.
_DEFAULT_CHOICE = {
    "event_processing": "async",
    "command_processing": "async",
    "message_processing": "async",
    "identity_strategy": "uuid",
    "identity_type": "string",
}
BOOLEANS = ("debug", "testing", "lenient_deserialization", "enable_outbox")
STRINGS = ("env", "secret_key", "source_uri")

# Keys Protean reads inside server subscription tables without listing them in its
# defaults; never reported as misspellings of a listed key.
_UNLISTED_SERVER_KEYS = frozenset(
    {
        "circuit_breaker_threshold",
        "circuit_breaker_reset_seconds",
        "gap_timeout_seconds",
        "heartbeat_interval_seconds",
        "lease_ttl_ms",
        "origin_stream",
        "partitioning",
        "poll_interval_seconds",
        "profile",
        "reap_idle_ms",
        "retention_maxlen",
        "stream_category",
        "subscription_type",
        "inherits",
    }
)

_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0"})
_URL_WITH_PASSWORD = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?P<user>[^\s:/@\"'{}]*):(?P<password>[^\s/@\"'{}]+)"
    r"@(?P<host>\[[^\]\s]*\]|[^\s:/?#\"'{},]*)"
)

_CONSEQUENCES = {
    Role.DATABASE: "its data lives in one process and is lost on every restart",
    Role.BROKER: "messages never leave the process that published them",
    Role.EVENT_STORE: "every event is lost on restart",
    Role.CACHE: "each process keeps its own cache, lost on restart",
}


def is_production(env: str) -> bool:
    name = env.lower()
    return name in {"production", "live"} or name.startswith("prod")


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


def _did_you_mean(match: str | None) -> str:
    return f" (did you mean {match!r}?)" if match else ""


def _looks_like_config(table: Mapping[str, Any]) -> bool:
    return any(key in TOP_LEVEL_KEYS for key in table)


def _a(label: str) -> str:
    return f"{'an' if label[0] in 'aeiou' else 'a'} {label}"


def _type_name(value: Any) -> str:
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
        identity = (code, *(key or (file or self.source.file, line, message)))
        if identity in self._seen:
            return
        self._seen.add(identity)
        self.findings.append(
            Finding(severity, code, message, file or self.source.file, line, env, fix)
        )


# --- Overlays and dropped tables ---------------------------------------------------------


def classify_tables(raw: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """Top-level tables that are not Protean keys: (overlays, tables Protean drops).

    An overlay holds Protean settings, or is named like an environment; any other table is
    one Protean reads as an overlay nobody would select, and drops.
    """
    overlays, dropped = [], []
    for name, value in raw.items():
        if name in TOP_LEVEL_KEYS or not isinstance(value, dict):
            continue
        if name.lower() in ENV_WORDS or _looks_like_config(value) or not value:
            overlays.append(name)
        else:
            dropped.append(name)
    return overlays, dropped


def structure_rules(c: Collector, overlays: Sequence[str], checked: Iterable[str]) -> None:
    """Keys, tables and overlays as written: base always, overlays when checked."""
    source, raw = c.source, c.source.raw
    checked = set(checked)
    for key, value in raw.items():
        if key in TOP_LEVEL_KEYS:
            _setting(c, BASE, key, value, overlays)
        elif isinstance(value, dict):
            if key in overlays:
                if key in checked:
                    _overlay(c, key, value, overlays)
            else:
                _dropped_table(c, key, value)
        else:
            _unknown_setting(c, BASE, key)
    if source.root_key:
        _outside_tool_protean(c, overlays)


def _provider_key_like(key: str) -> tuple[Role, str] | None:
    """The role table a stray key belongs to, and its spelling there: `databse_uri` ->
    (databases, database_uri)."""
    for role in Role:
        if key in PROVIDER_KEYS[role] and key != "provider":
            return role, key
    spelled: dict[str, Role] = {}
    for role in Role:
        for known in PROVIDER_KEYS[role] - {"provider"}:
            spelled.setdefault(known, role)
    match = difflib.get_close_matches(key, list(spelled), n=1, cutoff=0.85)
    return (spelled[match[0]], match[0]) if match else None


def _unknown_setting(c: Collector, env: str, key: str) -> None:
    source = c.source
    path = (key,) if env == BASE else (env, key)
    line = source.exact(path)
    belongs = _provider_key_like(key)
    if belongs is not None:
        role, spelled = belongs
        target = source.table_name(env, (role.value, "default") if role.is_named else (role.value,))
        where = "" if env == BASE else f" in the {env} overlay"
        c.add(
            ERROR,
            "unknown-key",
            f"'{key}' is not a Protean setting{where}; it belongs in {_a(role.label)} table"
            f"{'' if spelled == key else f' as {spelled!r}'}, and here Protean never reads it",
            line=line,
            env=env,
            fix=f"move '{key}' into {target}"
            + ("" if spelled == key else f" and rename it to '{spelled}'"),
        )
        return
    match = nearest(key, TOP_LEVEL_KEYS)
    where = "Protean drops it" if env == BASE else f"the {env} overlay's value is never read"
    table = next((t for t in TABLE_SETTINGS if key.startswith(f"{t}_")), None)
    if table:
        fix = f"write it as {key[len(table) + 1 :]} = ... in {source.table_name(env, (table,))}"
    elif match in TABLE_SETTINGS:
        fix = f"move it into {source.table_name(env, (match,))} under its own name"
    elif match:
        fix = f"rename '{key}' to '{match}'"
    else:
        fix = f"remove '{key}'"
    c.add(
        ERROR,
        "unknown-key",
        f"'{key}' is not a Protean setting{_did_you_mean(match)}; {where}",
        line=line,
        env=env,
        fix=fix,
    )


def _overlay(c: Collector, env: str, table: Mapping[str, Any], overlays: Sequence[str]) -> None:
    for key, value in table.items():
        if key in TOP_LEVEL_KEYS:
            _setting(c, env, key, value, overlays)
        elif isinstance(value, dict) and (_looks_like_config(value) or key in overlays):
            c.add(
                ERROR,
                "unselectable-overlay",
                f"[{env}.{key}] is an overlay inside the {env} overlay; PROTEAN_ENV selects "
                f"top-level tables only, so PROTEAN_ENV={key} never reaches it",
                line=c.source.exact((env, key)),
                env=env,
                fix=f"move it to the top level as {c.source.table_name(BASE, (key,))}",
            )
        else:
            _unknown_setting(c, env, key)


def _dropped_table(c: Collector, name: str, table: Mapping[str, Any]) -> None:
    source = c.source
    line = source.exact((name,))
    header = source.table_name(BASE, (name,))
    if name == "tool" and "protean" in table:
        message = (
            f"{source.file} is Protean's config as a whole; [tool.protean] is how "
            "pyproject.toml holds it, and here Protean takes [tool] for an overlay and drops it"
        )
        fix = "drop the 'tool.protean.' prefix from these table headers"
    elif "provider" in table:
        message = (
            f"{header} looks like a provider table, but Protean reads those only under "
            "databases, brokers, caches and event_store; it takes this one for an overlay "
            "that no PROTEAN_ENV selects, and drops it"
        )
        fix = f"move it under a role, e.g. {source.table_name(BASE, ('databases', name))}"
    else:
        match = nearest(name, TOP_LEVEL_KEYS, cutoff=0.75)
        message = (
            f"{header} is not a Protean setting{_did_you_mean(match)}; Protean takes it for "
            f"an overlay selected by PROTEAN_ENV={name}, and drops it from every environment"
        )
        fix = (
            f"rename it to {source.table_name(BASE, (match,))}"
            if match
            else f"move it to {source.table_name(BASE, ('custom', name))}, the table Protean "
            "keeps for the application's own settings, or remove it"
        )
    c.add(ERROR, "dropped-table", message, line=line, env=BASE, fix=fix)


def _outside_tool_protean(c: Collector, overlays: Sequence[str]) -> None:
    """pyproject.toml tables that look like Protean config but sit outside [tool.protean]."""
    document = c.source.document
    standard = {"build-system", "project", "tool", "dependency-groups"}
    lines = c.source.lines
    candidates: list[tuple[tuple[str, ...], str, Any]] = [
        ((name,), name, value) for name, value in document.items() if name not in standard
    ]
    tool = document.get("tool")
    if isinstance(tool, dict):
        candidates += [(("tool", name), name, value) for name, value in tool.items()]
    for path, name, value in candidates:
        if not isinstance(value, dict) or path == ("tool", "protean"):
            continue
        header = "[" + ".".join(path) + "]"
        if name in TOP_LEVEL_KEYS:
            c.add(
                ERROR,
                "dropped-table",
                f"{header} is outside [tool.protean]: Protean reads only [tool.protean] "
                "from pyproject.toml, and drops it",
                line=lines.get(path),
                env=BASE,
                fix=f"rename it to [tool.protean.{name}]",
            )
        elif name.lower() in ENV_WORDS or name in overlays or _looks_like_config(value):
            c.add(
                ERROR,
                "unselectable-overlay",
                f"{header} is outside [tool.protean]: Protean reads only [tool.protean] "
                f"from pyproject.toml, so PROTEAN_ENV={name} never selects it",
                line=lines.get(path),
                env=name,
                fix=f"rename it to [tool.protean.{name}]",
            )


def _setting(c: Collector, env: str, key: str, value: Any, overlays: Sequence[str]) -> None:
    source = c.source
    path = (key,) if env == BASE else (env, key)
    role = ROLE_BY_KEY.get(key)
    if role is not None:
        _role_section(c, env, role, value, overlays)
        return
    if key not in TABLE_SETTINGS:
        if isinstance(value, dict):
            if env == BASE:
                c.add(
                    ERROR,
                    "unselectable-overlay",
                    f"[{key}] is Protean's '{key}' setting, not an overlay: every environment "
                    f"reads {key} = {{...}} (a table where Protean expects a value)",
                    line=source.exact(path),
                    env=env,
                    fix=(
                        f"rename the overlay, e.g. [{'test' if key == 'testing' else key + '_env'}]"
                    ),
                )
            else:
                c.add(
                    ERROR,
                    "wrong-type",
                    f"{key} is a table in the {env} overlay; Protean expects a value",
                    line=source.exact(path),
                    env=env,
                    fix=f"write {key} = VALUE under [{env}]",
                )
        return  # values are judged per environment, after substitution
    if not isinstance(value, dict):
        c.add(
            ERROR,
            "wrong-type",
            f"{key} is {_type_name(value)}; Protean expects a table",
            line=source.exact(path),
            env=env,
            fix=f"write it as a table: {source.table_name(env, (key,))}",
        )
        return
    if key == "field_defaults":
        return  # Protean's own validator judges it per environment
    defaults = protean_defaults()
    if defaults is not None and isinstance(defaults.get(key), dict):
        _near_misses(c, env, (key,), value, defaults[key])


def _near_misses(
    c: Collector, env: str, path: Path, table: Mapping[str, Any], defaults: Mapping[str, Any]
) -> None:
    """Sections whose full schema Protean does not declare: report only clear misspellings
    of a key it lists, and check inside tables it lists."""
    if not defaults:
        return  # an open table: subscriptions, profiles, custom, ...
    for key, value in table.items():
        if key in defaults:
            if isinstance(value, dict) and isinstance(defaults[key], dict):
                _near_misses(c, env, (*path, key), value, defaults[key])
            continue
        if key in _UNLISTED_SERVER_KEYS:
            continue
        match = difflib.get_close_matches(key, list(defaults), n=1, cutoff=0.8)
        if match:
            full = path if env == BASE else (env, *path)
            c.add(
                ERROR,
                "unknown-key",
                f"'{key}' is not a key of {'.'.join(path)} (did you mean {match[0]!r}?); "
                "Protean never reads it",
                line=c.source.exact((*full, key)),
                env=env,
                fix=f"rename '{key}' to '{match[0]}'",
            )


def _role_section(c: Collector, env: str, role: Role, value: Any, overlays: Sequence[str]) -> None:
    source = c.source
    prefix = () if env == BASE else (env,)
    if not isinstance(value, dict):
        example = source.table_name(
            env, (role.value, "default") if role.is_named else (role.value,)
        )
        c.add(
            ERROR,
            "wrong-type",
            f"{role.value} is {_type_name(value)}; Protean expects a table",
            line=source.exact((*prefix, role.value)),
            env=env,
            fix=f'write {example} with provider = "{PROTEAN_DEFAULTS[role]}"',
        )
        return
    if not role.is_named:
        _provider_keys(c, env, role, (role.value,), value)
        return
    for name, table in value.items():
        path = (role.value, name)
        if not isinstance(table, dict):
            c.add(
                ERROR,
                "wrong-type",
                f"{role.value}.{name} is {_type_name(table)}; Protean expects a {role.label} "
                "table with a provider",
                line=source.exact((*prefix, *path)),
                env=env,
                fix=f'write {source.table_name(env, path)} with provider = "{table}"'
                if isinstance(table, str)
                else f"write {source.table_name(env, path)} with a provider",
            )
        elif (
            (name in overlays or name.lower() in ENV_WORDS)
            and table
            and not set(table) & PROVIDER_KEYS[role]
            and all(isinstance(item, dict) for item in table.values())
        ):
            inner = next(iter(table))
            c.misplaced.add(path)
            c.add(
                ERROR,
                "unselectable-overlay",
                f"{source.table_name(env, path)} reads as a {role.label} named '{name}', not as "
                f"the {name} overlay's {role.value}: PROTEAN_ENV={name} never selects it",
                line=source.exact((*prefix, *path)),
                env=env,
                fix=f"write it as {source.table_name(name, (role.value, inner))}",
            )
        else:
            _provider_keys(c, env, role, path, table)


def _provider_keys(
    c: Collector, env: str, role: Role, path: Path, table: Mapping[str, Any]
) -> None:
    known = PROVIDER_KEYS[role]
    prefix = () if env == BASE else (env,)
    for key in table:
        if key in known:
            continue
        match = nearest(key, known)
        c.add(
            ERROR,
            "unknown-key",
            f"'{key}' is not a key of {_a(role.label)} table{_did_you_mean(match)}; "
            "Protean never reads it",
            line=c.source.exact((*prefix, *path, key)),
            env=env,
            fix=(
                f"rename '{key}' to '{match}' in {c.source.table_name(env, path)}"
                if match
                else f"remove '{key}' ({_a(role.label)} table takes: {', '.join(sorted(known))})"
            ),
        )


# --- Environments as Protean resolves them -----------------------------------------------


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
class SlotUse:
    """A provider table as one environment resolves it, and the line that chose it."""

    slot: Slot
    table: Mapping[str, Any]
    provider: Provider | None
    line: int
    # Whether the file writes this slot for this environment (not only Protean defaults).
    written: bool


def slot_uses(source: Source, resolved: Resolved) -> list[SlotUse]:
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
            uses.append(SlotUse(slot, table, provider, line, written))
    return uses


def environment_rules(
    c: Collector, resolved: Resolved, environ: Mapping[str, str] | None
) -> list[SlotUse]:
    """Rules on one resolved environment; `environ` is given when the environment was named
    with --env, and unset variables are then errors. Returns the slots it uses."""
    source, env = c.source, resolved.env
    if resolved.error:
        c.add(
            ERROR,
            "protean-error",
            f"Protean cannot load this environment: {resolved.error}",
            line=source.env_line(env),
            env=env,
            fix=f"make {source.table_name(env, ())} a table of settings",
        )
        return []
    if environ is not None:
        _unset_variables(c, resolved, environ)
    _settings(c, resolved)
    _field_defaults(c, resolved)
    uses = slot_uses(source, resolved)
    for use in uses:
        _slot_values(c, env, use)
        _memory_rules(c, env, use)
    _passwords(c, resolved)
    return uses


def _unset_variables(c: Collector, resolved: Resolved, environ: Mapping[str, str]) -> None:
    env = resolved.env
    for path, text in strings(resolved.merged):
        for ref in references_in(text):
            if ref.default is not None or ref.name in environ:
                continue
            selector = "with no PROTEAN_ENV" if env == BASE else f"with PROTEAN_ENV={env}"
            c.add(
                ERROR,
                "unset-variable",
                f"${{{ref.name}}} has no default and {ref.name} is not set: Protean stops at "
                f"start-up {selector} ('Environment variable {ref.name} is not set')",
                line=c.source.where(env, path),
                env=env,
                fix=f"set {ref.name} where {env} runs, or give it a default: ${{{ref.name}|VALUE}}",
                key=(ref.name, env),
            )


def _settings(c: Collector, resolved: Resolved) -> None:
    env, values = resolved.env, resolved.values
    for key in (*BOOLEANS, *CHOICES, *STRINGS, "snapshot_threshold", "command_default_timeout"):
        value = values.get(key)
        if value is None or isinstance(value, dict) or is_unset(value):
            continue  # unset, or reported as a table by the structural rules
        line = c.source.where(env, (key,))
        written = resolved.merged.get(key)
        from_variable = isinstance(written, str) and "${" in written
        if key in BOOLEANS and not isinstance(value, bool):
            hint = (
                "Protean does not convert it, and any non-empty string counts as true"
                if isinstance(value, str)
                else "Protean reads it as a truth value"
            )
            c.add(
                ERROR,
                "wrong-type",
                f"{key} = {value!r} is {_type_name(value)}, not a boolean; {hint}",
                line=line,
                env=env,
                fix=f"write {key} = true or {key} = false, unquoted"
                + (" (a ${VAR} always gives a string)" if from_variable else ""),
            )
        elif key in CHOICES and value not in CHOICES[key]:
            choices = CHOICES[key]
            match = nearest(str(value), choices) if isinstance(value, str) else None
            effect = (
                "; Protean runs anything but 'sync' as async, without a word"
                if choices is PROCESSING
                else ""
            )
            c.add(
                ERROR,
                "invalid-choice",
                f"{key} = {value!r} is not one of {', '.join(choices)}{effect}",
                line=line,
                env=env,
                fix=f'{key} = "{match or _DEFAULT_CHOICE[key]}"',
            )
        elif key in STRINGS and not isinstance(value, str):
            c.add(
                ERROR,
                "wrong-type",
                f"{key} = {value!r} is {_type_name(value)}; Protean expects a string",
                line=line,
                env=env,
                fix=f'{key} = "{value}"',
            )
        elif key == "snapshot_threshold" and not (
            isinstance(value, int) and not isinstance(value, bool) and value > 0
        ):
            c.add(
                ERROR,
                "invalid-value",
                f"snapshot_threshold = {value!r} is not a positive whole number of events",
                line=line,
                env=env,
                fix="snapshot_threshold = 10 (unquoted)",
            )
        elif key == "command_default_timeout" and not (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and value > 0
        ):
            c.add(
                ERROR,
                "invalid-value",
                f"command_default_timeout = {value!r} is not a positive number of seconds",
                line=line,
                env=env,
                fix="command_default_timeout = 30 (unquoted), or leave it out for no timeout",
            )


def _field_defaults(c: Collector, resolved: Resolved) -> None:
    module = protean_config_module()
    section = resolved.values.get("field_defaults")
    if module is None or section is None:
        return
    try:
        module._validate_field_defaults({"field_defaults": section})
    except Exception as error:
        c.add(
            ERROR,
            "invalid-value",
            str(error),
            line=c.source.where(resolved.env, ("field_defaults",)),
            env=resolved.env,
            fix="[field_defaults] takes one key: sanitize = true or false",
        )


def _ttl_error(value: Any, source: str) -> str | None:
    """Protean's verdict on a cache TTL, or the same rule where Protean is not installed."""
    try:
        from protean.port.cache import _resolve_ttl
    except ImportError:
        _resolve_ttl = None
    if _resolve_ttl is not None:
        try:
            _resolve_ttl(value, source)
        except Exception as error:
            return str(error)
        return None
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return f"{source} has TTL = {value!r}, which is not a number of seconds."
    try:
        number = float(value)
    except (TypeError, ValueError):
        return f"{source} has TTL = {value!r}, which is not a number of seconds."
    if not math.isfinite(number) or number <= 0:
        return f"{source} has TTL = {value!r}, which is not a positive number of seconds."
    return None


def _slot_values(c: Collector, env: str, use: SlotUse) -> None:
    source, slot, table = c.source, use.slot, use.table
    role = slot.role
    name = table.get("provider")
    header = source.table_name(env, slot.path)
    if name is None and slot.path in c.misplaced:
        pass
    elif name is None:
        c.add(
            ERROR,
            "missing-provider",
            f"{slot} has no provider; Protean fails only when the domain initialises",
            line=source.where(env, slot.path),
            env=env,
            fix=f'add provider = "{PROTEAN_DEFAULTS[role]}" (or another) to {header}',
        )
    elif is_unset(name):
        pass
    elif not isinstance(name, str):
        c.add(
            ERROR,
            "wrong-type",
            f"the provider of {slot} is {_type_name(name)}; Protean expects a provider name",
            line=use.line,
            env=env,
            fix=f'provider = "{PROTEAN_DEFAULTS[role]}"',
        )
    elif use.provider is None:
        _unknown_provider(c, env, use, name)
    elif use.provider.uri_key and use.provider.uri_key not in table:
        key = use.provider.uri_key
        c.add(
            ERROR,
            "missing-key",
            f"{slot} uses {name} but sets no {key}; Protean fails only when the domain initialises",
            line=use.line,
            env=env,
            fix=f'add {key} = "${{{slot.variable}}}" to {header}',
        )
    if role is Role.CACHE and "TTL" in table and not is_unset(table["TTL"]):
        problem = _ttl_error(table["TTL"], f"Cache '{slot.name}'")
        if problem:
            c.add(
                ERROR,
                "invalid-value",
                problem,
                line=source.where(env, (*slot.path, "TTL")),
                env=env,
                fix=f"TTL = 300 (seconds, unquoted) in {header}",
            )
    managed = table.get("managed")
    if role is Role.DATABASE and managed is not None and not isinstance(managed, bool):
        c.add(
            ERROR,
            "wrong-type",
            f"managed = {managed!r} in {slot} is {_type_name(managed)}, not a boolean",
            line=source.where(env, (*slot.path, "managed")),
            env=env,
            fix="managed = true or managed = false, unquoted",
        )
    provider = use.provider
    if provider and provider.uri_key and provider.uri_key in table:
        uri = table[provider.uri_key]
        allowed = (str, dict) if provider.name == "elasticsearch" else (str,)
        if not isinstance(uri, allowed):
            c.add(
                ERROR,
                "wrong-type",
                f"{provider.uri_key} in {slot} is {_type_name(uri)}; Protean expects a string",
                line=source.where(env, (*slot.path, provider.uri_key)),
                env=env,
                fix=f'{provider.uri_key} = "${{{slot.variable}}}"',
            )


def _unknown_provider(c: Collector, env: str, use: SlotUse, name: str) -> None:
    role = use.slot.role
    names = list(PROVIDERS[role])
    elsewhere = [r for r in Role if name in PROVIDERS[r]]
    match = None if elsewhere else nearest(name, names)
    if elsewhere:
        hint = f" ('{name}' is a {' and '.join(r.label for r in elsewhere)} provider)"
    else:
        hint = _did_you_mean(match)
    consequence = (
        "Protean fails only when the domain initialises, with a bare KeyError"
        if role in (Role.CACHE, Role.EVENT_STORE)
        else "Protean fails only when the domain initialises"
    )
    if match:
        extra = PROVIDERS[role][match].extra
        install = f' and install it: pip install "protean[{extra}]"' if extra else ""
        fix = f'provider = "{match}"{install}'
    else:
        fix = f"use one of: {', '.join(names)}"
    c.add(
        ERROR,
        "unknown-provider",
        f"unknown {role.label} provider '{name}' for {use.slot}{hint}; {consequence}",
        line=use.line,
        env=env,
        fix=fix,
    )


def _memory_rules(c: Collector, env: str, use: SlotUse) -> None:
    provider, slot = use.provider, use.slot
    if provider is None:
        return
    line = use.line if c.source.origin(env, (*slot.path, "provider")) else c.source.env_line(env)
    if is_production(env) and provider.in_memory and slot.name != "memory":
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
    if env == MEMORY_ENV and provider.needs_server:
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


def _is_local(host: str) -> bool:
    return host.lower() in _LOCAL_HOSTS or host.startswith("127.")


def _passwords(c: Collector, resolved: Resolved) -> None:
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
                host = match.group("host")
                if not _is_local(host):
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
    names = [name for name, table in base.items() if isinstance(table, dict)]
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


def unknown_environments(c: Collector, named: Sequence[str], overlays: Sequence[str]) -> None:
    for env in named:
        if env == BASE or env in overlays:
            continue
        match = nearest(env, overlays)
        c.add(
            ERROR,
            "unknown-environment",
            f"no [{env}] overlay in {c.source.file}{_did_you_mean(match)}: with "
            f"PROTEAN_ENV={env} Protean silently runs the base configuration",
            line=c.source.root_line,
            env=env,
            fix=f"check --env {match}" if match else f"add a [{env}] overlay",
        )
