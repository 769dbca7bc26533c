"""The same guarantees through `python -m scaffolder` in a real process: exit codes, output
streams, the current folder as the default project."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.validators import assert_github_workflow_valid

from .support import GITHUB, REPO, snapshot


def run(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PROTEAN_ENV"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "scaffolder", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_add_database_then_ci_in_the_current_folder(generated):
    root = generated()

    added = run(root, "add-database", "reports", "--provider", "sqlite", "--env", "test=postgresql")

    assert added.returncode == 0, added.stderr
    assert '@domain.aggregate(provider="reports")' in added.stdout
    assert "[test.databases.reports]" in (root / "domain.toml").read_text()
    assert "REPORTS_DATABASE_URL" in (root / GITHUB).read_text()
    assert_github_workflow_valid(root / GITHUB)

    before = snapshot(root)
    again = run(root, "ci")
    assert again.returncode == 0 and "is up to date" in again.stdout
    assert snapshot(root) == before

    twice = run(root, "add-database", "reports", "--provider", "sqlite")
    assert twice.returncode == 2
    assert "already exists" in twice.stderr and twice.stdout == ""
    assert snapshot(root) == before


def test_bad_input_and_conflict_exit_codes(generated, tmp_path):
    root = generated()
    before = snapshot(root)
    bad = run(root, "add-database", "1x", "--provider", "sqlite")
    assert bad.returncode == 2 and "invalid name '1x'" in bad.stderr
    assert snapshot(root) == before

    workflow = root / GITHUB
    workflow.write_text(workflow.read_text().replace('5432/shop"', '5432/shop_ci"', 1))
    before = snapshot(root)
    conflict = run(root, "set", "test.databases.default=sqlite")
    assert conflict.returncode == 1
    assert "<<<<<<< yours" in conflict.stderr and "shop_ci" in conflict.stderr
    assert snapshot(root) == before

    malformed = tmp_path / "malformed"
    malformed.mkdir()
    (malformed / "domain.toml").write_text("[databases.default\nprovider = 'memory'\n")
    broken = run(malformed, "ci")
    assert broken.returncode == 2
    assert "domain.toml: line 1, column 19: malformed TOML" in broken.stderr


def test_dry_run_prints_a_diff_and_writes_nothing(generated):
    root = generated()
    before = snapshot(root)
    dry = run(root, "add-database", "archive", "--provider", "mysql", "--dry-run", "--project", ".")
    assert dry.returncode == 0, dry.stderr
    assert "+++ b/docker-compose.yml" in dry.stdout and "+  mysql:" in dry.stdout
    assert "+++ b/domain.toml" in dry.stdout and "+[databases.archive]" in dry.stdout
    assert snapshot(root) == before
