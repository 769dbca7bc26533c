"""Fixtures for the reopen tests: generated projects (made once a session, copied per test),
projects laid out from the fixture files, and an in-process CLI runner."""

from __future__ import annotations

import shlex
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from scaffolder.cli import main

from .support import FIXTURES, Result, write

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
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """`cli("add-database x --provider sqlite --project", root)`: run `protean-init` in this
    process; strings are split as a shell would, paths passed as they are."""

    def run(*argv: str | Path) -> Result:
        args: list[str] = []
        for arg in argv:
            args.extend(shlex.split(arg) if isinstance(arg, str) else [str(arg)])
        capsys.readouterr()
        code = main(args)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def _generated_cache(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    cache = tmp_path_factory.mktemp("generated")
    made: dict[str, Path] = {}

    def get(variant: str) -> Path:
        if variant not in made:
            root = cache / variant / "shop"
            assert main(["new", str(root), "--defaults", *VARIANTS[variant]]) == 0
            made[variant] = root
        return made[variant]

    return get


@pytest.fixture
def generated(tmp_path: Path, _generated_cache) -> Callable[..., Path]:
    """`generated(variant="github")`: a fresh copy of `protean-init new shop --defaults`."""

    def make(variant: str = "github") -> Path:
        target = tmp_path / variant / "shop"
        shutil.copytree(_generated_cache(variant), target, symlinks=True)
        return target

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
