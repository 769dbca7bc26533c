"""Locate, start and stop the real servers used by the end-to-end tests.

PostgreSQL runs through pytest-postgresql's ``PostgreSQLExecutor`` (pg_ctl under the hood),
Redis through pytest-redis's ``redis_proc`` factory (wired up in conftest.py), Message DB
is installed into the PostgreSQL server by the npm package's own ``database/install.sh``, and
MariaDB (Debian's ``mariadb-server``, standing in for the ``mysql:8.4`` image the generated
files use) is ``mariadb-install-db`` then ``mariadbd --no-defaults``.
Everything listens on 127.0.0.1 on a free port and keeps its files in a temp folder.

Lookup overrides (also handy to simulate a machine without the servers):

- ``PROTEAN_INIT_PG_BINDIR``: folder holding ``pg_ctl``, ``initdb``, ``postgres``, ``psql``.
- ``PROTEAN_INIT_REDIS_SERVER``: path to ``redis-server``.
- ``MESSAGE_DB_HOME``: folder of the ``@eventide/message-db`` npm package.
- ``PROTEAN_INIT_MARIADB_BINDIR``: folder holding ``mariadbd``, ``mariadb-install-db`` and
  ``mariadb``.
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
import pymysql
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


# --------------------------------------------------------------------------- MariaDB

MARIADB_TOOLS = ("mariadbd", "mariadb-install-db", "mariadb")
# The generated compose and CI's MYSQL_ROOT_PASSWORD, so the health check and the CI steps
# run here as they are written.
MYSQL_ROOT_PASSWORD = "mysql"


def find_mariadb_bindir() -> dict[str, str]:
    """mariadbd, mariadb-install-db and mariadb: from the override, else PATH and /usr/sbin
    (Debian puts mariadbd there, off a non-root PATH)."""
    override = os.environ.get("PROTEAN_INIT_MARIADB_BINDIR")
    search = override or os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/bin"])
    found = {tool: shutil.which(tool, path=search) for tool in MARIADB_TOOLS}
    missing = [tool for tool, path in found.items() if path is None]
    if missing:
        where = f"PROTEAN_INIT_MARIADB_BINDIR={override}" if override else "PATH, /usr/sbin"
        raise ServerUnavailable(
            f"MariaDB ({', '.join(missing)}) not found (looked in {where}); {INSTALL_HINT} or "
            "`apt-get install mariadb-server`, or set PROTEAN_INIT_MARIADB_BINDIR."
        )
    return {tool: str(path) for tool, path in found.items()}


@dataclass
class MariadbServer:
    """One throwaway MariaDB on 127.0.0.1:<free port>; root's password is the generated
    compose's. Every statement is written to the general log, which the tier reads to tell
    which tables a project inserted into (its suite drops them at the end)."""

    tools: dict[str, str]
    port: int = 0
    base: Path | None = None
    process: subprocess.Popen | None = None

    @property
    def socket(self) -> Path:
        assert self.base is not None
        return self.base / "mariadb.sock"

    @property
    def general_log(self) -> Path:
        assert self.base is not None
        return self.base / "general.log"

    def start(self) -> MariadbServer:
        self.base = Path(tempfile.mkdtemp(prefix="protean-init-e2e-mariadb-"))
        datadir = self.base / "data"
        # As root the server runs as root (no OS account to hand the folder to); otherwise
        # as the user running the tests.
        as_user = ["--user=root"] if os.geteuid() == 0 else []
        install = subprocess.run(
            [
                self.tools["mariadb-install-db"],
                "--no-defaults",
                f"--datadir={datadir}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                *as_user,
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        if install.returncode != 0:
            self.stop()
            raise RuntimeError(f"mariadb-install-db failed:\n{install.stdout}\n{install.stderr}")
        self.port = port_for.get_port(None)
        log = open(self.base / "mariadbd.log", "wb")  # noqa: SIM115 - the server's for its life
        self.process = subprocess.Popen(
            [
                self.tools["mariadbd"],
                "--no-defaults",
                f"--datadir={datadir}",
                f"--socket={self.socket}",
                f"--port={self.port}",
                f"--bind-address={HOST}",
                f"--pid-file={self.base / 'mariadbd.pid'}",
                "--skip-name-resolve",
                "--general-log=1",
                f"--general-log-file={self.general_log}",
                *as_user,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        try:
            self._wait_until_ready()
            # root on the socket and on loopback gets the generated files' password; the
            # account for the machine's name is of no use with --skip-name-resolve.
            conn = self.connect(password="")
            try:
                with conn.cursor() as cursor:
                    cursor.execute("SELECT host FROM mysql.user WHERE user = 'root'")
                    for (host,) in list(cursor.fetchall()):
                        if host in ("localhost", HOST, "::1"):
                            sql = "ALTER USER 'root'@%s IDENTIFIED BY %s"
                            cursor.execute(sql, (host, MYSQL_ROOT_PASSWORD))
                        else:
                            cursor.execute("DROP USER 'root'@%s", (host,))
            finally:
                conn.close()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                assert self.base is not None
                raise RuntimeError(
                    f"mariadbd exited with {self.process.returncode}:\n"
                    + (self.base / "mariadbd.log").read_text(errors="replace")[-4000:]
                )
            try:
                self.query("SELECT 1", password="")
                return
            except pymysql.MySQLError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self.base is not None:
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None

    def connect(self, database: str | None = None, password: str = MYSQL_ROOT_PASSWORD):
        """A root connection over the server's socket."""
        return pymysql.connect(
            unix_socket=str(self.socket),
            user="root",
            password=password,
            database=database,
            autocommit=True,
            connect_timeout=5,
        )

    def query(
        self, sql: str, args: tuple = (), *, database: str | None = None, **connect
    ) -> list[tuple]:
        conn = self.connect(database, **connect)
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql, args or None)
                return list(cursor.fetchall())
        finally:
            conn.close()

    def url(self, dbname: str) -> str:
        """The URL a generated project reads, as its local default spells it."""
        return f"mysql+pymysql://root:{MYSQL_ROOT_PASSWORD}@{HOST}:{self.port}/{dbname}"

    def create_database(self, dbname: str) -> str:
        self.query(f"CREATE DATABASE IF NOT EXISTS `{dbname}`")
        return self.url(dbname)

    def databases(self) -> set[str]:
        return {name for (name,) in self.query("SHOW DATABASES")}

    def client_env(self) -> dict[str, str]:
        """Environment for the mysql/mariadb clients as the generated health check runs them
        (`-h 127.0.0.1` and no port): MYSQL_TCP_PORT aims them at this server."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MYSQL", "MARIADB"))}
        env["MYSQL_TCP_PORT"] = str(self.port)
        return env
