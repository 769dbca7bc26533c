"""add-context and remove-context: one change that writes a context's files and re-derives the
workspace's, keeping the user's edits; a single project becomes a workspace with its first
context's files unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.projects import GeneratedProjects
from tests.support.protean_config import load_config
from tests.support.validators import assert_compose_valid, assert_github_workflow_valid

from .cases import contexts_of

ENVIRONMENTS = ("base", "production", "test", "memory")


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture
def workspace(tmp_path: Path, generated_projects: GeneratedProjects) -> Path:
    """A fresh copy of `new w --name shop --defaults --deploy kubernetes --context ordering
    --context catalogue`."""
    contexts = ("--context", "ordering", "--context", "catalogue")
    return generated_projects.copy(
        tmp_path / "w", "--name", "shop", "--deploy", "kubernetes", *contexts
    )


def _resolved(root: Path, folder: str) -> dict[str, dict]:
    """What Protean resolves for the config found from `folder`, per environment (the
    variables production requires set)."""
    variables = {
        name: f"postgresql://u:p@h/{name}"
        for name in ("DATABASE_URL", "BROKER_URL", "EVENT_STORE_URL", "CACHE_URL")
    }
    return {
        env: {
            key: value
            for key, value in dict(load_config(root / folder, env, variables)).items()
            if key in ("databases", "brokers", "caches", "event_store", "server", "testing")
        }
        for env in ENVIRONMENTS
    }


def test_adding_then_removing_a_context_gives_every_byte_back(workspace: Path, cli) -> None:
    root = workspace
    before = _snapshot(root)
    assert cli("add-context billing --project", root).code == 0
    assert contexts_of(root) == ["billing", "catalogue", "ordering"]
    assert cli("remove-context billing --project", root).code == 0
    assert _snapshot(root) == before


def test_adding_and_removing_a_context_say_what_changed_on_stdout(workspace: Path, cli) -> None:
    """As the other edits report: on stdout (stderr is for errors and warnings), the context's
    own files counted, the workspace's files it re-derived named, each of them changed."""
    root = workspace
    before = _snapshot(root)
    added = cli("add-context billing --project", root)
    after = _snapshot(root)
    own = [path for path in after if path.startswith(("src/billing/", "tests/billing/"))]
    changed = sorted(path for path in after if before.get(path) != after[path] and path not in own)
    changed = [path for path in changed if not path.startswith(".protean-init/")]

    assert added.code == 0 and added.err == "", added.err
    head, updated = added.out.strip().split("; updated: ")
    assert head == f"Added context billing ({len(own)} files in src/billing/ and tests/billing/)"
    assert sorted(updated.split(", ")) == changed

    removed = cli("remove-context billing --project", root)
    assert removed.code == 0 and removed.err == "", removed.err
    assert removed.out.startswith(f"Removed context billing ({len(own)} files in src/billing/")


def test_an_added_context_is_in_every_shared_file_and_resolves(workspace: Path, cli) -> None:
    root = workspace
    compose = root / "docker-compose.yml"
    compose.write_text("# my own note\n" + compose.read_text())
    argv = ["add-context", "billing", "--set", "test.databases.default=mysql"]
    assert cli(argv, "--project", root).code == 0
    assert compose.read_text().startswith("# my own note\n")
    assert "mysql:" in compose.read_text()
    assert_compose_valid(compose)
    assert_github_workflow_valid(root / ".github/workflows/ci.yml")
    workflow = (root / ".github/workflows/ci.yml").read_text()
    assert '["ordering", "catalogue", "billing"]' in workflow
    assert (root / "deploy/kubernetes/base/billing-engine.yaml").is_file()
    config = load_config(root / "src" / "billing", "test")
    assert config["databases"]["default"]["database_uri"].endswith("/shop_billing_test")
    assert config["databases"]["default"]["provider"] == "mysql"
    assert '"src/billing"' in (root / "pyproject.toml").read_text()


def test_a_conflicting_edit_writes_nothing(workspace: Path, cli) -> None:
    root = workspace
    workflow = root / ".github/workflows/ci.yml"
    workflow.write_text(
        workflow.read_text().replace('["ordering", "catalogue"]', '["ordering"]', 1)
    )
    before = _snapshot(root)
    code, _, err = cli("add-context billing --project", root)
    assert code == 1
    assert "ci.yml" in err
    assert _snapshot(root) == before
    assert cli("add-context billing --force --project", root).code == 0


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["add-context", "ordering"], "exists already"),
        (["add-context", "Billing"], "'Billing'"),
        (["add-context", "src"], "reserved"),
        (["add-context", "billing", "--set", "production.databases.default=oracle"], "oracle"),
        (["remove-context", "billing"], "unknown context 'billing'"),
    ],
)
def test_bad_input_is_refused_in_one_line(workspace: Path, cli, argv, named) -> None:
    root = workspace
    before = _snapshot(root)
    code, _, err = cli(argv, "--project", root)
    assert code == 2
    assert named in err and err.count("\n") == 1, err
    assert _snapshot(root) == before


def test_removing_a_context_with_the_users_edits_needs_force(workspace: Path, cli) -> None:
    root = workspace
    own = root / "src" / "catalogue" / "pricing.py"
    own.write_text("PRICE = 1\n")
    before = _snapshot(root)
    code, _, err = cli("remove-context catalogue --project", root)
    assert code == 2
    assert "src/catalogue/pricing.py" in err
    assert _snapshot(root) == before
    assert cli("remove-context catalogue --force --project", root).code == 0
    assert contexts_of(root) == ["ordering"]
    assert not (root / "deploy/kubernetes/base/catalogue-engine.yaml").exists()
    assert "catalogue" not in (root / ".github/workflows/ci.yml").read_text()


def test_the_only_context_is_not_removed(
    cli, tmp_path: Path, generated_projects: GeneratedProjects
) -> None:
    root = generated_projects.copy(tmp_path / "single")
    code, _, err = cli("remove-context single --project", root)
    assert code == 2
    assert "only context" in err


def test_a_single_project_becomes_a_workspace_with_its_files_unchanged(
    cli, tmp_path: Path, generated_projects: GeneratedProjects
) -> None:
    root = generated_projects.copy(tmp_path / "shop", "--deploy", "kubernetes")
    before = _snapshot(root)
    resolved = _resolved(root, "src/shop")
    assert cli("add-context billing --project", root).code == 0
    after = _snapshot(root)
    # The package, byte for byte where it was; domain.toml beside it; the tests under
    # tests/shop/, byte for byte.
    for path, content in before.items():
        if path.startswith("src/shop/"):
            assert after[path] == content, path
        if path.startswith("tests/"):
            assert after[f"tests/shop/{path.removeprefix('tests/')}"] == content, path
    assert after["src/shop/domain.toml"] == before["domain.toml"]
    assert "domain.toml" not in after
    # Protean resolves the first context as before, in every environment.
    assert _resolved(root, "src/shop") == resolved
    assert contexts_of(root) == ["billing", "shop"]
    assert_compose_valid(root / "docker-compose.yml")
    assert_github_workflow_valid(root / ".github/workflows/ci.yml")
    assert not (root / "deploy/kubernetes/base/deployment.yaml").exists()
    assert (root / "deploy/kubernetes/base/shop-engine.yaml").is_file()


def test_a_context_like_another_takes_its_choices_and_its_own_storage(
    cli, tmp_path: Path, generated_projects: GeneratedProjects
) -> None:
    options = ["--name", "shop", "--context", "ordering", "--context", "catalogue"]
    options += ["--set", "ordering:test.databases.default=mysql"]
    options += ["--set", "ordering:test.caches.default=memory"]
    root = generated_projects.copy(tmp_path / "w", *options)
    assert cli("add-context billing --like ordering --project", root).code == 0
    config = load_config(root / "src" / "billing", "test")
    database = config["databases"]["default"]
    assert database["provider"] == "mysql"
    assert database["database_uri"].endswith("/shop_billing_test")
    assert "BILLING_DATABASE_URL" in (root / "src/billing/domain.toml").read_text()
    assert config["caches"]["default"]["provider"] == "memory"
    assert cli("add-context shipping --like nowhere --project", root).code == 2
