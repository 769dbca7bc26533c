"""Every matrix project, as `protean-init new` writes it, generated once a session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.deploy.support import MATRIX, deploy_sets
from tests.generation.cases import CASES
from tests.support.projects import GeneratedProjects


@pytest.fixture(scope="session")
def matrix_projects(generated_projects: GeneratedProjects) -> dict[tuple[str, str], Path]:
    """(case id, subscription type) -> the project (read-only: copy it to write to it)."""
    return {
        (case_id, kind): CASES[case_id].generated(generated_projects, *deploy_sets(kind))
        for case_id, kind in MATRIX
    }
