"""The settings of an environment (`ENV.KEY=VALUE`): the table every front end reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from scaffolder.errors import UsageError
from scaffolder.spec.values import parse_bool, parse_choice, parse_host, parse_port, parse_seconds

PROCESSING_MODES = ("sync", "async")
Processing = Literal["sync", "async"]
# Protean 0.18's subscription types and profiles (protean.server.subscription.profiles).
SUBSCRIPTION_TYPES = ("event_store", "stream")
DEFAULT_SUBSCRIPTION_TYPE = "event_store"  # Protean 0.18's, when nothing sets it
SUBSCRIPTION_PROFILES = ("production", "fast", "batch", "debug", "projection")


def _parse_mode(key: str, value: object) -> str:
    text = str(value).strip()
    if text not in PROCESSING_MODES:
        raise UsageError(
            f"invalid value {value!r} for {key}; expected one of: {', '.join(PROCESSING_MODES)}"
        )
    return text


@dataclass(frozen=True)
class Setting:
    """One `ENV.KEY=VALUE` setting of an environment: how domain.toml writes it and how a
    value is checked. Every front end (--set, set, answers files, the wizard, the edit menu)
    reads this table, so a setting added here is accepted, validated and written everywhere."""

    key: str  # relative to the environment, dotted as in domain.toml: "debug", "server.port"
    parse: Callable[[str, object], object]  # (full key, raw value) -> value, or UsageError
    allowed: str  # for help and messages
    # The EnvironmentSpec field that holds it (default: the key with '.' as '_').
    field: str = ""

    @property
    def attribute(self) -> str:
        return self.field or self.key.replace(".", "_")

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.key.split("."))


SETTING_TABLE: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("debug", parse_bool, "true or false"),
        Setting("testing", parse_bool, "true or false"),
        Setting("event_processing", _parse_mode, "sync or async"),
        Setting("command_processing", _parse_mode, "sync or async"),
        # The engine (`protean server`): read by the deployment files and `check` too
        # (scaffolder.deployment). Written as [ENV.server] and [ENV.server.health] tables.
        Setting(
            "server.default_subscription_type",
            lambda key, value: parse_choice(key, value, SUBSCRIPTION_TYPES),
            "event_store or stream",
        ),
        Setting(
            "server.default_subscription_profile",
            lambda key, value: parse_choice(key, value, SUBSCRIPTION_PROFILES),
            ", ".join(SUBSCRIPTION_PROFILES),
        ),
        Setting("server.drain_timeout", parse_seconds, "seconds, above 0"),
        Setting("server.health.host", parse_host, "an address to bind, such as 0.0.0.0"),
        Setting("server.health.port", parse_port, "a port, 1 to 65535"),
    )
}
# The settings in the order domain.toml writes them. Kept as a name: the wizard reads it.
SETTINGS = tuple(SETTING_TABLE)
