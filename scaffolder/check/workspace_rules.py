"""`check` on a workspace of several bounded contexts: every context's config is checked as a
project's is (scaffolder.check.project.check_context), and then what only a workspace can
get wrong, which no one config shows:

- two contexts on one database in an environment: each creates its tables there, and they
  clash (workspace-shared-database);
- two contexts reading one variable for different servers: set once, in a deploy, it points
  both at one (workspace-shared-variable);
- a context reading another's events (its code subscribes to the other's stream category,
  read without running it: scaffolder.check.event_exchange) on another event store or
  default broker: it never reads what the other writes (workspace-event-store,
  workspace-broker); where the code cannot be read so, the warning says it cannot tell;
- a context's local database that the compose file's server does not create
  (compose-database-not-created; the test databases are connection_drift's, per context).

A finding on a file the contexts share (compose, CI, .env.example, pyproject.toml) names the
contexts it was found for; the same finding found for several is reported once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffolder.catalog import Role
from scaffolder.check.context import ProjectContext
from scaffolder.check.drift import (
    Started,
    _get,
    _items,
    catalog_service,
    environment_of,
    published_ports,
)
from scaffolder.check.findings import DRIFT, ERROR, WARNING, Finding
from scaffolder.check.report import ContextCheck, Report
from scaffolder.check.resolution import is_unset
from scaffolder.connection_target import Target, is_local_host, target
from scaffolder.database_creation import created_databases, scripts_run
from scaffolder.project_files import compose_file
from scaffolder.spec.environments import BASE
from scaffolder.variable_reference import references_in

if TYPE_CHECKING:
    from scaffolder.check.event_exchange import Exchange
    from scaffolder.workspace import Context, Workspace


@dataclass(frozen=True)
class Use:
    """One connection of one context in one environment: where it goes, and its line."""

    context: str
    ctx: ProjectContext
    env: str
    slot: str  # databases.default, event_store, brokers.default
    role: Role
    provider: str
    url: str | None  # with every variable substituted; None: no server (memory, inline)
    written: str | None  # as the config writes it, `${VAR|default}` and all
    line: int


def check_workspace(
    workspace: Workspace, checked: Sequence[ContextCheck], only: str | None = None
) -> Report:
    """One report for every context, and the workspace's own findings; with `only` (a
    context's name: `check --context`), what concerns that context: its own findings, those
    on a shared file found for it, and the workspace's findings on it. Every context is still
    checked: whether a shared file's service is unused, or two contexts clash, takes them
    all."""
    pairs = list(zip(workspace.contexts, checked, strict=True))
    uses = [use for context, check in pairs for use in _uses(context.name, check.ctx)]
    # A clash is reported on the context met second: `only`'s are met last, so every clash
    # it is in is reported on it.
    last = sorted(uses, key=lambda use: use.context == only) if only is not None else uses
    shared_databases(last)
    shared_variables(last)
    if _diverging_environments(uses):
        # deferred: scaffolder.check.event_exchange ~2.8 ms (wall, measured on the shared
        # machine): `check` of a workspace whose contexts' event stores and brokers agree reads
        # no code, and imports this module without it
        from scaffolder.check.event_exchange import read_exchange

        gates = {context.name: check.ctx.trusted for context, check in pairs}
        exchange = read_exchange(workspace.root, workspace.contexts, gates)
        diverging(uses, Role.EVENT_STORE, "workspace-event-store", "event store", exchange)
        diverging(uses, Role.BROKER, "workspace-broker", "default broker", exchange)
    for context, check in pairs:
        local_databases_created(context, check.ctx)
    findings = _merged(workspace, pairs, only)
    reported = [c for context, c in pairs if only is None or context.name == only]
    environments = list(dict.fromkeys(env for c in reported for env in c.report.environments))
    files = list(dict.fromkeys(file for c in reported for file in c.report.files))
    contexts = [context.name for context, _ in pairs if only is None or context.name == only]
    return Report(findings, environments, files, contexts)


# Findings that one context's config alone cannot make: a compose service is unused only when
# no context needs it.
_EVERY_CONTEXT = frozenset({"compose-unused-service"})


def _merged(
    workspace: Workspace, pairs: list[tuple[Context, ContextCheck]], only: str | None
) -> list[Finding]:
    """Every context's findings (or `only`'s); one on a shared file once, naming the contexts
    it is for."""
    root = workspace.root
    own: list[Finding] = []
    shared: dict[Finding, list[str]] = {}
    unused: dict[tuple[str, str, int | None], list[Finding]] = {}
    for context, check in pairs:
        folder = context.relative(root) + "/"
        for finding in check.ctx.collector.findings:
            if finding.file.startswith(folder):
                if only is None or context.name == only:
                    own.append(finding)
            elif finding.code in _EVERY_CONTEXT:
                unused.setdefault((finding.code, finding.file, finding.line), []).append(finding)
            else:
                shared.setdefault(finding, []).append(context.name)
    for found in unused.values():
        if len(found) == len(pairs):
            shared[found[0]] = [context.name for context, _check in pairs]
    for finding, names in shared.items():
        if only is not None and only not in names:
            continue
        said = "every context" if len(names) == len(pairs) else f"context {', '.join(names)}"
        own.append(replace(finding, message=f"{finding.message} (for {said})"))
    return own


def _uses(name: str, ctx: ProjectContext) -> Iterator[Use]:
    """The connections of every environment checked, with the URL each resolves to."""
    for env in ctx.checked:
        resolved = ctx.resolved.get(env)
        if resolved is None or resolved.error is not None:
            continue
        for use in ctx.uses_of(env):
            provider = use.provider
            if provider is None:
                continue
            url = written = None
            if provider.uri_key:
                value = use.table.get(provider.uri_key)
                url = value if isinstance(value, str) and not is_unset(value) else None
                raw = _at(resolved.merged, (*use.slot.path, provider.uri_key))
                written = raw if isinstance(raw, str) else None
            # The URL's line, or the provider's for one without a URL (memory, inline).
            key = provider.uri_key if written is not None else "provider"
            line = ctx.collector.source.where(env, (*use.slot.path, key or "provider"))
            yield Use(
                name,
                ctx,
                env,
                ".".join(use.slot.path),
                use.slot.role,
                provider.name,
                url,
                written,
                line,
            )


def _at(tree: Any, path: Sequence[str]) -> Any:
    for key in path:
        tree = tree.get(key) if isinstance(tree, dict) else None
    return tree


def _where(found: Target) -> str:
    """A server and database, without user or password."""
    port = f":{found.port}" if found.port else ""
    database = f"/{found.database}" if found.database else ""
    return f"{found.host}{port}{database}"


def _server(url: str | None) -> tuple[Any, ...] | None:
    found = target(url) if url else None
    return _key(found) if found is not None else None


def shared_databases(uses: Sequence[Use]) -> None:
    """Two contexts whose databases are one database in an environment."""
    first: dict[tuple[str, tuple[Any, ...]], Use] = {}
    for use in uses:
        server = _server(use.url) if use.role is Role.DATABASE else None
        if server is None or server[3] is None:
            continue
        other = first.setdefault((use.env, server), use)
        if other.context == use.context:
            continue
        found = target(use.url or "")
        assert found is not None
        use.ctx.collector.add(
            ERROR,
            "workspace-shared-database",
            f"{use.slot} of context {use.context} is {other.slot} of context {other.context}: "
            f"both use {_where(found)}, so their tables clash",
            line=use.line,
            env=use.env,
            fix=f"give {use.context} a database of its own on that server, e.g. "
            f"{_renamed(found.database or '', other.context, use.context)}, and create it "
            "where the others are created",
        )


def shared_variables(uses: Sequence[Use]) -> None:
    """Two contexts that read one variable and default it to different servers."""
    first: dict[str, tuple[Use, Target]] = {}
    said: set[tuple[str, str]] = set()
    for use in uses:
        for ref in references_in(use.written or ""):
            mine = target(ref.default) if ref.default else None
            if mine is None:
                continue
            other, theirs = first.setdefault(ref.name, (use, mine))
            if other.context == use.context or _key(theirs) == _key(mine):
                continue
            if (ref.name, use.context) in said:
                continue
            said.add((ref.name, use.context))
            use.ctx.collector.add(
                ERROR,
                "workspace-shared-variable",
                f"{use.slot} of context {use.context} reads ${{{ref.name}}} for "
                f"{_where(mine)}, and {other.slot} of context {other.context} reads it for "
                f"{_where(theirs)}: set once, it points both at one",
                line=use.line,
                env=use.env,
                fix=f"read a variable for {use.context} alone here, e.g. "
                f"{_renamed(ref.name, other.context, use.context).upper()}, or default it to "
                f"{_where(theirs)} as {other.context} does if they share that server",
            )


def _key(found: Target) -> tuple[Any, ...]:
    """A server and database, the names of this machine taken as one."""
    host = "localhost" if is_local_host(found.host) else found.host
    return (found.scheme, host, found.port, found.database)


def _renamed(name: str, other: str, context: str) -> str:
    """`name` (another context's variable or database) with `context` in `other`'s place, or
    prefixed with it: ORDERING_DATABASE_URL -> PAYMENTS_DATABASE_URL, shop_test ->
    payments_shop_test."""
    lowered = name.lower()
    if other.lower() in lowered:
        start = lowered.index(other.lower())
        return name[:start] + context + name[start + len(other) :]
    return f"{context}_{name}"


def _connection(use: Use) -> tuple[Any, ...]:
    """Where a use connects: its server, or its provider when it has none (memory, inline)."""
    return _server(use.url) or (use.provider,)


# The slot of each role whose divergence matters where contexts exchange events.
_EXCHANGED = {Role.EVENT_STORE: "event_store", Role.BROKER: "brokers.default"}


def _by_environment(uses: Sequence[Use], role: Role) -> dict[str, list[Use]]:
    by_env: dict[str, list[Use]] = {}
    for use in uses:
        if use.role is role and use.slot == _EXCHANGED[role]:
            by_env.setdefault(use.env, []).append(use)
    return by_env


def _diverging_environments(uses: Sequence[Use]) -> bool:
    """Whether in some environment two contexts' event stores or brokers differ."""
    return any(
        len({_connection(use) for use in found}) > 1
        for role in _EXCHANGED
        for found in _by_environment(uses, role).values()
    )


def diverging(uses: Sequence[Use], role: Role, code: str, what: str, exchange: Exchange) -> None:
    """A context that reads another's events (exchange.crossings) on another event store (or
    default broker) than the other's; and a context on another one than most contexts' where
    the code of it or of a context it differs from could not be read so: whether they
    exchange events is not known, and the warning says so."""
    for env, found in _by_environment(uses, role).items():
        if len({_connection(use) for use in found}) < 2:
            continue
        warned = _crossings_apart(found, role, code, what, exchange, env)
        usual = _usual(found)
        for use in found:
            if _connection(use) == usual or use.context in warned:
                continue
            apart = [u for u in found if _connection(u) != _connection(use)]
            broker = role is Role.BROKER
            unread = [
                (u, why) for u in (use, *apart) if (why := exchange.unread(u.context, broker))
            ]
            if not unread:
                continue  # both sides read in full: they exchange no events
            subject, why = unread[0]
            other = subject if subject is not use else apart[0]
            use.ctx.collector.add(
                WARNING,
                code,
                f"the {what} of context {use.context} is {_describe(use)}, and context "
                f"{other.context}'s is {_describe(other)}; protean-init cannot tell whether "
                f"they exchange events ({subject.context}: {why}): if they do, one never "
                "reads what the other writes",
                line=use.line,
                env=env,
                fix=f"use the {what} the other contexts use, or keep it if {use.context} "
                "exchanges no events with them",
            )


def _crossings_apart(
    found: Sequence[Use], role: Role, code: str, what: str, exchange: Exchange, env: str
) -> set[str]:
    """A warning for each context reading events of one on another event store (broker);
    the contexts warned of or named."""
    by_context = {use.context: use for use in found}
    warned: set[str] = set()
    for crossing in exchange.crossings:
        if role is Role.EVENT_STORE and crossing.subscription.broker_only:
            continue
        reader, writer = by_context.get(crossing.reader), by_context.get(crossing.writer)
        if reader is None or writer is None or _connection(reader) == _connection(writer):
            continue
        where = crossing.subscription
        reader.ctx.collector.add(
            WARNING,
            code,
            f"context {reader.context} reads context {writer.context}'s events (stream "
            f"'{where.stream}', {where.file}:{where.line}), but its {what} is "
            f"{_describe(reader)} and {writer.context}'s is {_describe(writer)}: it never "
            f"reads what {writer.context} writes",
            line=reader.line,
            env=env,
            fix=f"give {reader.context} and {writer.context} one {what} (the one the other "
            "contexts use), or stop reading its events",
        )
        warned.update((reader.context, writer.context))
    return warned


def _usual(found: Sequence[Use]) -> tuple[Any, ...]:
    """The connection most contexts use; on a tie, the first context's."""
    counts: dict[tuple[Any, ...], int] = {}
    for use in found:
        counts[_connection(use)] = counts.get(_connection(use), 0) + 1
    order = [_connection(use) for use in found]
    return max(counts, key=lambda key: (counts[key], -order.index(key)))


def _describe(use: Use) -> str:
    found = target(use.url) if use.url else None
    return f"{use.provider} at {_where(found)}" if found else use.provider


def local_databases_created(context: Context, ctx: ProjectContext) -> None:
    """The compose file's PostgreSQL or MySQL does not create a database a context's base
    environment connects to on localhost: `docker compose up` starts it without, and the
    context's first query fails. (The test environment's are checked per context.)"""
    compose = compose_file(ctx.root)
    if compose is None or BASE not in ctx.checked:
        return
    servers = _compose_databases(ctx, compose)
    for use in ctx.uses_of(BASE):
        if use.slot.role is not Role.DATABASE or use.provider is None:
            continue
        value = use.table.get(use.provider.uri_key) if use.provider.uri_key else None
        found = target(value) if isinstance(value, str) and not is_unset(value) else None
        if found is None or not found.local or not found.database:
            continue
        created = servers.get(found.port or 0)
        if created is None or found.database in created[0]:
            continue
        line = ctx.collector.source.where(BASE, (*use.slot.path, use.provider.uri_key or ""))
        ctx.collector.add(
            DRIFT,
            "compose-database-not-created",
            f"{'.'.join(use.slot.path)} of context {context.name} connects to database "
            f"'{found.database}' on port {found.port}, which '{created[1]}' in "
            f"{ctx.display(compose)} does not create",
            line=line,
            env=BASE,
            fix=f"create it where the compose file creates the others ({created[2]}), or "
            f"once: docker compose exec {created[1]} createdb -U postgres {found.database}",
        )


def _compose_databases(
    ctx: ProjectContext, compose: Path
) -> dict[int, tuple[frozenset[str], str, str]]:
    """Host port -> (databases created, service, where they are created) for each database
    server the compose file publishes."""
    # Read through check's trust gate (ProjectContext.text), as every rule reads: a file
    # linked out of the project or into .git/ is refused, never read.
    root = ctx.yaml(compose)
    text = ctx.text(compose, lenient=True)
    if root is None or text is None:
        return {}
    scripts = scripts_run(ctx.root, text)
    created = created_databases(
        "\n".join([text, *(ctx.text(s, lenient=True) or "" for s in scripts)])
    )
    top = ctx.root.resolve()
    where = ", ".join(s.relative_to(top).as_posix() for s in scripts) or ctx.display(compose)
    found: dict[int, tuple[frozenset[str], str, str]] = {}
    for name, line, node in _items(_get(root, "services")):
        image = str(getattr(_get(node, "image"), "value", "") or "")
        service = catalog_service(Started(name, image, line, node))
        if service is None or not service.database_key:
            continue
        environment = environment_of(node)
        own = environment.get(service.database_key)
        user = environment.get("POSTGRES_USER")
        databases = set(created)
        databases.add(own[0] if own else (user[0] if user else "postgres"))
        for host, container, _line in published_ports(node):
            if host is not None and container == service.container_port:
                found[host] = (frozenset(databases), name, where)
    return found
