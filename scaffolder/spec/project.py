"""The project spec: the one value every front end (flags, answers file, TUI, prompts) fills.

A spec says, per environment, which provider each slot uses and how the environment is tuned.
It is validated when built (scaffolder.spec.validation) and immutable after; everything else
(domain.toml, compose, CI, .env.example) is derived from it, never from the front end that
filled it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from scaffolder.catalog import PROVIDERS, Provider
from scaffolder.spec.choices import ProjectChoices
from scaffolder.spec.environments import BASE
from scaffolder.spec.settings import SETTING_TABLE, SETTINGS, Processing
from scaffolder.spec.slots import Slot, default_local_url, slot_order
from scaffolder.spec.validation import validate


@dataclass(frozen=True)
class EnvironmentSpec:
    """One environment: base holds every slot; an overlay holds only what it overrides."""

    providers: Mapping[Slot, str] = field(default_factory=dict)
    debug: bool | None = None
    testing: bool | None = None
    event_processing: Processing | None = None
    command_processing: Processing | None = None
    # [ENV.server] and [ENV.server.health] (SETTING_TABLE's server.* keys).
    server_default_subscription_type: str | None = None
    server_default_subscription_profile: str | None = None
    server_drain_timeout: int | float | None = None
    server_health_host: str | None = None
    server_health_port: int | None = None

    def __post_init__(self) -> None:
        # One order whatever the input order (flags, an answers file's sorted keys, the UI),
        # so the same choices always write the same domain.toml.
        providers = dict(sorted(self.providers.items(), key=lambda item: slot_order(item[0])))
        object.__setattr__(self, "providers", MappingProxyType(providers))

    def settings(self) -> dict[str, object]:
        """The settings this environment sets, in a stable order."""
        values = {name: getattr(self, SETTING_TABLE[name].attribute) for name in SETTINGS}
        return {name: value for name, value in values.items() if value is not None}


@dataclass(frozen=True)
class ProjectSpec(ProjectChoices):
    """The project: its choices (ProjectChoices), and per environment its providers and
    settings."""

    environments: Mapping[str, EnvironmentSpec] = field(kw_only=True)
    # Overrides of the default variable and local URL of a slot (Slot.variable, the catalog).
    variables: Mapping[Slot, str] = field(default_factory=dict)
    local_urls: Mapping[Slot, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("environments", "variables", "local_urls"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        validate(self)

    @property
    def base(self) -> EnvironmentSpec:
        return self.environments[BASE]

    @property
    def slots(self) -> tuple[Slot, ...]:
        return tuple(self.base.providers)

    def provider(self, env: str, slot: Slot) -> Provider:
        """The provider `slot` resolves to in `env`, after inheritance from base."""
        overlay = self.environments.get(env)
        name = overlay.providers.get(slot) if overlay else None
        return PROVIDERS[slot.role][name or self.base.providers[slot]]

    def variable(self, slot: Slot) -> str:
        return self.variables.get(slot, slot.variable)

    def local_url(self, slot: Slot, provider: Provider) -> str | None:
        return self.local_urls.get(slot) or default_local_url(slot, provider, self.package_name)

    def with_environment(self, env: str, environment: EnvironmentSpec) -> ProjectSpec:
        return replace(self, environments={**self.environments, env: environment})
