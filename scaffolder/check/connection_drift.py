"""Value drift: the test environment's connection strings against the servers compose and the
CI job start. Services can agree by name and still not connect: compose publishes redis on
16379 while test's default says 6379, POSTGRES_DB or POSTGRES_PASSWORD changed, the CI job's
DATABASE_URL names another port than its service. Each is an error: the test run or the CI
run cannot connect. Passwords are compared, never printed.

Locally (compose, GitHub service containers) a server is reached on localhost at the host
port it publishes; in GitLab CI at its alias, on the container's own port. Message DB keeps
the convention of publishing 5433 locally, beside PostgreSQL on 5432.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from scaffolder.catalog import MESSAGE_DB, MYSQL, POSTGRES, Service
from scaffolder.check.common import ConfiguredSlot
from scaffolder.check.context import ProjectContext
from scaffolder.check.drift import (
    Started,
    _get,
    _items,
    catalog_service,
    ci_systems,
    environment_of,
    integration_jobs,
    published_ports,
)
from scaffolder.check.findings import DRIFT, ERROR
from scaffolder.connection_target import Target, is_local_host, target
from scaffolder.database_creation import created_databases, scripts_run
from scaffolder.project_files import compose_file
from scaffolder.variable_reference import references_in, substitute


@dataclass(frozen=True)
class ServerConnection:
    """A slot of the test environment that connects to a server: its variables, its URL
    with the defaults, and where it is written."""

    use: ConfiguredSlot
    service: Service
    variables: tuple[str, ...]
    default: str | None  # the URL with every default substituted; None if one has none
    line: int


def _server_connections(ctx: ProjectContext) -> list[ServerConnection]:
    env = ctx.test_env
    slots = []
    for use in ctx.uses_of(env):
        provider = use.provider
        if provider is None or provider.service is None or not provider.uri_key:
            continue
        table: Any = ctx.resolved[env].merged
        for part in use.slot.path:
            table = table.get(part) if isinstance(table, dict) else None
        written = table.get(provider.uri_key) if isinstance(table, dict) else None
        if not isinstance(written, str):
            continue
        if provider.connection and provider.connection.shape == "hosts":
            written = _first_host(written)
            if written is None:
                continue
        refs = list(references_in(written))
        # The URL with every default substituted; None when a reference has none.
        default = (
            None
            if any(ref.default is None for ref in refs)
            else substitute(written, lambda ref: ref.default or "")
        )
        line = ctx.collector.source.where(env, (*use.slot.path, provider.uri_key))
        slots.append(
            ServerConnection(use, provider.service, tuple(r.name for r in refs), default, line)
        )
    return slots


def _first_host(text: str) -> str | None:
    start = text.find('["')
    end = text.find('"', start + 2)
    return text[start + 2 : end] if start >= 0 and end > start else None


@dataclass(frozen=True)
class Server:
    """A server a file starts: where it listens, and the credentials it sets."""

    file: str
    started: Started
    service: Service
    # (host port or None, container port, line)
    ports: list[tuple[int | None, int, int]]
    environment: Mapping[str, tuple[str, int]]
    # Databases the file creates (`createdb`, `CREATE DATABASE` in compose's health check or a
    # CI step): a named database's own, beside POSTGRES_DB or MYSQL_DATABASE
    # (scaffolder.plan.ServicePlan.compose_healthcheck).
    created: frozenset[str] = frozenset()


def _servers(ctx: ProjectContext, path: Path, declared: Sequence[Started]) -> list[Server]:
    servers = []
    text = ctx.text(path, lenient=True) or ""
    for script in scripts_run(ctx.root, text):
        text += "\n" + (ctx.text(script, lenient=True) or "")
    created = created_databases(text)
    for started in declared:
        service = catalog_service(started)
        if service is None:
            continue
        node = started.node
        servers.append(
            Server(
                ctx.display(path),
                started,
                service,
                published_ports(node),
                environment_of(node),
                created if service.database_key else frozenset(),
            )
        )
    return servers


def rule(ctx: ProjectContext) -> None:
    if ctx.test_env not in ctx.checked:
        return
    slots = _server_connections(ctx)
    if not slots:
        return
    compose = compose_file(ctx.root)
    if compose is not None and ctx.trusted(compose):
        root = ctx.yaml(compose)
        declared = [
            Started(name, str(getattr(_get(value, "image"), "value", "") or ""), line, value)
            for name, line, value in _items(_get(root, "services"))
        ]
        servers = _servers(ctx, compose, declared)
        _port_conflicts(ctx, ctx.display(compose), declared, servers)
        for slot in slots:
            if slot.default is not None:
                _against_local(ctx, slot, slot.default, servers, "compose", None)
    for ci, path in ci_systems(ctx).items():
        jobs, _line = integration_jobs(ctx, ci, path)
        for job in jobs[:1]:
            servers = _servers(ctx, path, job.services)
            variables = {name: (value, line) for name, value, line in job.variables}
            for slot in slots:
                _against_ci(ctx, ci, path, job.name, slot, servers, variables)


def _port_conflicts(
    ctx: ProjectContext, file: str, declared: Sequence[Started], servers: Sequence[Server]
) -> None:
    """Two compose services publishing one host port: `docker compose up` fails. Every
    service counts (one of the user's that protean-init knows no image of too); the fix names
    a port no service publishes."""
    known = {id(server.started): server for server in servers}
    published = [(started, published_ports(started.node)) for started in declared]
    used = {host for _started, ports in published for host, _c, _l in ports if host is not None}
    taken: dict[int, Started] = {}
    for started, ports in published:
        for host, container, line in ports:
            if host is None:
                continue
            first = taken.setdefault(host, started)
            if first is started:
                continue
            server, other = known.get(id(started)), known.get(id(first))
            convention = (
                f" (the convention: {MESSAGE_DB.name} on {MESSAGE_DB.port}, "
                f"{POSTGRES.name} on {POSTGRES.port})"
                if server is not None
                and other is not None
                and sorted([other.service.name, server.service.name])
                == sorted([MESSAGE_DB.name, POSTGRES.name])
                else ""
            )
            wanted = server.service.port if server is not None else host
            free = _free_port(wanted, used)
            used.add(free)
            ctx.collector.add(
                ERROR,
                "compose-port-conflict",
                f"'{started.name}' publishes port {host}, which '{first.name}' "
                f"already publishes: `docker compose up` fails{convention}",
                line=line,
                env=None,
                fix=f"publish '{started.name}' on 127.0.0.1:{free}:{container} and point its "
                f"URLs at localhost:{free}, or remove one of the two if they are the same server",
                file=file,
            )


def _free_port(wanted: int, used: set[int]) -> int:
    """`wanted`, or the next port above it that no service publishes."""
    port = wanted
    while port in used:
        port += 1
    return port


def _describe(slot: ServerConnection, origin: str) -> str:
    names = ", ".join(f"${{{n}}}" for n in slot.variables)
    return origin if not names else f"{origin} of {names}"


def _against_local(
    ctx: ProjectContext,
    slot: ServerConnection,
    url: str,
    servers: Sequence[Server],
    where: str,
    via: tuple[str, int] | None,
) -> None:
    """A URL reached on localhost at a published host port (compose, GitHub services)."""
    found = target(url)
    if found is None or not found.local:
        return  # a server elsewhere: nothing local to compare with
    source = ctx.collector.source
    env = ctx.test_env
    candidates = [s for s in servers if s.service.name == slot.service.name]
    if not candidates:
        return  # the missing-service rules report it
    server = candidates[0]
    file = server.file
    if via is None:
        what = f"{_describe(slot, 'the default')} in {source.file} (line {slot.line})"
        change = f"or change the URL in {source.file} line {slot.line}"
    else:
        what = f"{via[0]} in {file} (line {via[1]})"
        change = f"or change {via[0]} in {file} line {via[1]}"
    rederive = "`protean-init derive`" if where == "compose" else "`protean-init ci`"
    hosts = [h for h, c, _ in server.ports if c == server.service.container_port and h]
    port_line = server.ports[0][2] if server.ports else server.started.line
    code_prefix = "compose" if where == "compose" else "ci"
    if found.port is not None and found.port not in hosts:
        other = next(
            (
                s
                for s in servers
                if s is not server and any(h == found.port for h, _c, _l in s.ports)
            ),
            None,
        )
        if other is not None:
            reason = (
                f"port {found.port} is '{other.started.name}' ({other.service.image}), not "
                f"{slot.service.name}"
            )
            if slot.service.name == MESSAGE_DB.name:
                reason += (
                    f": Message DB listens on {MESSAGE_DB.port} locally, beside PostgreSQL on "
                    f"{POSTGRES.port}, and plain PostgreSQL has no message_store"
                )
        elif hosts:
            reason = f"'{server.started.name}' publishes {', '.join(map(str, hosts))}"
        else:
            reason = f"'{server.started.name}' publishes no port to the host"
        mapping = f"{found.port}:{slot.service.container_port}"
        if where == "compose":
            mapping = f"127.0.0.1:{mapping}"
        runner = f"the {env} run" if where == "compose" else "the CI job"
        if hosts and (other is not None or via is not None):
            # The URL is the odd one out: point it at the port the server publishes.
            at = f"{via[0]} in {file} line {via[1]}" if via else f"{source.file} line {slot.line}"
            fix = f"use port {hosts[0]} in {at} ('{server.started.name}' publishes it)"
            at_file, at_line = (file, via[1]) if via else (source.file, slot.line)
        else:
            fix = f"publish {mapping} in {file}, {change}; {rederive} re-derives {file}"
            at_file, at_line = file, via[1] if via else port_line
        ctx.collector.add(
            ERROR,
            "message-db-port"
            if slot.service.name == MESSAGE_DB.name and other is not None
            else f"{code_prefix}-port-mismatch",
            f"{slot.use.slot} connects to port {found.port} ({what}), and {reason}: "
            f"{runner} cannot connect",
            line=at_line,
            env=env,
            fix=fix,
            file=at_file,
        )
        if other is not None:
            return  # the URL reaches another server: its credentials say nothing of this one
    # Each difference is its own finding: a changed port and a changed password are two fixes.
    _credentials(ctx, slot, found, server, what, change, code_prefix)


class CredentialCheck(NamedTuple):
    """One value of the URL the server's environment decides."""

    kind: str  # "database", "user" or "password"
    have: str | None  # the URL's
    variable: str  # the variable that sets it (or what does, for a fixed value)
    wanted: tuple[str | None, int | None]  # its value (None: unknowable) and line
    # What to say instead of "its <kind> is '<have>', and <server>'s <variable> is '<value>'".
    said: str | None = None


ServerEnvironment = Mapping[str, tuple[str, int | None]]


def _postgres_credentials(
    env: ServerEnvironment, found: Target, image: str
) -> list[CredentialCheck]:
    user = env.get("POSTGRES_USER", ("postgres", None))
    database = env.get("POSTGRES_DB", user)
    checks = [
        CredentialCheck("database", found.database, "POSTGRES_DB", database),
        CredentialCheck("user", found.user, "POSTGRES_USER", user),
    ]
    if "POSTGRES_PASSWORD" in env and "POSTGRES_HOST_AUTH_METHOD" not in env:
        checks.append(
            CredentialCheck(
                "password", found.password, "POSTGRES_PASSWORD", env["POSTGRES_PASSWORD"]
            )
        )
    return checks


def _message_db_credentials(
    env: ServerEnvironment, found: Target, image: str
) -> list[CredentialCheck]:
    return [
        CredentialCheck("database", found.database, "the image's database", ("message_store", None))
    ]


def _mysql_settings(env: ServerEnvironment, image: str) -> Callable[[str], tuple[str, tuple]]:
    """The variable an image reads for a setting, and its (value, line): MariaDB's images
    read MARIADB_<setting> first, then MYSQL_<setting>; MySQL's only MYSQL_<setting>."""
    prefixes = ("MARIADB_", "MYSQL_") if image_is_mariadb(image) else ("MYSQL_",)

    def setting(name: str) -> tuple[str, tuple]:
        for prefix in prefixes:
            if prefix + name in env:
                return prefix + name, env[prefix + name]
        return prefixes[-1] + name, (None, None)

    return setting


def image_is_mariadb(image: str) -> bool:
    repository = image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0].lower()
    return repository == "mariadb"


def _mysql_credentials(env: ServerEnvironment, found: Target, image: str) -> list[CredentialCheck]:
    """The official images create root and, with both MYSQL_USER and MYSQL_PASSWORD set, one
    more user (MariaDB's also read MARIADB_*): a URL's user must be one of those, with its
    password. Passwords are compared, never shown."""
    setting = _mysql_settings(env, image)
    checks: list[CredentialCheck] = []
    database_key, database = setting("DATABASE")
    if database[0] is not None:
        checks.append(CredentialCheck("database", found.database, database_key, database))
    if found.user is None:
        return checks
    password = found.password or ""
    user_key, user = setting("USER")
    password_key, user_password = setting("PASSWORD")
    if found.user == "root":
        root_key, root = setting("ROOT_PASSWORD")
        empty_key, empty = setting(
            "ALLOW_EMPTY_ROOT_PASSWORD" if image_is_mariadb(image) else "ALLOW_EMPTY_PASSWORD"
        )
        if empty[0] is None and image_is_mariadb(image):
            empty_key, empty = setting("ALLOW_EMPTY_PASSWORD")
        random_key, random = setting("RANDOM_ROOT_PASSWORD")
        if root[0] is not None:
            checks.append(CredentialCheck("password", password, root_key, root))
        elif empty[0] not in (None, "", "0", "no", "false"):
            checks.append(CredentialCheck("password", password, empty_key, ("", empty[1])))
        elif random[0] is not None:
            checks.append(
                CredentialCheck(
                    "password",
                    password,
                    random_key,
                    (None, random[1]),
                    said=f"root's password is one {random_key} makes up on first start",
                )
            )
        return checks
    if user[0] is None:
        checks.append(
            CredentialCheck(
                "user",
                found.user,
                user_key,
                ("root", None),
                said=f"its user is '{found.user}', and the server sets no {user_key}: "
                "only root exists",
            )
        )
    elif user_password[0] is None:
        checks.append(
            CredentialCheck(
                "user",
                found.user,
                password_key,
                (None, user[1]),
                said=f"{user_key} is set without {password_key}, so the image creates no "
                f"user '{user[0]}'",
            )
        )
    else:
        checks.append(CredentialCheck("user", found.user, user_key, user))
        if found.user == user[0]:
            checks.append(CredentialCheck("password", password, password_key, user_password))
    return checks


def _mssql_credentials(env: ServerEnvironment, found: Target, image: str) -> list[CredentialCheck]:
    key = "MSSQL_SA_PASSWORD" if "MSSQL_SA_PASSWORD" in env else "SA_PASSWORD"
    return (
        [CredentialCheck("password", found.password, key, env[key])]
        if found.user == "sa" and key in env
        else []
    )


# Per server image: what its environment says the URL's database, user and password must be.
_CREDENTIAL_RULES: dict[str, Callable[[ServerEnvironment, Target, str], list[CredentialCheck]]] = {
    POSTGRES.name: _postgres_credentials,
    MESSAGE_DB.name: _message_db_credentials,
    MYSQL.name: _mysql_credentials,
    "mssql": _mssql_credentials,
}


def _credentials(
    ctx: ProjectContext,
    slot: ServerConnection,
    found: Target,
    server: Server,
    what: str,
    change: str,
    code_prefix: str,
) -> None:
    """Database name, user and password where the server's environment sets them."""
    service = slot.service
    name = server.started.name
    rules = _CREDENTIAL_RULES.get(service.name)
    checks = rules(server.environment, found, server.started.image) if rules else []
    for kind, have, variable, wanted, said in checks:
        value, line = wanted
        if have is None or (value is None and said is None) or have == value:
            continue
        if kind == "database" and have in server.created:
            continue
        if said is not None:
            detail = said
        elif kind == "password":
            detail = f"its password is not {name}'s {variable}"
        else:
            detail = f"its {kind} is '{have}', and {name}'s {variable} is '{value}'"
        ctx.collector.add(
            ERROR,
            f"{code_prefix}-{'credentials' if kind != 'database' else 'database'}-mismatch",
            f"{slot.use.slot} ({what}): {detail}: "
            + (f"the {ctx.test_env} run" if code_prefix == "compose" else "the CI job")
            + " cannot connect",
            line=line or server.started.line,
            env=ctx.test_env,
            fix=f"make {variable} and the URL agree ({change})"
            + ("; a local password only, never a real one" if kind == "password" else "")
            + (_create_hint(service, have) if kind == "database" else ""),
            file=server.file,
        )


def _create_hint(service: Service, database: str) -> str:
    """How protean-init's own files create a named database's own on this server."""
    if service.name == POSTGRES.name:
        return f", or create {database} there (`createdb {database}`, as protean-init's files do)"
    if service.name == MYSQL.name:
        return (
            f", or create {database} there (`CREATE DATABASE IF NOT EXISTS {database}`, as "
            "protean-init's files do)"
        )
    return ""


def _against_ci(
    ctx: ProjectContext,
    ci: str,
    path: Path,
    job: str,
    slot: ServerConnection,
    servers: Sequence[Server],
    variables: Mapping[str, tuple[str, int]],
) -> None:
    """The URL the CI job connects to (its variable, else the default) against its service."""
    display = ctx.display(path)
    set_in_job = next((n for n in slot.variables if n in variables), None)
    if set_in_job is not None:
        url, line = variables[set_in_job]
        if "${{" in url or "$" in url.replace("$$", ""):
            return  # a CI expression or secret: known only when the job runs
        via = (set_in_job, line)
    elif slot.default is not None:
        url, via = slot.default, None
    else:
        return
    if ci == "github":
        _against_local(ctx, slot, url, servers, "ci", via)
        if via is not None and slot.default is not None:
            _ci_against_default(ctx, display, slot, url, via)
        return
    _against_gitlab(ctx, display, job, slot, url, servers, via)


def _ci_against_default(
    ctx: ProjectContext, display: str, slot: ServerConnection, url: str, via: tuple[str, int]
) -> None:
    """The CI job's URL and test's default differ where both are local: CI tests another
    server than a developer does."""
    ci, local = target(url), target(slot.default or "")
    if ci is None or local is None or not ci.local or not local.local:
        return
    differs = [
        kind
        for kind, a, b in (("port", ci.port, local.port), ("database", ci.database, local.database))
        if a != b
    ]
    if not differs:
        return
    source = ctx.collector.source
    ctx.collector.add(
        DRIFT,
        "ci-value-drift",
        f"{via[0]} in {display} differs from the default in {source.file} (line {slot.line}) "
        f"in its {' and '.join(differs)}: CI tests another server than `docker compose up` "
        "gives a developer",
        line=via[1],
        env=ctx.test_env,
        fix=f"make them agree; `protean-init ci` re-derives {display} from {source.file}",
        file=display,
    )


def _gitlab_names(server: Server) -> set[str]:
    """The hostnames GitLab gives a service: its alias, and two forms of its image name."""
    names = {server.started.name} if server.started.name else set()
    image = server.started.image.split(":", 1)[0]
    names.add(image.replace("/", "__"))
    names.add(image.replace("/", "-"))
    return names


def _against_gitlab(
    ctx: ProjectContext,
    display: str,
    job: str,
    slot: ServerConnection,
    url: str,
    servers: Sequence[Server],
    via: tuple[str, int] | None,
) -> None:
    found = target(url)
    if found is None:
        return
    candidates = [s for s in servers if s.service.name == slot.service.name]
    if not candidates:
        return
    server = candidates[0]
    names = _gitlab_names(server)
    source = ctx.collector.source
    what = (
        f"{via[0]} in {display} (line {via[1]})"
        if via
        else f"{_describe(slot, 'the default')} in {source.file} (line {slot.line}), as the "
        f"job '{job}' sets no {', '.join(slot.variables) or 'variable'}"
    )
    alias = server.started.name or sorted(names)[0]
    problem = None
    if is_local_host(found.host) or found.host not in names:
        problem = (
            f"connects to {found.host}, and GitLab CI reaches the service at its alias '{alias}'"
        )
    elif found.port is not None and found.port != slot.service.container_port:
        problem = (
            f"connects to port {found.port}, and in GitLab CI '{alias}' listens on "
            f"{slot.service.container_port}"
        )
    if problem is not None:
        ctx.collector.add(
            ERROR,
            "ci-port-mismatch",
            f"{slot.use.slot} ({what}) {problem}: the CI job '{job}' cannot connect",
            line=via[1] if via else server.started.line,
            env=ctx.test_env,
            fix=f"set {slot.variables[0] if slot.variables else 'the URL'} to "
            f"{found.scheme}://…@{alias}:{slot.service.container_port}/… in the job '{job}'; "
            f"`protean-init ci` re-derives {display}",
            file=display,
        )
    # The service the URL is meant for, whatever else is wrong with it: every difference.
    _credentials(ctx, slot, found, server, what, "or run `protean-init ci`", "ci")
