"""Adopting a project made by `protean new`: overlays, then a database, compose and CI.

Its config sits at src/<package>/domain.toml with no overlays; its compose, CI and
.env.example are its own, so protean-init only adds what they lack; `protean-init ci` adopts
its workflow by adding lines (merge_ci.adopt_workflow).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scaffolder.generated_record import RECORD_README, recorded_name
from scaffolder.redact import redact_text
from tests.support.validators import (
    assert_compose_valid,
    assert_github_workflow_valid,
    compose_binary,
    compose_warnings,
)

from .ci_shape import compose_services
from .support import (
    ANSWERS,
    COMPOSE,
    ENV_EXAMPLE,
    FIXTURES,
    GITHUB,
    assert_database_resolves,
    changed_files,
    config_tree,
    load_config,
    only_insertions,
    snapshot,
    variable_names,
)


def protean_new(folder: Path, name: str) -> Path:
    """Run Protean's own `protean new NAME --defaults --skip-setup` in `folder`."""
    protean = Path(sys.executable).parent / "protean"
    result = subprocess.run(
        [str(protean), "new", name, "--defaults", "--skip-setup"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    root = folder / name
    assert (root / "src" / name / "domain.toml").is_file()
    return root


def assert_compose_valid_but_for_version(path: Path) -> None:
    """Valid; the only warning allowed is about the `version:` line `protean new` wrote."""
    assert_compose_valid(path, allow_warnings=True)
    run = subprocess.run(
        [compose_binary(), "-f", str(path), "--project-directory", str(path.parent), "config"],
        capture_output=True,
        text=True,
        check=True,
    )
    warnings = compose_warnings(run.stderr)
    assert all("`version` is obsolete" in line for line in warnings), warnings


def assert_overlays_resolve(config: Path) -> None:
    """Protean resolves each overlay the file has as add-env computes it."""
    tree = config_tree(config)
    names = variable_names(tree)
    if "memory" in tree:
        memory = load_config(config.parent, "memory", {}, names)
        assert memory["testing"] is True
        assert memory["event_processing"] == "sync" and memory["command_processing"] == "sync"
        for role in ("databases", "brokers", "caches"):
            for table in memory[role].values():
                assert table["provider"] in {"memory", "inline"}, (role, table)
    if "production" in tree:
        # The recommended servers, each from a variable with no default: as --defaults.
        values = {name: f"value-of-{name}" for name in names}
        production = load_config(config.parent, "production", values, names)
        assert production["debug"] is False and production["event_processing"] == "async"
        assert_servers(production, local=False)
        with pytest.raises(Exception, match="not set"):
            load_config(config.parent, "production", {}, names)
    if "test" in tree:
        test = load_config(config.parent, "test", {}, names)
        assert test["testing"] is True
        assert_servers(test, local=True)


def assert_servers(config: dict, *, local: bool) -> None:
    """Every slot on a server: from a variable's value in production, at the local default
    docker-compose.yml serves in test."""
    tables = [config["event_store"]]
    for role in ("databases", "brokers", "caches"):
        # `protean new`'s databases.memory, brokers.inline, caches.memory stay in memory.
        tables.extend(t for name, t in config[role].items() if name not in ("memory", "inline"))
    for table in tables:
        assert table["provider"] not in {"memory", "inline"}, table
        url = table.get("database_uri") or table.get("URI")
        assert ("localhost" in url) if local else url.startswith("value-of-"), table


@pytest.mark.slow
def test_protean_new_project_adopts_overlays_database_compose_and_ci(tmp_path, cli):
    root = protean_new(tmp_path, "acme")
    config = root / "src" / "acme" / "domain.toml"
    original = config.read_bytes().decode()
    own_ci = (root / GITHUB).read_bytes()
    own_env = (root / ENV_EXAMPLE).read_text()

    # 1. Overlays computed from the base it has; every comment of the file stays.
    result = cli("add-env production test memory --project", root)
    assert result.code == 0, result.err
    after_env = config.read_bytes().decode()
    assert only_insertions(original, after_env)
    for header in ("[production]", "[test]", "[memory]", "[memory.databases.default]"):
        assert f"\n{header}\n" in after_env
    assert_overlays_resolve(config)

    # 2. A database the test environment runs on postgres: compose gains the service.
    result = cli("add-database reports --provider postgresql --env test=postgresql --project", root)
    assert result.code == 0, result.err
    assert '@domain.aggregate(provider="reports")' in result.out
    assert only_insertions(after_env, config.read_bytes().decode())
    assert_database_resolves(
        config, "reports", "postgresql", {"test": "postgresql"}, package="acme"
    )
    compose = (root / COMPOSE).read_text()
    assert compose.startswith('version: "3.8"\n')  # the file's own line stays
    assert "postgres" in compose_services(root)
    assert_compose_valid_but_for_version(root / COMPOSE)
    env_example = (root / ENV_EXAMPLE).read_text()
    assert env_example.startswith(own_env.rstrip("\n")) and "REPORTS_DATABASE_URL" in env_example
    # Protean's own CI is not ours to merge: left as it is, and said so.
    assert (root / GITHUB).read_bytes() == own_ci
    assert f"left {GITHUB} as it is" in result.err

    # 3. `ci` adopts it: its job that runs pytest gains the service containers, and a
    # memory job is added; every line of its own stays (its uv, matrix, linters, coverage).
    result = cli("ci --project", root)
    assert result.code == 0, result.err
    adopted = (root / GITHUB).read_text()
    assert only_insertions(own_ci.decode(), adopted)
    jobs = yaml.safe_load(adopted)["jobs"]
    assert {"postgres", "redis", "message-db"} <= set(jobs["test"]["services"])
    assert "uv run pytest --protean-env memory" in str(jobs["memory"]["steps"])
    # The reports database's own storage is not created by the service: the job creates it
    # before its tests, as protean-init's own workflow does (the memory job runs no server).
    steps = [str(step.get("run", "")) for step in jobs["test"]["steps"]]
    created = steps.index("createdb acme_reports")
    assert created < next(i for i, run in enumerate(steps) if "pytest" in run)
    assert "createdb" not in str(jobs["memory"]["steps"])

    # 4. Adopted: `ci` again changes no byte, and the next database merges into its job.
    before = snapshot(root)
    result = cli("ci --project", root)
    assert result.code == 0, result.err
    assert snapshot(root) == before
    result = cli("add-database archive --provider mysql --project", root)
    assert result.code == 0, result.err
    services = set(yaml.safe_load((root / GITHUB).read_text())["jobs"]["test"]["services"])
    assert {"postgres", "mysql"} <= services
    assert only_insertions(adopted, (root / GITHUB).read_text())
    assert {"mysql", "postgres"} <= compose_services(root)
    assert_compose_valid_but_for_version(root / COMPOSE)
    assert_database_resolves(config, "archive", "mysql", package="acme")


def test_add_env_on_the_protean_new_fixture_keeps_every_line(protean_new_project, cli):
    root = protean_new_project
    config = root / "src" / "acme" / "domain.toml"
    original = config.read_text()
    before = snapshot(root)

    result = cli("add-env production test memory --project", root)

    assert result.code == 0, result.err
    new = config.read_text()
    assert only_insertions(original, new)
    assert "# Memory Database (for testing)" in new and "# [logging.per_logger]" in new
    after = snapshot(root)
    # Of the files it had, only domain.toml changed; the rest is created, CI included.
    # pyproject.toml gains the extras of the servers production and test now use.
    assert {p for p in changed_files(before, after) if p in before} == {
        "src/acme/domain.toml",
        "pyproject.toml",
    }
    created = {p for p in after if p not in before and after[p][0] == "file"}
    # With the record of what was generated for each file it created (the next merge's base).
    generated = {ENV_EXAMPLE, GITHUB, COMPOSE}
    record = {recorded_name(path) for path in generated} | {RECORD_README}
    assert created == {ANSWERS, *generated, *record}
    for path in generated:
        assert (root / recorded_name(path)).read_text() == redact_text((root / path).read_text())
    assert_github_workflow_valid(root / GITHUB)
    assert_overlays_resolve(config)


def test_add_env_on_crlf_keeps_crlf(protean_new_project, cli):
    root = protean_new_project
    config = root / "src" / "acme" / "domain.toml"
    original = (FIXTURES / "protean-new.domain.toml").read_bytes().replace(b"\n", b"\r\n")
    config.write_bytes(original)

    result = cli("add-env memory test --project", root)

    assert result.code == 0, result.err
    new = config.read_bytes()
    remaining = iter(new.split(b"\r\n"))
    assert all(line in remaining for line in original.split(b"\r\n"))
    assert new.count(b"\n") == new.count(b"\r\n") and b"[memory]\r\n" in new
    assert_overlays_resolve(config)


def test_add_env_then_add_database_on_the_fixture(protean_new_project, cli):
    root = protean_new_project
    config = root / "src" / "acme" / "domain.toml"
    assert cli("add-env production test memory --project", root).code == 0

    result = cli(
        "add-database reports --provider sqlite --env production=postgresql --project", root
    )

    assert result.code == 0, result.err
    resolved = assert_database_resolves(
        config, "reports", "sqlite", {"production": "postgresql"}, package="acme"
    )
    assert resolved == {
        "base": "sqlite",
        "production": "postgresql",
        "test": "sqlite",
        "memory": "memory",
    }
    assert "postgres" in compose_services(root)  # production's postgres, run locally
    assert_compose_valid(root / COMPOSE)


def env_blocks(text: str) -> dict[str, list[str]]:
    """{section title: variable lines} of the blocks protean-init appended."""
    added = text.split("# Added by protean-init: variables domain.toml reads\n", 1)[1]
    blocks = {}
    for block in added.strip("\n").split("\n\n"):
        title, *lines = block.splitlines()
        blocks[title] = lines
    return blocks


def test_own_env_example_gains_the_missing_variables_per_environment(protean_new_project, cli):
    root = protean_new_project
    own = "# my settings\nDATABASE_URL=postgresql://me@localhost/acme\nSECRET_KEY=dev\n"
    (root / ENV_EXAMPLE).write_text(own)
    assert cli("add-env production test memory --project", root).code == 0
    # It names the database's variable already; the servers production and test now use
    # are added below the file's own lines.
    assert (root / ENV_EXAMPLE).read_text().startswith(own)

    result = cli("add-database reports --provider postgresql --project", root)

    assert result.code == 0, result.err
    text = (root / ENV_EXAMPLE).read_text()
    assert text.startswith(own)
    blocks = env_blocks(text)
    local = "# REPORTS_DATABASE_URL=postgresql://postgres:postgres@localhost:5432/acme_reports"
    placeholder = "# REPORTS_DATABASE_URL=postgresql://USER:PASSWORD@HOST:5432/DBNAME"
    titles = {title.split(" (")[0].lstrip("# "): lines for title, lines in blocks.items()}
    assert placeholder in titles["production"]
    assert local in titles["base"]
    assert text.count("# Added by protean-init") == 1
    for lines in blocks.values():
        names = [line.split("=")[0] for line in lines]
        assert len(names) == len(set(names)), lines


def test_adopted_fixture_is_idempotent_and_keeps_no_copy_of_the_secret(protean_new_project, cli):
    """The fixture's secret_key default is not copied into the snapshot or .env.example, and
    with nothing changed `ci` and a second look change no byte."""
    root = protean_new_project
    secret = "eda6e7a60341f51e95e553504c0afe0bb2410f3a155decd512ae2531deb6ad04"
    assert cli("add-env production test memory --project", root).code == 0
    assert cli("add-database reports --provider postgresql --project", root).code == 0
    for name in (ANSWERS, ENV_EXAMPLE, GITHUB, COMPOSE):
        assert secret not in (root / name).read_text(), name
    assert "# SECRET_KEY=CHANGE-ME" in (root / ENV_EXAMPLE).read_text()

    before = snapshot(root)
    result = cli("ci --project", root)
    assert result.code == 0, result.err
    assert snapshot(root) == before


def test_add_env_production_reads_the_secret_key_from_the_environment(protean_new_project, cli):
    """`protean new` writes `secret_key = "${SECRET_KEY|<a literal key>}"` in base: the
    production overlay reads SECRET_KEY with no fallback, so check has no literal-secret on
    our own output, and Protean's loader takes the deployment's key (and fails without one)."""
    root = protean_new_project
    config = root / "src" / "acme" / "domain.toml"
    assert cli("add-env production test memory --project", root).code == 0
    assert config_tree(config)["production"]["secret_key"] == "${SECRET_KEY}"
    checked = cli("check --format json --project", root)
    codes = [f["code"] for f in json.loads(checked.out)["findings"]]
    assert "literal-secret" not in codes, checked.out

    # The deployment sets every variable production reads (servers' URLs, the key).
    names = variable_names(config_tree(config))
    deploy = {name: "redis://deployed:6379/0" for name in names} | {"SECRET_KEY": "deployed"}
    deployed = load_config(config.parent, "production", deploy, names)
    assert deployed["secret_key"] == "deployed"
    without = {name: value for name, value in deploy.items() if name != "SECRET_KEY"}
    with pytest.raises(Exception, match="SECRET_KEY"):
        load_config(config.parent, "production", without, names)
    # Locally, base keeps its own fallback, as `protean new` wrote it.
    assert load_config(config.parent, "base", clear=["SECRET_KEY"])["secret_key"].startswith("eda6")
