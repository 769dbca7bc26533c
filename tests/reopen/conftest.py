"""Fixtures for the reopen tests: generated projects (tests/conftest.py's generated_projects, by
variant) and projects laid out from the fixture files."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.projects import GeneratedProjects

from .support import FIXTURES, write

VARIANTS = {
    "github": [],
    "gitlab": ["--ci", "gitlab"],
    "ci-none": ["--ci", "none"],
    "no-compose": ["--no-compose"],
}

PROTEAN_NEW_PYPROJECT = """\
[project]
name = "acme"
version = "0.1.0"
dependencies = ["protean==0.18.*"]
"""


@pytest.fixture
def generated(tmp_path: Path, generated_projects: GeneratedProjects) -> Callable[..., Path]:
    """`generated(variant="github")`: a fresh copy of `protean-init new shop --defaults` with
    the variant's options."""

    def make(variant: str = "github") -> Path:
        return generated_projects.copy(tmp_path / variant / "shop", *VARIANTS[variant])

    return make


@pytest.fixture
def guide_project(tmp_path: Path) -> Path:
    """A folder holding only the production guide's domain.toml."""
    root = tmp_path / "guide"
    root.mkdir(parents=True)
    shutil.copyfile(FIXTURES / "guide.domain.toml", root / "domain.toml")
    return root


@pytest.fixture
def protean_new_project(tmp_path: Path) -> Path:
    """The `protean new` layout: src/acme/domain.toml (the fixture), no overlays."""
    root = tmp_path / "acme"
    write(root / "pyproject.toml", PROTEAN_NEW_PYPROJECT)
    write(root / "src" / "acme" / "__init__.py", "")
    shutil.copyfile(FIXTURES / "protean-new.domain.toml", root / "src" / "acme" / "domain.toml")
    return root
