"""A repository is untrusted input: nothing planted in a project folder (a journal, a lock
file, a staging folder, symlinked folders) makes protean-init write outside it, into .git/,
or anywhere at all for a command that only reads (issue 22).

Each test plants the attack a cloned repository can hold, runs the commands, and asserts
every byte of the user's sibling folder, of `.git/` and of the project.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from scaffolder.transaction.names import JOURNAL_NAME, LOCK_NAME, STAGING_PREFIX

from .planted import (
    BY_NAME,
    OUTSIDE_FILES,
    SCENARIOS,
    Repository,
    folders_of,
    plant,
    sealed_journal,
    written_paths,
)
from .transaction_support import state

# The attack of the issue: "finish" a change whose temporary is a file of the repository and
# whose target is the user's shell start-up file, outside the project.
TO_BASHRC = {
    "version": 1,
    "state": "commit",
    "pid": 1,
    "entries": [{"target": "../outside/bashrc", "temp": "domain.toml", "backup": None}],
    "folders": [],
}


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("planted")


def assert_refused(code: int, err: str, *names: str) -> None:
    lines = err.strip().splitlines()
    assert code == 2, err
    assert "Traceback" not in err, err
    assert lines and all(name in lines[-1] for name in names), err


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_a_planted_journal_is_never_obeyed(
    generated_projects, scenario, tmp_path: Path, cache: Path, cli
) -> None:
    """Unsealed (a file of the repository), by every writing command and by check and
    --dry-run: one line naming the journal to delete, exit 2, not a byte changed anywhere."""
    repository = Repository(tmp_path, cache, scenario, generated_projects)
    plant(repository.root, json.dumps(TO_BASHRC).encode())
    guarded, project = repository.guarded(), repository.project()
    code, _, err = cli(repository.command())
    assert_refused(code, err, JOURNAL_NAME, "delete")
    assert repository.guarded() == guarded
    assert repository.project() == project
    assert (repository.outside / "bashrc").read_bytes() == OUTSIDE_FILES["bashrc"]


@pytest.mark.parametrize(
    "argv",
    [
        ["check"],
        ["add-database", "x", "--provider", "sqlite", "--dry-run"],
        ["derive"],
        ["edit", "--ui", "none"],
    ],
)
def test_a_journal_sealed_for_another_folder_or_user_is_refused(
    generated_projects, argv: list[str], tmp_path: Path, cache: Path, cli
) -> None:
    """A genuine journal copied from another project (sealed for that folder) or sealed with
    another user's key is not this project's: refused the same way."""
    repository = Repository(tmp_path, cache, BY_NAME["set"], generated_projects)
    for raw in (
        sealed_journal(tmp_path / "elsewhere", TO_BASHRC),
        sealed_journal(repository.root, TO_BASHRC, key=b"k" * 32),
    ):
        plant(repository.root, raw)
        guarded, project = repository.guarded(), repository.project()
        code, _, err = cli([*argv, "--project", str(repository.root)])
        assert_refused(code, err, JOURNAL_NAME)
        assert (repository.guarded(), repository.project()) == (guarded, project)


def test_check_and_dry_run_leave_a_genuine_interrupted_change_for_a_writing_command(
    generated_projects, tmp_path: Path, cache: Path, cli
) -> None:
    """A sealed journal of this user for this folder, state "prepare" with a temporary in
    place: check, --dry-run and the edit menu's summary say it is pending and change
    nothing; derive undoes it."""
    repository = Repository(tmp_path, cache, BY_NAME["set"], generated_projects)
    root = repository.root
    temp = root / ".domain.toml.protean-init-new-0badcafe"
    temp.write_bytes(b"half a change\n")
    body = {
        "version": 2,
        "state": "prepare",
        "pid": 1,
        "entries": [
            {"target": "domain.toml", "temp": temp.name, "backup": None},
        ],
        "folders": [],
    }
    plant(root, sealed_journal(root, body))
    everything = state(root)
    for argv in (
        ["check"],
        ["add-database", "x", "--provider", "sqlite", "--dry-run"],
        ["edit", "--ui", "none"],
    ):
        code, _, err = cli([*argv, "--project", str(root)])
        assert "holds an interrupted change" in err, err
        assert code in (0, 1), err
        assert state(root) == everything
    code, _, err = cli(["derive", "--project", str(root)])
    assert code == 0, err
    assert "undid an interrupted change" in err, err
    assert not temp.exists() and not (root / JOURNAL_NAME).exists()


def test_a_symlinked_lock_file_creates_nothing(
    generated_projects, tmp_path: Path, cache: Path, cli
) -> None:
    repository = Repository(tmp_path, cache, BY_NAME["set"], generated_projects)
    victim = repository.outside / "created-by-the-lock"
    os.symlink(victim, repository.root / LOCK_NAME)
    guarded, project = repository.guarded(), repository.project()
    code, _, err = cli(repository.command())
    assert_refused(code, err, LOCK_NAME, "symlink")
    assert not victim.exists()
    assert (repository.guarded(), repository.project()) == (guarded, project)


def test_a_planted_staging_folder_is_not_taken_for_ours(
    generated_projects, tmp_path: Path, cache: Path, cli
) -> None:
    """`.protean-init-staging-1-...` folders (a dead pid, our prefix) in the project's parent
    and in the folder `new` writes into: every command sweeps staging folders of dead runs,
    and must delete none of these."""
    repository = Repository(tmp_path, cache, BY_NAME["set"], generated_projects)
    planted = [
        tmp_path / f"{STAGING_PREFIX}1-deadbeef",
        tmp_path / f"{STAGING_PREFIX}999999-00000000-{'0' * 32}",
        tmp_path / "outside" / f"{STAGING_PREFIX}1-cafe",
    ]
    for folder in planted:
        folder.mkdir()
        (folder / "work.txt").write_bytes(b"the user's\n")
    os.symlink(tmp_path / "outside", tmp_path / f"{STAGING_PREFIX}1-link")
    before = state(tmp_path / "outside"), [state(f) for f in planted]
    code, _, err = cli(repository.command())
    assert code == 0, err
    code, _, err = cli(["new", str(tmp_path / "fresh"), "--ui", "none", "--defaults"])
    assert code == 0, err
    assert (state(tmp_path / "outside"), [state(f) for f in planted]) == before
    assert (tmp_path / f"{STAGING_PREFIX}1-link").is_symlink()


LINK_KINDS = ("outside", "inside", "dangling")


def _link_folder(repository: Repository, folder: str, kind: str) -> Path:
    """Replace the project's `folder` (or where the command would make it) with a symlink:
    to a copy outside the project, to a copy inside it, or to nothing."""
    path = repository.root / folder
    inside = repository.root / "elsewhere-inside" / folder.replace("/", "_")
    away = {
        "outside": repository.outside / "moved" / folder.replace("/", "_"),
        "inside": inside,
        "dangling": repository.outside / "nothing-here" / "x",
    }[kind]
    if kind != "dangling":
        away.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            shutil.copytree(path, away, symlinks=True)
        else:
            away.mkdir()
    if path.is_dir():
        shutil.rmtree(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(away, path)
    return away


def _render_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from scaffolder.commands import new as new_command

    original = new_command._render
    rendered: list[dict[str, bytes]] = []

    def render(spec):
        if not rendered:
            rendered.append(original(spec))
        return dict(rendered[0])

    monkeypatch.setattr(new_command, "_render", render)


# The commands that write a file below a folder of the project (the others write only files
# at its top, where no folder of the repository's lies on the way).
IN_FOLDERS = [
    "add-database",
    "derive",
    "ci-gitlab",
    "ci-github",
    "deploy-kubernetes",
    "remove-database",
    "rename-database",
    "new-force",
]


@pytest.mark.parametrize("scenario", [BY_NAME[n] for n in IN_FOLDERS], ids=IN_FOLDERS)
def test_a_symlinked_folder_anywhere_on_a_written_path_is_refused(
    generated_projects, scenario, tmp_path: Path, cache: Path, cli, monkeypatch
) -> None:
    """Every folder on the way to every file the command writes, made a symlink (to outside,
    to inside the project, dangling), one at a time: refused in one line, exit 2, not a byte
    changed in the project, outside it or in .git/. Where the link hides the file the
    command would have changed (a dangling `.github` holds no workflow to retire), the
    command may go on without it: then nothing behind the link changed."""
    if scenario.new_into:
        _render_once(monkeypatch)  # the writer is under test, not copier: render one time
    folders = folders_of(written_paths(cache, scenario, tmp_path / "probe", generated_projects))
    assert folders, f"{scenario.name} writes no file in a folder: nothing to try"
    tried = 0
    refused_or_hidden = {"refused": 0, "hidden": 0}
    for folder in folders:
        for kind in LINK_KINDS:
            base = tmp_path / f"try-{tried}"
            repository = Repository(base, cache, scenario, generated_projects)
            away = _link_folder(repository, folder, kind)
            guarded, project = repository.guarded(), repository.project()
            behind = state(away)
            code, _, err = cli(repository.command())
            assert repository.guarded() == guarded, (folder, kind)
            assert state(away) == behind, (folder, kind)
            assert os.readlink(repository.root / folder) == str(away)
            if code == 0 and kind == "dangling":
                refused_or_hidden["hidden"] += 1
            else:
                assert_refused(code, err, "nothing")
                assert repository.project() == project, (folder, kind)
                refused_or_hidden["refused"] += 1
            shutil.rmtree(base)
            tried += 1
    print(f"{scenario.name}: {tried} links over {folders}: {refused_or_hidden}")
    assert refused_or_hidden["refused"] >= 2 * len(folders)  # every outside and inside link


def test_a_file_symlink_into_git_or_outside_is_refused_and_one_inside_is_written_through(
    generated_projects, tmp_path: Path, cache: Path, cli
) -> None:
    """The decision for a file (not a folder) that is a link: written through when it names
    a file of the project outside .git/ (shared configs stay shared), refused otherwise."""
    scenario = BY_NAME["set"]
    for target, written in (
        (".git/config", False),
        ("../outside/victim", False),
        ("shared/example.env", True),
    ):
        base = tmp_path / target.replace("/", "_").replace(".", "_")
        repository = Repository(base, cache, scenario, generated_projects)
        real = repository.root / ".env.example"
        if written:
            (repository.root / "shared").mkdir()
            shutil.move(real, repository.root / target)
        else:
            real.unlink()
        os.symlink(target, real)
        guarded = repository.guarded()
        before = (repository.root / target).read_bytes() if written else None
        code, _, err = cli(repository.command())
        if written:
            assert code == 0, err
            assert real.is_symlink()  # the link stays a link; the file it names is edited
            assert (repository.root / target).read_bytes() != before
        else:
            assert_refused(code, err, ".env.example")
        if target == ".git/config":
            # The line says what the link is and why its target is refused, as one sentence.
            assert "is a symlink to .git/config, and .git/config is inside .git/" in err, err
        assert repository.guarded() == guarded


def test_every_command_on_a_planted_repository_leaves_outside_and_git_alone(
    generated_projects, tmp_path: Path, cache: Path, cli
) -> None:
    """All the plants at once, for each command and check: a journal aimed at the user's
    files and at .git/hooks, `.github` a link out of the project, a staging folder above.
    Whatever a command says, `outside/` and `.git/` are byte for byte as they were."""
    tried = 0
    for scenario in SCENARIOS:
        for argv in (None, ["check"]):
            base = tmp_path / f"all-{tried}"
            repository = Repository(base, cache, scenario, generated_projects)
            root = repository.root
            body = dict(TO_BASHRC)
            body["entries"] = [
                {"target": "../outside/bashrc", "temp": "domain.toml", "backup": None},
                {"target": ".git/hooks/pre-commit", "temp": "README.md", "backup": None},
                {"target": str(repository.outside / "victim"), "temp": None, "backup": None},
            ]
            body["folders"] = [str(repository.outside)]
            plant(root, json.dumps(body).encode())
            if (root / ".github").is_dir():
                _link_folder(repository, ".github", "outside")
            (base / f"{STAGING_PREFIX}1-abcd").mkdir()
            guarded = repository.guarded()
            command = repository.command() if argv is None else [*argv, "--project", str(root)]
            code, _, err = cli(command)
            assert code == 2 and "Traceback" not in err, (scenario.name, argv, err)
            assert repository.guarded() == guarded, (scenario.name, argv)
            assert (base / f"{STAGING_PREFIX}1-abcd").is_dir()
            shutil.rmtree(base)
            tried += 1
    assert tried == 2 * len(SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_every_written_file_made_a_link_out_of_the_project_is_refused(
    generated_projects, scenario, tmp_path: Path, cache: Path, cli, monkeypatch
) -> None:
    """The last component: each file the command writes (changes, makes or deletes), one at
    a time, a symlink to a file outside the project (the user's copy of it, or nothing yet
    for a file the command makes): refused in one line, exit 2, not a byte changed."""
    if scenario.new_into:
        _render_once(monkeypatch)
    paths = written_paths(cache, scenario, tmp_path / "probe", generated_projects)
    assert paths, f"{scenario.name} writes nothing: nothing to try"
    for index, relative in enumerate(paths):
        base = tmp_path / f"file-{index}"
        repository = Repository(base, cache, scenario, generated_projects)
        link = repository.root / relative
        away = repository.outside / relative.replace("/", "_")
        if link.is_file():
            shutil.move(link, away)
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(away, link)
        guarded, project = repository.guarded(), repository.project()
        code, _, err = cli(repository.command())
        assert_refused(code, err, relative)
        assert (repository.guarded(), repository.project()) == (guarded, project), relative
        shutil.rmtree(base)
    print(f"{scenario.name}: {len(paths)} file links refused: {paths}")


def test_a_named_pipe_where_a_file_is_written_is_refused_not_waited_on(
    generated_projects, tmp_path: Path
) -> None:
    """A FIFO planted at a file an edit writes (.env.example): the edit refuses in one line
    naming it, writes nothing and returns; before, reading it blocked forever under the
    project's lock. Run as a subprocess with a timeout, so a hang fails the test."""
    import subprocess
    import sys

    root = generated_projects.copy(tmp_path / "shop")
    (root / ".env.example").unlink()
    os.mkfifo(root / ".env.example")
    before = (root / "domain.toml").read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "scaffolder", "add-database", "reports", "--provider",
         "postgresql", "--project", str(root)],
        capture_output=True, text=True, timeout=60, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert ".env.example: is not a regular file" in result.stderr
    assert "nothing was written" in result.stderr
    assert (root / "domain.toml").read_bytes() == before
