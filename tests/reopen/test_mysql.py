"""MySQL as PostgreSQL is: a named database gets a database of its own (`<package>_<name>`)
that compose's health check and both CI files create, and `add-database --provider mysql`
beside a MySQL or MariaDB service the user added to protean-init's compose file uses theirs
instead of publishing its port a second time (or, beside another server on 3306, takes a free
port). Compose and CI pass the real validators; `check` is clean. (The commands run against
a real MariaDB in tests/e2e/test_named_mysql_databases.py.)
"""

from __future__ import annotations

import shutil
import tempfile
import tomllib
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.reopen.merge_compose import published_ports, serves
from tests.support.validators import (
    assert_compose_valid,
    assert_github_workflow_valid,
    assert_gitlab_ci_valid,
)

from .support import COMPOSE, GITHUB, GITLAB, snapshot, write

MYSQL = "mysql+pymysql://root:mysql@localhost"


def local_default(root: Path, name: str) -> str:
    return tomllib.loads((root / "domain.toml").read_text())["databases"][name]["database_uri"]


def compose_services(root: Path) -> dict:
    return yaml.safe_load((root / COMPOSE).read_text())["services"]


def check_clean(cli, root: Path) -> str:
    result = cli("check --project", root)
    assert result.code == 0, result.out + result.err
    assert "error" not in result.out, result.out
    return result.out


def test_a_named_mysql_database_has_its_own_created_by_compose_and_ci(generated, cli):
    root = generated()
    for name in ("reports", "ledger"):
        result = cli(f"add-database {name} --provider mysql --project", root)
        assert result.code == 0, result.err
    assert local_default(root, "reports") == f"${{REPORTS_DATABASE_URL|{MYSQL}:3306/shop_reports}}"
    assert local_default(root, "ledger") == f"${{LEDGER_DATABASE_URL|{MYSQL}:3306/shop_ledger}}"

    mysql = compose_services(root)["mysql"]
    assert mysql["environment"]["MYSQL_DATABASE"] == "shop"
    check = mysql["healthcheck"]["test"][1]
    # Ready first, with the client either image has, then both databases.
    assert check.startswith("(mysqladmin ping -h 127.0.0.1 -uroot -pmysql --silent || ")
    sql = "CREATE DATABASE IF NOT EXISTS shop_ledger; CREATE DATABASE IF NOT EXISTS shop_reports"
    assert f"(mysql -h 127.0.0.1 -uroot -pmysql -e '{sql}' || mariadb " in check
    assert "$" not in check  # compose would interpolate it
    assert_compose_valid(root / COMPOSE)

    workflow = yaml.safe_load((root / GITHUB).read_text())
    steps = workflow["jobs"]["integration"]["steps"]
    [step] = [s for s in steps if s.get("name") == "Create the named databases on mysql"]
    assert "host='127.0.0.1', port=3306" in step["run"]
    assert "shop_ledger" in step["run"] and "shop_reports" in step["run"]
    runs = [s.get("run") for s in steps]
    assert runs.index(step["run"]) < runs.index("pytest")
    assert_github_workflow_valid(root / GITHUB)
    check_clean(cli, root)

    assert cli("ci --ci gitlab --project", root).code == 0
    job = yaml.safe_load((root / GITLAB).read_text())["test-integration"]
    assert job["variables"]["REPORTS_DATABASE_URL"].endswith("@mysql:3306/shop_reports")
    [line] = [s for s in job["script"] if "CREATE DATABASE" in s]
    assert "host='mysql', port=3306" in line and "shop_reports" in line
    assert_gitlab_ci_valid(root / GITLAB)


USERS_SERVICE = """\
  db:
    image: {image}
    environment:
      MYSQL_ROOT_PASSWORD: "mysql"
    ports:
      - "127.0.0.1:3306:3306"
"""


def add_users_service(root: Path, text: str, where: str) -> str:
    compose = (root / COMPOSE).read_text()
    if where == "first":
        compose = compose.replace("services:\n", "services:\n" + text, 1)
    else:
        compose = compose.replace("\nvolumes:\n", text + "\nvolumes:\n", 1)
    write(root / COMPOSE, compose)
    return compose


@pytest.mark.parametrize("where", ["first", "last"])
@pytest.mark.parametrize("image", ["mysql:8.0", "mariadb:11.4"])
def test_add_database_uses_the_users_mysql_in_a_generated_compose(generated, cli, image, where):
    """Before: a second `mysql` on 127.0.0.1:3306 beside theirs (exit 0, `up` fails), or a
    merge conflict. Now theirs is used: nothing added to compose, and the notes say what
    theirs lacks (the named database's own)."""
    root = generated()
    users = USERS_SERVICE.format(image=image)
    before = add_users_service(root, users, where)
    result = cli("add-database audit --provider mysql --project", root)
    assert result.code == 0, result.err
    assert (root / COMPOSE).read_text() == before  # nothing added, their bytes kept
    on_3306 = [n for n, s in compose_services(root).items() if 3306 in published_ports(s)]
    assert on_3306 == ["db"]
    said = result.out + result.err
    assert f"your service `db` ({image}) provides mysql: used, not duplicated" in said
    assert "CREATE DATABASE shop_audit" in said
    assert local_default(root, "audit") == f"${{AUDIT_DATABASE_URL|{MYSQL}:3306/shop_audit}}"
    assert_compose_valid(root / COMPOSE)
    check_clean(cli, root)

    # A later edit keeps it so: the snapshot's compose has `mysql`, theirs does not.
    assert cli("add-database ledger --provider sqlite --project", root).code == 0
    assert "mysql" not in compose_services(root)
    assert cli("derive --project", root).code == 0
    assert (root / COMPOSE).read_text() == before


def test_beside_another_server_on_3306_mysql_takes_a_free_port(generated, cli):
    root = generated()
    other = '  proxy:\n    image: nginx:1.27\n    ports:\n      - "127.0.0.1:3306:80"\n'
    # First in services: where the regenerated service goes (last) their lines do not meet.
    add_users_service(root, other, "first")
    result = cli("add-database audit --provider mysql --project", root)
    assert result.code == 0, result.err
    services = compose_services(root)
    assert published_ports(services["mysql"]) == {3307: 3306}
    assert published_ports(services["proxy"]) == {3306: 80}
    assert local_default(root, "audit") == f"${{AUDIT_DATABASE_URL|{MYSQL}:3307/shop_audit}}"
    assert_compose_valid(root / COMPOSE)
    check_clean(cli, root)


HANDWRITTEN = """\
services:
  db:
    image: mariadb:11.4
    environment:
      MARIADB_ROOT_PASSWORD: mysql
      MARIADB_DATABASE: shop
    ports:
      - "3306:3306"
"""


def test_a_users_mariadb_in_their_own_compose_is_told_to_create_it(tmp_path, cli):
    root = tmp_path / "shop"
    write(root / "pyproject.toml", '[project]\nname = "shop"\nversion = "0.1.0"\n')
    write(root / "src" / "shop" / "__init__.py", "")
    write(root / "domain.toml", '[databases.default]\nprovider = "memory"\n')
    write(root / COMPOSE, HANDWRITTEN)
    result = cli("add-database reports --provider mysql --project", root)
    assert result.code == 0, result.err
    assert (root / COMPOSE).read_text() == HANDWRITTEN
    said = result.out + result.err
    assert "your service `db` creates no database 'shop_reports'" in said
    assert "docker compose exec db mysql -uroot -p -e 'CREATE DATABASE shop_reports'" in said
    assert "createdb" not in said


_IMAGES = {
    # image -> the container port it serves on
    "mysql:8.0": 3306,
    "mariadb:11.4": 3306,
    "docker.io/library/mariadb:10.11": 3306,
    "mysql/mysql-server:8.0": 3306,
    "nginx:1.27": 80,  # another server on the port
}


def _ports(style: str, host: int, container: int) -> str:
    if style == "long":
        return f"      - target: {container}\n        published: {host}\n"
    bind = "127.0.0.1:" if style == "loopback" else ""
    return f'      - "{bind}{host}:{container}"\n'


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    image=st.sampled_from(sorted(_IMAGES)),
    name=st.sampled_from(["db", "mysql", "database"]),
    host=st.sampled_from([3306, 13306]),
    style=st.sampled_from(["loopback", "all", "long"]),
    where=st.sampled_from(["first", "middle", "last"]),
)
def test_add_database_mysql_never_publishes_a_port_twice(
    generated_projects, cli, image, name, host, style, where
):
    """Whatever server the user added to protean-init's compose file, under whatever name,
    port and placement: add-database --provider mysql either writes a compose file where no
    host port is published twice and domain.toml's new default reaches a MySQL, or stops
    with a conflict and writes nothing."""
    folder = Path(tempfile.mkdtemp(prefix="mysql-prop-"))
    try:
        root = folder / "shop"
        generated_projects.copy(root)
        container = _IMAGES[image]
        users = f"  {name}:\n    image: {image}\n    ports:\n" + _ports(style, host, container)
        compose = (root / COMPOSE).read_text()
        if where == "first":
            compose = compose.replace("services:\n", "services:\n" + users, 1)
        elif where == "middle":
            compose = compose.replace("  message-db:\n", users + "  message-db:\n", 1)
        else:
            compose = compose.replace("\nvolumes:\n", users + "\nvolumes:\n", 1)
        write(root / COMPOSE, compose)
        before = snapshot(root)

        result = cli("add-database audit --provider mysql --project", root)
        if result.code != 0:
            assert result.code == 1 and "conflict" in result.err, result.err
            assert snapshot(root) == before  # nothing written
            return
        services = compose_services(root)
        published = [port for spec in services.values() for port in published_ports(spec)]
        assert len(published) == len(set(published)), services
        if name == "mysql" and _IMAGES[image] != 3306:
            # Their `mysql` is another server: a second `mysql` key would be invalid YAML.
            assert "has the name of the mysql service protean-init adds" in result.err
            return
        default = local_default(root, "audit")
        port = int(default.rsplit(":", 1)[1].split("/")[0])
        [serving] = [
            n
            for n, spec in services.items()
            if published_ports(spec).get(port) == 3306 and serves(spec.get("image"), "mysql")
        ]
        if _IMAGES[image] == 3306:
            assert serving == name  # theirs is used
        check = cli("check --project", root)
        assert "compose-port-conflict" not in check.out, check.out
    finally:
        shutil.rmtree(folder, ignore_errors=True)
