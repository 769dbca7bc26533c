"""The commands protean-init's derived files use to create a named database's own PostgreSQL
database, run for real against this tier's PostgreSQL: compose's health check (as the postgres
container runs it, every 5 s), the GitHub CI step (createdb with the step's libpq variables),
the GitLab script line (psycopg). Each creates exactly the databases the project's URLs name,
the health check is idempotent, and nothing else in the cluster changes.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import yaml

from . import servers

PACKAGE = "ledgerapp"
NAMED = ("archive", "reports")
WANTED = {f"{PACKAGE}_{name}" for name in NAMED}


def databases(server: servers.PostgresServer) -> set[str]:
    with psycopg.connect(server.url(), autocommit=True) as conn:
        rows = conn.execute("SELECT datname FROM pg_database").fetchall()
    return {name for (name,) in rows}


def drop(server: servers.PostgresServer, names: set[str]) -> None:
    with psycopg.connect(server.url(), autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(scope="module")
def project(cli, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`new --defaults` (GitHub CI) and a GitLab twin, each with two named PostgreSQL databases."""
    base = tmp_path_factory.mktemp("named")
    for ci in ("github", "gitlab"):
        root = base / ci / PACKAGE
        ran = cli(["new", root, "--defaults", "--ci", ci])
        assert ran.code == 0, ran.printed
        for name in NAMED:
            ran = cli(["add-database", name, "--provider", "postgresql", "--project", root])
            assert ran.code == 0, ran.printed
    return base


def run_shell(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", "-c", command], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_compose_health_check_creates_them_once(project, e2e_postgres_server):
    server = e2e_postgres_server
    compose = yaml.safe_load((project / "github" / PACKAGE / "docker-compose.yml").read_text())
    check = compose["services"]["postgres"]["healthcheck"]["test"][1]
    # In the container the socket is trusted; here libpq's variables aim the same
    # commands at this tier's server (trusted on loopback).
    env = server.libpq_env()
    drop(server, WANTED)
    before = databases(server)

    first = run_shell(check, env)
    assert first.returncode == 0, first.stderr
    assert databases(server) == before | WANTED

    # Every later check (every 5 s for the container's life) creates nothing and passes.
    for _ in range(2):
        again = run_shell(check, env)
        assert again.returncode == 0, again.stderr
        assert databases(server) == before | WANTED

    # A database dropped while the server runs is back after the next check.
    drop(server, {f"{PACKAGE}_reports"})
    assert run_shell(check, env).returncode == 0
    assert databases(server) == before | WANTED


def test_github_step_creates_them(project, e2e_postgres_server):
    server = e2e_postgres_server
    workflow = yaml.safe_load(
        (project / "github" / PACKAGE / ".github/workflows/ci.yml").read_text()
    )
    [step] = [s for s in workflow["jobs"]["integration"]["steps"] if "createdb" in s.get("run", "")]
    env = server.libpq_env()
    # The step's own variables, but where this tier's server listens.
    env.update({k: str(v) for k, v in step["env"].items() if k not in {"PGHOST", "PGPORT"}})
    drop(server, WANTED)
    before = databases(server)

    result = run_shell(step["run"], env)
    assert result.returncode == 0, result.stderr
    assert databases(server) == before | WANTED


def test_gitlab_script_line_creates_them(project, e2e_postgres_server):
    server = e2e_postgres_server
    job = yaml.safe_load((project / "gitlab" / PACKAGE / ".gitlab-ci.yml").read_text())[
        "test-integration"
    ]
    [line] = [s for s in job["script"] if "CREATE DATABASE" in s]
    # The service alias `postgres` on its container port -> this tier's server; `python`
    # -> this interpreter (which has psycopg, as the postgresql extra installs it).
    aimed = re.sub(r"@postgres:5432/", f"@{servers.HOST}:{server.port}/", line)
    assert aimed != line
    aimed = aimed.replace("python -c", f"{sys.executable} -c", 1)
    drop(server, WANTED)
    before = databases(server)

    result = run_shell(aimed, server.libpq_env())
    assert result.returncode == 0, result.stderr
    assert databases(server) == before | WANTED
