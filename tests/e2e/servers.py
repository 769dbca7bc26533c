"""Locate, start and stop the real servers used by the end-to-end tests.

PostgreSQL runs through pytest-postgresql's ``PostgreSQLExecutor`` (pg_ctl under the hood),
Redis through pytest-redis's ``redis_proc`` factory (wired up in conftest.py), and Message DB
is installed into the PostgreSQL server by the npm package's own ``database/install.sh``.
Everything listens on 127.0.0.1 on a free port and keeps its files in a temp folder.

Lookup overrides (also handy to simulate a machine without the servers):

- ``PROTEAN_INIT_PG_BINDIR``: folder holding ``pg_ctl``, ``initdb``, ``postgres``, ``psql``.
- ``PROTEAN_INIT_REDIS_SERVER``: path to ``redis-server``.
- ``MESSAGE_DB_HOME``: folder of the ``@eventide/message-db`` npm package.
"""

from __future__ import annotations

import functools
import os
import pwd
import re
import shlex
import shutil
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import port_for
import psycopg
from pytest_postgresql.executors import PostgreSQLExecutor

REPO_ROOT = Path(__file__).resolve().parents[2]
REQUIRE_ENV = "PROTEAN_INIT_REQUIRE_SERVERS"
HOST = "127.0.0.1"
PG_SUPERUSER = "postgres"  # database role created by initdb; trusted on loopback
PG_OS_USER = "postgres"  # OS account the server runs as when the tests run as root
PG_DBNAME = "e2e"
MESSAGE_DB_NAME = "message_store"  # install.sh also creates a role with this name
INSTALL_HINT = "install with `bash scripts/install-test-services.sh` (as root)"
PG_TOOLS = ("pg_ctl", "initdb", "postgres", "psql", "createdb")


class ServerUnavailable(Exception):
    """A server's binaries or files are missing; the message says what and how to fix it."""


def servers_required() -> bool:
    """CI sets PROTEAN_INIT_REQUIRE_SERVERS=1: missing servers then fail instead of skip."""
    return os.environ.get(REQUIRE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


# --------------------------------------------------------------------------- lookup


def _major_version(bindir: Path) -> tuple[int, ...]:
    """/usr/lib/postgresql/15/bin -> (15,)"""
    return tuple(int(n) for n in re.findall(r"\d+", bindir.parent.name))


def find_pg_bindir() -> Path:
    """Folder with the PostgreSQL server tools.

    Debian keeps pg_ctl/initdb in /usr/lib/postgresql/<major>/bin, off PATH, so look there
    (newest major first) after the override and ``pg_config --bindir``, then on PATH.
    """
    override = os.environ.get("PROTEAN_INIT_PG_BINDIR")
    if override:
        candidates = [Path(override)]
    else:
        candidates = []
        pg_config = shutil.which("pg_config")
        if pg_config:
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=False
            )
            if out.returncode == 0 and out.stdout.strip():
                candidates.append(Path(out.stdout.strip()))
        candidates += sorted(
            (p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")),
            key=_major_version,
            reverse=True,
        )
        on_path = shutil.which("pg_ctl")
        if on_path:
            candidates.append(Path(on_path).resolve().parent)
    for bindir in candidates:
        if all(os.access(bindir / tool, os.X_OK) for tool in PG_TOOLS):
            return bindir
    where = (
        f"PROTEAN_INIT_PG_BINDIR={override}"
        if override
        else "pg_config, /usr/lib/postgresql/*/bin, PATH"
    )
    raise ServerUnavailable(
        f"PostgreSQL server binaries ({', '.join(PG_TOOLS)}) not found (looked in {where}); "
        f"{INSTALL_HINT} or `apt-get install postgresql`, or set PROTEAN_INIT_PG_BINDIR."
    )


def check_pg_can_run() -> None:
    """PostgreSQL refuses to run as root; as root we need the OS user to switch to."""
    if os.geteuid() != 0:
        return
    try:
        pwd.getpwnam(PG_OS_USER)
    except KeyError:
        raise ServerUnavailable(
            f"running as root but there is no `{PG_OS_USER}` OS user to run PostgreSQL as "
            f"(PostgreSQL refuses to run as root); the Debian `postgresql` package creates it: "
            f"{INSTALL_HINT}."
        ) from None
    if not shutil.which("setpriv"):
        raise ServerUnavailable(
            "running as root but `setpriv` (util-linux) is missing, needed to run PostgreSQL "
            "as the `postgres` user: `apt-get install util-linux`."
        )


def find_redis_server() -> str:
    override = os.environ.get("PROTEAN_INIT_REDIS_SERVER")
    found = override if override else shutil.which("redis-server")
    if found and os.access(found, os.X_OK) and not os.path.isdir(found):
        return found
    where = f"PROTEAN_INIT_REDIS_SERVER={override}" if override else "PATH"
    raise ServerUnavailable(
        f"redis-server not found (looked in {where}); {INSTALL_HINT} or "
        f"`apt-get install redis-server`, or set PROTEAN_INIT_REDIS_SERVER."
    )


def find_message_db() -> Path:
    """Folder of the @eventide/message-db npm package (holding database/install.sh)."""
    override = os.environ.get("MESSAGE_DB_HOME")
    home = (
        Path(override)
        if override
        else REPO_ROOT / ".cache/message-db/node_modules/@eventide/message-db"
    )
    if not (home / "database/install.sh").is_file():
        raise ServerUnavailable(
            f"Message DB npm package not found at {home} (no database/install.sh); "
            f"{INSTALL_HINT} or `npm install --prefix .cache/message-db @eventide/message-db` "
            f"in the repo root, or set MESSAGE_DB_HOME."
        )
    if not shutil.which("bash"):
        raise ServerUnavailable("bash, needed to run Message DB's install.sh, is not on PATH.")
    return home


# --------------------------------------------------------------------------- PostgreSQL


def _pg_ctl_command(bindir: Path, base: Path, run_dir: Path) -> str:
    """The pg_ctl to hand to pytest-postgresql's executor.

    PostgreSQL (initdb, pg_ctl and postgres alike) exits with "cannot be run as root", and
    the plugin calls pg_ctl for initdb/start/status/stop itself with no hook to switch user.
    So as root we give it a tiny wrapper that drops to the `postgres` OS user with setpriv
    (plain uid/gid switch: no PAM, no login shell, environment kept) and give that user the
    run folder. We don't use the `postgresql_proc` factory because it puts the data folder
    under pytest's basetemp, which is mode 0700 root and so unreachable for `postgres`;
    our run folder comes from tempfile instead (TMPDIR, /tmp by default, must let `postgres`
    through).
    """
    pg_ctl = bindir / "pg_ctl"
    if os.geteuid() != 0:
        return str(pg_ctl)
    account = pwd.getpwnam(PG_OS_USER)
    os.chown(run_dir, account.pw_uid, account.pw_gid)
    base.chmod(0o711)  # let `postgres` through to its run folder, nothing else
    wrapper = base / "pg_ctl-as-postgres"
    setpriv = shutil.which("setpriv") or "setpriv"
    ids = f"--reuid={account.pw_uid} --regid={account.pw_gid} --init-groups"
    wrapper.write_text(
        "#!/bin/sh\n"
        "# pg_ctl refuses root: run it as the postgres OS user (see tests/e2e/servers.py)\n"
        "cd / || exit 1\n"
        f'exec {shlex.quote(setpriv)} {ids} -- {shlex.quote(str(pg_ctl))} "$@"\n'
    )
    wrapper.chmod(stat.S_IRWXU)  # root-only, in a folder only root can write
    return str(wrapper)


STAT_STATEMENTS = "pg_stat_statements"


def _pkglibdir(bindir: Path) -> Path:
    pg_config = bindir / "pg_config"
    if os.access(pg_config, os.X_OK):
        out = subprocess.run(
            [str(pg_config), "--pkglibdir"], capture_output=True, text=True, check=False
        )
        if out.returncode == 0 and out.stdout.strip():
            return Path(out.stdout.strip())
    return bindir.parent / "lib"  # Debian: /usr/lib/postgresql/<major>/{bin,lib}


@functools.cache
def _stat_statements_options(bindir: Path) -> str:
    """Server options that load pg_stat_statements (shipped with the server), if present.

    The e2e tier reads from it which tables a generated project inserted rows into: the
    project's suite drops its tables at the end, and a dropped table's statistics go with it.
    ``track=all`` also counts statements run inside functions (Message DB's write_message).
    """
    if not (_pkglibdir(bindir) / f"{STAT_STATEMENTS}.so").is_file():
        return ""
    return f" -c shared_preload_libraries={STAT_STATEMENTS} -c {STAT_STATEMENTS}.track=all"


@dataclass
class PostgresServer:
    """One throwaway PostgreSQL cluster on 127.0.0.1:<free port>, trust auth on loopback."""

    bindir: Path
    port: int = 0
    base: Path | None = None
    executor: PostgreSQLExecutor | None = None
    _databases: set[str] = field(default_factory=set)

    def start(self) -> PostgresServer:
        self.base = Path(tempfile.mkdtemp(prefix="protean-init-e2e-pg-"))
        run_dir = self.base / "run"  # data folder, log and unix socket; owned by the server
        run_dir.mkdir()
        self.port = port_for.get_port(None)
        self.executor = PostgreSQLExecutor(
            executable=_pg_ctl_command(self.bindir, self.base, run_dir),
            host=HOST,
            port=self.port,
            datadir=str(run_dir / "data"),
            unixsocketdir=str(run_dir),
            logfile=str(run_dir / "postgresql.log"),
            startparams="-w",
            dbname=PG_DBNAME,
            user=PG_SUPERUSER,
            # initdb --auth=trust (the executor's default without a password) writes a
            # pg_hba.conf that trusts local sockets and 127.0.0.1/::1; listen on IPv4 loopback.
            postgres_options=f"-c listen_addresses={HOST}{_stat_statements_options(self.bindir)}",
        )
        try:
            self.executor.start()
            self._wait_until_ready()
            if _stat_statements_options(self.bindir):
                with psycopg.connect(self.url(), autocommit=True) as conn:
                    conn.execute(f"CREATE EXTENSION IF NOT EXISTS {STAT_STATEMENTS}")
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_ready(self, timeout: float = 60.0) -> None:
        """Wait for the server to take a session, not just a TCP connection.

        The executor returns once the port accepts connections, which can be while the
        server still answers "FATAL: the database system is starting up" (seen under load,
        e.g. two pytest-xdist workers starting clusters at once).
        """
        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(self.url(), connect_timeout=5):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        if self.executor is not None and self.executor.running():
            self.executor.stop()
        self.executor = None
        if self.base is not None:
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None

    def url(self, dbname: str = "postgres", user: str = PG_SUPERUSER) -> str:
        return f"postgresql://{user}@{HOST}:{self.port}/{dbname}"

    @property
    def has_stat_statements(self) -> bool:
        """pg_stat_statements is loaded and queryable from the ``postgres`` database."""
        return bool(_stat_statements_options(self.bindir))

    def create_database(self, dbname: str) -> str:
        if dbname not in self._databases:
            with psycopg.connect(self.url(), autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{dbname}"')
            self._databases.add(dbname)
        return self.url(dbname)

    def libpq_env(self) -> dict[str, str]:
        """Environment for libpq tools (psql, createdb) aimed at this server as superuser."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("PG") and k not in {"DATABASE_NAME", "CREATE_DATABASE"}
        }
        env.update(
            PGHOST=HOST,
            PGPORT=str(self.port),
            PGUSER=PG_SUPERUSER,
            PGCONNECT_TIMEOUT="10",
            PATH=f"{self.bindir}{os.pathsep}{env.get('PATH', '')}",
        )
        return env


# --------------------------------------------------------------------------- Message DB


def install_message_db(server: PostgresServer, home: Path) -> str:
    """Run Message DB's own installer against ``server``; return the message_store URL.

    install.sh takes no arguments: it reaches the server only through libpq env vars
    (PGHOST/PGPORT/PGUSER) with `psql`/`createdb` from PATH, must connect as a superuser
    (it creates a role, a database and the pgcrypto extension), reads DATABASE_NAME and
    CREATE_DATABASE, and is not re-runnable (createdb fails if the database exists). The
    role it creates has no password and no search_path; the default "$user" entry of the
    search_path resolves to its `message_store` schema, which the functions rely on.
    """
    env = server.libpq_env()
    env.update(DATABASE_NAME=MESSAGE_DB_NAME, PGOPTIONS="-c client_min_messages=warning")
    script = home / "database" / "install.sh"
    result = subprocess.run(
        ["bash", str(script)],
        cwd=script.parent,
        env=env,
        stdin=subprocess.DEVNULL,  # never sit at a password prompt
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"Message DB install.sh failed (exit {result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return server.url(MESSAGE_DB_NAME, user=MESSAGE_DB_NAME)


def timed(label: str, timings: dict[str, float], func, *args):
    """Call ``func(*args)`` and record how long it took under ``label``."""
    started = time.perf_counter()
    try:
        return func(*args)
    finally:
        timings[label] = time.perf_counter() - started
