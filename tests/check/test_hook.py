"""The pre-commit hook: its definition, the light check path it relies on, and real runs.

The hook (.pre-commit-hooks.yaml) has `language: python`: pre-commit installs protean-init
into an environment of its own, so `check` must not import the wizard's Textual or copier.
The runs use pre-commit itself on a generated project, with the shipped hook's definition and
the installed protean-init as its entry (`language: unsupported`, since installing a fresh
environment from PyPI takes minutes: measured 2 min 20 s for try-repo on this machine, 40 s for
a local `language: python` hook). `PROTEAN_INIT_TRY_REPO=1` runs the real try-repo as well.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scaffolder.render import render_project
from scaffolder.spec.defaults import default_spec
from tests.support.cli import imported_by

REPO = Path(__file__).parents[2]
BIN = Path(sys.executable).parent
PRE_COMMIT = BIN / "pre-commit"
HEAVY = ("textual", "copier", "questionary", "jinja2", "plumbum")


def hook() -> dict:
    (definition,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    return definition


def test_the_hook_definition():
    definition = hook()
    assert definition["id"] == "protean-init-check"
    assert definition["entry"] == "protean-init check"
    assert definition["language"] == "python"
    assert definition["pass_filenames"] is False
    files = re.compile(definition["files"])
    watched = [
        "domain.toml",
        ".domain.toml",
        "src/acme/domain.toml",
        "pyproject.toml",
        "docker-compose.yml",
        "docker-compose.yaml",
        "compose.yml",
        ".gitlab-ci.yml",
        ".github/workflows/ci.yml",
        ".env.example",
    ]
    assert all(files.search(name) for name in watched)
    for name in ("README.md", "src/acme/domain.py", ".env", "mydomain.toml", "tests/x.yml"):
        assert not files.search(name), name


def write_project(root: Path) -> Path:
    for name, content in render_project(default_spec("acme")).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return root


def test_check_imports_neither_textual_nor_copier(tmp_path):
    """In every format, in a fresh interpreter: what the hook's environment runs."""
    project = write_project(tmp_path)
    formats = ("text", "json", "github", "sarif", "gitlab")
    imported = imported_by(
        *(["check", "--project", project, "--format", fmt] for fmt in formats), cwd=REPO
    )
    assert [result.code for result in imported.results] == [0] * len(formats), imported.results
    heavy = sorted(m for m in imported.modules if m.split(".")[0] in HEAVY)
    assert heavy == [], heavy


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def _pre_commit(root: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_COLOR": "never",
    }
    return subprocess.run(
        [str(PRE_COMMIT), *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=environ,
        timeout=600,
    )


def readme_hook_config(readme: str) -> str:
    """The `.pre-commit-config.yaml` the generated README shows (its first YAML block)."""
    return re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL)[0]


def test_pre_commit_runs_the_hook_on_a_generated_project(tmp_path):
    """The generated README's snippet, as a user pastes it: it runs the protean-init on PATH
    (this venv's, first on PATH in _pre_commit)."""
    project = write_project(tmp_path / "acme")
    config = readme_hook_config((project / "README.md").read_text())
    (project / ".pre-commit-config.yaml").write_text(config)
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    home = tmp_path / "pre-commit-home"

    clean = _pre_commit(project, home, "run", "--all-files")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert re.search(r"protean-init check\.+Passed", clean.stdout), clean.stdout

    # A sqlite database on the test default's postgresql URL: Protean loads it, the hook fails.
    domain = project / "domain.toml"
    text = domain.read_text()
    broken = text.replace(
        '[test.databases.default]\nprovider = "postgresql"',
        '[test.databases.default]\nprovider = "sqlite"',
    )
    assert broken != text
    domain.write_text(broken)
    _git(project, "add", "domain.toml")
    failed = _pre_commit(project, home, "run", "--all-files")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert re.search(r"protean-init check\.+Failed", failed.stdout), failed.stdout
    assert "wrong-url-scheme [test]" in failed.stdout
    assert "- exit code: 1" in failed.stdout

    # Malformed TOML: exit 2 from check, a failed hook, and the one line naming the place.
    domain.write_text(text + "\n[broken\n")
    _git(project, "add", "domain.toml")
    unreadable = _pre_commit(project, home, "run", "--all-files")
    assert unreadable.returncode == 1
    assert "- exit code: 2" in unreadable.stdout
    assert "domain.toml: line" in unreadable.stdout

    # A commit that touches none of the watched files does not run it at all.
    domain.write_text(text)
    _git(project, "add", "domain.toml")
    (project / "notes.txt").write_text("hello\n")
    _git(project, "add", "notes.txt")
    skipped = _pre_commit(project, home, "run", "--files", "notes.txt")
    assert skipped.returncode == 0
    assert re.search(r"protean-init check\.+\(no files to check\)Skipped", skipped.stdout)


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("PROTEAN_INIT_TRY_REPO") != "1",
    reason="installs protean-init from PyPI into a fresh environment (minutes): "
    "set PROTEAN_INIT_TRY_REPO=1 to run it",
)
def test_try_repo_installs_and_runs_the_hook(tmp_path):
    repo = tmp_path / "repo"
    subprocess.run(["git", "clone", "-q", str(REPO), str(repo)], check=True, capture_output=True)
    project = write_project(tmp_path / "acme")
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    home = tmp_path / "home"
    result = _pre_commit(project, home, "try-repo", str(repo), "protean-init-check", "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr
    shutil.rmtree(home, ignore_errors=True)


@pytest.mark.parametrize("ci", ["github", "gitlab", "none"])
def test_the_generated_readme_shows_the_hook_as_an_opt_in(ci):
    """The README's snippet is a local hook running the protean-init the user installed (it is
    not on PyPI, and the project cannot know the URL of the copy the user ran): the shipped
    hook's definition, on the system's protean-init; nothing else generated needs it."""
    from scaffolder.answers import build_spec

    files = render_project(build_spec(default_spec("acme"), sets=[], project={"ci": ci}))
    readme = files["README.md"].decode()
    assert "<" not in readme_hook_config(readme)  # no placeholder to fill in
    config = yaml.safe_load(readme_hook_config(readme))
    (repository,) = config["repos"]
    shipped = {key: value for key, value in hook().items() if key != "description"}
    assert repository == {"repo": "local", "hooks": [{**shipped, "language": "system"}]}
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL)
    step = blocks[1]
    if ci == "gitlab":
        job = yaml.safe_load(step)["protean-init-check"]
        assert "protean-init check --format gitlab > gl-code-quality-report.json" in job["script"]
        assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    else:
        assert "protean-init check --format github" in step
    for name, content in files.items():
        if name != "README.md":
            assert b"protean-init check" not in content, name
    import tomllib

    pyproject = tomllib.loads(files["pyproject.toml"].decode())
    requirements = [*pyproject["project"].get("dependencies", [])]
    for group in (
        *pyproject["project"].get("optional-dependencies", {}).values(),
        *pyproject.get("dependency-groups", {}).values(),
    ):
        requirements += [r for r in group if isinstance(r, str)]
    assert not [r for r in requirements if r.startswith("protean-init")], requirements
