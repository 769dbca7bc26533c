from __future__ import annotations

from pathlib import Path

import pytest

from .cases import CASES, generate


@pytest.fixture(scope="session")
def workspaces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each case generated once per session."""
    root = tmp_path_factory.mktemp("workspaces")
    return {name: generate(case, root / name) for name, case in CASES.items()}
