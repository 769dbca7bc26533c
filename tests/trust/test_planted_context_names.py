"""A context folder planted under a workspace's src/ is held to the rule `new --context` and
`add-context` hold a name to (workspace_spec.validate_context_name), not to lower case alone.

`src/pytest/domain.toml` beside a workspace's contexts was taken for a context by every
command: derive wrote an engine, a db-setup service and a CI matrix entry for a package that
shadows the test runner, where `new --context pytest` is refused for exactly that; a Python
keyword (`src/class/`) got a package nothing can import. (The attack round of the thirteenth
stop.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.projects import GeneratedProjects
from tests.workspace.support import snapshot

# Each refused by `new --context NAME`: the test runner, the framework, the standard library,
# a keyword, a name of the workspace's own folders, one whose variables a tool reads.
PLANTED = ["pytest", "protean", "os", "class", "deploy", "_private", "python"]


@pytest.fixture
def made(tmp_path: Path, generated_projects: GeneratedProjects) -> Path:
    return generated_projects.copy(
        tmp_path / "shop", "--context", "ordering", "--context", "payments"
    )


def test_new_refuses_each_name(cli, tmp_path: Path) -> None:
    """The names planted below are the ones `new --context` refuses (the rule's own)."""
    for name in PLANTED:
        code, _, err = cli(["new", tmp_path / name, "--context", name], "--defaults")
        assert code == 2, (name, err)


@pytest.mark.parametrize("name", PLANTED)
@pytest.mark.parametrize(
    "argv",
    [
        ["derive"],
        ["check"],
        ["edit", "--ui", "none"],
        ["add-database", "reports", "--provider", "sqlite", "--context", "ordering"],
        ["set", "production.debug=false", "--context", "ordering"],
    ],
    ids=" ".join,
)
def test_a_planted_context_of_a_refused_name_is_refused(
    cli, made: Path, name: str, argv: list[str]
) -> None:
    folder = made / "src" / name
    shutil.copytree(made / "src" / "payments", folder)
    before = snapshot(made)
    code, out, err = cli(argv, "--project", made)
    assert snapshot(made) == before
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1, err
    assert f"src/{name}" in err and f"{name!r}" in err, err
