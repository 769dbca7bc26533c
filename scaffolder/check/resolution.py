"""One environment's configuration, resolved the way Protean resolves it.

Where Protean is installed its own loader does the work (`Config2._normalize_config`: base keys
over Protean's defaults, then the PROTEAN_ENV overlay; `Config2._load_env_vars`: `${VAR}`
substitution), so `check` can never disagree with the framework. The loader reads
`os.environ`; it is given a stand-in for the duration of the call instead, so checking never
touches the process environment, and a `${VAR}` that is unset leaves a marker rather than
stopping at the first one, so every unset variable can be reported.

Without Protean the same steps run on scaffolder.config_tree, with the role defaults from
the catalog.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from scaffolder.catalog import PROTEAN_DEFAULTS, TOP_LEVEL_KEYS, Role
from scaffolder.config_tree import deep_merge
from scaffolder.spec.environments import BASE
from scaffolder.variable_reference import VariableReference, substitute

# What an unset `${VAR}` without a default becomes: no `${` in it, so substitution ends.
UNSET = "\x00unset\x00"

_LOCK = threading.Lock()


def is_unset(value: Any) -> bool:
    return isinstance(value, str) and UNSET in value


@dataclass(frozen=True)
class Resolved:
    """An environment's config: merged (before substitution) and final values."""

    env: str
    merged: dict[str, Any]
    values: dict[str, Any]
    # Protean's loader refused the config (e.g. an overlay that is not a table).
    error: str | None = None


@cache
def protean_config_module() -> Any | None:
    try:
        # deferred: protean.domain (~250 ms CPU after this module), optional: without Protean
        # installed the check uses its own copy of the defaults.
        from protean.domain import config
    except ImportError:
        return None
    return config


def protean_defaults() -> dict[str, Any] | None:
    module = protean_config_module()
    return module._default_config() if module else None


def copy_tree(value: Any) -> Any:
    """A copy of nested dicts and lists: Protean's merge shares and its substitution mutates."""
    if isinstance(value, dict):
        return {key: copy_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_tree(item) for item in value]
    return value


class _Os:
    """Stands in for `os` inside Protean's config module while one environment resolves."""

    path = os.path

    def __init__(self, protean_env: str | None, environ: Mapping[str, str]) -> None:
        self.environ = {"PROTEAN_ENV": protean_env} if protean_env else {}
        self._variables = environ

    def getenv(self, name: str, default: str | None = None) -> str:
        value = self._variables.get(name)
        if value is not None:
            return value
        return UNSET if default is None else default


def resolve(raw: Mapping[str, Any], env: str, environ: Mapping[str, str]) -> Resolved:
    module = protean_config_module()
    if module is None:
        return _resolve_without_protean(raw, env, environ)
    protean_env = None if env == BASE else env
    loader = module.Config2
    with _LOCK:
        real_os = module.os
        module.os = _Os(protean_env, environ)
        try:
            merged = loader._normalize_config(copy_tree(dict(raw)))
            values = loader._load_env_vars(copy_tree(merged))
        except Exception as error:
            message = f"{type(error).__name__}: {error}"
            return Resolved(env, {}, {}, error=message)
        finally:
            module.os = real_os
    return Resolved(env, merged, values)


def _fallback_defaults() -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    for role in Role:
        table = {"provider": PROTEAN_DEFAULTS[role]}
        defaults[role.value] = {"default": table} if role.is_named else table
    return defaults


def _resolve_without_protean(
    raw: Mapping[str, Any], env: str, environ: Mapping[str, str]
) -> Resolved:
    base = {key: value for key, value in raw.items() if key in TOP_LEVEL_KEYS}
    merged = deep_merge(_fallback_defaults(), copy_tree(base))
    if env != BASE:
        overlay = raw.get(env)
        if overlay is not None and not isinstance(overlay, dict):
            return Resolved(env, {}, {}, error=f"the overlay [{env}] is not a table")
        merged = deep_merge(merged, copy_tree(overlay or {}))
    return Resolved(env, merged, _substitute(copy_tree(merged), environ))


def _substitute(value: Any, environ: Mapping[str, str]) -> Any:
    if isinstance(value, str):

        def replace(ref: VariableReference) -> str:
            found = environ.get(ref.name)
            if found is not None:
                return found
            return UNSET if ref.default is None else ref.default

        return substitute(value, replace)
    if isinstance(value, dict):
        return {key: _substitute(item, environ) for key, item in value.items()}
    if isinstance(value, list):
        return [_substitute(item, environ) for item in value]
    return value
