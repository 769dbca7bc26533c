"""Structural rules: the file as written. A misspelled key is wrong in every environment, so
these read the tables themselves: unknown keys at any level, tables Protean drops, and
overlays it can never select."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from scaffolder.catalog import PROTEAN_DEFAULTS, PROVIDER_KEYS, PROVIDERS, TOP_LEVEL_KEYS, Role
from scaffolder.check.common import (
    DATABASE_KEYS,
    ENV_WORDS,
    ROLE_BY_KEY,
    TABLE_SETTINGS,
    TOOLING_TABLES,
    Collector,
    article,
    did_you_mean,
    looks_like_config,
    nearest,
    type_name,
)
from scaffolder.check.findings import ERROR
from scaffolder.check.resolution import protean_defaults
from scaffolder.check.source import Path
from scaffolder.engine_options import ENGINE_OPTIONS, PROTEAN_OWN_KEYS
from scaffolder.provider_plugins import adapter_package
from scaffolder.spec.environments import BASE

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


def classify_tables(raw: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """Top-level tables that are not Protean keys: (overlays, tables Protean drops).

    An overlay holds Protean settings, or is named like an environment; any other table is
    one Protean reads as an overlay nobody would select, and drops.
    """
    overlays, dropped = [], []
    for name, value in raw.items():
        if name in TOP_LEVEL_KEYS or name in TOOLING_TABLES or not isinstance(value, dict):
            continue
        if name.lower() in ENV_WORDS or looks_like_config(value) or not value:
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
        elif key in TOOLING_TABLES and isinstance(value, dict):
            _docs_table(c, value)
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
            f"'{key}' is not a Protean setting{where}; it belongs in {article(role.label)} table"
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
        f"'{key}' is not a Protean setting{did_you_mean(match)}; {where}",
        line=line,
        env=env,
        fix=fix,
    )


def _overlay(c: Collector, env: str, table: Mapping[str, Any], overlays: Sequence[str]) -> None:
    for key, value in table.items():
        if key in TOP_LEVEL_KEYS:
            _setting(c, env, key, value, overlays)
        elif isinstance(value, dict) and (looks_like_config(value) or key in overlays):
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
            f"{header} is not a Protean setting{did_you_mean(match)}; Protean takes it for "
            f"an overlay selected by PROTEAN_ENV={name}, and drops it from every environment"
        )
        fix = (
            f"rename it to {source.table_name(BASE, (match,))}"
            if match
            else f"move it to {source.table_name(BASE, ('custom', name))}, the table Protean "
            "keeps for the application's own settings, or remove it"
        )
    c.add(ERROR, "dropped-table", message, line=line, env=BASE, fix=fix)


def _docs_table(c: Collector, table: Mapping[str, Any]) -> None:
    """[docs], which `protean docs` reads: `domain_snapshot` with a `path` and a `domain`,
    both non-empty strings, or the command aborts (protean/cli/docs.py)."""
    header = c.source.table_name(BASE, ("docs",))
    for key in table:
        if key == "domain_snapshot":
            continue
        c.add(
            ERROR,
            "unknown-key",
            f"'{key}' is not a key of {header} (did you mean 'domain_snapshot'?); "
            "`protean docs` never reads it",
            line=c.source.exact(("docs", key)),
            env=BASE,
            fix=f"rename '{key}' to 'domain_snapshot'",
        )
    snapshot = table.get("domain_snapshot")
    if snapshot is None:
        return
    fix = f'domain_snapshot = {{ path = "llms.txt", domain = "src/PACKAGE/domain.py" }} in {header}'
    if not isinstance(snapshot, dict):
        problem = f"is {type_name(snapshot)}; it must be a table with a 'path' and a 'domain'"
    else:
        missing = [
            part
            for part in ("path", "domain")
            if not isinstance(snapshot.get(part), str) or not snapshot[part].strip()
        ]
        if not missing:
            return
        problem = f"needs a non-empty string {' and '.join(repr(m) for m in missing)}"
    c.add(
        ERROR,
        "invalid-value",
        f"domain_snapshot in {header} {problem}: `protean docs --type llms` aborts",
        line=c.source.exact(("docs", "domain_snapshot")),
        env=BASE,
        fix=fix,
    )


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
        elif name.lower() in ENV_WORDS or name in overlays or looks_like_config(value):
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
                        "rename the overlay, e.g. [test]"
                        if key == "testing"
                        else f"rename the overlay: '{key}' is taken by a setting"
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
            f"{key} is {type_name(value)}; Protean expects a table",
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
            f"{role.value} is {type_name(value)}; Protean expects a table",
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
                f"{role.value}.{name} is {type_name(table)}; Protean expects a {role.label} "
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
    provider = _written_provider(c, env, path, table)
    if (
        isinstance(provider, str)
        and provider not in PROVIDERS[role]
        and (c.installed.package_of(role, provider) or adapter_package(role, provider))
    ):
        return  # an adapter's own keys: the values rules judge its name
    known = DATABASE_KEYS if role is Role.DATABASE else PROVIDER_KEYS[role]
    prefix = () if env == BASE else (env,)
    engine = provider if isinstance(provider, str) and provider in ENGINE_OPTIONS else None
    for key in table:
        if key in known:
            continue
        if engine is not None:
            _refused_by_engine(c, env, path, key, engine)
            continue
        match = nearest(key, known)
        c.add(
            ERROR,
            "unknown-key",
            f"'{key}' is not a key of {article(role.label)} table{did_you_mean(match)}; "
            "Protean never reads it",
            line=c.source.exact((*prefix, *path, key)),
            env=env,
            fix=(
                f"rename '{key}' to '{match}' in {c.source.table_name(env, path)}"
                if match
                else f"remove '{key}' ({article(role.label)} table takes: "
                f"{', '.join(sorted(PROVIDER_KEYS[role]))})"
            ),
        )


def _written_provider(c: Collector, env: str, path: Path, table: Mapping[str, Any]) -> object:
    """The provider a role table names, or for an overlay's table the one base names."""
    if "provider" in table or env == BASE:
        return table.get("provider")
    base: Any = c.source.raw
    for part in path:
        base = base.get(part) if isinstance(base, dict) else None
    return base.get("provider") if isinstance(base, dict) else None


def _refused_by_engine(c: Collector, env: str, path: Path, key: str, engine: str) -> None:
    """A key of a SQLAlchemy provider's table that neither Protean nor create_engine takes."""
    prefix = () if env == BASE else (env,)
    match = nearest(key, PROTEAN_OWN_KEYS[engine] | ENGINE_OPTIONS[engine], cutoff=0.75)
    c.add(
        ERROR,
        "unknown-key",
        f"'{key}' is not a key of a database table{did_you_mean(match)}: the {engine} "
        "provider hands it to SQLAlchemy's create_engine, which refuses it, and the domain "
        f"fails at start-up (TypeError: Invalid argument(s) '{key}' sent to create_engine())",
        line=c.source.exact((*prefix, *path, key)),
        env=env,
        fix=(
            f"rename '{key}' to '{match}' in {c.source.table_name(env, path)}"
            if match
            else f"remove '{key}' from {c.source.table_name(env, path)}"
        ),
    )


def unknown_environments(c: Collector, named: Sequence[str], overlays: Sequence[str]) -> None:
    for env in named:
        if env == BASE or env in overlays:
            continue
        match = nearest(env, overlays)
        c.add(
            ERROR,
            "unknown-environment",
            f"no [{env}] overlay in {c.source.file}{did_you_mean(match)}: with "
            f"PROTEAN_ENV={env} Protean silently runs the base configuration",
            line=c.source.root_line,
            env=env,
            fix=f"check --env {match}" if match else f"add a [{env}] overlay",
        )
