"""Where a connection URL connects, judged once (connection_target.target) for compose's plan,
the workspace's and check's rules and the secrets: a libpq/psycopg URL's query `host=` (and
`hostaddr=`) overrides its netloc's host, a host list names several, a Unix socket's
directory is this machine by no TCP port. A URL that names any host but this machine by TCP
is not compose's server: compose publishes no port for it and creates no database on it.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from scaffolder.catalog import Role
from scaffolder.connection_target import target
from scaffolder.plan import plan_project
from scaffolder.project_files import find_config, parse_config

# Hosts by what they are, as a test's oracle: not read through is_local_host.
LOCAL = ["localhost", "LocalHost", "127.0.0.1", "127.0.0.9", "[::1]", "0.0.0.0"]
REMOTE = ["db.example.com", "10.0.0.5", "127.example.com", "localhost.example.com", "[::2]"]
SOCKET = "/var/run/postgresql"


@dataclass(frozen=True)
class Host:
    name: str
    kind: str  # "local", "remote", "socket"


def hosts(*, socket: bool) -> st.SearchStrategy[Host]:
    kinds = [
        st.sampled_from(LOCAL).map(lambda h: Host(h, "local")),
        st.sampled_from(REMOTE).map(lambda h: Host(h, "remote")),
    ]
    if socket:
        kinds.append(st.just(Host(SOCKET, "socket")))
    return st.one_of(*kinds)


def _escaped(name: str, escape: bool, *, netloc: bool) -> str:
    """`name` as a URL writes it: a socket's directory in a netloc percent-encoded (libpq's
    form), one letter percent-encoded when `escape`."""
    if netloc and name.startswith("/"):
        return quote(name, safe="")
    if escape and name[:1].isalpha():
        return f"%{ord(name[0]):02X}{name[1:]}"
    return name


@st.composite
def urls(draw: st.DrawFn) -> tuple[str, list[Host]]:
    """A PostgreSQL URL on port 5439 naming database shop_reports, in one of the styles
    libpq, psycopg and SQLAlchemy read: netloc host or host list, query `host=` (a list, or
    the key repeated), `hostaddr=`, socket directories, percent-escapes; its hosts."""
    netloc = draw(st.lists(hosts(socket=True), max_size=3))
    query = draw(st.lists(hosts(socket=True), max_size=2))
    if not netloc and not query:
        netloc = [draw(hosts(socket=False))]
    escape = draw(st.booleans())
    written = ",".join(_escaped(h.name, escape, netloc=True) for h in netloc)
    if netloc:  # libpq pairs a list's ports with its hosts: one port for each
        written = ",".join(f"{w}:5439" for w in written.split(","))
    url = f"postgresql://postgres:postgres@{written}/shop_reports"
    if query:
        key = draw(st.sampled_from(["host", "hostaddr", " host "]))
        names = [_escaped(h.name, escape, netloc=False) for h in query]
        if draw(st.booleans()):
            params = [f"{key}={','.join(names)}"]
        else:
            params = [f"{key}={name}" for name in names]
        if not netloc:
            params.append("port=5439")
        params.insert(draw(st.integers(0, len(params))), "sslmode=prefer")
        url += "?" + "&".join(params)
    return url, netloc + query


@dataclass(frozen=True)
class Placement:
    """How the URL stands in domain.toml: the whole of a variable's default, or with its
    first host the default of a variable of its own."""

    whole: bool

    def written(self, url: str, first: str) -> str:
        if self.whole:
            return f"${{REPORTS_DATABASE_URL|{url}}}"
        return url.replace(first, f"${{REPORTS_HOST|{first}}}", 1)


CONFIG = """\
[databases.default]
provider = "memory"

[databases.reports]
provider = "postgresql"
database_uri = "{uri}"
"""


def _plan_of(uri: str) -> tuple[int, tuple[str, ...]]:
    """The port compose publishes PostgreSQL on and the databases it creates, for a config
    whose reports database reads `uri`."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "domain.toml").write_text(CONFIG.format(uri=uri.replace('"', '\\"')))
        config = find_config(Path(folder))
        assert config is not None
        tree = parse_config(config.path.read_text(), config)
    (postgres,) = plan_project(tree, "shop", "shop").services
    return postgres.service.port, postgres.databases


@settings(max_examples=400, deadline=None)
@given(urls(), st.builds(Placement, st.booleans()))
def test_compose_serves_a_url_only_when_every_host_it_names_is_this_machine_by_tcp(
    written: tuple[str, list[Host]], placement: Placement
) -> None:
    url, named = written
    first = url.split("@", 1)[1].split("/", 1)[0].split(",", 1)[0].split(":", 1)[0]
    if not first or "[" in first:
        placement = Placement(whole=True)
    local = all(h.kind == "local" for h in named)
    expected = (5439, ("shop_reports",)) if local else (5432, ())
    assert _plan_of(placement.written(url, first)) == expected, url


def test_a_query_host_elsewhere_is_not_compose_server() -> None:
    """The case as found: the netloc says localhost:5433, the query's host= (which libpq and
    psycopg connect to) another machine; compose published 5433 and created the database."""
    url = "postgresql://u:p@localhost:5433/shop_reports?host=db.example.com"
    assert _plan_of(f"${{REPORTS_DATABASE_URL|{url}}}") == (5432, ())
    found = target(url)
    assert found is not None
    assert (found.host, found.port, found.local) == ("db.example.com", 5433, False)


def test_a_unix_socket_is_this_machine_by_no_port() -> None:
    url = "postgresql://u:p@localhost:5433/shop_reports?host=/var/run/postgresql"
    assert _plan_of(f"${{REPORTS_DATABASE_URL|{url}}}") == (5432, ())
    found = target(url)
    assert found is not None
    assert (found.host, found.local) == ("/var/run/postgresql", False)


def test_a_query_host_of_this_machine_is_served_on_the_port_the_query_names() -> None:
    url = "postgresql:///shop_reports?host=localhost&port=5441"
    assert _plan_of(f"${{REPORTS_DATABASE_URL|{url}}}") == (5441, ("shop_reports",))


def test_derive_publishes_no_port_for_a_query_host_elsewhere(
    generated_projects, cli, tmp_path: Path
) -> None:
    """Through the command: a generated project whose test database's default names
    localhost:5439 in its netloc and another machine in its query; `derive` leaves compose's
    PostgreSQL on 5432 (it published 5439 for a server it does not run)."""
    root = generated_projects.copy(tmp_path / "shop")
    config = root / "domain.toml"
    text = config.read_text()
    old = "postgresql://postgres:postgres@localhost:5432/shop}"
    assert old in text
    config.write_text(
        text.replace(old, "postgresql://postgres:postgres@localhost:5439/shop?host=db.example.com}")
    )
    code, _, err = cli("derive --project", root)
    assert code == 0, err
    compose = yaml.safe_load((root / "docker-compose.yml").read_text())
    ports = [p for service in compose["services"].values() for p in service.get("ports", [])]
    assert not any(":5439:" in str(p) for p in ports), ports


def test_a_workspace_context_owns_no_database_on_another_machine() -> None:
    """context_owned (two contexts on one local database) reads the same judgement: a
    database its query's host= puts on another machine, or behind a socket, is no local one."""
    from scaffolder.context_owned import local_database
    from scaffolder.spec.slots import Slot

    slot = Slot(Role.DATABASE, "default")
    local = "postgresql://postgres:postgres@localhost:5432/shop_ordering"
    assert local_database(slot, {"provider": "postgresql", "database_uri": local}) == (
        5432,
        "shop_ordering",
    )
    for query in ("?host=db.example.com", "?host=/var/run/postgresql", "?hostaddr=10.0.0.5"):
        table = {"provider": "postgresql", "database_uri": f"${{URL|{local}{query}}}"}
        assert local_database(slot, table) is None, query
