"""Every test run keeps protean-init's per-user key (scaffolder.transaction.seal) in a state
folder of its own, never in the user's ~/.local/state: set here, before any test runs, so
the subprocesses the tests start inherit it too."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest


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
