"""A workspace of one context protean-init made (`new --context ordering`, or `remove-context`
down to one): its config beside its package, its answers record the workspace's (`contexts:`).
Every command reads that record as the workspace's, as in a workspace of several: an edit
re-derives the shared files and updates the context's recorded choices. Read as a single
project's, an edit rewrote the record into one project's (`spec:`, `generated_from:`) and left
compose and CI as "not written by protean-init", so a database added was in no compose file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scaffolder.check import ERROR, run_check
from scaffolder.project_files import ANSWERS_FILE, GITHUB_WORKFLOW, GITLAB_CI
from tests.support.projects import GeneratedProjects
from tests.support.validators import (
    assert_compose_valid,
    assert_github_workflow_valid,
    assert_gitlab_ci_valid,
)

CONFIG = "src/ordering/domain.toml"
# What only a single project's record holds.
SINGLE_PROJECT_KEYS = {"spec", "generated_from", "derived_files"}


@pytest.fixture(params=["new", "remove-context"])
def one(request, tmp_path: Path, generated_projects: GeneratedProjects, cli) -> Path:
    """A workspace of the one context ordering: made so, or made of two and one removed."""
    if request.param == "new":
        return generated_projects.copy(tmp_path / "shop", "--context", "ordering")
    root = generated_projects.copy(
        tmp_path / "shop", "--context", "ordering", "--context", "catalogue"
    )
    result = cli("remove-context catalogue --project", root)
    assert result.code == 0, result.err
    assert not (root / "src/catalogue").exists()
    return root


def _record(root: Path) -> dict:
    return yaml.safe_load((root / ANSWERS_FILE).read_text())


def _assert_still_the_workspaces(root: Path, err: str) -> dict:
    """The record is the workspace's still, and no shared file was left as not ours."""
    record = _record(root)
    assert not SINGLE_PROJECT_KEYS & set(record), sorted(record)
    assert list(record["contexts"]) == ["ordering"]
    assert "not written by protean-init" not in err, err
    errors = [f for f in run_check(root, environ={}).findings if f.severity == ERROR]
    assert not errors, [f"{f.file}:{f.line} {f.code}: {f.message}" for f in errors]
    return record


def test_a_database_added_reaches_compose_ci_and_the_record(one: Path, cli) -> None:
    result = cli("add-database reports --provider postgresql --project", one)

    assert result.code == 0, result.err
    record = _assert_still_the_workspaces(one, result.err)
    assert record["contexts"]["ordering"]["base.databases.reports"] == "postgresql"
    # The context's own variable, and its database created by the compose file's server.
    assert "ORDERING_REPORTS_DATABASE_URL" in (one / CONFIG).read_text()
    compose = (one / "docker-compose.yml").read_text()
    # <package>_<context>_<name>, and its test database beside it.
    assert "createdb -U postgres shop_ordering_reports)" in compose
    assert "createdb -U postgres shop_ordering_reports_test)" in compose
    assert "ORDERING_REPORTS_DATABASE_URL" in (one / GITHUB_WORKFLOW).read_text()
    assert_compose_valid(one / "docker-compose.yml")
    assert_github_workflow_valid(one / GITHUB_WORKFLOW)


def test_set_records_the_contexts_choice(one: Path, cli) -> None:
    result = cli("set test.debug=false --project", one)

    assert result.code == 0, result.err
    record = _assert_still_the_workspaces(one, result.err)
    assert record["contexts"]["ordering"]["test.debug"] is False


def test_derive_after_a_hand_edit_rederives_the_shared_files(one: Path, cli) -> None:
    config = one / CONFIG
    config.write_text(
        config.read_text().replace(
            "[brokers.default]",
            '[databases.ledger]\nprovider = "postgresql"\n'
            'database_uri = "${ORDERING_LEDGER_DATABASE_URL|postgresql://postgres:postgres'
            '@localhost:5432/ordering_ledger}"\n\n[brokers.default]',
            1,
        )
    )

    result = cli("derive --project", one)

    assert result.code == 0, result.err
    record = _assert_still_the_workspaces(one, result.err)
    assert record["contexts"]["ordering"]["base.databases.ledger"] == "postgresql"
    assert "createdb -U postgres ordering_ledger" in (one / "docker-compose.yml").read_text()


def test_ci_switches_the_workspaces_ci(one: Path, cli) -> None:
    result = cli("ci --ci gitlab --project", one)

    assert result.code == 0, result.err
    record = _assert_still_the_workspaces(one, result.err)
    assert record["ci"] == "gitlab"
    assert not (one / GITHUB_WORKFLOW).exists()
    assert_gitlab_ci_valid(one / GITLAB_CI)
