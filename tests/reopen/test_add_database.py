"""`protean-init add-database`: every layout Protean reads, every file in one run.

After each run Protean's own loader (Config2.load_from_path, PROTEAN_ENV set) must resolve
the new database in every environment to the provider asked for, domain.toml must have only
gained lines, and compose and CI must pass the real validators.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from tests.support.validators import (
    assert_compose_valid,
    assert_github_workflow_valid,
    assert_gitlab_ci_valid,
)

from .ci_shape import ci_integration, compose_services
from .support import (
    ANSWERS,
    COMPOSE,
    ENV_EXAMPLE,
    FIXTURES,
    GITHUB,
    GITLAB,
    assert_database_resolves,
    changed_files,
    only_insertions,
    resolved_databases,
    snapshot,
    write,
)

CI_FILE = {"github": GITHUB, "gitlab": GITLAB, "ci-none": None, "no-compose": GITHUB}


def assert_only_added(old: str, path: Path) -> str:
    new = path.read_bytes().decode()
    assert only_insertions(old, new), f"{path}: an original line was changed or moved"
    assert len(new) > len(old)
    return new


def assert_others_unchanged(before: dict, after: dict, name: str) -> None:
    """Every database that existed resolves, in every environment, as it did."""
    for env, tables in before.items():
        assert {k: v for k, v in after[env].items() if k != name} == tables, env


@pytest.mark.parametrize("variant", ["github", "gitlab", "ci-none", "no-compose"])
def test_generated_project_gains_a_database_needing_a_new_service(generated, cli, variant):
    root = generated(variant)
    config = root / "domain.toml"
    old = config.read_bytes().decode()
    before_db = resolved_databases(config)
    before = snapshot(root)

    result = cli("add-database archive --provider mysql --project", root)

    assert result.code == 0, result.err
    assert '@domain.aggregate(provider="archive")' in result.out
    new = assert_only_added(old, config)
    assert "[databases.archive]" in new and "[memory.databases.archive]" in new
    assert_database_resolves(config, "archive", "mysql", package="shop")
    assert_others_unchanged(before_db, resolved_databases(config), "archive")

    ci_file = CI_FILE[variant]
    # pyproject.toml: protean[mysql] joins the requirement.
    expected = {"domain.toml", ANSWERS, ENV_EXAMPLE, "pyproject.toml"}
    expected |= {ci_file} if ci_file else set()
    expected |= {COMPOSE} if variant != "no-compose" else set()
    assert changed_files(before, snapshot(root)) == expected
    assert "ARCHIVE_DATABASE_URL" in (root / ENV_EXAMPLE).read_text()

    if variant == "no-compose":
        assert not (root / COMPOSE).exists()
    else:
        assert "mysql" in compose_services(root)
        assert_compose_valid(root / COMPOSE)
    if ci_file is None:
        assert not (root / GITHUB).exists() and not (root / GITLAB).exists()
        return
    services, env = ci_integration(root, "gitlab" if variant == "gitlab" else "github")
    assert "mysql" in services
    assert env["ARCHIVE_DATABASE_URL"].startswith("mysql+pymysql://root:mysql@")
    if variant == "gitlab":
        assert_gitlab_ci_valid(root / GITLAB)
    else:
        assert_github_workflow_valid(root / GITHUB)


def test_per_environment_providers_as_in_the_issue(generated, cli):
    """`add-database reports --provider sqlite --env test=postgresql`."""
    root = generated()
    config = root / "domain.toml"
    old = config.read_text()
    before = snapshot(root)

    result = cli("add-database reports --provider sqlite --env test=postgresql --project", root)

    assert result.code == 0, result.err
    assert_only_added(old, config)
    resolved = assert_database_resolves(
        config, "reports", "sqlite", {"test": "postgresql"}, package="shop"
    )
    assert resolved == {
        "base": "sqlite",
        # A file path is no production database: the recommended server, from a variable.
        "production": "postgresql",
        "test": "postgresql",
        "memory": "memory",
    }
    # postgres already runs in compose and CI: no new service, one new CI variable, naming
    # the database of reports' own, which compose's health check and a CI step create.
    assert COMPOSE in changed_files(before, snapshot(root))
    assert compose_services(root) == {"postgres", "message-db", "redis"}
    compose = (root / COMPOSE).read_text()
    assert "createdb -U postgres shop_reports" in compose
    services, env = ci_integration(root, "github")
    assert env["REPORTS_DATABASE_URL"] == (
        "postgresql://postgres:postgres@localhost:5432/shop_reports"
    )
    assert "postgres" in services
    assert "createdb shop_reports" in (root / GITHUB).read_text()
    assert_github_workflow_valid(root / GITHUB)
    assert_compose_valid(root / COMPOSE)


def test_in_memory_database_touches_no_service_file(generated, cli):
    """The test environment needs nothing new: compose and CI stay byte for byte."""
    root = generated()
    before = snapshot(root)

    result = cli("add-database scratch --provider memory --project", root)

    assert result.code == 0, result.err
    assert changed_files(before, snapshot(root)) == {"domain.toml", ANSWERS}
    resolved = assert_database_resolves(root / "domain.toml", "scratch", "memory", package="shop")
    assert set(resolved.values()) == {"memory"}
    assert "[production.databases.scratch]" not in (root / "domain.toml").read_text()


def test_env_choice_overrides_the_memory_overlay(generated, cli):
    root = generated()
    result = cli(
        "add-database reports --provider postgresql",
        "--env memory=sqlite --env production=postgresql --project",
        root,
    )
    assert result.code == 0, result.err
    resolved = assert_database_resolves(
        root / "domain.toml",
        "reports",
        "postgresql",
        {"memory": "sqlite", "production": "postgresql"},
        package="shop",
    )
    assert resolved["memory"] == "sqlite"


def test_guide_fixture(guide_project, cli):
    """The production guide's domain.toml: its comments stay, compose and CI are created."""
    root = guide_project
    config = root / "domain.toml"
    old = config.read_text()
    before_db = resolved_databases(config)

    result = cli("add-database reports --provider postgresql --env test=postgresql --project", root)

    assert result.code == 0, result.err
    new = assert_only_added(old, config)
    assert "[memory" not in new  # the guide has no [memory] overlay to extend
    assert "[production.databases.reports]" in new and "[test.databases.reports]" in new
    assert_database_resolves(
        config, "reports", "postgresql", {"test": "postgresql"}, package="guide"
    )
    assert_others_unchanged(before_db, resolved_databases(config), "reports")
    # production uses postgres, redis and message-db; compose runs them all locally.
    assert {"postgres", "redis", "message-db"} <= compose_services(root)
    assert_compose_valid(root / COMPOSE)
    services, env = ci_integration(root, "github")
    assert "postgres" in services
    # Its own database, which the CI job creates before the tests.
    url = "postgresql://postgres:postgres@localhost:5432/guide_reports"
    assert env["REPORTS_DATABASE_URL"] == url
    assert "createdb guide_reports" in (root / GITHUB).read_text()
    assert_github_workflow_valid(root / GITHUB)
    assert "REPORTS_DATABASE_URL" in (root / ENV_EXAMPLE).read_text()


def test_protean_new_fixture_without_overlays(protean_new_project, cli):
    """No overlays: only base gains the table; the commented [logging] block stays."""
    root = protean_new_project
    config = root / "src" / "acme" / "domain.toml"
    old = config.read_text()

    result = cli("add-database reports --provider sqlite --project", root)

    assert result.code == 0, result.err
    new = assert_only_added(old, config)
    assert new.count("[") - old.count("[") == 1  # one header: [databases.reports]
    assert_database_resolves(config, "reports", "sqlite", package="acme")


PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "acme"
version = "0.1.0"
dependencies = ["protean[postgresql]==0.18.*"]

# Protean reads its configuration from [tool.protean]
[tool.protean]
debug = true
identity_strategy = 'uuid'
databases.default.provider = "memory"   # dotted keys define [tool.protean.databases]

[tool.protean.brokers.default]
provider = "inline"

[tool.protean.production]
debug = false

[tool.protean.production.databases.default]
provider = "postgresql"
database_uri = "${DATABASE_URL}"

# Linting
[tool.ruff]
line-length = 100
"""


def test_pyproject_tool_protean(tmp_path, cli):
    root = tmp_path / "acme"
    config = write(root / "pyproject.toml", PYPROJECT)

    result = cli(
        "add-database reports --provider postgresql --env production=postgresql --project", root
    )

    assert result.code == 0, result.err
    new = assert_only_added(PYPROJECT, config)
    assert "[tool.protean.databases.reports]" in new
    assert "[tool.protean.production.databases.reports]" in new
    assert new.index("[tool.protean.production.databases.reports]") < new.index("[tool.ruff]")
    assert_database_resolves(config, "reports", "postgresql", package="acme")
    assert_compose_valid(root / COMPOSE)


@pytest.mark.parametrize("where", [".", "src/shop"])
def test_dot_domain_toml(tmp_path, cli, where):
    root = tmp_path / "shop"
    write(root / "src" / "shop" / "__init__.py", "")
    config = root / where / ".domain.toml"
    shutil.copyfile(FIXTURES / "guide.domain.toml", config)
    old = config.read_text()

    result = cli("add-database reports --provider sqlite --project", root)

    assert result.code == 0, result.err
    assert f"{Path(where, '.domain.toml').as_posix()}" in result.out
    assert_only_added(old, config)
    assert not (root / "domain.toml").exists() and not (root / where / "domain.toml").exists()
    assert_database_resolves(config, "reports", "sqlite", package="shop")


def test_crlf_line_endings_are_kept(tmp_path, cli):
    root = tmp_path / "crlf"
    original = (FIXTURES / "guide.domain.toml").read_bytes().replace(b"\n", b"\r\n")
    config = root / "domain.toml"
    config.parent.mkdir()
    config.write_bytes(original)

    result = cli("add-database reports --provider sqlite --env test=postgresql --project", root)

    assert result.code == 0, result.err
    new = config.read_bytes()
    old_lines = original.split(b"\r\n")
    remaining = iter(new.split(b"\r\n"))
    assert all(line in remaining for line in old_lines), "an original line was lost or moved"
    assert new.count(b"\n") == new.count(b"\r\n"), "a new line ends in LF, not CRLF"
    assert new.count(b"\r") == new.count(b"\r\n")
    assert len(new.split(b"\r\n")) > len(old_lines)
    assert_database_resolves(config, "reports", "sqlite", {"test": "postgresql"}, package="crlf")


def test_permissions_are_kept(generated, cli):
    root = generated()
    names = set(snapshot(root))
    (root / "domain.toml").chmod(0o600)
    (root / COMPOSE).chmod(0o640)
    (root / GITHUB).chmod(0o664)

    inode = (root / "domain.toml").stat().st_ino

    result = cli("add-database archive --provider mysql --project", root)

    assert result.code == 0, result.err
    # Renamed into place, not rewritten: a reader never sees half a file.
    assert (root / "domain.toml").stat().st_ino != inode
    assert (root / "domain.toml").stat().st_mode & 0o777 == 0o600
    assert (root / COMPOSE).stat().st_mode & 0o777 == 0o640
    assert (root / GITHUB).stat().st_mode & 0o777 == 0o664
    assert "mysql:" in (root / COMPOSE).read_text()
    assert set(snapshot(root)) == names  # no temporary file left behind


def test_project_defaults_to_the_current_folder(generated, cli, monkeypatch):
    root = generated()
    monkeypatch.chdir(root)
    result = cli("add-database", "reports", "--provider", "sqlite")
    assert result.code == 0, result.err
    assert "[databases.reports]" in (root / "domain.toml").read_text()


def test_dot_domain_toml_wins_over_domain_toml(tmp_path, cli):
    """Protean's order in one folder: .domain.toml, domain.toml, pyproject.toml."""
    root = tmp_path / "shop"
    root.mkdir()
    shutil.copyfile(FIXTURES / "guide.domain.toml", root / ".domain.toml")
    write(root / "domain.toml", 'debug = true\n\n[databases.default]\nprovider = "memory"\n')
    write(root / "pyproject.toml", PYPROJECT)
    before = snapshot(root)

    result = cli("add-database reports --provider sqlite --project", root)

    assert result.code == 0, result.err
    assert "domain.toml" not in changed_files(before, snapshot(root))
    # pyproject.toml only gains the sqlite extra; its [tool.protean] is not the config read.
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    assert pyproject["tool"] == tomllib.loads(PYPROJECT)["tool"]
    # The project's name comes from pyproject.toml's [project] table.
    assert_database_resolves(root / ".domain.toml", "reports", "sqlite", package="acme")


def test_config_beside_the_domain_module_wins_over_the_root(tmp_path, cli):
    """Protean looks from the domain module's folder up: src/acme/domain.toml comes before a
    [tool.protean] table in the root pyproject.toml, so that is the file to edit."""
    root = tmp_path / "acme"
    write(root / "pyproject.toml", PYPROJECT)
    write(root / "src" / "acme" / "__init__.py", "")
    config = root / "src" / "acme" / "domain.toml"
    shutil.copyfile(FIXTURES / "protean-new.domain.toml", config)
    result = cli("add-database reports --provider sqlite --project", root)

    assert result.code == 0, result.err
    # pyproject.toml only gains the sqlite extra; its [tool.protean] is not the config read.
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    assert pyproject["tool"] == tomllib.loads(PYPROJECT)["tool"]
    assert_database_resolves(config, "reports", "sqlite", package="acme")


DOTTED = """\
[databases.default]
provider = "memory"

[production]
debug = false
databases.default.provider = "postgresql"   # dotted keys define production.databases
databases.default.database_uri = '${DATABASE_URL}'

[memory]
testing = true
"""


def test_overlay_written_with_dotted_keys(tmp_path, cli):
    root = tmp_path / "dotted"
    config = write(root / "domain.toml", DOTTED)

    result = cli("add-database reports --provider postgresql --project", root)

    assert result.code == 0, result.err
    new = assert_only_added(DOTTED, config)
    assert "[production.databases.reports]" in new and "[memory.databases.reports]" in new
    assert_database_resolves(config, "reports", "postgresql", package="dotted")
    assert resolved_databases(config)["production"]["default"] == {
        "provider": "postgresql",
        "database_uri": "value-of-DATABASE_URL",
    }


def test_non_ascii_comments_and_quoting_styles_stay(tmp_path, cli):
    text = (
        "# Configuración — ✓ ünïcödé\n"
        "debug = true\n"
        "identity_strategy = 'uuid'   # literal string\n"
        'event_processing = """sync"""\n'
        "\n"
        "[databases.default]\n"
        "provider = 'memory'\n"
        "\n"
        "[memory]  # in memory\n"
        "testing = true\n"
    )
    root = tmp_path / "uni"
    config = write(root / "domain.toml", text)
    result = cli("add-database reports --provider sqlite --project", root)
    assert result.code == 0, result.err
    assert_only_added(text, config)
    assert_database_resolves(config, "reports", "sqlite", package="uni")


def test_a_symlinked_config_is_edited_through_the_link(tmp_path, cli, monkeypatch):
    # A link out of the project is written through only when asked (tests/trust has the refusal).
    monkeypatch.setenv("PROTEAN_INIT_FOLLOW_OUTSIDE_LINKS", "1")
    shared = tmp_path / "shared" / "domain.toml"
    shared.parent.mkdir()
    shutil.copyfile(FIXTURES / "guide.domain.toml", shared)
    root = tmp_path / "linked"
    root.mkdir()
    (root / "domain.toml").symlink_to(shared)
    assert cli("add-database reports --provider sqlite --project", root).code == 0
    assert (root / "domain.toml").is_symlink()
    assert "[databases.reports]" in shared.read_text()


def test_a_project_whose_named_database_sorts_first_takes_another(tmp_path, cli):
    """The answers record keeps domain.toml's order, so the merge base matches the files."""
    root = tmp_path / "shop"
    assert (
        cli("new", str(root), "--defaults", "--set", "base.databases.analytics=postgresql").code
        == 0
    )
    result = cli("add-database reports --provider sqlite --project", root)
    assert result.code == 0, result.err
    assert "[databases.reports]" in (root / "domain.toml").read_text()


# --- without --provider: the default database's providers ------------------------------------


def test_without_a_provider_the_database_is_like_the_default_one_everywhere(generated, cli):
    """No --provider: in every environment Protean's loader resolves the new database to the
    provider the default one has there (memory in base and [memory], PostgreSQL in [test]
    and [production] for the default project), and the line says which it took and why."""
    root = generated("github")
    config = root / "domain.toml"
    old = config.read_text()
    before = resolved_databases(config)

    result = cli("add-database reports --project", root)

    assert result.code == 0, result.out + result.err
    assert_only_added(old, config)
    after = resolved_databases(config)
    assert {env: tables["reports"]["provider"] for env, tables in after.items()} == {
        env: tables["default"]["provider"] for env, tables in before.items()
    }
    assert len({tables["default"]["provider"] for tables in before.values()}) > 1
    assert "(base memory, production postgresql, test postgresql, memory memory: the " in (
        result.out
    )
    assert_others_unchanged(before, after, "reports")
    assert_compose_valid(root / COMPOSE)
    assert_github_workflow_valid(root / GITHUB)
    assert result.err == ""  # no "in memory in production" warning: production is PostgreSQL


def test_without_a_provider_an_env_given_wins(generated, cli):
    root = generated("github")
    config = root / "domain.toml"

    result = cli("add-database reports --env test=sqlite --project", root)

    assert result.code == 0, result.out + result.err
    resolved = {env: t["reports"]["provider"] for env, t in resolved_databases(config).items()}
    assert resolved == {
        "base": "memory",
        "production": "postgresql",
        "test": "sqlite",
        "memory": "memory",
    }
    said = "(base memory, production postgresql, test sqlite, memory memory: the default "
    assert said + "database's where --env names none)" in result.out


def test_without_a_provider_a_project_of_base_alone_takes_base_default(protean_new_project, cli):
    """A project `protean new` made (no overlays): the new database is on base's default's."""
    root = protean_new_project
    config = root / "src" / "acme" / "domain.toml"
    base = tomllib.loads(config.read_text())["databases"]["default"]["provider"]

    result = cli("add-database reports --project", root)

    assert result.code == 0, result.out + result.err
    assert_database_resolves(config, "reports", base, package="acme")


@pytest.mark.parametrize(
    ("default", "where"),
    [
        ('[databases.default]\nprovider = "my_store"\n', "databases.default"),
        (
            '[databases.default]\nprovider = "sqlite"\ndatabase_uri = "sqlite:///x.db"\n\n'
            '[production.databases.default]\nprovider = "dynamo"\n',
            "production.databases.default",
        ),
    ],
    ids=["base", "overlay"],
)
def test_without_a_provider_none_derived_is_refused_naming_the_allowed(
    tmp_path, cli, default, where
):
    """A default database on a provider protean-init does not add: no guess; one line naming
    where, the provider and the ones allowed, exit 2, nothing written."""
    root = tmp_path / "acme"
    write(root / "domain.toml", default)
    before = snapshot(root)

    result = cli("add-database reports --project", root)

    assert result.code == 2, result.out + result.err
    assert snapshot(root) == before
    (line,) = result.err.strip().splitlines()
    assert f"{where} has provider" in line and "pass --provider" in line, line
    assert "one of: memory, postgresql, sqlite, elasticsearch, mysql, mssql" in line, line
