"""What protean-init chooses when it is not told: the servers Protean's production guide
recommends, and the layout of a new project."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from scaffolder.catalog import PROTEAN_DEFAULTS, PROVIDERS, Role
from scaffolder.spec.environments import BASE, MEMORY, PRODUCTION, TEST
from scaffolder.spec.names import package_name_for
from scaffolder.spec.slots import DEFAULT_SLOTS

if TYPE_CHECKING:
    from scaffolder.spec.builder import SpecBuilder
    from scaffolder.spec.project import ProjectSpec

# The servers Protean's production guide recommends, per role.
RECOMMENDED: Mapping[Role, str] = MappingProxyType(
    {
        Role.DATABASE: "postgresql",
        Role.BROKER: "redis",
        Role.EVENT_STORE: "message_db",
        Role.CACHE: "redis",
    }
)


def real_provider(role: Role, base_provider: str) -> str:
    """The server a slot runs on in production and test when adopting a project: the base's
    own server, else the recommended one (a memory or sqlite base has no server to share)."""
    provider = PROVIDERS[role].get(base_provider)
    return base_provider if provider is not None and provider.needs_server else RECOMMENDED[role]


def production_provider(role: Role, base_provider: str) -> str:
    """What production uses for a slot added to base, unless told: the base's server, the
    recommended server for a local file (sqlite: a path on one machine), and in-memory
    providers inherited as they are (nothing to connect to)."""
    provider = PROVIDERS[role].get(base_provider)
    if provider is None or provider.in_memory or provider.needs_server:
        return base_provider
    return RECOMMENDED[role]


def default_draft(project_name: str, package_name: str | None = None) -> SpecBuilder:
    """The layout Protean's production guide recommends, with dual-mode testing: a starting
    point, not validated on its own (`new --defaults` applies its flags to it, and the spec they
    make is checked once: a check of the defaults' PostgreSQL would refuse a name the flags
    move to MySQL)."""
    # deferred: scaffolder.spec.builder, with spec.project and spec.edits (~4.5 ms CPU, as
    # measured for build_spec): an edit reads the providers above and builds no spec
    from scaffolder.spec.builder import SpecBuilder

    real = {slot: RECOMMENDED[slot.role] for slot in DEFAULT_SLOTS}
    in_memory = {slot: PROTEAN_DEFAULTS[slot.role] for slot in DEFAULT_SLOTS}
    return SpecBuilder(
        project_name=project_name,
        package_name=package_name or package_name_for(project_name),
        deploy="docker",
        providers={BASE: in_memory, PRODUCTION: real, TEST: dict(real), MEMORY: dict(in_memory)},
        settings={
            BASE: {"debug": True, "event_processing": "sync", "command_processing": "sync"},
            PRODUCTION: {
                "debug": False,
                "event_processing": "async",
                "command_processing": "async",
            },
            TEST: {"testing": True},
            MEMORY: {"testing": True},
        },
        present=[BASE, PRODUCTION, TEST, MEMORY],
    )


def default_spec(project_name: str, package_name: str | None = None) -> ProjectSpec:
    """The defaults as a spec (default_draft), validated."""
    return default_draft(project_name, package_name).spec()
