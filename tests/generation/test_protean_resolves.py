"""Proof 1: Protean's own loader resolves every environment to exactly the chosen providers.

Each generated project is loaded with `Config2.load_from_path`, as `Domain` loads it, under
every PROTEAN_ENV the project has (unset for base), and compared with the spec.
"""

from __future__ import annotations

import pytest
from protean.domain.config import _default_config
from protean.exceptions import ConfigurationError

from scaffolder.catalog import Role
from scaffolder.config_tree import references
from scaffolder.spec.environments import BASE, ENVIRONMENTS
from scaffolder.spec.settings import SETTINGS
from tests.support.protean_config import load_config

from .support import (
    ENV_EXAMPLE,
    PRODUCTION,
    Generated,
    env_example,
    production_value,
    required_variables,
    resolved_table,
)

# Tables Protean's defaults always add: `databases.memory`, and the default slot of a role.
PROTEAN_NAMED_DEFAULTS = {
    Role.DATABASE: {"default", "memory"},
    Role.BROKER: {"default"},
    Role.CACHE: {"default"},
}


def _non_production(project: Generated) -> list[str]:
    return [env for env in project.spec.environments if env != PRODUCTION]


def _expected_setting(project: Generated, env: str, name: str) -> object:
    """An overlay's setting, else base's, else Protean's default."""
    spec = project.spec
    for source in (env, BASE):
        environment = spec.environments.get(source)
        if environment is not None and name in environment.settings():
            return environment.settings()[name]
    return _default_config()[name]


def _assert_slots(project: Generated, env: str, config, variables: dict[str, str]) -> None:
    """Every slot resolves to the spec's provider, pointed at the spec's URL."""
    spec = project.spec
    for slot in spec.slots:
        provider = spec.provider(env, slot)
        table = resolved_table(config, slot)
        assert table["provider"] == provider.name, f"{env}: {slot}"
        if provider.in_memory:
            leaked = {"database_uri", "URI"} & set(table)
            if leaked:
                # An overlay cannot delete a key: Protean's merge keeps base's connection
                # string beside the overlay's in-memory provider, which ignores it. Only
                # that, and only when base's provider has one, is allowed.
                based = spec.provider(BASE, slot)
                assert env != BASE and not based.in_memory, f"{env}: {slot}: {table}"
                assert leaked == {based.uri_key}, f"{env}: {slot}: {table}"
                local = based.uri_value(spec.local_url(slot, based))
                assert table[based.uri_key] == local, f"{env}: {slot}: {table}"
            continue
        if env == PRODUCTION:
            url = variables[spec.variable(slot)]
        else:
            url = spec.local_url(slot, provider)
        assert table[provider.uri_key] == provider.uri_value(url), f"{env}: {slot}"
    # Nothing beyond the chosen slots, except the tables Protean's defaults always hold.
    for role in Role:
        if not role.is_named:
            continue
        chosen = {slot.name for slot in spec.slots if slot.role is role}
        assert set(config[role.value]) == chosen | PROTEAN_NAMED_DEFAULTS[role], env


def _assert_settings(project: Generated, env: str, config) -> None:
    # The engine's server.* settings are nested tables: tests/deploy asserts them.
    for name in (name for name in SETTINGS if "." not in name):
        assert config[name] == _expected_setting(project, env, name), f"{env}: {name}"


def test_every_non_production_environment_resolves_to_the_spec(project: Generated) -> None:
    clear = project.referenced_variables
    for env in _non_production(project):
        config = load_config(project.root, env, clear=clear)
        _assert_slots(project, env, config, {})
        _assert_settings(project, env, config)


def test_base_has_no_required_variable(project: Generated) -> None:
    """Local development starts with nothing set: every base URL has a default."""
    config = load_config(project.root, BASE, clear=project.referenced_variables)
    assert config["env"] is None


def test_production_without_its_variables_fails(project: Generated) -> None:
    required = required_variables(project.spec)
    clear = project.referenced_variables
    if not required:
        # Nothing to require (all in memory, or no production overlay): it loads with none set.
        config = load_config(project.root, PRODUCTION, clear=clear)
        env = PRODUCTION if PRODUCTION in project.spec.environments else BASE
        _assert_slots(project, env, config, {})
        return
    with pytest.raises(ConfigurationError):
        load_config(project.root, PRODUCTION, clear=clear)
    # Each variable is required on its own: all the others set is not enough.
    for missing in required:
        others = {name: production_value(name) for name in required if name != missing}
        with pytest.raises(ConfigurationError, match=missing):
            load_config(project.root, PRODUCTION, others, clear=clear)


def test_production_with_its_variables_resolves_to_them(project: Generated) -> None:
    # A project without a production overlay resolves PROTEAN_ENV=production as base.
    env = PRODUCTION if PRODUCTION in project.spec.environments else BASE
    required = required_variables(project.spec)
    # The variables .env.example lists as production's (required) are exactly those.
    listed = env_example(project).get(PRODUCTION, []) if ENV_EXAMPLE in project.files else []
    assert {name for name, _ in listed} == set(required)
    variables = {name: production_value(name) for name, _ in listed}
    config = load_config(project.root, PRODUCTION, variables, clear=project.referenced_variables)
    _assert_slots(project, env, config, variables)
    _assert_settings(project, env, config)
    # Production reads exactly these variables, none with a default to fall back on.
    production_refs = list(references(project.tree.get(PRODUCTION, {})))
    assert {ref.name for ref in production_refs} == set(required)
    assert all(ref.default is None for ref in production_refs)


def test_ci_memory_mode_needs_no_server(project: Generated) -> None:
    """`pytest --protean-env memory` (the memory CI job, which has no services) needs none."""
    config = load_config(project.root, "memory", clear=project.referenced_variables)
    env = "memory" if "memory" in project.spec.environments else BASE
    _assert_slots(project, env, config, {})
    for slot in project.spec.slots:
        assert not project.spec.provider(env, slot).needs_server, slot


def test_unknown_environment_falls_back_to_base(project: Generated) -> None:
    """An environment the project does not define resolves exactly as base does."""
    assert "staging" not in ENVIRONMENTS
    clear = project.referenced_variables
    assert load_config(project.root, "staging", clear=clear) == load_config(
        project.root, BASE, clear=clear
    )
