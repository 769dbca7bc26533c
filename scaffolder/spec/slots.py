"""Slots: where a provider goes (`databases.NAME`, `brokers.NAME`, `caches.NAME`,
`event_store`), their order, the providers each takes and its local connection string."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from scaffolder.catalog import POSTGRES_NAME_LIMIT, PROVIDERS, Provider, Role
from scaffolder.errors import UsageError, closest
from scaffolder.spec.names import validate_slot_name


@dataclass(frozen=True, order=True)
class Slot:
    """Where a provider goes: `databases.NAME`, `brokers.NAME`, `caches.NAME` or `event_store`."""

    role: Role
    name: str | None = None

    @classmethod
    def parse(cls, text: str) -> Slot:
        """`databases.reports` -> Slot(DATABASE, "reports"); errors name what is allowed."""
        head, _, name = text.partition(".")
        roles = [r.value for r in Role]
        if head not in roles:
            raise UsageError(
                f"unknown role {head!r}{closest(head, roles)}; expected one of: {', '.join(roles)}"
            )
        role = Role(head)
        if role.is_named:
            if not name:
                raise UsageError(f"{text!r} needs a name, as in {role.value}.default")
            validate_slot_name(name)
            return cls(role, name)
        if name:
            raise UsageError(f"{role.value} takes no name (got {text!r})")
        return cls(role)

    @property
    def key(self) -> str:
        return f"{self.role.value}.{self.name}" if self.name else self.role.value

    @property
    def path(self) -> tuple[str, ...]:
        """The table path in domain.toml, relative to the environment."""
        return (self.role.value, self.name) if self.name else (self.role.value,)

    @property
    def variable(self) -> str:
        """The default environment variable for this slot's connection string."""
        stem = self.role.variable_stem
        if self.name in (None, "default"):
            return stem
        return f"{self.name.upper()}_{stem}"

    def __str__(self) -> str:
        return self.key


DEFAULT_DATABASE = Slot(Role.DATABASE, "default")
DEFAULT_SLOTS = (
    DEFAULT_DATABASE,
    Slot(Role.BROKER, "default"),
    Slot(Role.EVENT_STORE),
    Slot(Role.CACHE, "default"),
)


def role_order(slot: Slot) -> tuple[int, bool]:
    """Roles as the default slots order them, each role's `default` first."""
    roles = [s.role for s in DEFAULT_SLOTS]
    return (roles.index(slot.role), slot.name not in (None, "default"))


def slot_order(slot: Slot) -> tuple[int, bool, str]:
    """role_order, then by name."""
    return (*role_order(slot), slot.name or "")


def check_provider(slot: Slot, name: str) -> None:
    allowed = list(PROVIDERS[slot.role])
    if name not in allowed:
        where = [r.value for r in Role if name in PROVIDERS[r]]
        hint = (
            f" ({name!r} is a provider for {', '.join(where)})" if where else closest(name, allowed)
        )
        raise UsageError(
            f"unknown {slot.role.label} provider {name!r} for {slot}{hint}; "
            f"expected one of: {', '.join(allowed)}"
        )


# Providers whose local default names a storage of the project's own (a file, a database on
# a shared server) that protean-init's derived files create: compose's PostgreSQL and MySQL
# health checks and the CI steps create the extra databases (scaffolder.plan.ServicePlan).
_OWN_STORAGE = ("sqlite", "postgresql", "mysql")


def default_local_url(slot: Slot, provider: Provider, package: str, suffix: str = "") -> str | None:
    """The one rule for a slot's local connection string, used by every front end and derived
    file: a named database gets storage of its own, `<package>_<name>` (`shop_reports.db`,
    `.../shop_reports` on PostgreSQL and MySQL), never the file or database of
    `databases.default`. `suffix` ends the name of a storage of the project's own (a
    workspace's test databases: `shop_ordering_reports_test`)."""
    named = slot.role is Role.DATABASE and slot.name not in (None, "default")
    if provider.name not in _OWN_STORAGE:
        return provider.local_url_for(package)
    stem = f"{package}_{slot.name}" if named else package
    return provider.local_url_for(stem + suffix)


# PostgreSQL's limit, the strictest of the servers' (63 bytes are at most 63 characters, under
# MySQL's 64): a workspace's context names are held to it whatever their providers
# (workspace_spec.refuse_cut_storage).
DATABASE_NAME_BYTES = POSTGRES_NAME_LIMIT.most


def refuse_cut_database(slot: Slot, provider: Provider, url: str | None, package: str) -> None:
    """The database a slot's derived local default (default_local_url, or a workspace
    context's) names on `provider`'s server must fit the server's name limit
    (catalog.NameLimit: PostgreSQL's 63 bytes, MySQL's 64 characters); refused naming the
    name that makes it too long (the package's for the default database, the slot's for a
    named one)."""
    service = provider.service
    limit = service.database_name_limit if service else None
    if url is None or limit is None:
        return
    database = url.rpartition("/")[2]
    size = limit.size(database)
    if size <= limit.most:
        return
    named = slot.role is Role.DATABASE and slot.name not in (None, "default")
    part = slot.name if named and slot.name else package
    room = limit.size(part) - (size - limit.most)
    what = f"database name {part!r}" if named else f"package name {part!r}"
    raise UsageError(
        f"invalid {what}: its {limit.server} database {database} would be {size} {limit.unit}, "
        f"and {limit.server} {limit.past}; it has room for {max(room, 0)} {limit.unit} here"
    )


# A Redis URL's database number (`redis://localhost:6379/2`), in any string.
_REDIS_DATABASE = re.compile(r"\brediss?://[^\s\"'{}|/]*/(\d+)\b")


def free_redis_database(url: str, taken: Iterable[str]) -> str:
    """`url`, a local Redis URL with a database number (`redis://localhost:6379/0`), on the
    lowest number no URL in `taken` uses, when its own is used; `url` otherwise (not such a
    URL, or all 16 taken). The one rule for a broker or cache added beside others on the one
    local Redis (the default broker's /0, the default cache's /2): `add-broker`/`add-cache`
    pass every string of the config, `new` the local URLs of the slots before it (ProjectSpec),
    so two brokers never share a stream space nor a cache another's keys."""
    match = _REDIS_DATABASE.fullmatch(url)
    if match is None:
        return url
    used = {int(n) for text in taken for n in _REDIS_DATABASE.findall(text)}
    free = next((n for n in range(16) if n not in used), None)
    if free is None or int(match.group(1)) not in used:
        return url
    return url[: match.start(1)] + str(free)
