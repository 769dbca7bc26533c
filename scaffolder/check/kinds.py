"""Every value of a key Protean knows, against the kind of Protean's own default for it.

The sections below `server`, `outbox`, `logging`, ... have no schema in Protean beyond their
defaults (`_default_config()`), so a value is judged by its default's kind: a table where a
table goes (`priority_lanes = false` is refused at start-up since 0.17), a boolean, a number
(a numeric string too: a `${VAR}` always gives one, and Protean converts it where it reads a
number), a string, an array. Where Protean checks the type itself, what it does is said; a
fix shows Protean's default, never the value that was wrong.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from scaffolder.catalog import Role
from scaffolder.check.common import Collector, ConfiguredSlot, type_name
from scaffolder.check.findings import ERROR
from scaffolder.check.resolution import Resolved, is_unset, protean_defaults
from scaffolder.check.source import Path
from scaffolder.engine_options import ENGINE_OPTION_KINDS, ENGINE_OPTIONS

SECTIONS = ("server", "outbox", "idempotency", "consume_idempotency", "logging", "telemetry")

_LANES = ("server", "priority_lanes")
# What Protean does with a value of the wrong kind, where it checks (protean/domain/
# validation.py, protean/server/...); elsewhere the value reaches code that expects the kind.
_REFUSED_AT_INIT = "Domain.init() refuses it (ConfigurationError), so nothing starts"
_CONSEQUENCES: Mapping[Path, str] = {
    _LANES: _REFUSED_AT_INIT,
    (*_LANES, "enabled"): _REFUSED_AT_INIT,
    (*_LANES, "threshold"): _REFUSED_AT_INIT + " (a quoted number too)",
    (*_LANES, "backfill_suffix"): _REFUSED_AT_INIT,
    ("server", "profiles"): "the engine refuses it at start ([server.profiles] must be a table "
    "of named profile sections)",
    ("server", "drain_timeout"): "the engine logs engine.drain_timeout_invalid_using_default "
    "and drains for 10 seconds instead",
    ("server", "health", "port"): "the engine's health server cannot listen on it",
}
# Where Protean takes no numeric string for a number.
_STRICT = frozenset({(*_LANES, "threshold")})


def kind_rules(c: Collector, resolved: Resolved) -> None:
    defaults = protean_defaults()
    if defaults is None:
        return
    for section in SECTIONS:
        value, default = resolved.values.get(section), defaults.get(section)
        if isinstance(value, dict) and isinstance(default, dict):
            _walk(c, resolved.env, (section,), value, default)


def _walk(
    c: Collector, env: str, path: Path, table: Mapping[str, Any], defaults: Mapping[str, Any]
) -> None:
    for key, value in table.items():
        default = defaults.get(key)
        if default is None or is_unset(value):
            continue  # a key Protean does not list, or one with no default to judge by
        here = (*path, key)
        wanted = _wanted(value, default, here)
        if wanted is not None:
            _report(c, env, here, value, default, wanted)
        elif isinstance(value, dict) and isinstance(default, dict) and default:
            _walk(c, env, here, value, default)


def _wanted(value: Any, default: Any, path: Path) -> str | None:
    """The kind `value` should be, when it is not."""
    if isinstance(default, dict):
        return None if isinstance(value, dict) else "a table"
    if isinstance(default, bool):
        return None if isinstance(value, bool) else "true or false"
    if isinstance(default, int | float):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return None
        if isinstance(value, str) and path not in _STRICT and _numeric(value):
            return None
        return "a number"
    if isinstance(default, str):
        if isinstance(value, str) and (value.strip() or path != (*_LANES, "backfill_suffix")):
            return None
        return "a non-empty string" if isinstance(value, str) else "a string"
    if isinstance(default, list):
        return None if isinstance(value, list) else "an array"
    return None


def _numeric(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _report(c: Collector, env: str, path: Path, value: Any, default: Any, wanted: str) -> None:
    name = ".".join(path)
    shown = json.dumps(value) if isinstance(value, str | bool | int | float) else type_name(value)
    consequence = _CONSEQUENCES.get(path, "Protean expects " + wanted + " here")
    if isinstance(default, dict):
        header = c.source.table_name(env, path)
        example = " with enabled = false" if path == _LANES else ""
        fix = f"write it as a table, {header}{example}, or remove it"
    else:
        fix = f"{path[-1]} = {json.dumps(default)} (Protean's default{_unquoted(default)})"
    c.add(
        ERROR,
        "wrong-type",
        f"{name} = {shown} is {type_name(value)}, not {wanted}: {consequence}",
        line=c.source.where(env, path),
        env=env,
        fix=fix,
    )


def _unquoted(default: Any) -> str:
    return "" if isinstance(default, str | list) else ", unquoted"


# --- Engine options: SQLAlchemy converts nothing ------------------------------------------

_IS_KIND = {
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "table": lambda v: isinstance(v, dict),
    "string": lambda v: isinstance(v, str),
    "array": lambda v: isinstance(v, list),
}
_KIND_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "table": "a table",
    "string": "a string",
    "array": "an array",
}
# Protean drops these for a sqlite URI before create_engine sees them
# (SAProvider._additional_engine_args).
_SQLITE_DROPS = frozenset({"pool_size", "max_overflow", "pool_recycle"})


def engine_kind_rules(c: Collector, env: str, use: ConfiguredSlot) -> None:
    """The values a SQLAlchemy provider hands create_engine, against its typed signature."""
    name = use.table.get("provider")
    if not isinstance(name, str) or name not in ENGINE_OPTIONS:
        return
    for key, value in use.table.items():
        kind = ENGINE_OPTION_KINDS.get(key)
        if (
            kind is None
            or key not in ENGINE_OPTIONS[name]
            or (name == "sqlite" and key in _SQLITE_DROPS)
            or is_unset(value)
            or _IS_KIND[kind](value)
        ):
            continue
        words = _KIND_WORDS[kind]
        if kind == "boolean" and isinstance(value, str):
            consequence = "SQLAlchemy takes any non-empty string as true"
        else:
            consequence = "SQLAlchemy converts nothing, and the engine fails on it (TypeError)"
        _wrong_type(
            c,
            env,
            use,
            key,
            value,
            f"{words}: the {name} provider hands it to create_engine as it is; {consequence}",
            _engine_fix(key, kind, value, c.source.table_name(env, use.slot.path)),
        )


def _wrong_type(
    c: Collector, env: str, use: ConfiguredSlot, key: str, value: Any, why: str, fix: str
) -> None:
    """`key = value in <slot> is <type>, not <why>`: a value of the wrong kind, where it is."""
    shown = json.dumps(value) if isinstance(value, str | bool | int | float) else ""
    c.add(
        ERROR,
        "wrong-type",
        f"{key}{' = ' + shown if shown else ''} in {use.slot} is {type_name(value)}, not {why}",
        line=c.source.where(env, (*use.slot.path, key)),
        env=env,
        fix=fix,
    )


def _engine_fix(key: str, kind: str, value: Any, header: str) -> str:
    if kind in ("table", "array"):
        shape = "{ option = value }" if kind == "table" else '["..."]'
        return f"write {key} = {shape} in {header}"
    text = f"write {key} as {_KIND_WORDS[kind]}, unquoted, in {header}"
    return text + (" (a ${VAR} always gives a string)" if isinstance(value, str) else "")


# --- Broker, cache and event store keys -----------------------------------------------------

# (kind, whether Protean converts a string): the inline broker calls int()/float() on its
# numbers and bool() on enable_dlq; the redis pool keys reach redis-py as written, which takes
# no string (max_connections = "5" is refused, a string socket timeout fails at connect).
_POOL_KINDS = {
    "max_connections": ("integer", False),
    "socket_timeout": ("number", False),
    "socket_connect_timeout": ("number", False),
    "retry_on_timeout": ("boolean", False),
}
PROVIDER_KINDS: Mapping[Role, Mapping[str, tuple[str, bool]]] = {
    Role.BROKER: {
        "max_retries": ("integer", True),
        "retry_delay": ("number", True),
        "backoff_multiplier": ("number", True),
        "message_timeout": ("number", True),
        "enable_dlq": ("boolean", False),
        "IS_ASYNC": ("boolean", False),
        **_POOL_KINDS,
    },
    Role.CACHE: _POOL_KINDS,
    Role.EVENT_STORE: {"max_connections": ("integer", False)},
}


def provider_kind_rules(c: Collector, env: str, use: ConfiguredSlot) -> None:
    """Values of the broker, cache and event store keys Protean reads, by their kind."""
    kinds = PROVIDER_KINDS.get(use.slot.role, {})
    for key, value in use.table.items():
        if key not in kinds or is_unset(value):
            continue
        kind, converts = kinds[key]
        if _IS_KIND[kind](value) or (converts and isinstance(value, str) and _numeric(value)):
            continue
        words = _KIND_WORDS[kind]
        if kind == "boolean":
            consequence = (
                "any non-empty string counts as true"
                if isinstance(value, str)
                else "Protean reads it as a truth value"
            )
        elif converts:
            consequence = "Protean converts it and fails when the domain initialises"
        else:
            consequence = "Protean passes it to the client library as it is, which refuses it"
        _wrong_type(
            c,
            env,
            use,
            key,
            value,
            f"{words}: {consequence}",
            f"write {key} as {words}, unquoted, in {c.source.table_name(env, use.slot.path)}"
            + (" (a ${VAR} always gives a string)" if isinstance(value, str) else ""),
        )
