"""The files of the whole workspace pass the real checkers, and serve every context: compose
(docker compose config + the compose-spec schema), CI (actionlint + schema), the Dockerfile
(hadolint), the manifests (`kubectl kustomize` + `kubernetes-validate --strict`). Each
server once, every context's database created by it; a CI job per context; one image; one
engine Deployment per context with its own command, probes and keys of the one Secret.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml

from scaffolder.deployment import KUSTOMIZATIONS
from tests.deploy.support import container, kustomize, objects, run, tool
from tests.support.validators import (
    assert_compose_valid,
    assert_github_workflow_valid,
    assert_gitlab_ci_valid,
)

from .cases import CASES, Case

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _compose(root: Path) -> dict:
    return yaml.safe_load((root / "docker-compose.yml").read_text())


def _servers(root: Path) -> dict:
    """The compose services a plain `up` starts: the servers (the engines, one per context,
    are under the `engines` profile: tests/workspace/test_deploy)."""
    return {k: v for k, v in _compose(root)["services"].items() if "profiles" not in v}


@pytest.mark.parametrize("case", sorted(CASES))
def test_compose_and_ci_pass_their_validators(workspaces, case: str) -> None:
    root = workspaces[case]
    assert_compose_valid(root / "docker-compose.yml", profiles=("engines",))
    assert_github_workflow_valid(root / ".github/workflows/ci.yml")


@pytest.mark.parametrize("case", sorted(CASES))
def test_compose_serves_each_server_once_with_every_contexts_database(
    workspaces, case: str
) -> None:
    services = _servers(workspaces[case])
    contexts = CASES[case].contexts
    expected = {"postgres", "message-db", "redis"} | (
        {"mysql"} if "payments" in contexts else set()
    )
    assert set(services) == expected
    check = services["postgres"]["healthcheck"]["test"][1]
    on_postgres = [c for c in contexts if c != "payments"]
    # The test overlay's database of each context (base is in memory with --defaults).
    for context in on_postgres:
        assert f"createdb -U postgres shop_{context}_test)" in check, context
    if "payments" in contexts:
        assert (
            "CREATE DATABASE IF NOT EXISTS shop_payments_test"
            in services["mysql"]["healthcheck"]["test"][1]
        )


@pytest.mark.parametrize("case", sorted(CASES))
def test_ci_runs_every_contexts_suite_in_both_lanes(workspaces, case: str) -> None:
    workflow = yaml.safe_load((workspaces[case] / ".github/workflows/ci.yml").read_text())
    contexts = list(CASES[case].contexts)
    for job in ("memory", "integration"):
        assert workflow["jobs"][job]["strategy"]["matrix"]["context"] == contexts
        assert "${{ matrix.context }}" in workflow["jobs"][job]["name"]
        runs = [step.get("run", "") for step in workflow["jobs"][job]["steps"]]
        assert any(r.startswith("pytest tests/${{ matrix.context }}") for r in runs), runs
    assert set(workflow["jobs"]["integration"]["services"]) == set(_servers(workspaces[case]))
    env = workflow["jobs"]["integration"]["env"]
    for context in contexts:
        assert f"{context.upper()}_DATABASE_URL" in env


@pytest.mark.parametrize("case", sorted(CASES))
def test_env_example_lists_every_variable_once_per_environment(workspaces, case: str) -> None:
    text = (workspaces[case] / ".env.example").read_text()
    for block in text.split("\n\n")[1:]:
        names = [
            line[2:].split("=")[0]
            for line in block.splitlines()
            if line.startswith("# ") and "=" in line
        ]
        assert len(names) == len(set(names)), block
    for context in CASES[case].contexts:
        assert f"# {context.upper()}_DATABASE_URL=" in text
    assert text.count("# BROKER_URL=redis://:PASSWORD") == 1


def test_dockerfiles_pass_hadolint(workspaces) -> None:
    paths = [str(root / "Dockerfile") for root in workspaces.values()]
    done = run([tool("hadolint"), "--no-color", *paths])
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr


def test_manifests_render_and_validate_strictly(workspaces, tmp_path: Path) -> None:
    renders = []
    for case, root in workspaces.items():
        for kustomization in KUSTOMIZATIONS:
            out = tmp_path / f"{case}-{kustomization.replace('/', '_')}.yaml"
            out.write_text(kustomize(root, kustomization))
            renders.append(str(out))
    done = run([tool("kubernetes-validate"), "--strict", "--quiet", *renders], timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("case", sorted(CASES))
def test_one_engine_deployment_per_context(workspaces, case: str) -> None:
    root = workspaces[case]
    docs = [d for d in yaml.safe_load_all(kustomize(root, KUSTOMIZATIONS[-1])) if d]
    deployments = {d["metadata"]["name"]: d for d in objects(docs, "Deployment")}
    contexts = CASES[case].contexts
    assert sorted(deployments) == sorted(f"shop-{c}" for c in contexts)
    secret_keys = set()
    for context in contexts:
        deployment = deployments[f"shop-{context}"]
        engine = container(deployment)
        assert engine["command"] == ["protean", "server", "--domain", f"src/{context}/domain.py"]
        assert engine["livenessProbe"]["httpGet"]["path"] == "/livez"
        assert engine["lifecycle"]["preStop"]["exec"]["command"]
        setup = container(deployment, "db-setup")
        assert setup["command"][-1] == f"src/{context}/domain.py"
        keys = {e["valueFrom"]["secretKeyRef"]["key"] for e in engine["env"] if "valueFrom" in e}
        assert f"{context.upper()}_DATABASE_URL" in keys
        assert not {
            k for k in keys if k.endswith("_DATABASE_URL") and not k.startswith(context.upper())
        }
        secret_keys |= keys
        single = deployment["spec"]["strategy"]["type"] == "Recreate"
        assert single == (context != "shipping"), context  # shipping runs on streams
    overlay = root / KUSTOMIZATIONS[-1] / ".env.example"
    listed = {
        line.split("=")[0] for line in overlay.read_text().splitlines() if line and line[0] != "#"
    }
    assert listed == secret_keys


def test_the_image_holds_every_context(workspaces) -> None:
    root = workspaces["eight"]
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    extras = pyproject["project"]["dependencies"][0]
    assert "mysql" in extras and "postgresql" in extras and "sqlite" in extras
    dockerfile = (root / "Dockerfile").read_text()
    assert "COPY . ." in dockerfile and "pip install --no-deps -e ." in dockerfile


def test_gitlab_ci_runs_every_contexts_suite_in_both_lanes(generated_projects) -> None:
    case = Case(("ordering", "catalogue"), ("--ci", "gitlab"))
    root = generated_projects.pristine("w", tuple(case.argv(Path("w"))[2:]))
    assert not (root / ".github").exists()
    assert_gitlab_ci_valid(root / ".gitlab-ci.yml")
    ci = yaml.safe_load((root / ".gitlab-ci.yml").read_text())
    for job in ("test-memory", "test-integration"):
        assert ci[job]["parallel"]["matrix"] == [{"CONTEXT": ["ordering", "catalogue"]}]
        assert any(line.startswith("pytest tests/$CONTEXT") for line in ci[job]["script"])
    integration = ci["test-integration"]
    assert "protean db setup --domain=src/$CONTEXT/domain.py" in integration["script"]
    create = next(line for line in integration["script"] if "CREATE DATABASE" in line)
    assert "shop_ordering_test" in create and "shop_catalogue_test" in create
    assert integration["variables"]["ORDERING_DATABASE_URL"].endswith(
        "@postgres:5432/shop_ordering_test"
    )
