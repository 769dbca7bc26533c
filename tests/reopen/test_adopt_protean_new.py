"""Adoption that finishes the job, on a real `protean new` project generated here: overlays
with the recommended servers, a CI file that actionlint accepts and that installs pytest the
way the project declares it ([dependency-groups] test), and the project's own test suite
passing in memory mode afterwards, installed as tests/e2e installs projects (uv, one venv)."""

from __future__ import annotations

import os
import shlex
import sys
import tomllib

import pytest
import yaml

from tests.e2e.projects import UV_CACHE_DIR, check, find_uv, run
from tests.support.validators import assert_github_workflow_valid

from .support import GITHUB, config_tree, load_config, variable_names
from .test_adopt import protean_new

pytestmark = pytest.mark.slow


def install_steps(workflow: dict) -> dict[str, str]:
    """{job: the run step that installs the project}."""
    found = {}
    for name, job in workflow["jobs"].items():
        for step in job["steps"]:
            if "pip install" in step.get("run", ""):
                found[name] = step["run"]
    return found


def test_an_adopted_protean_new_project_runs_its_suite_in_memory(tmp_path, cli):
    root = protean_new(tmp_path, "acme")
    config = root / "src" / "acme" / "domain.toml"

    assert cli("add-env production test memory --project", root).code == 0
    # Production: the recommended servers, from variables with no default (as --defaults).
    tree = config_tree(config)
    production = tree["production"]
    assert production["databases"]["default"] == {
        "provider": "postgresql",
        "database_uri": "${DATABASE_URL}",
    }
    assert production["brokers"]["default"]["provider"] == "redis"
    assert production["event_store"]["provider"] == "message_db"
    assert production["caches"]["default"]["provider"] == "redis"
    # Test: the same servers at the local defaults compose serves.
    names = variable_names(tree)
    test = load_config(config.parent, "test", {}, names)
    assert test["databases"]["default"]["database_uri"].startswith("postgresql://")
    assert "localhost" in test["brokers"]["default"]["URI"]

    # Its CI is its own (uv): `ci --force` takes ours, which installs its [dependency-groups].
    result = cli("ci --force --project", root)
    assert result.code == 0, result.err
    assert_github_workflow_valid(root / GITHUB)
    workflow = yaml.safe_load((root / GITHUB).read_text())
    # Its Python matrix is kept for the suite in memory mode.
    assert workflow["jobs"]["memory"]["strategy"]["matrix"]["python-version"] == [
        "3.11",
        "3.12",
        "3.13",
    ]
    steps = install_steps(workflow)
    assert set(steps) == {"memory", "integration"}
    groups = tomllib.loads((root / "pyproject.toml").read_text())["dependency-groups"]
    for step in steps.values():
        commands = [shlex.split(part) for part in step.split("&&")]
        install = commands[-1]
        assert install[:3] == ["python", "-m", "pip"] and "--group" in install, step
        group = install[install.index("--group") + 1]
        assert any(req.startswith("pytest") for req in groups[group]), (group, groups)
        # pip reads --group from 25.1 on: the step makes sure of it first.
        assert commands[0][-1] == "pip>=25.1", step

    # The project's own suite, installed as the CI step installs it, in memory mode.
    uv = find_uv()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV"))}
    env.update(UV_CACHE_DIR=str(UV_CACHE_DIR), UV_PYTHON_DOWNLOADS="never", UV_NO_PROGRESS="1")
    venv = root / ".venv"
    check(run([uv, "venv", "--python", sys.executable, str(venv)], cwd=root, env=env))
    python = str(venv / "bin" / "python")
    check(
        run(
            [uv, "pip", "install", "--python", python, "-e", ".", "--group", group],
            cwd=root,
            env=env,
        )
    )
    clean = {k: v for k, v in env.items() if not k.startswith(("PROTEAN_", "PYTEST_"))}
    suite = run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--protean-env", "memory"],
        cwd=root,
        env=clean,
    )
    check(suite)
    assert " passed" in suite.stdout and " failed" not in suite.stdout, suite.report()
