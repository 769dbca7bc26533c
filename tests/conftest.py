"""What every test directory shares.

Every test run keeps protean-init's per-user key (scaffolder.transaction.seal) in a state
folder of its own, never in the user's ~/.local/state: set here, before any test runs, so
the subprocesses the tests start inherit it too. `generated_projects`: what `protean-init new`
writes, made once a session for each set of answers (shared by the xdist workers), copied
fresh for each use.

Tests marked `slow` run first: xdist hands tests out in collection order, and a long test
handed out last keeps one worker busy while the others have nothing left to do.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator

import pytest

from tests.support.cli import Result, protean_init
from tests.support.projects import GeneratedProjects, shared_folder


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The `slow` tests first, each group in its collection order (a stable sort)."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session", autouse=True)
def own_state_folder() -> Iterator[None]:
    folder = tempfile.mkdtemp(prefix="protean-init-state-")
    previous = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = folder
    yield
    if previous is None:
        os.environ.pop("XDG_STATE_HOME", None)
    else:
        os.environ["XDG_STATE_HOME"] = previous
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def generated_projects(
    own_state_folder: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GeneratedProjects]:
    """`generated_projects.copy(tmp_path / "shop", "--ci", "gitlab")`: a fresh copy of
    `protean-init new shop --defaults --ci gitlab`, generated once a session for every
    worker (in the state folder above: the environment is taken when this is made).
    `generated_projects.pristine(name, arguments)`: the generated project itself, to read."""
    folder = shared_folder(tmp_path_factory) / "generated"
    folder.mkdir(exist_ok=True)
    projects = GeneratedProjects(folder)
    yield projects
    projects.close()


@pytest.fixture(scope="session")
def cli() -> Callable[..., Result]:
    """`code, out, err = cli("add-database x --provider sqlite --project", root)`:
    `protean-init` in this process, its output captured. A string is split as a shell would,
    a path is one argument, a list is taken word for word (tests.support.cli.argv_of). No state
    of its own: property tests and module fixtures may use it too."""
    return protean_init
