"""The generated README speaks about the user's project, and its protean-init snippets work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from scaffolder.answers import build_spec
from scaffolder.render import render_project
from scaffolder.spec.defaults import default_spec

REPO = Path(__file__).resolve().parents[2]


def readme(**project: str) -> str:
    spec = build_spec(default_spec("shop"), project={"name": "shop", **project})
    return render_project(spec)["README.md"].decode()


@pytest.mark.parametrize(
    ("ci", "deploy"), [("github", "docker"), ("gitlab", "kubernetes"), ("none", "none")]
)
def test_the_readme_installs_protean_init_from_where_it_is(ci: str, deploy: str) -> None:
    text = readme(ci=ci, deploy=deploy)
    # Notes about protean-init's own test machines are not the project's.
    assert "Docker engine" not in text and "where it is tested" not in text
    # protean-init is not on PyPI: a bare `pip install protean-init` would fail; the project
    # cannot know the URL of the copy the user ran, so it names none (no placeholder to fill).
    assert not re.search(r"pip install protean-init(\s|$)", text), text
    assert "<protean-init" not in text and "repository URL" not in text, text
    assert "protean-init check" in text

    # The pre-commit snippet: a local hook on the protean-init installed, the shipped hook's
    # definition (no additional_dependencies naming a package that cannot be installed).
    snippet = re.search(r"```yaml\n(repos:.*?)```", text, re.S)
    assert snippet is not None
    config = yaml.safe_load(snippet.group(1))
    (repo,) = config["repos"]
    assert repo["repo"] == "local" and "rev" not in repo
    shipped = {hook["id"] for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    for hook in repo["hooks"]:
        assert hook["id"] in shipped and hook["language"] == "system"
        assert "additional_dependencies" not in hook
