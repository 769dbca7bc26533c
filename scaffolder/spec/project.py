"""The project spec: the one value every front end (flags, answers file, TUI, prompts) fills.

A spec says, per environment, which provider each slot uses and how the environment is tuned.
It is validated when built (scaffolder.spec.validation) and immutable after; everything else
(domain.toml, compose, CI, .env.example) is derived from it, never from the front end that
filled it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from scaffolder.catalog import PROVIDERS, Provider
from scaffolder.spec.choices import ProjectChoices
from scaffolder.spec.environment_spec import EnvironmentSpec
from scaffolder.spec.environments import BASE, PRODUCTION
from scaffolder.spec.settings import DEFAULT_SUBSCRIPTION_TYPE
from scaffolder.spec.slots import (
    Slot,
    default_local_url,
    free_redis_database,
    refuse_cut_database,
)
from scaffolder.spec.validation import (
    validate_choices,
    validate_connections,
    validate_deployment,
    validate_environment,
    validate_layout,
)


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

    def local_url(self, slot: Slot, provider: Provider, env: str = BASE) -> str | None:
        """The slot's local default in `env` (one for every environment in a project; a
        workspace's context names its test databases apart: workspace_spec.ContextSpec)."""
        own = self.local_urls.get(slot)
        url = own or default_local_url(slot, provider, self.package_name)
        if own or url is None or slot.name in (None, "default"):
            return url
        # A named broker or cache on Redis: a database of its own (free_redis_database).
        return free_redis_database(url, self._local_urls_before(slot))

    def _local_urls_before(self, slot: Slot) -> Iterator[str]:
        """The local URLs of the slots before `slot`, Protean's default ones first, then the
        named ones in order, in every environment that writes one (production reads a
        variable with no default): what it finds taken, as if added after them (as
        `add-broker` finds them in domain.toml)."""
        ordered = sorted(self.slots, key=lambda s: s.name not in (None, "default"))
        for other in ordered[: ordered.index(slot)]:
            for env in self.environments.keys() - {PRODUCTION}:
                url = self.local_url(other, self.provider(env, other), env)
                if url is not None:
                    yield url

    def with_environment(self, env: str, environment: EnvironmentSpec) -> ProjectSpec:
        return replace(self, environments={**self.environments, env: environment})


def validate(spec: ProjectSpec) -> None:
    """Raise UsageError for the first thing wrong with `spec`, in this order: the names and
    CI, the environments and base's slots, each environment's providers and settings, the
    deployment, then the connections' variables and local URLs (scaffolder.spec.validation)."""
    validate_choices(spec)
    validate_layout(spec.environments)
    for env, environment in spec.environments.items():
        validate_environment(env, environment, spec.base)
    validate_deployment(spec, subscription_type(spec))
    validate_connections(spec.variables, spec.local_urls)
    for slot in spec.slots:
        if slot not in spec.local_urls:  # the user's own URL names the user's database
            for env in spec.environments:
                provider = spec.provider(env, slot)
                url = spec.local_url(slot, provider, env)
                refuse_cut_database(slot, provider, url, spec.package_name)


def subscription_type(spec: ProjectSpec, env: str = PRODUCTION) -> str:
    """The engine's default subscription type in `env`, after inheritance (Protean's default
    is event_store)."""
    overlay = spec.environments.get(env)
    chosen = overlay.server_default_subscription_type if overlay else None
    return chosen or spec.base.server_default_subscription_type or DEFAULT_SUBSCRIPTION_TYPE
