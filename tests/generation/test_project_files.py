"""Proof 5: .env.example, .gitignore, the project's dependencies and its recorded answers."""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

from packaging.requirements import Requirement

from scaffolder.answers import build_spec, load_answers
from scaffolder.config_tree import provider_of, references, resolve, slot_tables
from scaffolder.project_files import ANSWERS_FILE

from .conftest import read_tree
from .support import (
    ENV_EXAMPLE,
    PRODUCTION,
    Generated,
    ci_test_env,
    env_example,
    required_variables,
    used_providers,
)


def test_env_example_lists_every_variable_domain_toml_reads(project: Generated) -> None:
    tree = project.tree
    names = {ref.name for ref in references(tree)}
    if not names:
        assert ENV_EXAMPLE not in project.files
        return
    text = project.text(ENV_EXAMPLE)
    # Nothing is set by copying the file: every line is a comment or blank.
    assert all(not line.strip() or line.startswith("#") for line in text.splitlines())
    listed = {name for entries in env_example(project).values() for name, _ in entries}
    assert listed == names


def test_env_example_gives_defaults_and_placeholders(project: Generated) -> None:
    if ENV_EXAMPLE not in project.files:
        assert not project.referenced_variables
        return
    sections = env_example(project)
    spec = project.spec
    required = required_variables(spec)
    assert (PRODUCTION in sections) == bool(required)
    production = sections.get(PRODUCTION, [])
    for name, value in production:
        slot = required[name]
        provider = spec.provider(PRODUCTION, slot)
        # A placeholder that shows the form, never a credential: not the local URL, and its
        # password (if the form has one) is the word PASSWORD.
        assert value == provider.placeholder_url
        assert value != spec.local_url(slot, provider)
        assert urlsplit(value).password in (None, "PASSWORD"), value
    assert {name for name, _ in production} == set(required)
    # Elsewhere each variable shows the default domain.toml falls back on.
    defaults = {(ref.name, ref.default) for ref in references(project.tree) if ref.default}
    others = {entry for env, entries in sections.items() if env != PRODUCTION for entry in entries}
    assert others == defaults


def test_gitignore_keeps_secrets_out(project: Generated, tmp_path: Path) -> None:
    git = shutil.which("git")
    assert git, "git is needed to check .gitignore"
    root = tmp_path / "repo"
    shutil.copytree(project.root, root)
    subprocess.run([git, "init", "-q", str(root)], check=True)

    def ignored(name: str) -> bool:
        result = subprocess.run([git, "-C", str(root), "check-ignore", "-q", name], check=False)
        assert result.returncode in (0, 1), result
        return result.returncode == 0

    assert ignored(".env")
    assert ignored(".env.production")
    assert not ignored(ENV_EXAMPLE)
    assert not ignored("domain.toml")
    assert not ignored(ANSWERS_FILE)


def test_project_depends_on_exactly_the_extras_its_providers_need(project: Generated) -> None:
    pyproject = tomllib.loads(project.text("pyproject.toml"))
    requirements = [Requirement(text) for text in pyproject["project"]["dependencies"]]
    protean = [r for r in requirements if r.name == "protean"]
    assert len(protean) == 1
    wanted = {p.extra for p in used_providers(project.spec) if p.extra}
    assert set(protean[0].extras) == wanted
    assert protean[0].specifier.contains("0.18.0")
    known = set(importlib.metadata.metadata("protean").get_all("Provides-Extra"))
    assert wanted <= known, wanted - known


def test_answers_file_records_the_choices(project: Generated) -> None:
    answers = load_answers(project.root / ANSWERS_FILE)
    spec = project.spec
    assert answers["project_name"] == spec.project_name
    assert answers["package_name"] == spec.package_name
    assert answers["ci"] == spec.ci
    assert answers["compose"] == spec.compose
    # Read back as `new --answers` reads it, the record is the very same spec.
    assert build_spec(None, answers=answers) == spec


def test_new_from_the_recorded_answers_is_identical(
    project: Generated, tmp_path: Path, cli
) -> None:
    again = tmp_path / "again"
    assert cli("new", again, "--ui none --answers", project.root / ANSWERS_FILE).code == 0
    files = read_tree(again)
    assert files["domain.toml"] == project.files["domain.toml"]
    assert files == read_tree(project.root)  # the record of what was generated included


def test_readme_says_which_variables_a_run_without_compose_sets(project: Generated) -> None:
    """Outside compose an unset variable falls back to compose's localhost default and the
    run fails to connect (Protean's message then prints the URL, password and all): the
    README's test section names every variable the test environment's servers read."""
    config = resolve(project.tree, ci_test_env(project.spec))
    wanted = [
        ref.name
        for slot, table in slot_tables(config)
        if (provider := provider_of(slot, table)) is not None and provider.needs_server
        for ref in references(dict(table))
    ]
    readme = project.text("README.md")
    said = re.search(r"export the test environment's variables first:\n(.*)\n", readme)
    if not wanted:
        assert said is None
        return
    assert said is not None, readme
    assert said.group(1).split("`")[1::2] == list(dict.fromkeys(wanted))
