"""`installer=uv`: a new project whose README, CI and Dockerfile install with uv, as projects
`protean new` makes do; pip stays the default. Checked by the real validators (actionlint,
hadolint), kept by edits (recorded in the answers), an adopted project's uv.lock keeps uv, and
the CI memory job's own commands run here pass the project's suite."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml

from scaffolder.project_files import project_identity, read_answers
from tests.deploy.support import run as run_tool
from tests.deploy.support import tool
from tests.e2e.projects import UV_CACHE_DIR, find_uv, run
from tests.support.projects import GeneratedProjects
from tests.support.validators import assert_github_workflow_valid

GITHUB = ".github/workflows/ci.yml"


def new(projects: GeneratedProjects, tmp_path: Path, *sets: str) -> Path:
    """A fresh copy of `new shop --defaults --ui none --set SET...`."""
    options = [a for s in sets for a in ("--set", s)]
    return projects.copy(tmp_path / "shop", "--ui", "none", *options)


def runs(root: Path) -> list[str]:
    jobs = yaml.safe_load((root / GITHUB).read_text())["jobs"]
    return [step.get("run", step.get("uses", "")) for job in jobs.values() for step in job["steps"]]


def test_uv_project_files_install_with_uv_and_pass_the_validators(
    tmp_path, generated_projects, cli
):
    root = new(generated_projects, tmp_path, "installer=uv")
    steps = runs(root)
    assert "uv sync --extra test" in steps and "uv run pytest --protean-env memory" in steps
    assert "uv run pytest" in steps and not any("pip install" in s for s in steps)
    assert any(s.startswith("astral-sh/setup-uv@") for s in steps)
    assert "uv.lock" in (root / GITHUB).read_text()  # the cache is keyed on the lock file
    assert_github_workflow_valid(root / GITHUB)
    readme = (root / "README.md").read_text()
    assert "uv sync --extra test" in readme and "uv run pytest --protean-env memory" in readme
    assert "pip install" not in readme.split("## Configuration")[0]
    dockerfile = (root / "Dockerfile").read_text()
    assert "COPY pyproject.toml uv.lock* ./" in dockerfile and "uv sync --frozen" in dockerfile
    done = run_tool([tool("hadolint"), "--no-color", str(root / "Dockerfile")])
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr
    # Recorded, so every later edit derives with uv too.
    assert read_answers(root)["installer"] == "uv"
    assert cli("add-database reports --provider postgresql --project", root).code == 0
    assert "uv sync --extra test" in runs(root) and read_answers(root)["installer"] == "uv"


def test_pip_stays_the_default_and_an_unknown_installer_is_refused(
    tmp_path, generated_projects, cli
):
    root = new(generated_projects, tmp_path)
    assert 'python -m pip install -e ".[test]"' in runs(root)
    assert "installer" not in read_answers(root)
    code, _, err = cli("new", tmp_path / "x", "--defaults --ui none --set installer=poetry")
    assert code == 2
    assert "'poetry' for installer; expected one of: pip, uv" in err
    assert not (tmp_path / "x").exists()


def test_a_project_with_a_uv_lock_keeps_uv(tmp_path):
    root = tmp_path / "acme"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "acme"\nversion = "0"\n')
    (root / "uv.lock").write_text("version = 1\n")
    assert project_identity(root, {}).installer == "uv"
    assert project_identity(root, {}).test_install.startswith("uv ")
    (root / "uv.lock").unlink()
    assert project_identity(root, {}).installer == "pip"
    workflow = root / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("jobs:\n  t:\n    steps:\n      - run: uv sync --all-groups\n")
    assert project_identity(root, {}).installer == "uv"  # protean new's CI, no lock yet


@pytest.mark.slow
def test_the_uv_memory_job_runs_the_projects_suite(tmp_path, generated_projects):
    """The CI memory job's install and test commands, run here as the runner runs them:
    `uv sync` (no lock yet: it writes one, from PyPI), then `uv run pytest`."""
    root = new(generated_projects, tmp_path, "installer=uv")
    uv = find_uv()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV"))}
    env = {k: v for k, v in env.items() if not k.startswith(("PROTEAN_", "PYTEST_"))}
    env.update(
        UV_CACHE_DIR=str(UV_CACHE_DIR),
        UV_PYTHON=sys.executable,
        UV_PYTHON_DOWNLOADS="never",
        UV_NO_PROGRESS="1",
        PATH=f"{Path(uv).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    memory = yaml.safe_load((root / GITHUB).read_text())["jobs"]["memory"]
    commands = [step["run"] for step in memory["steps"] if "run" in step]
    assert commands == ["uv sync --extra test", "uv run pytest --protean-env memory"]
    for command in commands:
        done = run(["bash", "-c", command], cwd=root, env=env)
        assert done.returncode == 0, done.report()
    assert " passed" in done.stdout and " failed" not in done.stdout, done.report()
    assert (root / "uv.lock").is_file()  # written on the first run, to commit


def test_uv_gitlab_ci_installs_with_uv_and_passes_its_schema(tmp_path, generated_projects):
    from tests.support.validators import assert_gitlab_ci_valid

    root = new(generated_projects, tmp_path, "installer=uv", "ci=gitlab")
    text = (root / ".gitlab-ci.yml").read_text()
    data = yaml.safe_load(text)
    assert data["default"]["before_script"][-1] == "uv sync --extra test"
    assert data["default"]["cache"]["key"]["files"] == ["uv.lock", "pyproject.toml"]
    assert data["test-memory"]["script"] == ["uv run pytest --protean-env memory"]
    assert "pip install -e" not in text
    assert_gitlab_ci_valid(root / ".gitlab-ci.yml")


# --- protean-init set installer=... on an existing project ----------------------------------

INSTALL_FILES = (GITHUB, "Dockerfile", ".dockerignore")


def files_of(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
    }


def test_set_installer_uv_re_derives_ci_and_the_dockerfile_in_one_write(
    tmp_path, generated_projects, cli
):
    """`set installer=uv` on a pip project: CI and the Dockerfile become, byte for byte, what
    `new --set installer=uv` writes, the answers file records uv (later edits keep it), the
    README (the user's after `new`) is left with a note; `set installer=pip` brings the files
    back as they were."""
    root = new(generated_projects, tmp_path)
    before = files_of(root)
    made_with_uv = new(generated_projects, tmp_path / "uv", "installer=uv")
    code, out, err = cli("set --project", root, "installer=uv")
    assert code == 0, err
    assert out.startswith("Set installer=uv; updated: "), out
    assert "README.md is yours" in err and "uv sync --extra test" in err
    after = files_of(root)
    for path in INSTALL_FILES:
        assert after[path] == (made_with_uv / path).read_bytes(), path
    assert read_answers(root)["installer"] == "uv"
    assert project_identity(root, read_answers(root)).installer == "uv"
    assert after["README.md"] == before["README.md"]
    assert after["domain.toml"] == before["domain.toml"]
    assert_github_workflow_valid(root / GITHUB)
    # A later edit keeps uv (the answers hold it), and the way back restores pip's files.
    assert cli("set --project", root, "test.debug=false").code == 0
    assert "uv sync --extra test" in runs(root)
    assert cli("set --project", root, "test.debug=inherit installer=pip").code == 0
    back = files_of(root)
    for path in (*INSTALL_FILES, "domain.toml"):
        assert back[path] == before[path], path


def test_set_installer_keeps_a_users_edit_of_the_workflow(tmp_path, generated_projects, cli):
    """A line of the user's own in the generated workflow survives the re-derivation: the
    three-way merge takes uv's lines and keeps theirs."""
    root = new(generated_projects, tmp_path)
    workflow = root / GITHUB
    text = workflow.read_text()
    edited = text.replace(
        "    runs-on: ubuntu-latest\n", "    runs-on: ubuntu-latest\n    timeout-minutes: 9\n", 1
    )
    assert edited != text
    workflow.write_text(edited)
    assert cli("set --project", root, "installer=uv").code == 0
    merged = workflow.read_text()
    assert "timeout-minutes: 9" in merged and "uv sync --extra test" in merged


def test_set_installer_on_a_project_protean_init_did_not_make_is_refused(tmp_path, cli):
    """An adopted project (`protean new`'s layout, its own uv.lock and CI): its install steps
    are the user's, so it keeps its own installer; one line says why, exit 2, nothing written."""
    root = tmp_path / "acme"
    (root / "src" / "acme").mkdir(parents=True)
    (root / "src" / "acme" / "__init__.py").write_text("")
    (root / "pyproject.toml").write_text('[project]\nname = "acme"\nversion = "0"\n')
    (root / "src" / "acme" / "domain.toml").write_text(
        'debug = true\n[databases.default]\nprovider = "memory"\n'
    )
    (root / "uv.lock").write_text("version = 1\n")
    before = files_of(root)
    code, _, err = cli("set --project", root, "installer=pip")
    assert code == 2
    err = err.strip()
    assert "\n" not in err, err
    assert "are your own" in err and "keep their installer (uv)" in err, err
    assert files_of(root) == before
