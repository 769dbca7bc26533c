"""Regenerating compose and CI keeps the user's own edits, refuses on conflict, and is
idempotent; `--dry-run` shows every change and writes nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.support.validators import (
    assert_compose_valid,
    assert_github_workflow_valid,
    assert_gitlab_ci_valid,
)

from .ci_shape import ci_integration, compose_services, github_integration, gitlab_integration
from .support import (
    ANSWERS,
    COMPOSE,
    ENV_EXAMPLE,
    GITHUB,
    GITLAB,
    changed_files,
    snapshot,
)

COMPOSE_EXTRA = """\
  # my own mail catcher, not protean-init's
  mailpit:
    image: axllent/mailpit:v1.20
    ports:
      - "127.0.0.1:8025:8025"
"""
GITHUB_STEP = """\
      # my own step after the tests
      - run: echo "integration done"
"""
GITLAB_JOB = """\

# my own job
lint:
  stage: test
  script:
    - echo lint
"""
ARCHIVE_BY_HAND = """
[test.databases.archive]
provider = "mysql"
database_uri = "${ARCHIVE_DATABASE_URL|mysql+pymysql://root:mysql@localhost:3306/shop}"
"""


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert text.count(old) >= 1, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count))


def add_user_edits(root: Path, ci: str) -> None:
    """An extra service and comment in compose, an extra step or job and comment in CI."""
    edit(root / COMPOSE, "services:\n", "services:\n" + COMPOSE_EXTRA)
    if ci == "github":
        path = root / GITHUB
        path.write_text(path.read_text() + GITHUB_STEP)
    else:
        path = root / GITLAB
        path.write_text(path.read_text() + GITLAB_JOB)


def assert_user_edits_survive(root: Path, ci: str) -> None:
    compose = (root / COMPOSE).read_text()
    assert COMPOSE_EXTRA in compose
    assert "mailpit" in compose_services(root)
    assert_compose_valid(root / COMPOSE)
    if ci == "github":
        workflow = (root / GITHUB).read_text()
        assert workflow.endswith(GITHUB_STEP)
        steps = yaml.safe_load(workflow)["jobs"]["integration"]["steps"]
        assert steps[-1] == {"run": 'echo "integration done"'}
        assert_github_workflow_valid(root / GITHUB)
    else:
        gitlab = (root / GITLAB).read_text()
        assert gitlab.endswith(GITLAB_JOB)
        assert yaml.safe_load(gitlab)["lint"]["script"] == ["echo lint"]
        assert_gitlab_ci_valid(root / GITLAB)


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_user_additions_survive_add_database(generated, cli, ci):
    root = generated(ci)
    add_user_edits(root, ci)

    result = cli("add-database archive --provider mysql --project", root)

    assert result.code == 0, result.err
    assert_user_edits_survive(root, ci)
    services, env = ci_integration(root, ci)
    assert "mysql" in services and "ARCHIVE_DATABASE_URL" in env
    assert "mysql" in compose_services(root)


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_user_additions_survive_ci_after_a_hand_edit(generated, cli, ci):
    """domain.toml edited by hand; `ci` brings CI up to date and keeps the user's step."""
    root = generated(ci)
    add_user_edits(root, ci)
    config = root / "domain.toml"
    config.write_text(config.read_text() + ARCHIVE_BY_HAND)
    before = snapshot(root)

    result = cli("ci --project", root)

    assert result.code == 0, result.err
    ci_file = GITHUB if ci == "github" else GITLAB
    assert f"Regenerated {ci_file}" in result.out
    assert changed_files(before, snapshot(root)) == {ci_file, ANSWERS}
    assert_user_edits_survive(root, ci)
    services, env = ci_integration(root, ci)
    assert "mysql" in services and "ARCHIVE_DATABASE_URL" in env


@pytest.mark.parametrize("variant", ["github", "gitlab"])
def test_ci_twice_changes_no_byte(generated, cli, variant):
    root = generated(variant)
    before = snapshot(root)
    first = cli("ci --project", root)
    assert first.code == 0, first.err
    assert "is up to date" in first.out
    assert snapshot(root) == before  # right after `new`: nothing to do

    assert cli("add-database reports --provider postgresql --project", root).code == 0
    before = snapshot(root)
    for _ in range(2):
        result = cli("ci --project", root)
        assert result.code == 0, result.err
        assert snapshot(root) == before


def test_conflicting_ci_edit_refuses_then_force_writes(generated, cli):
    """The user changed the line regeneration changes too: exit 1, conflict shown, nothing
    written, domain.toml included; --force then writes."""
    root = generated()
    workflow = root / GITHUB
    edit(
        workflow,
        'DATABASE_URL: "postgresql://postgres:postgres@localhost:5432/shop"',
        'DATABASE_URL: "postgresql://postgres:postgres@localhost:5432/shop_ci"',
    )
    workflow.write_text(workflow.read_text() + GITHUB_STEP)
    before = snapshot(root)

    result = cli("set test.databases.default=sqlite --project", root)

    assert result.code == 1
    assert "conflict" in result.err and GITHUB in result.err
    assert "<<<<<<< yours" in result.err and ">>>>>>> regenerated" in result.err
    assert "shop_ci" in result.err
    assert snapshot(root) == before

    result = cli("set test.databases.default=sqlite --force --project", root)

    assert result.code == 0, result.err
    assert 'provider = "sqlite"' in (root / "domain.toml").read_text()
    _services, env = github_integration(root)
    assert "DATABASE_URL" not in env  # sqlite needs no service and no CI variable
    text = workflow.read_text()
    assert "<<<<<<<" not in text and "shop_ci" not in text
    assert_github_workflow_valid(workflow)


def test_force_keeps_the_users_edits_that_do_not_conflict(generated, cli):
    """--force settles the conflicting lines; the user's other additions are no conflict."""
    root = generated()
    workflow = root / GITHUB
    edit(
        workflow,
        'DATABASE_URL: "postgresql://postgres:postgres@localhost:5432/shop"',
        'DATABASE_URL: "postgresql://postgres:postgres@localhost:5432/shop_ci"',
    )
    workflow.write_text(workflow.read_text() + GITHUB_STEP)

    result = cli("set test.databases.default=sqlite --force --project", root)

    assert result.code == 0, result.err
    assert workflow.read_text().endswith(GITHUB_STEP)
    assert_github_workflow_valid(workflow)


def test_conflicting_edit_refuses_ci_too(generated, cli):
    root = generated()
    workflow = root / GITHUB
    edit(workflow, "localhost:5432/shop", "localhost:5432/shop_ci")
    config = root / "domain.toml"
    edit(config, "localhost:5432/shop}", "localhost:5432/shop_test}")
    before = snapshot(root)

    result = cli("ci --project", root)

    assert result.code == 1
    assert "<<<<<<< yours" in result.err and "shop_test" in result.err
    assert snapshot(root) == before
    assert cli("ci --force --project", root).code == 0
    assert github_integration(root)[1]["DATABASE_URL"].endswith("/shop_test")


def test_ci_switches_to_gitlab(generated, cli):
    root = generated()
    github_before = (root / GITHUB).read_bytes()

    result = cli("ci --ci gitlab --project", root)

    assert result.code == 0, result.err
    assert f"Regenerated {GITLAB}" in result.out
    assert_gitlab_ci_valid(root / GITLAB)
    services, env = gitlab_integration(root)
    assert {"postgres", "redis", "message-db"} <= services
    assert env["DATABASE_URL"] == "postgresql://postgres:postgres@postgres:5432/shop"
    assert yaml.safe_load((root / ANSWERS).read_text())["ci"] == "gitlab"
    # protean-init wrote it and it holds nothing of the user's: gone in the same change.
    assert not (root / GITHUB).exists() and github_before
    assert f"Removed {GITHUB}" in result.out

    # From now on the project's CI is GitLab: `ci` is idempotent and follows new databases.
    before = snapshot(root)
    assert cli("ci --project", root).code == 0
    assert snapshot(root) == before
    assert cli("add-database archive --provider mysql --project", root).code == 0
    assert "mysql" in gitlab_integration(root)[0]
    assert_gitlab_ci_valid(root / GITLAB)


def test_ci_adds_a_workflow_to_a_project_without_ci(generated, cli):
    root = generated("ci-none")
    before = snapshot(root)
    result = cli("ci --project", root)
    assert result.code == 0 and "--ci github" in result.out
    assert snapshot(root) == before

    result = cli("ci --ci github --project", root)
    assert result.code == 0, result.err
    assert_github_workflow_valid(root / GITHUB)


DIFF_HEADER = re.compile(
    r"^\+\+\+ b/(\S+)$|^--- new file: (\S+)$|^--- deleted: (\S+)$", re.MULTILINE
)


def dry_run_files(output: str) -> set[str]:
    return {a or b or c for a, b, c in DIFF_HEADER.findall(output)}


@pytest.mark.parametrize(
    "command",
    [
        "add-database archive --provider mysql --env test=postgresql",
        "set test.databases.default=sqlite",
        "ci --ci gitlab",
    ],
)
def test_dry_run_shows_every_change_and_writes_nothing(generated, cli, command):
    dry, real = generated("github"), generated("gitlab").parent.parent / "real" / "shop"
    import shutil

    shutil.copytree(dry, real)
    before = snapshot(dry)

    result = cli(command, "--dry-run --project", dry)

    assert result.code == 0, result.err
    assert snapshot(dry) == before
    shown = dry_run_files(result.out)
    assert shown, result.out
    real_before = snapshot(real)
    assert cli(command, "--project", real).code == 0
    assert shown == changed_files(real_before, snapshot(real)) - {".github", ".github/workflows"}
    for name in shown & set(real_before):
        # A unified diff, or the deletion of the file (`ci --ci gitlab`: the old workflow).
        assert f"--- a/{name}\n+++ b/{name}\n" in result.out or (
            f"--- deleted: {name}\n" in result.out and not (real / name).exists()
        )


def test_add_database_dry_run_diff_is_the_insertion(generated, cli):
    root = generated()
    result = cli("add-database reports --provider sqlite --dry-run --project", root)
    assert result.code == 0, result.err
    assert "+[databases.reports]\n" in result.out
    assert '+provider = "sqlite"\n' in result.out
    assert "+[memory.databases.reports]\n" in result.out
    assert not any(
        line.startswith("-") and not line.startswith("---")
        for line in result.out.split("+++ b/domain.toml")[1].split("--- a/")[0].splitlines()
    )
    assert ENV_EXAMPLE in dry_run_files(result.out)


def test_ci_after_a_hand_edit_leaves_compose_to_be_brought_up_to_date(generated, cli):
    """`ci` regenerates only CI; the next command that regenerates compose and .env.example
    must still add what the hand edit needs (the snapshot is not advanced past them)."""
    root = generated()
    config = root / "domain.toml"
    config.write_text(
        config.read_text()
        + '\n[databases.archive]\nprovider = "mysql"\n'
        + 'database_uri = "${ARCHIVE_DATABASE_URL|mysql+pymysql://root:mysql@localhost:3306/shop}"\n'
    )
    assert cli("ci --project", root).code == 0
    assert "mysql" in github_integration(root)[0]
    assert "mysql" not in compose_services(root)  # `ci` writes CI only

    result = cli("add-database other --provider sqlite --project", root)

    assert result.code == 0, result.err
    assert "mysql" in compose_services(root)
    assert_compose_valid(root / COMPOSE)
    assert "ARCHIVE_DATABASE_URL" in (root / ENV_EXAMPLE).read_text()
    before = snapshot(root)
    assert cli("ci --project", root).code == 0
    assert snapshot(root) == before


def test_ci_follows_a_hand_edit_and_its_undo(generated, cli):
    root = generated()
    config = root / "domain.toml"
    original = config.read_text()
    config.write_text(original + ARCHIVE_BY_HAND)
    assert cli("ci --project", root).code == 0
    assert "mysql" in github_integration(root)[0]

    config.write_text(original)
    result = cli("ci --project", root)

    assert result.code == 0, result.err
    services, env = github_integration(root)
    assert "mysql" not in services and "ARCHIVE_DATABASE_URL" not in env
    assert_github_workflow_valid(root / GITHUB)


def test_switching_ci_back_never_drops_a_service_silently(generated, cli):
    """The GitHub workflow was last written before a database was added under GitLab: going
    back to GitHub must not merge against a newer base and lose the new service."""
    root = generated()
    # A first edit records which derived files are protean-init's, the workflow among them.
    assert cli("add-database reports --provider sqlite --project", root).code == 0
    assert cli("ci --ci gitlab --project", root).code == 0
    assert cli("add-database archive --provider mysql --project", root).code == 0
    assert "mysql" in gitlab_integration(root)[0]
    before = snapshot(root)

    result = cli("ci --ci github --project", root)

    # The old workflow went with the switch to GitLab (issue 11): the new one is written
    # from domain.toml as it is now, every service in it; the GitLab file goes in turn.
    assert result.code == 0, result.err
    assert snapshot(root) != before and not (root / GITLAB).exists()
    services, env = github_integration(root)
    assert "mysql" in services and "ARCHIVE_DATABASE_URL" in env
    assert_github_workflow_valid(root / GITHUB)


def to_crlf(path: Path) -> None:
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


@pytest.mark.parametrize("own_files", [False, True], ids=["generated", "protean-new"])
def test_crlf_derived_files_merge_as_their_lf_twins(generated, cli, tmp_path, own_files):
    """Checked out with CRLF (git's core.autocrlf on Windows), compose, CI and .env.example
    merge exactly as with LF, and keep CRLF."""
    import shutil

    lf = generated()
    crlf = tmp_path / "crlf" / "shop"
    shutil.copytree(lf, crlf)
    derived = (COMPOSE, GITHUB, ENV_EXAMPLE)
    if own_files:  # files protean-init did not write: only added to
        for root in (lf, crlf):
            (root / ANSWERS).unlink()
    for name in (*derived, "domain.toml"):
        to_crlf(crlf / name)

    for root in (lf, crlf):
        result = cli("add-database archive --provider mysql --project", root)
        assert result.code == 0, result.err

    for name in derived:
        data = (crlf / name).read_bytes()
        assert data.count(b"\n") == data.count(b"\r\n"), f"{name}: not all CRLF"
        assert data.replace(b"\r\n", b"\n") == (lf / name).read_bytes(), name
    assert "mysql" in compose_services(crlf)
    if not own_files:
        before = snapshot(crlf)
        assert cli("ci --project", crlf).code == 0
        assert snapshot(crlf) == before
