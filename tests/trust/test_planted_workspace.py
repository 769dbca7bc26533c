"""A planted workspace: the records, folders and configs of a workspace of several contexts
(`new --context`) chosen by an attacker, or left half-changed by hand.

Each case runs a real command on a fresh copy of a workspace protean-init made and asserts
what it may write: nothing outside the project, nothing for a context that is not on disk,
and, when it refuses, one line, exit 2 and no change.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scaffolder.generated_record import RECORD_DIR
from scaffolder.project_files import ANSWERS_FILE
from scaffolder.template_source import TEST_VERSION_ENV
from tests.support.projects import GeneratedProjects
from tests.workspace.support import snapshot

CONTEXTS = ("ordering", "billing")
# A version after this one: `upgrade` then merges this version's record to its templates.
NEXT = "9.0.0"


@pytest.fixture
def made(tmp_path: Path, generated_projects: GeneratedProjects) -> Path:
    """A fresh copy of `new shop --defaults --context ordering --context billing`."""
    contexts = [arg for name in CONTEXTS for arg in ("--context", name)]
    return generated_projects.copy(tmp_path / "shop", *contexts)


def _claim(root: Path, context: str) -> None:
    """The answers record lists `context` among the workspace's, with choices of its own."""
    path = root / ANSWERS_FILE
    text = path.read_text()
    assert "\ncontexts:\n" in text
    path.write_text(
        text.replace(
            "\ncontexts:\n", f"\ncontexts:\n  {context}:\n    base.databases.default: memory\n"
        )
    )


@pytest.mark.parametrize("how", ["planted in the record", "context deleted by hand"])
def test_upgrade_writes_no_context_that_is_not_on_disk(
    cli, made: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """A context the record lists but the disk has not (its folder deleted by hand, or a
    name planted in the record) is no context: upgrade merges the contexts on disk, as every
    edit re-derives from them, and never writes the package and tests of a context that is
    not there."""
    if how == "planted in the record":
        _claim(made, "ghost")
        gone = "ghost"
    else:
        shutil.rmtree(made / "src" / "billing")
        shutil.rmtree(made / "tests" / "billing")
        gone = "billing"
    before = snapshot(made)
    monkeypatch.setenv(TEST_VERSION_ENV, NEXT)
    code, out, err = cli(["upgrade"], "--project", made)
    assert code == 0, out + err
    folders = (f"src/{gone}/", f"tests/{gone}/")
    written = [
        path
        for path, content in snapshot(made).items()
        if path.removeprefix(f"{RECORD_DIR}/").startswith(folders) and before.get(path) != content
    ]
    assert written == [], (written, out + err)
