"""The answers record's package_name is held to the rule `new --package` is: the record is the
repository's, and a planted `package_name: pytest` had derive, ci, deploy and the edits aim the
Dockerfile, compose and CI at a package that shadows the test runner, where upgrade refused
it. Every command that reads the record refuses it in one line naming the record, exit 2,
nothing written. (The attack round of the thirteenth stop.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scaffolder.project_files import ANSWERS_FILE
from tests.support.projects import GeneratedProjects
from tests.workspace.support import snapshot

# Each refused by `new --package`: the test runner, the framework, the standard library, a
# keyword.
PLANTED = ["pytest", "protean", "os", "class"]


@pytest.fixture(scope="module")
def pristine(generated_projects: GeneratedProjects) -> Path:
    return generated_projects.pristine("shop", ("--defaults",))


@pytest.mark.parametrize("name", PLANTED)
@pytest.mark.parametrize(
    "argv",
    [
        ["derive"],
        ["ci"],
        ["deploy", "docker"],
        ["add-database", "reports", "--provider", "sqlite"],
        ["set", "production.debug=false"],
        ["upgrade"],
    ],
    ids=" ".join,
)
def test_a_planted_package_name_is_refused(
    cli, pristine: Path, tmp_path: Path, name: str, argv: list[str]
) -> None:
    root = tmp_path / "shop"
    shutil.copytree(pristine, root, symlinks=True)
    record = root / ANSWERS_FILE
    text = record.read_text()
    assert "\npackage_name: shop\n" in text
    record.write_text(text.replace("\npackage_name: shop\n", f"\npackage_name: {name}\n"))
    before = snapshot(root)
    code, out, err = cli(argv, "--project", root)
    assert snapshot(root) == before
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1, err
    assert f"{name!r}" in err, err
