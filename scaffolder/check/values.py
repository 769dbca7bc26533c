"""Environment rules: each environment as Protean resolves it (overlay merged, `${VAR}`s
substituted), so a value from an overlay or a variable is judged where it ends up: settings
of the wrong type or outside their choices, unknown or missing providers, unset variables."""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from typing import Any

from scaffolder.catalog import PROTEAN_DEFAULTS, PROVIDERS, Role
from scaffolder.check.common import (
    DATABASE_KEYS,
    Collector,
    ConfiguredSlot,
    configured_slots,
    did_you_mean,
    nearest,
    strings,
    type_name,
)
from scaffolder.check.connections import connection_rules
from scaffolder.check.findings import ERROR
from scaffolder.check.kinds import engine_kind_rules, kind_rules, provider_kind_rules
from scaffolder.check.resolution import (
    Resolved,
    is_unset,
    protean_config_module,
)
from scaffolder.check.risks import memory_rules, passwords, secrets
from scaffolder.engine_options import ENGINE_OPTIONS, PROTEAN_OWN_KEYS
from scaffolder.provider_plugins import ENTRY_POINT_GROUPS, adapter_package
from scaffolder.spec.environments import BASE
from scaffolder.variable_reference import references_in

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


def environment_rules(
    c: Collector, resolved: Resolved, environ: Mapping[str, str] | None
) -> list[ConfiguredSlot]:
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
    kind_rules(c, resolved)
    _field_defaults(c, resolved)
    uses = configured_slots(source, resolved)
    for use in uses:
        _slot_values(c, env, use)
        _engine_keys(c, env, use)
        engine_kind_rules(c, env, use)
        provider_kind_rules(c, env, use)
        memory_rules(c, env, use)
    connection_rules(c, resolved, uses, environ)
    passwords(c, resolved)
    secrets(c, resolved)
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
                f"{key} = {value!r} is {type_name(value)}, not a boolean; {hint}",
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
                f"{key} = {value!r} is {type_name(value)}; Protean expects a string",
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
        # deferred: protean.port.cache (~250 ms CPU after this module), optional: the same rule
        # applies where Protean is not installed.
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


def _slot_values(c: Collector, env: str, use: ConfiguredSlot) -> None:
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
            f"the provider of {slot} is {type_name(name)}; Protean expects a provider name",
            line=use.line,
            env=env,
            fix=f'provider = "{PROTEAN_DEFAULTS[role]}"',
        )
    elif use.provider is None:
        _unknown_provider(c, env, use, name)
    elif use.provider.uri_key and not _has_key(table, use.provider.uri_key):
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
            f"managed = {managed!r} in {slot} is {type_name(managed)}, not a boolean",
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
                f"{provider.uri_key} in {slot} is {type_name(uri)}; Protean expects a string",
                line=source.where(env, (*slot.path, provider.uri_key)),
                env=env,
                fix=f'{provider.uri_key} = "${{{slot.variable}}}"',
            )


def _has_key(table: Mapping[str, Any], key: str) -> bool:
    """`key` is in the table, or misspelled there (`database_url`): the unknown-key finding
    then names the one fix for both."""
    written = [str(name).lower() for name in table]
    return key in table or bool(difflib.get_close_matches(key.lower(), written, n=1, cutoff=0.8))


def _engine_keys(c: Collector, env: str, use: ConfiguredSlot) -> None:
    """Keys another provider reads (an Elasticsearch or MySQL key, a PostgreSQL-only engine
    option on sqlite) that this SQLAlchemy provider hands to create_engine, which refuses
    them. Keys no provider reads are the structural rules' (unknown-key)."""
    name = use.table.get("provider")
    if not isinstance(name, str) or name not in ENGINE_OPTIONS:
        return
    own, accepted = PROTEAN_OWN_KEYS[name], ENGINE_OPTIONS[name]
    for key in use.table:
        if key in own or key in accepted or key not in DATABASE_KEYS:
            continue
        c.add(
            ERROR,
            "engine-option",
            f"'{key}' in {use.slot} is not an option of the {name} provider's engine: "
            "Protean hands it to SQLAlchemy's create_engine, which refuses it, and the domain "
            f"fails at start-up (TypeError: Invalid argument(s) '{key}' sent to create_engine())",
            line=c.source.where(env, (*use.slot.path, key)),
            env=env,
            fix=f"remove '{key}' from {c.source.table_name(env, use.slot.path)}",
        )


def _unknown_provider(c: Collector, env: str, use: ConfiguredSlot, name: str) -> None:
    role = use.slot.role
    if c.installed.package_of(role, name) is not None:
        return  # an adapter an installed package registers: Protean finds it
    package = adapter_package(role, name)
    if package is not None:
        c.add(
            ERROR,
            "provider-not-installed",
            f"{role.label} provider '{name}' for {use.slot} comes from the {package} package, "
            "which is not installed (no package registers it in "
            f"{ENTRY_POINT_GROUPS[role]}): Protean fails when the domain initialises "
            f"(Unknown {role.label} provider '{name}')",
            line=use.line,
            env=env,
            fix=f"pip install {package}, and list it in pyproject.toml's dependencies",
        )
        return
    names = list(PROVIDERS[role])
    elsewhere = [r for r in Role if name in PROVIDERS[r]]
    match = None if elsewhere else nearest(name, names)
    if elsewhere:
        hint = f" ('{name}' is a {' and '.join(r.label for r in elsewhere)} provider)"
    else:
        hint = did_you_mean(match)
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
