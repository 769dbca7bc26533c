"""A journal is acted on only when protean-init wrote it here, and only on paths a
transaction writes: property tests over journals mutated field by field.

Even a journal sealed with this user's key for this folder (so the seal is not what refuses
it) is refused when any path in it leaves the project, enters .git/, passes through a link,
is not a path at all, or is not one of our temporaries beside its target; so is any state
protean-init does not write. Unsealed journals are refused whatever they hold.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.errors import JournalRefused, UsageError
from scaffolder.transaction.journal import pending_change, recover
from scaffolder.transaction.names import JOURNAL_NAME

from .planted import OUTSIDE_FILES, plant, sealed_journal
from .transaction_support import state

TEMP = ".domain.toml.protean-init-new-0123abcd"
BACKUP = ".domain.toml.protean-init-old-0123abcd"
GOOD = {"target": "domain.toml", "temp": TEMP, "backup": BACKUP}

# Path forms no transaction writes; "{outside}" is the user's folder beside the project.
BAD_PATHS = [
    "../outside/bashrc",
    "{outside}/bashrc",
    "/etc/passwd",
    ".git/hooks/pre-commit",
    ".GIT/config",
    "src/../.git/config",
    "linked/domain.toml",  # `linked` is a symlink to the outside folder
    "linked/.domain.toml.protean-init-new-0123abcd",
    "a\x00b",
    "",
    ".",
    "./domain.toml",
    "src//x",
    "src\\..\\..\\outside",
    "README.md",  # a file of the repository, not a temporary of ours
    "src/.domain.toml.protean-init-new-0123abcd",  # not beside its target
    None,
    1,
    ["domain.toml"],
    {"path": "domain.toml"},
]
BAD_STATES = ["garbage", "", None, 1, ["commit"], "COMMIT"]
BAD_FOLDERS = [["{outside}"], ["../outside"], ["src"], [".git/hooks"], "src", [None], [""]]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[dict[str, object], list[str]]:
    """A journal protean-init would write (one entry: domain.toml), with at least one field
    given a value no transaction writes; and the names of the fields changed."""
    entry: dict[str, object] = dict(GOOD)
    body: dict[str, object] = {
        "version": 2,
        "state": draw(st.sampled_from(["prepare", "commit", "rollback"])),
    }
    body["pid"] = 1
    body["folders"] = []
    fields = draw(
        st.sets(
            st.sampled_from(["target", "temp", "backup", "state", "folders", "entry", "entries"]),
            min_size=1,
            max_size=3,
        )
    )
    for name in sorted(fields):
        if name == "target":
            entry[name] = draw(st.sampled_from(BAD_PATHS))
        elif name in ("temp", "backup"):
            # None is allowed there: no temporary (a deletion), no backup (a new file).
            entry[name] = draw(st.sampled_from([p for p in BAD_PATHS if p is not None]))
        elif name == "state":
            body["state"] = draw(st.sampled_from(BAD_STATES))
        elif name == "folders":
            body["folders"] = draw(st.sampled_from(BAD_FOLDERS))
        elif name == "entry":
            entry = draw(st.sampled_from([{}, {"target": "domain.toml"}, {**GOOD, "x": 1}]))
    body["entries"] = [entry]
    if "entries" in fields:
        body["entries"] = draw(st.sampled_from([None, "domain.toml", [None], [["domain.toml"]]]))
    return body, sorted(fields)


@pytest.fixture(scope="module")
def planted_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project-like folder (domain.toml, src/, .git/, a `linked` symlink out) beside the
    user's `outside/`; each example restores it from this copy."""
    base = tmp_path_factory.mktemp("journal-fields")
    return base


def _fresh(base: Path) -> tuple[Path, Path]:
    if base.exists():
        shutil.rmtree(base)
    outside = base / "outside"
    root = base / "shop"
    outside.mkdir(parents=True)
    for name, data in OUTSIDE_FILES.items():
        (outside / name).write_bytes(data)
    (root / "src").mkdir(parents=True)
    (root / ".git" / "hooks").mkdir(parents=True)
    (root / ".git" / "config").write_bytes(b"[core]\n")
    (root / "domain.toml").write_bytes(b"debug = true\n")
    (root / "README.md").write_bytes(b"# the repository's\n")
    (root / TEMP).write_bytes(b"planted new content\n")
    (root / BACKUP).write_bytes(b"planted old content\n")
    os.symlink(outside, root / "linked")
    return Path(os.path.realpath(root)), outside


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(journal=mutated(), seal_it=st.booleans())
def test_a_journal_naming_anything_a_transaction_does_not_write_is_refused(
    planted_root: Path, journal: tuple[dict[str, object], list[str]], seal_it: bool
) -> None:
    body, fields = journal
    root, outside = _fresh(planted_root / "case")
    body = json.loads(json.dumps(body).replace("{outside}", str(outside)))
    raw = sealed_journal(root, body) if seal_it else json.dumps(body).encode()
    plant(root, raw)
    before = state(root.parent)
    with pytest.raises(JournalRefused) as refused:
        pending_change(root)
    with pytest.raises(JournalRefused):
        recover(root)
    assert state(root.parent) == before, fields
    message = str(refused.value)
    assert "\n" not in message and JOURNAL_NAME in message and "delete" in message
    assert isinstance(refused.value, UsageError) and refused.value.exit_code == 2


@settings(max_examples=60, deadline=None)
@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_a_journal_of_garbage_bytes_is_refused_without_a_traceback(
    planted_root: Path, raw: bytes
) -> None:
    root, _outside = _fresh(planted_root / "garbage")
    plant(root, raw)
    before = state(root.parent)
    with pytest.raises(JournalRefused):
        recover(root)
    assert state(root.parent) == before


def test_a_journal_that_is_a_symlink_or_a_fifo_is_refused(planted_root: Path) -> None:
    root, outside = _fresh(planted_root / "special")
    os.symlink(outside / "bashrc", root / JOURNAL_NAME)
    with pytest.raises(JournalRefused):
        recover(root)
    (root / JOURNAL_NAME).unlink()
    os.mkfifo(root / JOURNAL_NAME)
    with pytest.raises(JournalRefused):
        recover(root)
    assert (outside / "bashrc").read_bytes() == OUTSIDE_FILES["bashrc"]


def test_a_sealed_journal_of_ours_is_still_recovered(planted_root: Path) -> None:
    """The same journal with nothing mutated: finished (state commit), the planted temporary
    renamed onto domain.toml and the backup removed: the control for the refusals above."""
    root, _outside = _fresh(planted_root / "control")
    plant(
        root,
        sealed_journal(
            root, {"version": 2, "state": "commit", "pid": 1, "entries": [GOOD], "folders": []}
        ),
    )
    assert recover(root) is not None
    assert (root / "domain.toml").read_bytes() == b"planted new content\n"
    assert not (root / BACKUP).exists() and not (root / JOURNAL_NAME).exists()


def test_a_finished_deletion_seen_again_does_not_delete_the_file_there_now(
    planted_root: Path,
) -> None:
    """A sealed "commit" journal deleting domain.toml whose backup is gone (its tidy-up had
    begun: the deletion was done) leaves a domain.toml made since alone."""
    root, _outside = _fresh(planted_root / "replay")
    (root / BACKUP).unlink()
    entry = {"target": "domain.toml", "temp": None, "backup": BACKUP}
    body = {"version": 2, "state": "commit", "pid": 1, "entries": [entry], "folders": []}
    plant(root, sealed_journal(root, body))
    assert recover(root) is not None
    assert (root / "domain.toml").read_bytes() == b"debug = true\n"


@pytest.mark.parametrize(
    "entry",
    [
        # A file of the repository as the target, with another file's temporary and backup.
        {"target": "README.md", "temp": TEMP, "backup": BACKUP},
        # A temporary under our mark but of another name, or with no token after the mark.
        {"target": "domain.toml", "temp": ".README.md.protean-init-new-0123abcd", "backup": None},
        {"target": "domain.toml", "temp": ".domain.toml.protean-init-new-", "backup": None},
        {"target": "domain.toml", "temp": ".domain.toml.protean-init-new-../x", "backup": None},
        {"target": "domain.toml", "temp": TEMP, "backup": ".x.protean-init-old-0123abcd"},
    ],
)
def test_a_sealed_journal_whose_temporaries_are_not_its_targets_own_is_refused(
    planted_root: Path, entry: dict[str, object]
) -> None:
    """Found by the property test above: a temporary was taken as ours by its mark alone, so a
    sealed journal could name README.md with domain.toml's temporary and backup."""
    root, _ = _fresh(planted_root / "beside")
    body = {"version": 2, "state": "commit", "pid": 1, "folders": [], "entries": [entry]}
    plant(root, sealed_journal(root, body))
    before = state(root.parent)
    with pytest.raises(JournalRefused):
        pending_change(root)
    with pytest.raises(JournalRefused):
        recover(root)
    assert state(root.parent) == before
