"""The commands protean-init's derived files use to create a named database's own MySQL
database, run for real against this tier's MariaDB: compose's health check (as the container
runs it, every 5 s; with the mysql:8.4 image's client names and with MariaDB 11's, which has no
`mysql` or `mysqladmin`), the GitHub CI step and the GitLab script line (PyMySQL). Each creates
exactly the databases the project's URLs name, the health check is idempotent and fails while
the server is unreachable, and nothing else on the server changes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from . import servers

PACKAGE = "ledgerapp"
NAMED = ("archive", "reports")
WANTED = {f"{PACKAGE}_{name}" for name in NAMED}


@pytest.fixture(scope="module")
def project(cli, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """mysql in test and production with two named mysql databases, GitHub and GitLab CI."""
    base = tmp_path_factory.mktemp("named-mysql")
    for ci in ("github", "gitlab"):
        root = base / ci / PACKAGE
        argv = ["new", root, "--defaults", "--ci", ci]
        for env in ("production", "test"):
            argv += ["--set", f"{env}.databases.default=mysql"]
        ran = cli(argv)
        assert ran.code == 0, ran.printed
        for name in NAMED:
            ran = cli(["add-database", name, "--provider", "mysql", "--project", root])
            assert ran.code == 0, ran.printed
    return base


def drop(server: servers.MariadbServer, names: set[str]) -> None:
    for name in names:
        server.query(f"DROP DATABASE IF EXISTS `{name}`")


def run_shell(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", "-c", command], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def health_check(project: Path) -> str:
    compose = yaml.safe_load((project / "github" / PACKAGE / "docker-compose.yml").read_text())
    return compose["services"]["mysql"]["healthcheck"]["test"][1]


def mariadb_11_path(server: servers.MariadbServer, folder: Path) -> str:
    """A PATH like MariaDB 11's image: `mariadb` and `mariadb-admin` (and `sh`), and no
    `mysql` or `mysqladmin`."""
    folder.mkdir(exist_ok=True)
    client = Path(server.tools["mariadb"])
    tools = {name: client.parent / name for name in ("mariadb", "mariadb-admin")}
    tools["sh"] = Path("/bin/sh").resolve()
    for name, path in tools.items():
        (folder / name).symlink_to(path)
    return str(folder)


@pytest.mark.parametrize("image", ["mysql:8.4 names", "mariadb:11 names"])
def test_compose_health_check_creates_them_once(project, e2e_mariadb_server, tmp_path, image):
    server = e2e_mariadb_server
    check = health_check(project)
    # In the container the server listens on 127.0.0.1:3306; here MYSQL_TCP_PORT aims the
    # same commands at this tier's server.
    env = server.client_env()
    if image.startswith("mariadb"):
        env["PATH"] = mariadb_11_path(server, tmp_path / "bin")
        assert run_shell("command -v mysql || command -v mysqladmin", env).returncode != 0
    drop(server, WANTED)
    before = server.databases()

    first = run_shell(check, env)
    assert first.returncode == 0, first.stderr
    assert server.databases() == before | WANTED

    # Every later check (every 5 s for the container's life) creates nothing and passes.
    for _ in range(2):
        again = run_shell(check, env)
        assert again.returncode == 0, again.stderr
        assert server.databases() == before | WANTED

    # A database dropped while the server runs is back after the next check.
    drop(server, {f"{PACKAGE}_reports"})
    assert run_shell(check, env).returncode == 0
    assert server.databases() == before | WANTED


def test_health_check_fails_while_the_server_is_unreachable(project, e2e_mariadb_server):
    import port_for

    env = e2e_mariadb_server.client_env()
    env["MYSQL_TCP_PORT"] = str(port_for.get_port(None))  # nothing listens there
    result = run_shell(health_check(project), env)
    assert result.returncode != 0, result


def _aimed(line: str, server: servers.MariadbServer, host: str) -> str:
    aimed = re.sub(
        rf"host='{host}', port=3306,", f"host='{servers.HOST}', port={server.port},", line
    )
    assert aimed != line, line
    return aimed.replace("python -c", f"{sys.executable} -c", 1)


def test_github_step_creates_them(project, e2e_mariadb_server):
    server = e2e_mariadb_server
    workflow = yaml.safe_load(
        (project / "github" / PACKAGE / ".github/workflows/ci.yml").read_text()
    )
    steps = workflow["jobs"]["integration"]["steps"]
    [step] = [s for s in steps if s.get("name") == "Create the named databases on mysql"]
    drop(server, WANTED)
    before = server.databases()

    # Run twice: a re-run of the job (or a cached service) finds them there already.
    for _ in range(2):
        result = run_shell(_aimed(step["run"], server, "127.0.0.1"), dict(os.environ))
        assert result.returncode == 0, result.stderr
        assert server.databases() == before | WANTED


def test_gitlab_script_line_creates_them(project, e2e_mariadb_server):
    server = e2e_mariadb_server
    job = yaml.safe_load((project / "gitlab" / PACKAGE / ".gitlab-ci.yml").read_text())[
        "test-integration"
    ]
    [line] = [s for s in job["script"] if "CREATE DATABASE" in s]
    # The service alias `mysql` on its container port -> this tier's server; `python` -> this
    # interpreter (which has PyMySQL, as the mysql extra installs it).
    drop(server, WANTED)
    before = server.databases()

    result = run_shell(_aimed(line, server, "mysql"), dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert server.databases() == before | WANTED
