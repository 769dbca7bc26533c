"""The deployment files of every matrix project, read by the real checkers and parsed.

hadolint lints each Dockerfile (no finding at all: every ignored rule is justified inline);
`kubectl kustomize` renders every kustomization and `kubernetes-validate --strict` validates
the renders against the bundled Kubernetes schemas; then the production render is parsed and
each rule of the engine's Deployment is asserted against domain.toml as Protean resolves it.
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from scaffolder.config_tree import resolve
from scaffolder.deployment import (
    DRAIN_PATH,
    KUBERNETES_FILES,
    KUSTOMIZATIONS,
    LIVENESS_PATH,
    READINESS_PATH,
    production_needs,
    server_settings,
)
from tests.deploy.support import (
    MATRIX,
    container,
    dockerfile_stages,
    engine_deployment,
    kustomize,
    objects,
    rendered,
    run,
    tool,
)
from tests.support.protean_config import load_config

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
IDS = [f"{case}-{kind}" for case, kind in MATRIX]


def _tree(root: Path) -> dict:
    return tomllib.loads((root / "domain.toml").read_text())


def test_every_dockerfile_passes_hadolint(matrix_projects) -> None:
    paths = [str(root / "Dockerfile") for root in matrix_projects.values()]
    done = run([tool("hadolint"), "--no-color", *paths])
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr


def test_hadolint_is_real(tmp_path: Path) -> None:
    """The checker can fail: an unpinned base image and a root-run sudo are findings."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python\nRUN sudo pip install protean\n")
    done = run([tool("hadolint"), "--no-color", str(bad)])
    assert done.returncode != 0
    assert "DL3006" in done.stdout and "DL3004" in done.stdout


def test_every_kustomization_renders_and_validates(matrix_projects, tmp_path: Path) -> None:
    renders = []
    for (case_id, kind), root in matrix_projects.items():
        for kustomization in KUSTOMIZATIONS:
            out = tmp_path / f"{case_id}-{kind}-{kustomization.replace('/', '_')}.yaml"
            out.write_text(kustomize(root, kustomization))
            renders.append(str(out))
    done = run([tool("kubernetes-validate"), "--strict", "--quiet", *renders], timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


def test_kubernetes_validate_is_real(tmp_path: Path) -> None:
    """--strict refuses a misspelled field, so a pass above means something."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n"
        "  replica: 1\n  selector: {matchLabels: {a: b}}\n"
        "  template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}\n"
    )
    done = run([tool("kubernetes-validate"), "--strict", str(bad)])
    assert done.returncode != 0


@pytest.mark.parametrize(("case_id", "kind"), MATRIX, ids=IDS)
def test_engine_deployment_rules(matrix_projects, case_id: str, kind: str) -> None:
    root = matrix_projects[(case_id, kind)]
    tree = _tree(root)
    settings = server_settings(tree)
    required, needs_tables, _ = production_needs(tree)
    docs = rendered(root)
    deployment = engine_deployment(docs)
    pod = deployment["spec"]["template"]["spec"]
    engine = container(deployment)

    # domain.toml: a container deployment binds the health server where probes reach it.
    assert settings["health_host"] == "0.0.0.0"
    assert settings["subscription_type"] == kind
    port = settings["health_port"]

    # Environment: PROTEAN_ENV=production, and every variable production reads with no
    # default from the Secret, by reference; no literal value for any of them.
    env = {entry["name"]: entry for entry in engine["env"]}
    assert env["PROTEAN_ENV"] == {"name": "PROTEAN_ENV", "value": "production"}
    secret_refs = {
        name: entry["valueFrom"]["secretKeyRef"]
        for name, entry in env.items()
        if "valueFrom" in entry
    }
    assert set(secret_refs) == set(required)
    assert all(ref["key"] == name for name, ref in secret_refs.items())
    assert len({ref["name"] for ref in secret_refs.values()}) <= 1
    assert all("value" not in env[name] for name in required)
    # The Secret itself is not among the manifests: no value is committed.
    assert objects(docs, "Secret") == []
    # ... and production's config resolves, by Protean's own loader, with exactly those set.
    config = load_config(root, "production", dict.fromkeys(required, "redis://h:1/0"), required)
    assert config["server"]["health"]["port"] == port

    # Probes on the engine's own endpoints and port.
    [declared] = engine["ports"]
    assert declared["containerPort"] == port
    for probe, path in (("livenessProbe", LIVENESS_PATH), ("readinessProbe", READINESS_PATH)):
        http = engine[probe]["httpGet"]
        assert http["path"] == path
        assert http["port"] in (port, declared["name"])
    # preStop drains through the engine, then waits; the grace period outlasts the drain.
    prestop = " ".join(engine["lifecycle"]["preStop"]["exec"]["command"])
    assert f"http://127.0.0.1:{port}{DRAIN_PATH}" in prestop and "method='POST'" in prestop
    wait = float(re.search(r"time\.sleep\(([\d.]+)\)", prestop).group(1))
    assert pod["terminationGracePeriodSeconds"] > wait + settings["drain_timeout"]

    # Scale: one engine and Recreate for event-store subscriptions; stream ones scale out.
    if kind == "event_store":
        assert deployment["spec"]["replicas"] == 1
        assert deployment["spec"]["strategy"] == {"type": "Recreate"}
        assert "--workers" not in engine["command"]
    else:
        assert deployment["spec"]["replicas"] == 3
        assert deployment["spec"]["strategy"]["type"] == "RollingUpdate"

    # Security: non-root, read-only root filesystem with /tmp writable, no privileges.
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] > 0
    every = [*pod.get("initContainers", []), *pod["containers"]]
    for each in every:
        security = each["securityContext"]
        assert security["readOnlyRootFilesystem"] is True
        assert security["allowPrivilegeEscalation"] is False
        assert security["capabilities"]["drop"] == ["ALL"]
        assert {"name": "tmp", "mountPath": "/tmp"} in each["volumeMounts"]
        assert each["resources"]["requests"] and each["resources"]["limits"]["memory"]
    assert {"name": "tmp", "emptyDir": {}} in pod["volumes"]

    # The engine runs the Dockerfile's CMD, in the image the Dockerfile builds.
    final = dockerfile_stages((root / "Dockerfile").read_text())[-1]
    [cmd] = [args for word, args in final if word == "CMD"]
    assert engine["command"] == json.loads(cmd)
    assert ("EXPOSE", str(port)) in final
    # db setup runs before the engine, with the same image and environment.
    if needs_tables:
        setup = container(deployment, "db-setup")
        assert setup["image"] == engine["image"]
        assert setup["command"][:3] == ["protean", "db", "setup"]
        assert setup["env"] == engine["env"]
    else:
        assert "initContainers" not in pod


@pytest.mark.parametrize(("case_id", "kind"), MATRIX[:2], ids=IDS[:2])
def test_no_committed_secret_values(
    matrix_projects, tmp_path: Path, case_id: str, kind: str
) -> None:
    """The committed template lists the Secret's keys, every one empty, and git ignores the
    filled-in copy (the project's own .gitignore, through git itself)."""
    # A copy: git init writes into it.
    root = tmp_path / "project"
    shutil.copytree(matrix_projects[(case_id, kind)], root, symlinks=True)
    example = root / KUBERNETES_FILES[-1]
    lines = [x for x in example.read_text().splitlines() if x and not x.startswith("#")]
    required, _, _ = production_needs(_tree(root))
    assert lines == [f"{name}=" for name in required]
    for relative in KUBERNETES_FILES:
        text = (root / relative).read_text()
        assert "postgresql://" not in text and "redis://" not in text
    git = tool("git")
    assert run([git, "init", "-q"], cwd=root).returncode == 0
    filled = KUBERNETES_FILES[-1].removesuffix(".example")
    ignored = run([git, "check-ignore", "-q", filled], cwd=root)
    assert ignored.returncode == 0
    kept = run([git, "check-ignore", "-q", KUBERNETES_FILES[-1]], cwd=root)
    assert kept.returncode == 1


def test_dockerfile_shape(matrix_projects) -> None:
    root = matrix_projects[("defaults", "event_store")]
    stages = dockerfile_stages((root / "Dockerfile").read_text())
    assert len(stages) == 2  # multi-stage: build tools never reach the image
    base = stages[-1][0][1]
    assert re.fullmatch(r"python:3\.\d+-slim-\w+", base)
    final = dict(stages[-1])
    assert final["USER"].isdigit() and int(final["USER"]) > 0
    assert "PROTEAN_ENV=production" in final["ENV"]
    assert "/livez" in final["HEALTHCHECK"] and "urllib" in final["HEALTHCHECK"]
    assert "curl" not in final["HEALTHCHECK"]
    build_runs = [args for word, args in stages[0] if word == "RUN"]
    assert any("pyproject.toml" in args and "pip install" in args for args in build_runs)
    # Build tools for psycopg2 (message-db) only in the builder, libpq at run time.
    assert "libpq-dev" in " ".join(build_runs)
    assert "libpq-dev" not in " ".join(a for w, a in stages[-1] if w == "RUN")


def test_resolved_production_matches_manifest_port(matrix_projects) -> None:
    """Protean's own loader reads the port the manifests probe."""
    root = matrix_projects[("defaults", "event_store")]
    required, _, _ = production_needs(_tree(root))
    config = load_config(root, "production", dict.fromkeys(required, "redis://h:1/0"), required)
    port = container(engine_deployment(rendered(root)))["ports"][0]["containerPort"]
    assert config["server"]["health"]["port"] == port
    assert config["server"]["health"]["host"] == "0.0.0.0"
    assert resolve(_tree(root), "production")["server"]["drain_timeout"] == 10
