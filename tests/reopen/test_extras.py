"""The project's protean requirement gains the extras a new provider needs, and only that."""

from __future__ import annotations

import tomllib

from scaffolder.reopen.extras import with_extras

PYPROJECT = """\
[project]
name = "shop"  # the shop
dependencies = [
    "httpx>=0.27",
    'protean[postgresql]>=0.18,<0.19',  # the framework
]
"""


def test_missing_extras_are_added_in_place():
    result = with_extras(PYPROJECT, ["mysql", "postgresql"])
    assert result == PYPROJECT.replace(
        "'protean[postgresql]>=0.18,<0.19'", "'protean[mysql,postgresql]>=0.18,<0.19'"
    )
    assert tomllib.loads(result)["project"]["dependencies"][0] == "httpx>=0.27"


def test_nothing_changes_when_no_extra_is_missing():
    assert with_extras(PYPROJECT, ["postgresql"]) is PYPROJECT


def test_a_bare_protean_requirement_gains_brackets():
    text = '[project]\ndependencies = ["protean>=0.18"]\n'
    assert with_extras(text, ["redis"]) == '[project]\ndependencies = ["protean[redis]>=0.18"]\n'


def test_other_packages_named_like_protean_are_left_alone():
    text = '[project]\ndependencies = ["protean-init>=0.1"]\n'
    assert with_extras(text, ["redis"]) == text


def test_add_database_adds_the_extra_to_the_generated_project(tmp_path, generated_projects, cli):
    root = generated_projects.copy(tmp_path / "shop")
    assert cli("add-database reports --provider mysql --project", root).code == 0
    dependencies = tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]
    assert dependencies == ["protean[message-db,mysql,postgresql,redis]>=0.18,<0.19"]
