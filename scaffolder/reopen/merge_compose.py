"""What a compose file protean-init did not write needs, and adding only that.

The user's own services come first: a service whose image is of the family a provider needs
(their `db` running `postgres:16` serves a postgresql database) is used as it is, never
duplicated; a service protean-init adds never publishes a host port another service
already publishes (it takes the next free one). What cannot match domain.toml as written
(the reused service listens on another host port, a port had to move) is said in a note,
one line each, for the command to print. The text is changed by `scaffolder.reopen.yaml_insert`
only: lines are added in the file's own indentation, nothing else moves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from scaffolder.catalog import SERVICES
from scaffolder.database_creation import created_databases
from scaffolder.reopen.yaml_insert import YamlInsertError, add_entries, load_plain

# Images that serve what a catalog service serves, by the last part(s) of the repository
# path: `postgres:16`, `docker.io/library/postgres`, `bitnami/postgresql`, `postgis/postgis`.
_FAMILIES: dict[str, tuple[str, ...]] = {
    "postgres": ("postgres", "postgresql", "postgis"),
    "message-db": ("message-db",),
    "redis": ("redis", "redis-stack", "redis-stack-server", "valkey"),
    "elasticsearch": ("elasticsearch",),
    "mysql": ("mysql", "mariadb", "mysql-server"),
    "mssql": ("mssql/server", "azure-sql-edge"),
}
_CONTAINER_PORTS = {service.name: service.container_port for service in SERVICES}
_DEFAULT_PORTS = {service.name: service.port for service in SERVICES}


def image_repository(image: str) -> str:
    """`registry:5000/org/postgres:16@sha256:...` -> `org/postgres` (lower case)."""
    image = image.split("@", 1)[0].lower()
    head, _, tail = image.rpartition("/")
    tail = tail.split(":", 1)[0]
    path = f"{head}/{tail}" if head else tail
    parts = path.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]  # a registry host
    return "/".join(parts)


def serves(image: Any, service: str) -> bool:
    """True if a container of `image` provides what the catalog's `service` provides."""
    if not isinstance(image, str) or not image.strip():
        return False
    repository = image_repository(image.strip())
    return any(
        repository == family or repository.endswith("/" + family)
        for family in _FAMILIES.get(service, (service,))
    )


_SHORT_PORT = re.compile(
    r"^(?:(?:\[[^\]]*\]|[^:\[\]]+):)??(?:(\d+)(?:-(\d+))?:)?(\d+)(?:-(\d+))?(?:/\w+)?$"
)


# `${DB_PORT:-5432}` publishes its default unless the variable is set: count the default.
_INTERPOLATED = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}")


def published_ports(service: Any) -> dict[int, int]:
    """Host port -> container port for each port a compose service publishes on the host.

    Short syntax (`"127.0.0.1:5432:5432"`, `"5432:5432"`, ranges) and long syntax
    (`{target: 5432, published: 5432}`); a bare container port gets a random host port
    and publishes nothing fixed.
    """
    found: dict[int, int] = {}
    ports = service.get("ports") if isinstance(service, Mapping) else None
    for entry in ports if isinstance(ports, list) else []:
        if isinstance(entry, Mapping):
            published, target = entry.get("published"), entry.get("target")
            if published is None or target is None:
                continue
            host = str(published).split("-")
            start = int(host[0]) if host[0].isdigit() else None
            if start is None or not str(target).isdigit():
                continue
            end = int(host[1]) if len(host) > 1 and host[1].isdigit() else start
            for offset, port in enumerate(range(start, end + 1)):
                found[port] = int(target) + offset
            continue
        m = _SHORT_PORT.match(_INTERPOLATED.sub(r"\1", str(entry).strip()))
        if not m or m.group(1) is None:
            continue
        start, end = int(m.group(1)), int(m.group(2) or m.group(1))
        target = int(m.group(3))
        for offset, port in enumerate(range(start, end + 1)):
            found[port] = target + offset
    return found


@dataclass
class ComposeAdditions:
    """The services and volumes to add, and what to tell the user."""

    services: dict[str, Any] = field(default_factory=dict)
    volumes: dict[str, Any] = field(default_factory=dict)
    # Catalog service -> the user's service that provides it instead.
    reused: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def plan_additions(yours: Any, generated: Any) -> ComposeAdditions:
    """What the user's parsed compose lacks of the generated one (both plain or round-trip
    data; the generated entries are returned as given, ports moved where needed)."""
    have = yours.get("services") if isinstance(yours, Mapping) else None
    have = have if isinstance(have, Mapping) else {}
    volumes = yours.get("volumes") if isinstance(yours, Mapping) else None
    volumes = volumes if isinstance(volumes, Mapping) else {}
    wanted = generated.get("services") or {}
    wanted_volumes = generated.get("volumes") or {}
    taken: dict[int, str] = {}
    for name, service in have.items():
        for port in published_ports(service):
            taken.setdefault(port, str(name))
    out = ComposeAdditions()
    for name, service in wanted.items():
        if name in have:
            continue
        user = next(
            (
                str(other)
                for other, spec in have.items()
                if isinstance(spec, Mapping) and serves(spec.get("image"), name)
            ),
            None,
        )
        if user is not None:
            out.reused[name] = user
            out.notes.append(_reuse_note(name, user, have[user], service))
            continue
        service = _with_free_port(name, service, taken, out.notes)
        out.services[name] = service
        for volume in _named_volumes(service):
            if volume in wanted_volumes and volume not in volumes:
                out.volumes[volume] = wanted_volumes[volume]
    return out


def _reuse_note(name: str, user: str, spec: Mapping[str, Any], generated: Any) -> str:
    """What the user should know about their service standing in for `generated`: the port
    domain.toml's defaults name (the one `generated` publishes) against the one theirs does,
    and which credentials differ."""
    container = _CONTAINER_PORTS.get(name)
    expected = [h for h, c in published_ports(generated).items() if c == container]
    default = expected[0] if expected else _DEFAULT_PORTS.get(name)
    ports = {host for host, inside in published_ports(spec).items() if inside == container}
    said = [f"your service `{user}` ({spec.get('image')}) provides {name}: used, not duplicated"]
    if not ports:
        said.append(
            f"it publishes no host port for {container}, and the local defaults in "
            f"domain.toml expect localhost:{default}"
        )
    elif default in ports:
        said.append(f"it publishes localhost:{default}, as domain.toml's local defaults expect")
    else:
        said.append(
            f"it publishes localhost:{min(ports)}, domain.toml's local defaults use "
            f"localhost:{default}: change one to match"
        )
    differ = _credentials_differ(spec, generated)
    if differ:
        said.append(f"its {', '.join(differ)} differ from what the local defaults use: align them")
    return "; ".join(said)


def missing_database_notes(name: str, user: str, generated: Any, yours: str) -> list[str]:
    """The databases the generated service's health check creates (a named database's own),
    which the user's service used instead does not (nothing in their file `yours` creates
    them): each with the command that creates it."""

    check = generated.get("healthcheck") if isinstance(generated, Mapping) else None
    test = check.get("test") if isinstance(check, Mapping) else None
    created = created_databases(" ".join(map(str, test)) if isinstance(test, list) else "")
    created -= created_databases(yours)
    command = (
        "mysql -uroot -p -e 'CREATE DATABASE {db}'` (`mariadb` in MariaDB 11's image)"
        if serves("mysql", name)
        else "createdb -U postgres {db}`"
    )
    return [
        f"your service `{user}` creates no database {db!r} (a named database's own); create "
        f"it once: `docker compose exec {user} {command.format(db=db)}"
        for db in sorted(created)
    ]


def service_environment(spec: Any) -> dict[str, str]:
    """A service's `environment:` as a mapping, from either of its two forms."""
    env = spec.get("environment") if isinstance(spec, Mapping) else None
    if isinstance(env, Mapping):
        return {str(k): "" if v is None else str(v) for k, v in env.items()}
    if isinstance(env, list):
        return {key: value for key, _, value in (str(item).partition("=") for item in env)}
    return {}


def _credentials_differ(spec: Any, generated: Any) -> list[str]:
    """The environment keys (never their values: they may be passwords) whose effective
    value in the user's service differs from the one protean-init's service would set."""
    mine = service_environment(spec)
    # What the postgres image does when a key is unset: the user is postgres, the database
    # is named after the user.
    mine.setdefault("POSTGRES_USER", "postgres")
    mine.setdefault("POSTGRES_DB", mine["POSTGRES_USER"])
    return sorted(k for k, v in service_environment(generated).items() if mine.get(k) != v)


def _with_free_port(name: str, service: Any, taken: dict[int, str], notes: list[str]) -> Any:
    """The service, its host ports moved off ports another service already publishes."""
    # Mutable: the moved ports are written back into it.
    ports = service.get("ports") if isinstance(service, MutableMapping) else None
    if not isinstance(ports, list):
        return service
    moved = False
    new_ports = []
    for entry in ports:
        mapping = published_ports({"ports": [entry]})
        text = str(entry)
        for host in mapping:
            if host in taken:
                free = host + 1
                while free in taken:
                    free += 1
                notes.append(
                    f"`{taken[host]}` already publishes port {host}, so the added `{name}` "
                    f"publishes {free}: point the local defaults in domain.toml at "
                    f"localhost:{free}"
                )
                text = re.sub(rf"(^|:){host}:", rf"\g<1>{free}:", text, count=1)
                taken[free] = name
                moved = True
            else:
                taken[host] = name
        new_ports.append(type(entry)(text) if isinstance(entry, str) else entry)
    if not moved:
        return service
    service["ports"] = type(ports)(new_ports)
    return service


def _named_volumes(service: Any) -> list[str]:
    found = []
    volumes = service.get("volumes") if isinstance(service, Mapping) else None
    for entry in volumes if isinstance(volumes, list) else []:
        source = str(entry).split(":", 1)[0]
        if source and not source.startswith((".", "/", "~", "$")):
            found.append(source)
    return found


def add_missing_services(yours: str, generated: str) -> tuple[str, list[str]]:
    """The user's compose text with the services and volumes it lacks added as text, and
    the notes to print. A file that cannot be added to as text is returned unchanged with a
    note naming why and what to add by hand."""
    # deferred: ruamel.yaml ~11 ms (CPU, measured): `add-context` imports this module without it
    from ruamel.yaml import YAML

    try:
        mine = load_plain(yours) if yours.strip() else {}
    except YamlInsertError as error:
        return yours, [f"left as it is: {error}"]
    loader = YAML()
    loader.preserve_quotes = True
    wanted = loader.load(generated) or {}
    plan = plan_additions(mine if isinstance(mine, Mapping) else {}, wanted)
    have = mine.get("services") if isinstance(mine, Mapping) else None
    provided = {name: name for name in wanted.get("services") or {} if name in (have or {})}
    for name, user in {**provided, **plan.reused}.items():
        plan.notes += missing_database_notes(name, user, wanted["services"][name], yours)
    if not plan.services and not plan.volumes:
        return yours, plan.notes
    try:
        text = add_entries(
            yours, {"services": plan.services, "volumes": plan.volumes}, prefer="services"
        )
    except YamlInsertError as error:
        names = ", ".join(plan.services) or ", ".join(plan.volumes)
        return yours, [
            *plan.notes,
            f"left as it is: {error}; add by hand: {names}",
        ]
    return text, plan.notes


# A service's key in a compose file protean-init renders (two spaces under `services:`): both
# texts compared with it are our own template's output, never the user's file.
_SERVICE_KEY = re.compile(r"^  ([A-Za-z0-9_.-]+):[ \t]*$", re.MULTILINE)


def _service_keys(generated: str) -> frozenset[str]:
    return frozenset(_SERVICE_KEY.findall(generated))


def reuse_in_generated(yours: str, base: str, new: str) -> tuple[str, list[str]]:
    """For a compose file protean-init wrote (merged three ways with its last generated text):
    the regenerated text without each service it adds that a service the user added already
    provides (their `db` on mysql:8.0 or mariadb:11.4 for a new mysql), and the notes to print.

    Merged as it was, the added service would publish the port the user's already publishes,
    or conflict with it; the user's is used instead, as for a compose file protean-init did
    not write. A later merge keeps it so: the snapshot's render has the service, the user's
    file does not, and a deletion on the user's side is kept."""

    if _service_keys(new) <= _service_keys(base):
        # Nothing added since the last generation (most edits): nothing to reuse, and the
        # three YAML parses (85 ms of add-database at 100 databases) are not needed.
        return new, []
    try:
        mine, before, after = (load_plain(text) or {} for text in (yours, base, new))
    except YamlInsertError:
        return new, []  # the merge says what is wrong with the file
    services = [
        doc.get("services") if isinstance(doc, Mapping) else None for doc in (mine, before, after)
    ]
    have, had, wanted = (s if isinstance(s, Mapping) else {} for s in services)
    reused: dict[str, str] = {}
    for name in wanted:
        if name in had:
            continue
        if name in have:
            # Their own service of that name: a second key of it would be invalid YAML.
            reused[str(name)] = str(name)
            continue
        user = next(
            (
                str(other)
                for other, spec in have.items()
                if other not in wanted and isinstance(spec, Mapping)
                if serves(spec.get("image"), str(name))
            ),
            None,
        )
        if user is not None:
            reused[str(name)] = user
    if not reused:
        return new, []
    notes = []
    for name, user in reused.items():
        spec = have[user]
        if name == user and not serves(
            spec.get("image") if isinstance(spec, Mapping) else None, name
        ):
            notes.append(
                f"your service `{user}` ({spec.get('image') if isinstance(spec, Mapping) else '?'})"
                f" has the name of the {name} service protean-init adds, and is not one: "
                f"{name} is not added; rename yours, then run `protean-init derive`"
            )
            continue
        notes.append(_reuse_note(name, user, spec, wanted[name]))
        notes += missing_database_notes(name, user, wanted[name], yours)
    volumes = {v for name in reused for v in _named_volumes(wanted[name])}
    return _drop_services(new, set(reused), volumes), notes


_TOP_KEY = re.compile(r"^([^\s#][^:]*):")
_ENTRY = re.compile(r"^  ([^\s#][^:]*):\s*$")


def _drop_services(text: str, names: set[str], volumes: set[str]) -> str:
    """protean-init's own rendered compose text without the services `names` (their entry,
    their named volumes, and the header's note on what their health check creates)."""
    out: list[str] = []
    section = None
    skipping = False
    dropped_note = False
    for line in text.splitlines(keepends=True):
        bare = line.rstrip("\n")
        top = _TOP_KEY.match(bare)
        entry = _ENTRY.match(bare)
        if top or not bare.strip():  # a service's entry has no blank line in it
            section, skipping = (top.group(1) if top else section), False
        elif entry and section == "services":
            skipping = entry.group(1) in names
        elif entry and section == "volumes" and entry.group(1) in volumes:
            continue
        if section is None and bare.startswith("# The "):
            dropped_note = any(bare.startswith(f"# The {name} health check") for name in names)
        elif section is None and not bare.startswith("# database's own"):
            dropped_note = False
        if skipping or (section is None and dropped_note):
            continue
        out.append(line)
    return "".join(out)
