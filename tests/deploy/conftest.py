"""Every matrix project written once per session (rendering goes through copier)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.deploy.support import MATRIX, deploy_spec, write_project


@pytest.fixture(scope="session")
def matrix_projects(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    folder = tmp_path_factory.mktemp("deploy-matrix")
    return {
        (case_id, kind): write_project(deploy_spec(case_id, kind), folder / f"{case_id}-{kind}")
        for case_id, kind in MATRIX
    }
