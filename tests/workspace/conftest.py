from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.projects import GeneratedProjects

from .cases import CASES


@pytest.fixture(scope="session")
def workspaces(generated_projects: GeneratedProjects) -> dict[str, Path]:
    """Each case as `protean-init new` writes it, generated once a session (read-only)."""
    return {
        name: generated_projects.pristine(name, tuple(case.argv(Path(name))[2:]))
        for name, case in CASES.items()
    }
