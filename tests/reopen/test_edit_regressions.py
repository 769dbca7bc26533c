"""The cases issue 11 reproduced, as regression tests: each ran on main before the edit model
and did the wrong thing (or nothing)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

from scaffolder.cli import route
from scaffolder.install import GROUP
from scaffolder.install import test_install_command as install_command
from tests.support.protean_config import load_config
from tests.support.validators import assert_github_workflow_valid

from .support import ANSWERS, COMPOSE, ENV_EXAMPLE, GITHUB, GITLAB, config_tree, snapshot
from .support import variable_names as names_in


def resolved(root: Path, env: str, variables: dict[str, str] | None = None) -> dict:
    names = names_in(config_tree(root / "domain.toml"))
    return load_config(root, env, variables or {}, clear=names)


def production(root: Path) -> dict:
    names = names_in(config_tree(root / "domain.toml"))
    return resolved(root, "production", {n: f"value-of-{n}" for n in names})


@pytest.fixture
def shop(generated, cli) -> Path:
    """`new shop --defaults` with a named database on postgresql."""
    root = generated()
    assert cli("add-database reports --provider postgresql --project", root).code == 0
    return root


# --- the vocabulary ----------------------------------------------------------------------------


def test_a_typo_in_a_slot_name_is_refused_with_the_closest_name(shop, cli):
    before = snapshot(shop)
    result = cli("set production.databases.report=postgresql --project", shop)
    assert result.code == 2
    assert "did you mean 'reports'?" in result.err
    assert "add-database report" in result.err  # how to add one, if that was meant
    assert snapshot(shop) == before


@pytest.mark.parametrize(
    "command", ["remove-database report", "rename-database report ledger", "remove-broker events"]
)
def test_removing_or_renaming_a_missing_slot_names_the_ones_there_and_offers_no_add(
    shop, cli, command
):
    """Adding the slot would not do what remove or rename asked: the refusal names the slots
    there (and the closest), not the command that adds one."""
    before = snapshot(shop)
    result = cli(f"{command} --project", shop)
    assert result.code == 2, result.out
    assert "in base: " in result.err and len(result.err.strip().splitlines()) == 1
    assert "add-" not in result.err and "to add one" not in result.err
    if "database" in command:
        assert "did you mean 'reports'?" in result.err
    assert snapshot(shop) == before


@pytest.mark.parametrize("name", ["report", "reprts", "reports2", "rep"])
def test_set_in_base_does_not_turn_a_typo_into_a_second_database(shop, cli, name):
    """`set base.databases.NAME=` adds a database, but a near miss of one the project has is
    a typo until said otherwise: refused, with the add-database command that means it."""
    before = snapshot(shop)
    result = cli(f"set base.databases.{name}=sqlite --project", shop)
    assert result.code == 2, result.out
    assert "did you mean 'reports'?" in result.err
    assert f"add-database {name} --provider sqlite" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert snapshot(shop) == before
    # Said on purpose, it is added.
    assert cli(f"add-database {name} --provider sqlite --project", shop).code == 0
    assert name in config_tree(shop / "domain.toml")["databases"]


def test_set_refuses_an_overlay_slot_base_lacks_as_new_does(shop, cli):
    result = cli("set test.caches.sessions=redis --project", shop)
    assert result.code == 2 and "has no caches.sessions" in result.err
    assert cli("new", shop.parent / "x", "--defaults --set test.caches.s=redis").code == 2


def test_a_server_slot_added_to_base_by_set_reads_a_variable_without_default_in_production(
    shop, cli
):
    result = cli("set base.databases.ledger=postgresql --project", shop)
    assert result.code == 0, result.err
    tree = config_tree(shop / "domain.toml")
    assert tree["production"]["databases"]["ledger"]["database_uri"] == "${LEDGER_DATABASE_URL}"
    assert production(shop)["databases"]["ledger"]["database_uri"] == "value-of-LEDGER_DATABASE_URL"
    # Unset, production refuses to start rather than reach a local default.
    others = names_in(tree) - {"LEDGER_DATABASE_URL"}
    with pytest.raises(Exception, match="LEDGER_DATABASE_URL"):
        resolved(shop, "production", {n: f"value-of-{n}" for n in others})
    # Its own database, not the one of databases.default.
    assert resolved(shop, "memory")["databases"]["ledger"]["provider"] == "memory"


def test_production_follows_base_off_memory_onto_a_server(generated, cli):
    """A database in memory everywhere; then base moves it to postgresql: production gets a
    `${VAR}` of its own, never base's local default."""
    root = generated()
    assert cli("add-database cache_db --provider memory --project", root).code == 0
    assert "cache_db" not in config_tree(root / "domain.toml")["production"].get("databases", {})
    assert cli("set base.databases.cache_db=postgresql --project", root).code == 0
    table = config_tree(root / "domain.toml")["production"]["databases"]["cache_db"]
    assert table == {"provider": "postgresql", "database_uri": "${CACHE_DB_DATABASE_URL}"}


@pytest.mark.parametrize(
    ("key", "env", "setting", "value"),
    [
        ("test.debug=false", "test", "debug", False),
        ("memory.event_processing=async", "memory", "event_processing", "async"),
        ("production.testing=true", "production", "testing", True),
        ("base.command_processing=async", "base", "command_processing", "async"),
    ],
)
def test_settings_are_set_as_new_sets_them(generated, cli, key, env, setting, value):
    root = generated()
    result = cli(f"set {key} --project", root)
    assert result.code == 0, result.err
    config = production(root) if env == "production" else resolved(root, env)
    assert config[setting] == value


def test_a_setting_inherit_drops_the_overlay_value(generated, cli):
    root = generated()
    assert resolved(root, "test")["testing"] is True
    assert cli("set test.testing=inherit --project", root).code == 0
    assert "testing" not in config_tree(root / "domain.toml")["test"]
    assert not resolved(root, "test")["testing"]  # base's: unset


def test_bad_values_name_what_is_allowed(generated, cli):
    root = generated()
    before = snapshot(root)
    for key, message in (
        ("test.debug=maybe", "expected true or false"),
        ("production.event_processing=asynch", "expected one of: sync, async"),
        ("base.debug=inherit", "only for overlays"),
        ("test.databases.default=postgres", "did you mean 'postgresql'?"),
        ("variables.databases.default=lower", "invalid variable name"),
        ("ci=gitlab", "protean-init ci --ci"),
    ):
        result = cli(f"set {key} --project", root)
        assert result.code == 2 and message in result.err, (key, result.err)
    assert snapshot(root) == before


def test_inherit_removes_exactly_the_overlay_table_and_the_diff_shows_it(generated, cli):
    root = generated()
    text = (root / "domain.toml").read_text()
    dry = cli("set test.caches.default=inherit --dry-run --project", root)
    assert dry.code == 0, dry.err
    assert "-[test.caches.default]" in dry.out and '-provider = "redis"' in dry.out
    assert cli("set test.caches.default=inherit --project", root).code == 0
    new = (root / "domain.toml").read_text()
    assert "[test.caches.default]" not in new
    # Only that table's lines went: every other line is there, in order.
    removed = [line for line in text.splitlines() if line not in new.splitlines()]
    assert removed and all("caches" in line or "CACHE_URL" in line for line in removed[:1])
    assert resolved(root, "test")["caches"]["default"]["provider"] == "memory"  # base's
    tree = config_tree(root / "domain.toml")
    assert tree["test"]["databases"] == config_tree(root / "domain.toml")["test"]["databases"]


def test_several_keys_are_one_edit(generated, cli):
    root = generated()
    result = cli("set test.debug=true production.caches.default=memory --project", root)
    assert result.code == 0, result.err
    assert resolved(root, "test")["debug"] is True
    assert production(root)["caches"]["default"]["provider"] == "memory"


def test_variables_key_renames_the_variable_in_every_environment(shop, cli):
    assert cli("set variables.databases.reports=LEDGER_URL --project", shop).code == 0
    tree = config_tree(shop / "domain.toml")
    assert "LEDGER_URL" in tree["databases"]["reports"]["database_uri"]
    assert tree["production"]["databases"]["reports"]["database_uri"] == "${LEDGER_URL}"
    assert "REPORTS_DATABASE_URL" not in (shop / ENV_EXAMPLE).read_text()
    assert "LEDGER_URL" in (shop / GITHUB).read_text()


# --- edits by name -----------------------------------------------------------------------------


def test_remove_database_removes_it_everywhere_and_from_the_derived_files(shop, cli):
    dry = cli("remove-database reports --dry-run --project", shop)
    assert "-[databases.reports]" in dry.out and "-[production.databases.reports]" in dry.out
    result = cli("remove-database reports --project", shop)
    assert result.code == 0, result.err
    tree = config_tree(shop / "domain.toml")
    assert "reports" not in tree["databases"]
    assert all("reports" not in tree[env].get("databases", {}) for env in ("production", "test"))
    for path in (ENV_EXAMPLE, GITHUB):
        assert "REPORTS_DATABASE_URL" not in (shop / path).read_text(), path
    from scaffolder.check import check_project

    assert not [f for f in check_project(shop) if f.severity == "error"]


def test_remove_default_is_refused(shop, cli):
    result = cli("remove-database default --project", shop)
    assert result.code == 2 and "Protean always has one" in result.err


def test_rename_database_renames_tables_and_the_default_variable(shop, cli):
    result = cli("rename-database reports ledger --project", shop)
    assert result.code == 0, result.err
    text = (shop / "domain.toml").read_text()
    # Renamed in place: names and the default variable; the storage it opens is kept.
    assert "reports" not in text.lower().replace("_reports", "") and "[databases.ledger]" in text
    assert "[production.databases.ledger]" in text
    for path in (ENV_EXAMPLE, GITHUB, ANSWERS):
        assert "REPORTS_DATABASE_URL" not in (shop / path).read_text(), path
    assert production(shop)["databases"]["ledger"]["database_uri"] == "value-of-LEDGER_DATABASE_URL"
    assert "provider='reports'" in result.out  # the code to change too


def test_rename_keeps_a_variable_the_user_named(shop, cli):
    assert cli("set variables.databases.reports=REPORTING_URL --project", shop).code == 0
    assert cli("rename-database reports ledger --project", shop).code == 0
    tree = config_tree(shop / "domain.toml")
    assert tree["production"]["databases"]["ledger"]["database_uri"] == "${REPORTING_URL}"


def test_brokers_and_caches_by_name(generated, cli):
    root = generated()
    assert cli("add-broker jobs --provider redis --project", root).code == 0
    assert cli("add-cache sessions --provider redis --env test=memory --project", root).code == 0
    assert production(root)["brokers"]["jobs"]["URI"] == "value-of-JOBS_BROKER_URL"
    assert resolved(root, "test")["caches"]["sessions"]["provider"] == "memory"
    assert resolved(root, "memory")["brokers"]["jobs"]["provider"] == "inline"
    assert cli("rename-cache sessions carts --project", root).code == 0
    assert cli("remove-broker jobs --project", root).code == 0
    tree = config_tree(root / "domain.toml")
    assert "jobs" not in tree["brokers"] and "carts" in tree["caches"]
    assert "CARTS_CACHE_URL" in (root / ENV_EXAMPLE).read_text()


def test_add_database_on_sqlite_gives_production_a_server(generated, cli):
    root = generated()
    assert cli("add-database reports --provider sqlite --project", root).code == 0
    table = production(root)["databases"]["reports"]
    assert table["provider"] == "postgresql"
    assert table["database_uri"] == "value-of-REPORTS_DATABASE_URL"


def test_named_sqlite_databases_get_their_own_file(generated, cli):
    root = generated()
    assert cli("set base.databases.default=sqlite --project", root).code == 0
    assert cli("add-database reports --provider sqlite --project", root).code == 0
    base = resolved(root, "base")["databases"]
    assert base["default"]["database_uri"] == "sqlite:///shop.db"
    assert base["reports"]["database_uri"] == "sqlite:///shop_reports.db"
    # `new` gives the same.
    fresh = root.parent / "fresh"
    sets = ["--set", "base.databases.default=sqlite", "--set", "base.databases.reports=sqlite"]
    assert cli("new", fresh, "--defaults --name shop", sets).code == 0
    assert "shop_reports.db" in (fresh / "domain.toml").read_text()


def test_derive_rederives_after_a_hand_edit(generated, cli):
    root = generated("no-compose")
    assert cli("derive --project", root).code == 0  # nothing to do: no byte changes
    before = snapshot(root)
    assert cli("derive --project", root).code == 0
    assert snapshot(root) == before
    root = generated()
    config = root / "domain.toml"
    config.write_text(
        config.read_text() + '\n[test.caches.sessions]\nprovider = "memory"\n'
        '\n[databases.audit]\nprovider = "mysql"\n'
        'database_uri = "${AUDIT_DATABASE_URL|mysql+pymysql://root:mysql@localhost:3306/shop}"\n'
    )
    result = cli("derive --project", root)
    assert result.code == 0, result.err
    assert "mysql:" in (root / COMPOSE).read_text()
    assert "AUDIT_DATABASE_URL" in (root / ENV_EXAMPLE).read_text()
    assert (
        "mysql"
        in tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"][0]
    )


def test_ci_switch_removes_the_old_workflow_in_the_same_change(generated, cli):
    root = generated()
    dry = cli("ci --ci gitlab --dry-run --project", root)
    assert f"deleted: {GITHUB}" in dry.out or "+++ /dev/null" in dry.out, dry.out
    result = cli("ci --ci gitlab --project", root)
    assert result.code == 0, result.err
    assert not (root / GITHUB).exists() and (root / GITLAB).is_file()
    answers = yaml.safe_load((root / ANSWERS).read_text())
    assert answers["ci"] == "gitlab" and GITHUB not in answers["derived_files"]


def test_ci_switch_keeps_a_workflow_with_lines_of_the_users(generated, cli):
    root = generated()
    workflow = root / GITHUB
    workflow.write_text(workflow.read_text() + "# my own note\n")
    result = cli("ci --ci gitlab --project", root)
    assert result.code == 0, result.err
    assert workflow.is_file() and "no longer regenerated" in result.out


# --- finding the project -----------------------------------------------------------------------


def test_the_project_is_found_from_a_folder_inside_it(shop, cli, monkeypatch):
    monkeypatch.chdir(shop / "tests")
    assert route([]) == ["edit", "--project", str(shop.resolve())]
    result = cli("set test.debug=false")
    assert result.code == 0, result.err
    assert config_tree(shop / "domain.toml")["test"]["debug"] is False
    assert not (shop / "tests" / "domain.toml").exists()


def test_the_project_is_found_from_inside_src_of_a_protean_new_layout(protean_new_project, cli):
    inner = protean_new_project / "src" / "acme"
    result = cli("add-env memory --project", inner)
    assert result.code == 0, result.err
    # The project root (where pyproject.toml is) holds the answers file, not src/acme.
    assert (protean_new_project / ANSWERS).is_file() and not (inner / ANSWERS).exists()


def test_the_search_stops_at_home(tmp_path, cli, monkeypatch):
    outer = tmp_path / "outer"
    (outer / "home" / "me" / "work").mkdir(parents=True)
    (outer / "domain.toml").write_text("debug = true\n")
    monkeypatch.setenv("HOME", str(outer / "home" / "me"))
    monkeypatch.chdir(outer / "home" / "me" / "work")
    result = cli("set base.debug=false")
    assert result.code == 2 and "no Protean config" in result.err
    assert (outer / "domain.toml").read_text() == "debug = true\n"


def test_new_over_a_project_refuses_even_with_force(shop, cli):
    before = snapshot(shop)
    for argv in (["new", str(shop), "--defaults", "--force"], ["new", str(shop / "tests")]):
        result = cli(*argv)
        assert result.code == 2, argv
        assert "is a Protean project already" in result.err and "add-database" in result.err
    assert snapshot(shop) == before


def test_new_over_a_project_points_at_the_one_list_of_commands(shop, cli):
    """The refusal names a few commands and the list of every one (`edit --ui none`), where
    it listed its own six and left out deploy: each it names is in that list."""
    refused = cli("new", str(shop), "--defaults").err
    listed = cli("edit --ui none --project", shop).out
    named = re.findall(r"(?:\(|, )([a-z-]+)(?= [A-Z]|, |\)| \.\.\.)", refused)
    assert {"add-database", "set", "ci", "deploy"} <= set(named), refused
    assert "protean-init edit --ui none there lists every one" in refused
    for command in named:
        assert f"protean-init {command}" in listed, (command, listed)


# --- the answers record ------------------------------------------------------------------------


def test_the_answers_record_is_portable_and_quiet(shop, cli):
    text = (shop / ANSWERS).read_text()
    assert "_src_path" not in text and str(Path.cwd()) not in text and "/tmp" not in text
    assert yaml.safe_load(text)["_template"].startswith("protean-init ")
    assert "copier-answers.protean-init.yml" in (shop / "README.md").read_text()
    assert ".copier-answers.yml`" not in (shop / "README.md").read_text()
    # An edit changes the `spec:` lines it is about (kept true to domain.toml) and the
    # snapshot's; what is recorded before them stays as written.
    head = text[: text.index("spec:")]
    long_url = "postgresql://" + "u" * 120 + "@localhost:5432/shop"
    assert cli(f"set local_urls.databases.reports={long_url} --project", shop).code == 0
    after = (shop / ANSWERS).read_text()
    assert after.startswith(head)
    spec = after[after.index("spec:") : after.index("generated_from:")]
    assert any(long_url in line for line in spec.splitlines())  # one line, not re-wrapped
    assert yaml.safe_load(after)["spec"]["local_urls"] == {"databases.reports": long_url}
    assert any(long_url in line for line in after.splitlines())


def test_invalid_values_never_reach_the_answers_record(generated, cli, tmp_path):
    answers = tmp_path / "answers.yml"
    answers.write_text("project_name: shop\nproduction.event_processing: asynch\n")
    result = cli("new", tmp_path / "x", "--answers", answers)
    assert result.code == 2 and "asynch" in result.err
    assert not (tmp_path / "x").exists()


# --- CI for a project's own way of declaring test tools ----------------------------------------


@pytest.mark.parametrize(
    ("pyproject", "expected"),
    [
        ('[project]\nname = "a"\n[project.optional-dependencies]\ntest = ["pytest"]\n', ".[test]"),
        ('[project]\nname = "a"\n[dependency-groups]\ntest = ["pytest"]\n', "--group test"),
        ('[project]\nname = "a"\n', "pytest"),
    ],
)
def test_the_install_step_follows_pyproject(pyproject, expected):
    assert expected in install_command(pyproject)


def test_dependency_groups_project_gets_a_ci_that_installs_its_group(protean_new_project, cli):
    root = protean_new_project
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[dependency-groups]\ntest = ["pytest>=8"]\n')
    assert cli("add-env production test memory --project", root).code == 0
    workflow = yaml.safe_load((root / GITHUB).read_text())
    runs = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert GROUP in runs and not any('".[test]"' in run for run in runs)
    assert_github_workflow_valid(root / GITHUB)
