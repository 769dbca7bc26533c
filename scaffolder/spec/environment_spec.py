"""One environment of a spec: the providers it names and the settings it sets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from scaffolder.spec.settings import SETTING_TABLE, SETTINGS, Processing
from scaffolder.spec.slots import Slot, slot_order


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
