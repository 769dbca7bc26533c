"""What a project's domain.toml implies: services, variables, CI jobs and pip extras.

Pure functions of the parsed config. `new` computes the plan from the tree it is about to
write; the reopen commands compute it from the file on disk, so derived files follow edits.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scaffolder.catalog import MYSQL, SERVICES, Provider, Service
from scaffolder.config_tree import (
    ResolvedEnvironments,
    SlotTable,
    Tree,
    config_strings,
    provider_of,
    references,
    resolve_environments,
    slot_tables,
)
from scaffolder.connection_target import Target, target
from scaffolder.redact import holds_remote_password, looks_secret, read_under_secret_keys
from scaffolder.spec.environments import TEST
from scaffolder.spec.slots import Slot
from scaffolder.variable_reference import VariableReference, references_in, substitute


@dataclass(frozen=True)
class SlotUse:
    """A slot as one environment resolves it."""

    slot: Slot
    provider: Provider
    table: Mapping[str, Any]

    @functools.cached_property
    def table_references(self) -> tuple[VariableReference, ...]:
        """Every `${VAR}` its table reads, in document order: walked once, read by the
        variables, the local port and the local database of the plan."""
        return tuple(references(dict(self.table)))

    @functools.cached_property
    def default_targets(self) -> tuple[Target, ...]:
        """Where each string of its table that reads a variable connects with every variable
        at its default (connection_target.target: a query's `host=` over the netloc's, every
        host of a list), in document order; a string reading a variable with no default has
        no address to read. Read by the local port and the local database of the plan."""
        if not self.table_references:
            return ()
        found = []
        for text in config_strings(self.table):
            refs = list(references_in(text)) if "${" in text else []
            if not refs or any(ref.default is None for ref in refs):
                continue
            url = target(substitute(text, lambda ref: ref.default or ""))
            if url is not None:
                found.append(url)
        return tuple(found)


@dataclass(frozen=True)
class Variable:
    """A `${VAR}` the config reads in one environment, and what it is for."""

    name: str
    default: str | None
    slot: Slot | None
    provider: Provider | None
    # Read by a credential-named key (`password = "${PW|...}"`): its default is that secret.
    under_secret_key: bool = False

    @property
    def required(self) -> bool:
        return self.default is None

    @property
    def one_line_default(self) -> bool:
        """Its default is one line of printable text (no line break, control or format
        character), which a line of .env.example shows as written; another is shown as the
        placeholder (`${DATABASE_URL|...\nINJECTED=1}` made `INJECTED=1` a line of it)."""
        return self.default is not None and self.default.isprintable()

    @property
    def placeholder(self) -> str:
        if self.provider and self.provider.placeholder_url:
            return self.provider.placeholder_url
        return "CHANGE-ME"

    @property
    def is_secret(self) -> bool:
        """Its default is never repeated in another file (CI, .env.example): named like a
        credential, or a URL with a password for a server that is not this machine (check's
        password-in-uri warns of it in domain.toml; a local server's password is the
        development one compose and CI set)."""
        return (
            self.under_secret_key
            or looks_secret(self.name)
            or (self.default is not None and holds_remote_password(self.default))
        )


@dataclass(frozen=True)
class ServicePlan:
    """A service as compose and CI write it, with the project's names filled in."""

    service: Service
    environment: Mapping[str, str]
    # Databases beyond the image's own (POSTGRES_DB, MYSQL_DATABASE) that the project's URLs
    # name on this server: a named database's own storage (scaffolder.spec.slots.default_local_url).
    databases: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.service.name

    @property
    def own_database(self) -> str | None:
        """The database the image creates on first start."""
        key = self.service.database_key
        return self.environment.get(key) if key else None

    @property
    def compose_healthcheck(self) -> str:
        """Healthy once the server answers and every extra database exists: the check creates
        a missing one inside the container, so `docker compose up --wait` returns with them
        created, on a fresh volume or one from before the database was added (the image's
        init scripts run on an empty volume only)."""
        steps = [self.service.healthcheck]
        if not self.databases:
            return steps[0]
        if self.service.name == MYSQL.name:
            # The image's own client: mysql in mysql:8.4, mariadb in MariaDB's images.
            steps[0] = f"({steps[0]})"
            sql = "; ".join(f"CREATE DATABASE IF NOT EXISTS {db}" for db in self.databases)
            login = f"-h 127.0.0.1 -uroot -p{self.environment.get('MYSQL_ROOT_PASSWORD', '')}"
            steps.append(f"(mysql {login} -e '{sql}' || mariadb {login} -e '{sql}')")
            return " && ".join(steps)
        # PostgreSQL: over the container's socket, trusted there.
        user = self.environment.get("POSTGRES_USER", "postgres")
        for db in self.databases:
            steps.append(
                f"(psql -U {user} -d {db} -Atc 'SELECT 1' >/dev/null 2>&1"
                f" || createdb -U {user} {db})"
            )
        return " && ".join(steps)

    def python_create(self, host: str, port: int | None = None) -> str:
        """The extra databases created from Python with the driver the provider's extra
        installs (psycopg, PyMySQL), for a CI job whose image has no client of the server
        (GitLab's python:3.12, GitHub's runner for MySQL). `port`: the container's own."""
        port = port or self.service.container_port
        if self.service.name == MYSQL.name:
            password = self.environment.get("MYSQL_ROOT_PASSWORD", "")
            connect = (
                f"import pymysql; c = pymysql.connect(host='{host}', port={port}, "
                f"user='root', password='{password}'); k = c.cursor()"
            )
            creates = "".join(
                f"; k.execute('CREATE DATABASE IF NOT EXISTS {db}')" for db in self.databases
            )
            return f'python -c "{connect}{creates}"'
        user = self.environment.get("POSTGRES_USER", "postgres")
        password = self.environment.get("POSTGRES_PASSWORD", "")
        url = f"postgresql://{user}:{password}@{host}:{port}/postgres"
        creates = "".join(f"; c.execute('CREATE DATABASE {db}')" for db in self.databases)
        return (
            f"python -c \"import psycopg; c = psycopg.connect('{url}', autocommit=True){creates}\""
        )

    @property
    def volume(self) -> str:
        return f"{self.service.name}-data"


@dataclass(frozen=True)
class Plan:
    project_name: str
    package_name: str
    environments: tuple[str, ...]
    uses: Mapping[str, tuple[SlotUse, ...]]
    variables: Mapping[str, tuple[Variable, ...]]
    services: tuple[ServicePlan, ...]
    test_services: tuple[ServicePlan, ...]
    extras: tuple[str, ...]
    needs_db_setup: bool
    # Variables the CI integration job sets, per CI provider: test URLs aimed at its services.
    ci_variables: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def slot_uses(config: Mapping[str, Any]) -> tuple[SlotUse, ...]:
    """Known providers of a resolved config; unknown ones are left to `check`."""
    return _known(
        tuple((slot, table, provider_of(slot, table)) for slot, table in slot_tables(config))
    )


def _known(slots: tuple[SlotTable, ...]) -> tuple[SlotUse, ...]:
    return tuple(
        SlotUse(slot, provider, table) for slot, table, provider in slots if provider is not None
    )


def variables_of(uses: tuple[SlotUse, ...], config: Mapping[str, Any]) -> tuple[Variable, ...]:
    """Every variable a resolved config references, once each, slots first, but one no shell
    can set (VariableReference.settable: check reports it), whose name the derived files'
    lines could not hold (`${DATABASE_URL\nINJECTED=1|...}` made `INJECTED=1` a line of
    .env.example). `uses`: the config's own slot tables (slot_uses, or the edit's walk)."""
    every = [ref for ref in references(dict(config)) if ref.settable]
    if not every:
        # Its slot tables are among its tables, or Protean's defaults, which read none: a
        # config of literal connection strings (2,000 tables) is not walked table by table.
        return ()
    found: dict[str, Variable] = {}
    hidden = read_under_secret_keys(config)
    for use in uses:
        for ref in use.table_references:
            if not ref.settable:
                continue
            variable = Variable(ref.name, ref.default, use.slot, use.provider, ref.name in hidden)
            found.setdefault(ref.name, variable)
    for ref in every:
        found.setdefault(ref.name, Variable(ref.name, ref.default, None, None, ref.name in hidden))
    return tuple(found.values())


def local_port(use: SlotUse) -> int | None:
    """The host port a slot's local default URL names (`${VAR|...@localhost:5433/...}`)."""
    for found in use.default_targets:
        if found.local and found.named_port:
            return found.named_port
    return None


_DB_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def local_database(use: SlotUse) -> str | None:
    """The database a slot's local default URL names (`.../shop_reports`)."""
    for found in use.default_targets:
        # Only a plain identifier: it is written unquoted into a shell command.
        if found.local and _DB_NAME.fullmatch(found.database or ""):
            return found.database
    return None


def _extra_databases(service: Service, uses: list[SlotUse], own: str | None) -> tuple[str, ...]:
    """The databases the uses' local defaults name on a service, but the image's own."""
    if own is None:
        return ()
    found = {
        name
        for use in uses
        if use.provider.service is not None and use.provider.service.name == service.name
        if (name := local_database(use)) is not None and name != own
    }
    return tuple(sorted(found))


def _services_for(uses: list[SlotUse], package: str) -> tuple[ServicePlan, ...]:
    """The services the uses need; each published on the host port their local defaults name
    (the catalog's, unless the project moved it off a port another service publishes)."""
    wanted = {use.provider.service.name for use in uses if use.provider.service}
    ports: dict[str, int] = {}
    for use in uses:
        if use.provider.service is not None and (port := local_port(use)) is not None:
            ports.setdefault(use.provider.service.name, port)
    plans = []
    for s in SERVICES:
        if s.name not in wanted:
            continue
        environment = {k: v.format(package=package) for k, v in s.environment.items()}
        own = environment.get(s.database_key) if s.database_key else None
        databases = _extra_databases(s, uses, own)
        plans.append(
            ServicePlan(replace(s, port=ports.get(s.name, s.port)), environment, databases)
        )
    return tuple(plans)


def ci_url(url: str, service: Service, host: str) -> str:
    """A local URL re-aimed at a CI service: `localhost:5432` -> `<host>:<container port>`."""
    parts = urlsplit(url)
    if not parts.hostname:
        return url
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo + '@' if userinfo else ''}{host}:{service.container_port}"
    return urlunsplit(parts._replace(netloc=netloc))


def _ci_variables(variables: tuple[Variable, ...]) -> dict[str, dict[str, str]]:
    github: dict[str, str] = {}
    gitlab: dict[str, str] = {}
    for variable in variables:
        service = variable.provider.service if variable.provider else None
        if variable.default is None or variable.is_secret or service is None:
            continue  # the runtime falls back to domain.toml's own default
        # GitHub maps service ports to the runner's localhost, as compose does locally;
        # GitLab reaches each service by its alias on the container port.
        github[variable.name] = variable.default
        gitlab[variable.name] = ci_url(variable.default, service, service.name)
    return {"github": github, "gitlab": gitlab}


def plan_project(
    tree: Tree,
    project_name: str,
    package_name: str,
    resolved_environments: ResolvedEnvironments | None = None,
) -> Plan:
    """Everything derived from a parsed domain.toml. An edit plans its config once
    (scaffolder.reopen.config_state.ConfigState.plan) and passes the plan on;
    `resolved_environments` is the tree's, when the caller has walked it already."""
    walked = resolved_environments or resolve_environments(tree)
    resolved = walked.configs
    envs = tuple(resolved)
    uses = {env: _known(walked.slots[env]) for env in envs}
    variables = {env: variables_of(uses[env], resolved[env]) for env in envs}
    every_use = [use for env in envs for use in uses[env]]
    test_env = TEST if TEST in envs else envs[0]
    test_uses = list(uses[test_env])
    extras = sorted({use.provider.extra for use in every_use if use.provider.extra})
    return Plan(
        project_name=project_name,
        package_name=package_name,
        environments=envs,
        uses=uses,
        variables=variables,
        services=_services_for(every_use, package_name),
        test_services=_services_for(test_uses, package_name),
        extras=tuple(extras),
        needs_db_setup=any(use.provider.needs_tables for use in test_uses),
        ci_variables=_ci_variables(variables[test_env]),
    )
