"""A workspace context's new database, added to the workspace's init script, is created when
PostgreSQL's image would run that script: the script as edited runs against a real server
(bash for a shell script, psql -f for SQL, as docker-entrypoint-initdb.d runs them) and every
database it names exists afterwards, the new one among them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg
import pytest

from scaffolder.database_creation import created_databases
from tests.e2e import servers
from tests.workspace.layouts import workspace

CONTEXTS = ("wsorders", "wspay")


def _databases(server: servers.PostgresServer) -> set[str]:
    with psycopg.connect(server.url(), autocommit=True) as conn:
        return {row[0] for row in conn.execute("SELECT datname FROM pg_database")}


def _drop(server: servers.PostgresServer, names: set[str]) -> None:
    with psycopg.connect(server.url(), autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.mark.parametrize("kind", ["shell", "sql"])
def test_the_edited_init_script_creates_the_new_database(
    cli, e2e_postgres_server: servers.PostgresServer, tmp_path: Path, kind: str
) -> None:
    root = workspace(tmp_path / "shop", CONTEXTS)
    initdb = root / "ops" / "initdb"
    script = initdb / "10-databases.sh"
    if kind == "sql":
        sql = "".join(
            f"CREATE DATABASE {name};\n" for name in sorted(created_databases(script.read_text()))
        )
        script.unlink()
        script = initdb / "10-databases.sql"
        script.write_text(sql)
    argv = ["add-database", "reports", "--provider", "postgresql", "--context", "wspay"]
    ran = cli([*argv, "--project", root])
    assert ran.code == 0, ran.printed
    wanted = created_databases(script.read_text())
    # Named as the context's own databases are (wspay_local, wspay_test).
    assert {"wspay_reports_local", "wspay_reports_test"} <= wanted
    env = e2e_postgres_server.libpq_env()
    env["POSTGRES_USER"] = servers.PG_SUPERUSER
    command = (
        ["bash", str(script)]
        if kind == "shell"
        else ["psql", "-v", "ON_ERROR_STOP=1", "-f", str(script)]
    )
    try:
        result = subprocess.run(
            command, env=env, capture_output=True, text=True, check=False, timeout=60
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert wanted <= _databases(e2e_postgres_server)
    finally:
        _drop(e2e_postgres_server, set(wanted))
