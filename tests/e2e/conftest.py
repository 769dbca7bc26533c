"""Session-scoped real servers for the end-to-end tier.

Fixtures (all session-scoped, each yields a URL string):

- ``postgres_url``: ``postgresql://postgres@127.0.0.1:<port>/e2e`` (superuser, trust auth)
- ``redis_url``: ``redis://127.0.0.1:<port>/0``
- ``message_db_url``: ``postgresql://message_store@127.0.0.1:<port>/message_store``, a
  separate database in the same PostgreSQL cluster, installed by Message DB's install.sh
- ``e2e_mariadb_server``: a MariaDB (root's password the generated compose's), for the
  projects with mysql databases

Servers start on first use and stop at the end of the session. Missing binaries or npm
package skip the tests that need them, or fail them when PROTEAN_INIT_REQUIRE_SERVERS=1.

Also, for the generated-project tests (test_generated_projects.py): ``uv`` (the installer,
skipped or failed like a server when missing), ``e2e_workspace`` (a folder for the generated
projects) and ``e2e_timings`` (label -> seconds, printed in the terminal summary).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from pytest_redis import factories

from . import projects, servers

T = TypeVar("T")
E2E_DIR = Path(__file__).parent
_timings: dict[str, float] = {}
_project_timings: dict[str, float] = {}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark everything under tests/e2e with ``e2e``."""
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _timings:
        parts = ", ".join(f"{name} {secs:.2f}s" for name, secs in _timings.items())
        terminalreporter.write_line(f"e2e server start-up: {parts}")
    if _project_timings:
        parts = ", ".join(f"{name} {secs:.1f}s" for name, secs in _project_timings.items())
        terminalreporter.write_line(f"e2e generated projects: {parts}")


def _require(find: Callable[[], T]) -> T:
    """Return ``find()``; if a server piece is missing, skip (or fail when CI requires it)."""
    try:
        return find()
    except servers.ServerUnavailable as exc:
        problem = exc  # report outside the except block: no chained traceback noise
    if servers.servers_required():
        pytest.fail(f"{servers.REQUIRE_ENV}=1 but {problem}", pytrace=False)
    pytest.skip(f"e2e server unavailable: {problem} (set {servers.REQUIRE_ENV}=1 to fail instead)")


def _redis_server_or_placeholder() -> str:
    try:
        return servers.find_redis_server()
    except servers.ServerUnavailable:
        return "redis-server"  # never started: redis_url checks again and skips/fails


# pytest-redis's own process factory: free port on loopback, data in pytest's tmp folder.
e2e_redis_proc = factories.redis_proc(
    executable=_redis_server_or_placeholder(), host=servers.HOST, port=None
)


@pytest.fixture(scope="session")
def e2e_postgres_server() -> Iterator[servers.PostgresServer]:
    """One PostgreSQL cluster shared by ``postgres_url`` and ``message_db_url``."""
    bindir = _require(servers.find_pg_bindir)
    _require(servers.check_pg_can_run)
    server = servers.PostgresServer(bindir)
    servers.timed("postgres", _timings, server.start)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(e2e_postgres_server: servers.PostgresServer) -> str:
    return e2e_postgres_server.create_database(servers.PG_DBNAME)


@pytest.fixture(scope="session")
def redis_url(request: pytest.FixtureRequest) -> str:
    _require(servers.find_redis_server)
    proc = servers.timed("redis", _timings, request.getfixturevalue, "e2e_redis_proc")
    return f"redis://{proc.host}:{proc.port}/0"


@pytest.fixture(scope="session")
def message_db_url(request: pytest.FixtureRequest) -> str:
    home = _require(servers.find_message_db)
    server: servers.PostgresServer = request.getfixturevalue("e2e_postgres_server")
    return servers.timed("message-db", _timings, servers.install_message_db, server, home)


@pytest.fixture(scope="session")
def e2e_mariadb_server() -> Iterator[servers.MariadbServer]:
    """One MariaDB for every mysql database of every project (each in its own database)."""
    tools = _require(servers.find_mariadb_bindir)
    server = servers.MariadbServer(tools)
    servers.timed("mariadb", _timings, server.start)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def uv() -> str:
    """The uv executable that installs each generated project into its own venv."""
    return _require(projects.find_uv)


@pytest.fixture(scope="session")
def e2e_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("projects")


@pytest.fixture(scope="session")
def e2e_timings() -> dict[str, float]:
    return _project_timings
