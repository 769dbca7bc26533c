"""How a workspace names its contexts' databases (issue #24's sharing rules): one per context
and environment on the one PostgreSQL server, `<package>_<context>` and its test database
`<package>_<context>_test`; a named one `<package>_<context>_<name>` (`..._<name>_test`), read
from `<CONTEXT>_<NAME>_DATABASE_URL`. A test run never uses the database a developer runs on
(the suites delete what they write). Each database is created where the workspace creates
them (compose's health check, CI's service step) and listed in `.env.example`; Protean's own
loader reads every context in every environment as the names say."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from scaffolder.check import ERROR, run_check
from tests.support.cli import Result
from tests.support.projects import GeneratedProjects
from tests.support.protean_config import load_config
from tests.support.validators import assert_compose_valid, assert_github_workflow_valid

CONTEXTS = ("ordering", "catalogue")
COMPOSE = "docker-compose.yml"
CI = ".github/workflows/ci.yml"
ENV_EXAMPLE = ".env.example"
RECORD = ".copier-answers.protean-init.yml"


CONTEXT_OPTIONS = tuple(arg for name in CONTEXTS for arg in ("--context", name))


@pytest.fixture
def wsx(tmp_path: Path, generated_projects: GeneratedProjects) -> Path:
    """A fresh copy of `new wsx --defaults --context ordering --context catalogue`."""
    return generated_projects.copy(tmp_path / "wsx", *CONTEXT_OPTIONS)


def _run(cli: Callable[..., Result], root: Path, *argv: str) -> int:
    return cli(list(argv), "--project", root).code


def _database(root: Path, context: str, env: str, slot: str = "default") -> str:
    """The database `slot` of `context` connects to in `env`, as Protean resolves it with
    every variable unset (production: its variable's name)."""
    variables = {
        f"{context.upper()}_{stem}": f"postgresql://h/{context}_{stem.lower()}"
        for stem in ("DATABASE_URL", "CACHE_URL", "REPORTING_DATABASE_URL")
    }
    variables |= {"BROKER_URL": "redis://h/0", "EVENT_STORE_URL": "postgresql://h/es"}
    given = variables if env == "production" else None
    config = load_config(root / "src" / context, env, given, clear=variables)
    uri = config["databases"][slot]["database_uri"]
    return urlsplit(uri).path.lstrip("/")


def _healthcheck(root: Path) -> str:
    compose = yaml.safe_load((root / COMPOSE).read_text())
    return compose["services"]["postgres"]["healthcheck"]["test"][1]


def _integration(root: Path) -> dict:
    workflow = yaml.safe_load((root / CI).read_text())
    return next(job for name, job in workflow["jobs"].items() if "services" in job)


def _errors(root: Path) -> list[str]:
    return [
        f"{f.file}:{f.line}: {f.code}: {f.message}"
        for f in run_check(root, environ={}).findings
        if f.severity in (ERROR, "drift")
    ]


def _assert_derived_files_valid(root: Path) -> None:
    assert_compose_valid(root / COMPOSE)
    assert_github_workflow_valid(root / CI)
    assert _errors(root) == []


ON_POSTGRES = (*CONTEXT_OPTIONS, "--set", "base.databases.default=postgresql")


@pytest.fixture(scope="module")
def on_postgres(generated_projects: GeneratedProjects) -> Path:
    """A workspace whose base and test overlay are both on PostgreSQL (read-only)."""
    return generated_projects.pristine("wsx", ("--defaults", *ON_POSTGRES))


def test_each_context_has_a_test_database_of_its_own(on_postgres: Path) -> None:
    root = on_postgres
    for context in CONTEXTS:
        assert _database(root, context, "base") == f"wsx_{context}"
        assert _database(root, context, "test") == f"wsx_{context}_test"
        assert _database(root, context, "production") == f"{context}_database_url"
    # Compose's health check creates all four on the one server.
    check = _healthcheck(root)
    for context in CONTEXTS:
        for database in (f"wsx_{context}", f"wsx_{context}_test"):
            assert f"|| createdb -U postgres {database})" in check, database
    # CI's service step creates the test databases, and the test job reads them.
    job = _integration(root)
    step = next(s for s in job["steps"] if "createdb" in str(s.get("run", "")))
    for context in CONTEXTS:
        assert f"createdb wsx_{context}_test" in step["run"]
        assert job["env"][f"{context.upper()}_DATABASE_URL"].endswith(f"/wsx_{context}_test")
    # .env.example: each environment's own default.
    example = (root / ENV_EXAMPLE).read_text()
    test_section = example[example.index("# test (") :]
    base_section = example[example.index("# base (") : example.index("# production (")]
    for context in CONTEXTS:
        assert f"/wsx_{context}_test\n" in test_section
        assert f"/wsx_{context}\n" in base_section
    _assert_derived_files_valid(root)


def test_a_database_added_later_is_named_after_the_workspace_and_its_context(
    wsx: Path, cli
) -> None:
    root = wsx
    argv = ["add-database", "reporting", "--provider", "postgresql", "--context", "ordering"]
    assert _run(cli, root, *argv) == 0
    assert _database(root, "ordering", "base", "reporting") == "wsx_ordering_reporting"
    assert _database(root, "ordering", "test", "reporting") == "wsx_ordering_reporting_test"
    production = _database(root, "ordering", "production", "reporting")
    assert production == "ordering_reporting_database_url"
    for context in CONTEXTS:
        for env in ("production", "test"):
            assert _database(root, context, env)  # every context resolves everywhere
        for env in ("base", "memory"):
            config = load_config(root / "src" / context, env)
            assert config["databases"]["default"]["provider"] == "memory"
    check = _healthcheck(root)
    for database in ("wsx_ordering_reporting", "wsx_ordering_reporting_test"):
        assert f"|| createdb -U postgres {database})" in check
    job = _integration(root)
    assert job["env"]["ORDERING_REPORTING_DATABASE_URL"].endswith("/wsx_ordering_reporting_test")
    assert "createdb wsx_ordering_reporting_test" in str(job["steps"])
    assert "ORDERING_REPORTING_DATABASE_URL=" in (root / ENV_EXAMPLE).read_text()
    _assert_derived_files_valid(root)


def test_set_and_add_env_name_a_contexts_databases_by_the_workspaces_rule(wsx: Path, cli) -> None:
    root = wsx
    assert _run(cli, root, "set", "base.databases.default=postgresql", "--context", "ordering") == 0
    assert _database(root, "ordering", "base") == "wsx_ordering"
    assert _database(root, "ordering", "test") == "wsx_ordering_test"
    # The user takes catalogue's test overlay out by hand; add-env puts it back on its own
    # test database, not the base's.
    assert (
        _run(cli, root, "set", "base.databases.default=postgresql", "--context", "catalogue") == 0
    )
    config = root / "src/catalogue/domain.toml"
    text = config.read_text()
    start = text.index("# --- Test overlay")
    config.write_text(text[:start] + text[text.index("# --- Memory overlay") :])
    assert _run(cli, root, "add-env", "test", "--context", "catalogue") == 0
    assert _database(root, "catalogue", "base") == "wsx_catalogue"
    assert _database(root, "catalogue", "test") == "wsx_catalogue_test"
    _assert_derived_files_valid(root)


def test_the_record_takes_the_test_databases_for_protean_inits_own(
    tmp_path: Path, generated_projects: GeneratedProjects, cli
) -> None:
    """The record of an edited context holds no local URL for names protean-init gave (they
    are the rule's), so `new --answers` of it makes the same workspace again."""
    first = generated_projects.copy(tmp_path / "wsx", *ON_POSTGRES)
    argv = ["add-database", "reporting", "--provider", "postgresql", "--context", "ordering"]
    assert _run(cli, first, *argv) == 0
    record = yaml.safe_load((first / RECORD).read_text())
    assert not [key for key in record["contexts"]["ordering"] if key.startswith("local_urls.")]
    again = tmp_path / "again"
    assert cli("new", again, "--answers", first / RECORD).code == 0
    for context in CONTEXTS:
        path = f"src/{context}/domain.toml"
        assert (again / path).read_text() == (first / path).read_text(), path
