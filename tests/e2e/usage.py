"""Point a generated project's variables at the tier's servers, and read back what it did there.

The project's own suite cleans up after itself (it empties databases, brokers and the event
store after each test and drops its tables at the end), so its use of the servers is read
from counters that survive the cleanup:

- PostgreSQL and Message DB: ``pg_stat_statements`` (loaded by servers.py), reset before
  the suite: the rows each INSERT affected, per database and table, kept after the table is
  dropped. (``pg_stat_database.tup_inserted`` is no good here: a backend's pending counts
  for a table it drops before its next statistics flush are discarded with the table, and
  Message DB's sequence is reset by the suite's ``TRUNCATE ... RESTART IDENTITY``.)
  ``track = all`` counts the INSERT inside Message DB's ``write_message`` function.
- Redis: ``INFO commandstats`` after ``CONFIG RESETSTAT``.
- MariaDB: its general log (servers.MariadbServer), read from a mark taken before the suite:
  the INSERT statements each connection ran, per database and table.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import redis

from . import servers

ROLE_STEMS = ("EVENT_STORE_URL", "DATABASE_URL", "BROKER_URL", "CACHE_URL")


@dataclass(frozen=True)
class Target:
    """Where one of the project's variables points in this tier."""

    variable: str
    kind: str  # postgresql | mysql | sqlite | redis | message_db
    url: str
    dbname: str | None = None  # postgresql, mysql: the project's own database
    path: Path | None = None  # sqlite: the database file
    redis_db: int | None = None
    # postgresql, mysql: a named database's own (`<package>_<name>`), which the project's CI
    # step creates (the tier does not): real_run runs that step before anything connects.
    created_by_project: bool = False


def slot_variable(stem: str, name: str) -> str:
    """The variable a slot reads: DATABASE_URL for `default`, REPORTS_DATABASE_URL for `reports`."""
    return stem if name == "default" else f"{name.upper()}_{stem}"


def point_variables(
    examples: dict[str, str],
    *,
    prefix: str,
    folder: Path,
    postgres: Any,
    redis_url: Any,
    message_db_url: Any,
    mariadb: Any = None,
) -> dict[str, Target]:
    """A target for every variable of the test environment's `.env.example` section.

    `postgres`, `redis_url`, `message_db_url` and `mariadb` are callables returning the shared
    server (or its URL), so a project that needs no server starts none. Each PostgreSQL and
    MySQL database variable gets a database of its own on the shared server; Redis variables
    keep the
    database index of their example (the broker and the cache use different ones).
    """
    targets: dict[str, Target] = {}
    for variable, example in sorted(examples.items()):
        stem = next((s for s in ROLE_STEMS if variable.endswith(s)), None)
        scheme = urlsplit(example).scheme
        if stem == "EVENT_STORE_URL" and scheme.startswith("postgresql"):
            targets[variable] = Target(variable, "message_db", message_db_url())
        elif stem == "DATABASE_URL" and scheme.startswith("postgresql"):
            server: servers.PostgresServer = postgres()
            own = urlsplit(example).path.lstrip("/")
            if own.startswith(f"{prefix}_"):
                # Its name as the project says; created by the project's own CI step.
                targets[variable] = Target(
                    variable, "postgresql", server.url(own), dbname=own, created_by_project=True
                )
                continue
            dbname = re.sub(r"[^a-z0-9_]", "_", f"{prefix}_{variable}".lower())
            targets[variable] = Target(
                variable, "postgresql", server.create_database(dbname), dbname=dbname
            )
        elif stem == "DATABASE_URL" and scheme.startswith(("mysql", "mariadb")):
            mysql: servers.MariadbServer = mariadb()
            own = urlsplit(example).path.lstrip("/")
            if own.startswith(f"{prefix}_"):
                targets[variable] = Target(
                    variable, "mysql", mysql.url(own), dbname=own, created_by_project=True
                )
                continue
            dbname = re.sub(r"[^a-z0-9_]", "_", f"{prefix}_{variable}".lower())
            targets[variable] = Target(
                variable, "mysql", mysql.create_database(dbname), dbname=dbname
            )
        elif stem == "DATABASE_URL" and scheme == "sqlite":
            path = folder / f"{variable.lower()}.db"
            targets[variable] = Target(variable, "sqlite", f"sqlite:///{path}", path=path)
        elif stem in {"BROKER_URL", "CACHE_URL"} and scheme == "redis":
            index = int(urlsplit(example).path.strip("/") or 0)
            base = urlsplit(redis_url())
            url = f"redis://{base.hostname}:{base.port}/{index}"
            targets[variable] = Target(variable, "redis", url, redis_db=index)
        else:
            raise AssertionError(
                f"the e2e tier has no server for {variable}={example} "
                "(teach tests/e2e/usage.py:point_variables about it)"
            )
    return targets


# --------------------------------------------------------------------------- PostgreSQL


def pg_connect(server: servers.PostgresServer, dbname: str) -> psycopg.Connection:
    return psycopg.connect(server.url(dbname), autocommit=True)


def pg_tables(server: servers.PostgresServer, dbname: str) -> set[str]:
    with pg_connect(server, dbname) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
    return {name for (name,) in rows}


def reset_statements(server: servers.PostgresServer) -> None:
    """Forget every statement counted so far, in every database of the cluster."""
    _require_statements(server)
    with pg_connect(server, "postgres") as conn:
        conn.execute(f"SELECT {servers.STAT_STATEMENTS}_reset()")


_INSERT = re.compile(r'\s*insert\s+into\s+(?:"?[\w]+"?\.)?"?(\w+)"?', re.IGNORECASE)


def inserted_rows(server: servers.PostgresServer, dbname: str) -> dict[str, int]:
    """{table: rows} inserted into `dbname` since the last reset, dropped tables included.

    Read from pg_stat_statements, which counts the rows each statement affected when the
    statement ends, so nothing waits on a statistics flush, and a table's count outlives the
    table (the generated suite drops its tables at the end).
    """
    _require_statements(server)
    with pg_connect(server, "postgres") as conn:
        rows = conn.execute(
            f"SELECT s.query, s.rows FROM {servers.STAT_STATEMENTS} s "
            "JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = %s",
            (dbname,),
        ).fetchall()
    counts: dict[str, int] = {}
    for query, affected in rows:
        match = _INSERT.match(query)
        if match and affected:
            counts[match.group(1)] = counts.get(match.group(1), 0) + int(affected)
    return counts


def _require_statements(server: servers.PostgresServer) -> None:
    if not server.has_stat_statements:
        raise AssertionError(
            f"{servers.STAT_STATEMENTS} is not installed with this PostgreSQL server "
            "(Debian ships it in the postgresql-<major> package); the e2e tier reads from it "
            "which tables a generated project wrote to"
        )


def pg_row(server: servers.PostgresServer, dbname: str, table: str, ident: str) -> dict | None:
    with pg_connect(server, dbname) as conn:
        cursor = conn.execute(f'SELECT * FROM "{table}" WHERE id = %s', (ident,))
        row = cursor.fetchone()
        names = [c.name for c in cursor.description or []]
    return dict(zip(names, row, strict=True)) if row else None


def stream_messages(message_db_url: str, stream: str) -> list[tuple[str, dict]]:
    with psycopg.connect(message_db_url) as conn:
        rows = conn.execute(
            "SELECT type, data FROM message_store.messages WHERE stream_name = %s "
            "ORDER BY position",
            (stream,),
        ).fetchall()
    return [(kind, data) for kind, data in rows]


# --------------------------------------------------------------------------- SQLite


def sqlite_tables(path: Path) -> set[str]:
    if not path.exists():
        return set()
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows}


def sqlite_row(path: Path, table: str, ident: str) -> dict | None:
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute(f'SELECT * FROM "{table}" WHERE id = ?', (ident,)).fetchone()
    return dict(row) if row else None


# --------------------------------------------------------------------------- Redis


def redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def redis_reset_stats(url: str) -> None:
    client = redis_client(url)
    try:
        client.config_resetstat()
    finally:
        client.close()


def redis_command_calls(url: str) -> dict[str, int]:
    """{command: calls} since the last CONFIG RESETSTAT, server-wide."""
    client = redis_client(url)
    try:
        stats = client.info("commandstats")
    finally:
        client.close()
    return {name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in stats.items()}


def redis_key_type(url: str, key: str) -> str:
    client = redis_client(url)
    try:
        kind = client.type(key)
    finally:
        client.close()
    return kind.decode() if isinstance(kind, bytes) else str(kind)


# --------------------------------------------------------------------------- MariaDB


def mysql_tables(server: servers.MariadbServer, dbname: str) -> set[str]:
    rows = server.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (dbname,)
    )
    return {name for (name,) in rows}


def mysql_row(server: servers.MariadbServer, dbname: str, table: str, ident: str) -> dict | None:
    conn = server.connect(dbname)
    try:
        with conn.cursor() as cursor:
            cursor.execute(f"SELECT * FROM `{table}` WHERE id = %s", (ident,))
            row = cursor.fetchone()
            names = [c[0] for c in cursor.description or []]
    finally:
        conn.close()
    return dict(zip(names, row, strict=True)) if row else None


def general_log_mark(server: servers.MariadbServer) -> int:
    """Where the general log ends now: what a later read counts from."""
    return server.general_log.stat().st_size


# A general log line: `[date time]\t<connection id> <command>\t<argument>`, and lines that
# continue a statement.
_LOG_LINE = re.compile(r"^(?:\d{6}\s+[\d:]+)?\s+(\d+)\s+(Connect|Init DB|Query|Quit)\t(.*)$")
_CONNECT_DB = re.compile(r" on (\S*) using ")
_MYSQL_INSERT = re.compile(r"\s*insert\s+into\s+(?:`?(\w+)`?\.)?`?(\w+)`?", re.IGNORECASE)


def mysql_inserts(server: servers.MariadbServer, since: int) -> dict[str, dict[str, int]]:
    """{database: {table: INSERT statements}} the server ran after the mark `since`.

    Each connection's database is the one it connected to or last chose (`Connect ... on DB`,
    `Init DB`); a statement that names `db.table` counts for that database."""
    with open(server.general_log, "rb") as log:
        log.seek(since)
        text = log.read().decode(errors="replace")
    current: dict[str, str] = {}
    counts: dict[str, dict[str, int]] = {}
    for line in text.splitlines():
        match = _LOG_LINE.match(line)
        if not match:
            continue
        connection, command, argument = match.groups()
        if command == "Connect":
            on = _CONNECT_DB.search(argument)
            current[connection] = on.group(1) if on else ""
        elif command == "Init DB":
            current[connection] = argument.strip()
        elif command == "Query" and (insert := _MYSQL_INSERT.match(argument)):
            database = insert.group(1) or current.get(connection, "")
            table = insert.group(2)
            per_table = counts.setdefault(database, {})
            per_table[table] = per_table.get(table, 0) + 1
    return counts
