"""Switching the deployment removes the files of the old choice protean-init wrote and nobody
changed; files holding the user's edits stay, and check's fix for them is one that works."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.check import check_project
from scaffolder.deployment import KUBERNETES_DIR, files_for

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

MANIFEST = f"{KUBERNETES_DIR}/base/deployment.yaml"


def kubernetes_project(cli, tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    assert cli(["new", root, "--ui", "none", "--defaults", "--deploy", "kubernetes"])[0] == 0
    assert cli(["add-database", "reports", "--provider", "postgresql", "--project", root])[0] == 0
    return root


def errors(root: Path) -> list:
    return [f for f in check_project(root) if f.severity == "error"]


def test_unchanged_manifests_go_with_the_switch_and_check_stays_clean(cli, tmp_path):
    root = kubernetes_project(cli, tmp_path)
    code, out, _ = cli(["deploy", "docker", "--project", root])
    assert code == 0
    gone = [p for p in files_for("kubernetes") if p not in files_for("docker")]
    assert gone and not any((root / p).exists() for p in gone)
    assert all((root / p).is_file() for p in files_for("docker"))
    assert "Removed" in out and "No longer regenerated" not in out
    assert cli(["rename-database", "reports", "ledger", "--project", root])[0] == 0
    assert not errors(root)
    # And docker -> none removes the Dockerfile and .dockerignore, unchanged since written.
    assert cli(["deploy", "none", "--project", root])[0] == 0
    assert not any((root / p).exists() for p in files_for("docker"))


def test_an_edited_manifest_stays_and_checks_fix_for_it_fixes(cli, tmp_path):
    root = kubernetes_project(cli, tmp_path)
    manifest = root / MANIFEST
    manifest.write_text(manifest.read_text() + "# reviewed by ops\n")
    code, out, _ = cli(["deploy", "docker", "--project", root])
    assert code == 0
    assert manifest.is_file() and f"No longer regenerated: {MANIFEST}" in out
    assert cli(["rename-database", "reports", "ledger", "--project", root])[0] == 0
    [missing] = [f for f in errors(root) if f.code == "secret-missing"]
    # The fix it names is one that fixes: derive does not touch manifests it no longer
    # derives, so the fix is the user's, by hand; done so, check is clean.
    assert "(protean-init derive)" not in missing.fix and "by hand" in missing.fix
    manifest.write_text(manifest.read_text().replace("REPORTS_DATABASE_URL", "LEDGER_DATABASE_URL"))
    assert not errors(root)
