"""Each named database gets storage of its own by default: `<package>_<name>` (a file for
sqlite, a database on the shared PostgreSQL), by one rule (scaffolder.spec.slots.default_local_url)
for every front end, and the derived files create the extra PostgreSQL databases: compose's
health check, a CI step. Compose and CI pass the real validators; `check` is clean.
(The commands run against a real PostgreSQL in tests/e2e/test_named_databases.py.)
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml

from scaffolder.catalog import PROVIDERS, Role
from scaffolder.spec.defaults import default_spec
from scaffolder.spec.slots import Slot, default_local_url
from scaffolder.ui.common.state import Draft
from tests.support.validators import assert_compose_valid, assert_github_workflow_valid

from .support import COMPOSE, GITHUB, GITLAB, write

REPORTS = Slot(Role.DATABASE, "reports")
PG = "postgresql://postgres:postgres@localhost:5432"


def local_default(root: Path, name: str) -> str:
    table = tomllib.loads((root / "domain.toml").read_text())["databases"][name]
    return table["database_uri"]


def healthcheck(root: Path) -> str:
    compose = yaml.safe_load((root / COMPOSE).read_text())
    return compose["services"]["postgres"]["healthcheck"]["test"][1]


def create_steps(root: Path) -> list[dict]:
    workflow = yaml.safe_load((root / GITHUB).read_text())
    steps = workflow["jobs"]["integration"]["steps"]
    return [s for s in steps if "createdb" in str(s.get("run", ""))]


def check_clean(cli, root: Path) -> None:
    result = cli("check --project", root)
    assert result.code == 0, result.out + result.err
    assert "error" not in result.out


def test_one_rule_for_every_front_end(tmp_path, cli, generated_projects):
    """`new --set`, `add-database`, `set` and the wizard's shown default agree."""
    made = tmp_path / "made" / "shop"
    assert cli("new", made, "--defaults --set base.databases.reports=postgresql").code == 0
    assert local_default(made, "reports") == f"${{REPORTS_DATABASE_URL|{PG}/shop_reports}}"

    added = generated_projects.copy(tmp_path / "added" / "shop")
    assert cli("add-database reports --provider postgresql --project", added).code == 0
    assert local_default(added, "reports") == local_default(made, "reports")

    set_ = generated_projects.copy(tmp_path / "set" / "shop")
    result = cli("set base.databases.ledger=postgresql --project", set_)
    assert result.code == 0, result.err
    assert local_default(set_, "ledger") == f"${{LEDGER_DATABASE_URL|{PG}/shop_ledger}}"
    # The default's database is unchanged.
    test = tomllib.loads((added / "domain.toml").read_text())["test"]["databases"]["default"]
    assert test["database_uri"] == f"${{DATABASE_URL|{PG}/shop}}"

    # The wizard's Connections step shows the same default, whichever provider.
    draft = Draft.from_spec(default_spec("shop"), Path("shop"))
    slot = draft.add_database("reports")
    for env in draft.environments():
        if env != "production":
            draft.set_provider(env, slot, "sqlite")
    assert draft.default_local_url(slot) == "sqlite:///shop_reports.db"
    sqlite = PROVIDERS[Role.DATABASE]["sqlite"]
    assert draft.default_local_url(slot) == default_local_url(slot, sqlite, "shop")
    for env in draft.environments():
        if env != "production":
            draft.set_provider(env, slot, "postgresql")
    assert draft.default_local_url(slot) == f"{PG}/shop_reports"


def test_compose_and_ci_create_each_named_database(generated, cli):
    root = generated()
    for name in ("reports", "ledger"):
        result = cli(f"add-database {name} --provider postgresql --project", root)
        assert result.code == 0, result.err
    check = healthcheck(root)
    # Ready first (over TCP: the init scripts' server listens on the socket only), then each
    # database: created over the socket when a connection to it fails.
    assert check.startswith("pg_isready -h 127.0.0.1 -U postgres && ")
    for db in ("shop_ledger", "shop_reports"):
        assert f"createdb -U postgres {db})" in check
    assert "$" not in check  # compose would interpolate it
    assert_compose_valid(root / COMPOSE)

    [step] = create_steps(root)
    assert step["run"] == "createdb shop_ledger && createdb shop_reports"
    assert step["env"]["PGUSER"] == "postgres" and step["env"]["PGPORT"] == "5432"
    workflow = yaml.safe_load((root / GITHUB).read_text())
    steps = workflow["jobs"]["integration"]["steps"]
    names = [s.get("run", s.get("uses")) for s in steps]
    # Before the tables are set up and the tests run.
    assert names.index(step["run"]) < names.index("pytest")
    assert_github_workflow_valid(root / GITHUB)
    check_clean(cli, root)

    # Removing one drops its creation; the other stays.
    assert cli("remove-database ledger --project", root).code == 0
    assert "shop_ledger" not in (root / COMPOSE).read_text()
    assert [s["run"] for s in create_steps(root)] == ["createdb shop_reports"]
    assert_compose_valid(root / COMPOSE)
    assert_github_workflow_valid(root / GITHUB)
    check_clean(cli, root)


def test_a_project_without_named_databases_gets_no_extra_step(generated):
    root = generated()
    assert healthcheck(root) == "pg_isready -h 127.0.0.1 -U postgres"
    assert create_steps(root) == []


def test_gitlab_ci_creates_it_too(generated, cli):
    root = generated("gitlab")
    assert cli("add-database reports --provider postgresql --project", root).code == 0
    job = yaml.safe_load((root / GITLAB).read_text())["test-integration"]
    assert job["variables"]["REPORTS_DATABASE_URL"].endswith("@postgres:5432/shop_reports")
    assert any("shop_reports" in line and "CREATE DATABASE" in line for line in job["script"])
    check_clean(cli, root)


def test_sqlite_named_databases_get_their_own_files(generated, cli):
    root = generated()
    for name in ("reports", "archive"):
        assert cli(f"add-database {name} --provider sqlite --project", root).code == 0
    assert local_default(root, "reports") == "${REPORTS_DATABASE_URL|sqlite:///shop_reports.db}"
    assert local_default(root, "archive") == "${ARCHIVE_DATABASE_URL|sqlite:///shop_archive.db}"


HANDWRITTEN = """\
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: postgres
      POSTGRES_DB: shop
    ports:
      - "5432:5432"
"""


@pytest.mark.parametrize("provider", ["postgresql"])
def test_a_users_postgres_is_told_to_create_it(tmp_path, cli, provider):
    """A compose file of the user's is only added to: the note names the database to create."""
    root = tmp_path / "shop"
    write(root / "pyproject.toml", '[project]\nname = "shop"\nversion = "0.1.0"\n')
    write(root / "src" / "shop" / "__init__.py", "")
    write(root / "domain.toml", f'[databases.default]\nprovider = "{provider}"\n')
    write(root / COMPOSE, HANDWRITTEN)
    result = cli(f"add-database reports --provider {provider} --project", root)
    assert result.code == 0, result.err
    assert (root / COMPOSE).read_text() == HANDWRITTEN
    said = result.out + result.err
    assert "creates no database 'shop_reports'" in said
    assert "createdb -U postgres shop_reports" in said
