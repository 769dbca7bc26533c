"""Real signals to real processes: SIGKILL at spread-out moments of `add-database` and `new`,
then the next command recovers the project (all old or all new, nothing of ours left); SIGINT
likewise, where what the process printed must also match the disk.

The commit is slowed with PROTEAN_INIT_TEST_COMMIT_DELAY (a sleep before each write step,
nothing else), so that the kill moments land before, inside and after the commit window.
Half the moments are spread evenly over a run's measured length (seeded jitter), half over
the commit window, counted from when the journal (or `new`'s staging folder) appears. Every
outcome is checked at any moment; that both outcomes (old and new) were seen does not rest on
timing: two more runs are signalled at moments the process marks itself (its journal, in state
"prepare" under a long delay, then in state "commit"; for `new`, before it starts and once the
project is there).

The child's SIGINT is Python's default handler whatever this test process inherited: a run of
the suite started as a background job of a script ignores SIGINT, and so would its children.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from scaffolder.transaction.names import JOURNAL_NAME, STAGING_PREFIX
from tests.support.cli import Result

from .transaction_support import (
    cli_command,
    cli_env,
    leftovers,
    make_project,
    run_cli,
    state,
)

DELAY = "0.03"
# Steps slowed by DELAY in add-database's commit: 4 files staged, then renamed.
WINDOW = 8 * float(DELAY) + 0.1
ADD = ["add-database", "reports", "--provider", "sqlite"]
KILL_RUNS = 24
NEW_KILL_RUNS = 8
SIGINT_RUNS = 10

# Each test runs a command tens to hundreds of times: handed out first (tests/conftest.py).
pytestmark = pytest.mark.slow


def timed_run(argv: list[str], cwd: Path) -> float:
    start = time.monotonic()
    result = run_cli(argv, cwd, PROTEAN_INIT_TEST_COMMIT_DELAY=DELAY)
    assert result.returncode == 0, result.stderr
    return time.monotonic() - start


def run_and_signal(
    argv: list[str],
    cwd: Path,
    after: float,
    signum: int,
    when: Callable[[], bool] | None = None,
    delay: str = DELAY,
) -> tuple[int, str]:
    """Start the command; signal it `after` seconds from its start or, with `when`, from the
    moment `when()` first holds (polled: the journal or the staging folder appears)."""
    process = subprocess.Popen(
        cli_command(argv),
        cwd=cwd,
        env=cli_env(PROTEAN_INIT_TEST_COMMIT_DELAY=delay),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=default_sigint,
    )
    if when is not None:
        deadline = time.monotonic() + 60
        while not when() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
    time.sleep(after)
    process.send_signal(signum)
    _, err = process.communicate(timeout=120)
    return process.returncode, err


def default_sigint() -> None:
    """In the child before it starts Python: SIGINT as a terminal's Ctrl-C finds it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def journal_says(root: Path, state: str) -> Callable[[], bool]:
    """Whether the project's journal is there and in `state` ("prepare": nothing replaced
    yet; "commit": the change goes through whatever happens next). The journal is renamed
    into place whole, so a read sees one state or none."""
    marker = f'"state": "{state}"'.encode()

    def says() -> bool:
        try:
            return marker in (root / JOURNAL_NAME).read_bytes()
        except FileNotFoundError:
            return False

    return says


# The moments the process marks itself: in "prepare", every write step sleeps a second, so a
# signal sent once the journal is seen lands long before the first file is replaced.
MARKED = [("old", "prepare", "1.0"), ("new", "commit", DELAY)]


def kill_plan(count: int, length: float, window: float, seed: int) -> list[tuple[float, bool]]:
    """Half the moments spread over a whole run, half over the commit window once the journal
    (or staging folder) is there: a loaded machine stretches runs, not the window."""
    spread = [(m, False) for m in moments(count - count // 2, length, seed)]
    return spread + [(m, True) for m in moments(count // 2, window, seed + 1)]


def moments(count: int, length: float, seed: int) -> list[float]:
    rng = random.Random(seed)
    step = length / count
    return [i * step + rng.uniform(0, step) for i in range(count)]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("kill-projects")


@pytest.fixture(scope="module")
def add_database_states(generated_projects, cache: Path) -> tuple[dict, dict, float]:
    """The project before and after add-database, and how long a slowed run takes."""
    root = make_project("generated", cache / "reference" / "shop", generated_projects)
    before = state(root)
    length = timed_run([*ADD, "--project", str(root)], cache)
    return before, state(root), length


def kill_then_recover(
    tmp_path: Path,
    cli: Callable[..., Result],
    make: Callable[[Path], Path],
    command: list[str],
    next_command: list[str],
    states: tuple[dict, dict, float],
    plan: list[tuple[float, bool]],
) -> dict[str, int]:
    """SIGKILL `command` in a project `make` makes, at each moment of `plan` (from its
    start, or from the journal's appearing where marked) and at the two moments the process
    marks itself (MARKED); after `next_command` (which recovers first; run in this process,
    as the cli fixture runs a command: the killed one is the real process) the project is all
    `before` or all `after` (`states`), with nothing left beside it. How many ended old, new."""
    before, after, _ = states
    seen = {"old": 0, "new": 0}

    def kill_and_recover(
        name: str, moment: float, when: Callable[[Path], Callable[[], bool]] | None, delay: str
    ) -> dict:
        root = make(tmp_path / name / "shop")
        code, _ = run_and_signal(
            [*command, "--project", str(root)],
            tmp_path,
            moment,
            signal.SIGKILL,
            when(root) if when else None,
            delay,
        )
        code_next, _, err = cli(next_command, "--project", root)
        assert code_next == 0, err
        now = state(root)
        assert now in (before, after), f"kill at {moment:.3f}s (exit {code}): half-written"
        assert not leftovers(root.parent), f"kill at {moment:.3f}s: left {leftovers(root)}"
        seen["old" if now == before else "new"] += 1
        shutil.rmtree(root.parent)
        return now

    for i, (moment, triggered) in enumerate(plan):
        journal = (lambda root: (root / JOURNAL_NAME).exists) if triggered else None
        kill_and_recover(f"run{i}", moment, journal, DELAY)
    print(f"SIGKILL {command[0]}, {len(plan)} runs over {states[2]:.2f}s: {seen}")
    for expected, marked, delay in MARKED:
        now = kill_and_recover(
            f"marked-{marked}", 0.0, lambda root, m=marked: journal_says(root, m), delay
        )
        assert now == (before if expected == "old" else after), f"killed in {marked}"
    return seen


def test_sigkill_during_add_database_then_the_next_command_recovers(
    tmp_path: Path, cli, generated_projects, add_database_states
) -> None:
    # The next command, `ci`, recovers first, then finds the CI file up to date (in either
    # state: the CI file is no function of a sqlite database).
    seen = kill_then_recover(
        tmp_path,
        cli,
        lambda root: make_project("generated", root, generated_projects),
        ADD,
        ["ci"],
        add_database_states,
        kill_plan(KILL_RUNS, add_database_states[2], WINDOW, seed=10),
    )
    assert seen["old"] and seen["new"], seen


@pytest.mark.parametrize("inside", ["shop", "made/above/shop"])
def test_sigkill_during_new_then_the_next_new_cleans_up(
    tmp_path: Path, cli, cache: Path, inside: str
) -> None:
    """With `made/above/shop`, `new` also makes two folders above the project: a kill before
    the rename leaves neither of them."""
    reference = cache / "new-reference" / "shop"
    if not reference.exists():
        timed_run(["new", str(reference), "--defaults"], cache)
    length = timed_run(["new", str(cache / "timed" / inside), "--defaults"], cache)
    expected = state(reference)
    seen = {"absent": 0, "complete": 0}

    def kill_and_clean_up(name: str, moment: float, when: str | None) -> dict:
        """`when`: None (from the start), "staged" (the staging folder is there) or
        "renamed" (the project is there)."""
        parent = tmp_path / name
        parent.mkdir()
        target = parent / inside
        top = parent / Path(inside).parts[0]

        def staged() -> bool:
            return any(p.name.startswith(STAGING_PREFIX) for p in parent.iterdir())

        condition = {None: None, "staged": staged, "renamed": target.exists}[when]
        run_and_signal(
            ["new", str(target), "--defaults"], parent, moment, signal.SIGKILL, condition
        )
        # The next `new` in the same folder removes the dead run's staging folder (run in
        # this process: the killed one is the real process).
        code, _, err = cli("new", parent / "other", "--defaults")
        assert code == 0, err
        shutil.rmtree(parent / "other")
        now = state(target)
        assert now in ({}, expected), f"kill at {moment:.3f}s: a half project"
        assert now or not top.exists(), f"kill at {moment:.3f}s: left {top} without a project"
        assert not leftovers(parent), f"kill at {moment:.3f}s: left {leftovers(parent)}"
        seen["complete" if now else "absent"] += 1
        shutil.rmtree(parent)
        return now

    plan = kill_plan(NEW_KILL_RUNS, length, 1.0, seed=20)
    for i, (moment, triggered) in enumerate(plan):
        kill_and_clean_up(f"run{i}", moment, "staged" if triggered else None)
    print(f"SIGKILL new {inside}, {NEW_KILL_RUNS} runs over {length:.2f}s: {seen}")
    # Killed before it starts, and once the project is there (the rename is the commit).
    assert kill_and_clean_up("marked-start", 0.0, None) == {}
    assert kill_and_clean_up("marked-renamed", 0.0, "renamed") == expected
    assert seen["absent"] and seen["complete"], seen


def test_sigint_during_add_database_says_what_is_on_disk(
    tmp_path: Path, generated_projects, add_database_states
) -> None:
    before, after, length = add_database_states
    seen = {"start-up": 0, "old": 0, "new": 0}

    def interrupt(
        name: str, moment: float, when: Callable[[Path], Callable[[], bool]] | None, delay: str
    ) -> dict:
        root = tmp_path / name / "shop"
        make_project("generated", root, generated_projects)
        code, err = run_and_signal(
            [*ADD, "--project", str(root)],
            tmp_path,
            moment,
            signal.SIGINT,
            when(root) if when else None,
            delay,
        )
        now = state(root)
        assert now in (before, after), f"SIGINT at {moment:.3f}s: half-written ({err!r})"
        assert not leftovers(root.parent), f"SIGINT at {moment:.3f}s: left {leftovers(root)}"
        if code == -signal.SIGINT or err.rstrip().endswith("KeyboardInterrupt"):
            # Ctrl-C while Python itself was still starting (before protean-init's code
            # ran): killed by the signal, or Python's own report; nothing is ours yet.
            assert now == before, f"SIGINT at {moment:.3f}s during start-up, yet written"
            seen["start-up"] += 1
        elif now == before:
            assert code == 130 and "nothing was written" in err, (code, err)
            assert "Traceback" not in err, err
            seen["old"] += 1
        else:
            assert code == 0 or (code == 130 and "after writing" in err), (code, err)
            assert "Traceback" not in err, err
            seen["new"] += 1
        shutil.rmtree(root.parent)
        return now

    for i, (moment, triggered) in enumerate(kill_plan(SIGINT_RUNS, length, WINDOW, seed=30)):
        journal = (lambda root: (root / JOURNAL_NAME).exists) if triggered else None
        interrupt(f"run{i}", moment, journal, DELAY)
    print(f"SIGINT add-database, {SIGINT_RUNS} runs over {length:.2f}s: {seen}")
    for expected, marked, delay in MARKED:
        now = interrupt(
            f"marked-{marked}", 0.0, lambda root, m=marked: journal_says(root, m), delay
        )
        assert now == (before if expected == "old" else after), f"SIGINT in {marked}"
    assert seen["old"] and seen["new"], seen


def test_an_ignored_sigint_is_not_held_to_cancel_the_commit(
    tmp_path: Path, generated_projects, add_database_states
) -> None:
    """Started with SIGINT ignored (`nohup`, a background job of a script), the command
    leaves it ignored: a SIGINT in the middle of the commit changes nothing, and the command
    says what it wrote. Holding it would cancel the write, deliver it to no one, and report
    `Added database` over an unchanged project."""
    _, after, _ = add_database_states
    root = make_project("generated", tmp_path / "shop", generated_projects)
    process = subprocess.Popen(
        cli_command([*ADD, "--project", str(root)]),
        cwd=tmp_path,
        env=cli_env(PROTEAN_INIT_TEST_COMMIT_DELAY="0.3"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    in_prepare = journal_says(root, "prepare")
    deadline = time.monotonic() + 60
    while not in_prepare() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert (process.returncode, err) == (0, "")
    assert "Added database 'reports'" in out
    assert state(root) == after
    assert not leftovers(root.parent)


def test_check_after_a_kill_between_two_replaced_files_sees_the_whole_project(
    tmp_path: Path, generated_projects
) -> None:
    """The process dies after replacing the first of add-database's files (os._exit, as
    SIGKILL would: no cleanup), leaving a journal in state "commit" and a half-new project.
    `check`, the read-only command, says a change is pending and writes nothing (it runs on
    forks' pull requests); the next command that writes finishes it."""
    root = make_project("generated", tmp_path / "shop", generated_projects)
    before = state(root)
    die_after_first_replace = (
        "import os, sys; import scaffolder.transaction.commit as t; real = os.replace\n"
        "def replace(a, b):\n    real(a, b); os._exit(9)\n"
        "t.os.replace = replace\n"
        "from scaffolder.cli import main; sys.exit(main(sys.argv[1:]))\n"
    )
    killed = subprocess.run(
        [sys.executable, "-c", die_after_first_replace, *ADD, "--project", str(root)],
        env=cli_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert killed.returncode == 9, killed.stderr
    assert (root / JOURNAL_NAME).exists()
    half = state(root, ignore_ours=True)
    assert half != before  # one file new, the others old
    checked = run_cli(["check", "--project", str(root)], root)
    assert "holds an interrupted change" in checked.stderr, checked.stderr
    assert (root / JOURNAL_NAME).exists()
    assert state(root, ignore_ours=True) == half  # check wrote nothing
    derived = run_cli(["derive", "--project", str(root)], root)
    assert "finished an interrupted change" in derived.stderr, derived.stderr
    assert not leftovers(root)
    after = state(root, ignore_ours=True)
    assert after != half and after != before  # all new: the commit was finished
    assert (root / "domain.toml").read_text(encoding="utf-8").count("databases.reports]") >= 1


# An edit of one context of a recorded workspace: its domain.toml, the shared files re-derived
# from every context (.env.example, compose), the answers record and the record of what was
# generated, in one transaction.
WORKSPACE_EDIT = ["set", "production.caches.default=memory", "--context", "catalogue"]
WORKSPACE_KILL_RUNS = 8


def test_sigkill_during_a_workspace_edit_then_the_next_command_recovers(
    tmp_path: Path, cli, generated_projects
) -> None:
    """SIGKILL at spread-out moments of a context's edit that re-derives the workspace's
    shared files, and at the two moments the process marks itself: after the next command
    (derive, which recovers first), the context's config and every shared file are all old
    or all new together."""
    reference = make_project("workspace", tmp_path / "reference" / "shop", generated_projects)
    before = state(reference)
    length = timed_run([*WORKSPACE_EDIT, "--project", str(reference)], tmp_path)
    after = state(reference)
    changed = {key for key in after if before.get(key) != after[key]}
    assert {"src/catalogue/domain.toml", ".env.example"} <= changed, changed
    window = 16 * float(DELAY) + 0.1
    kill_then_recover(
        tmp_path,
        cli,
        lambda root: make_project("workspace", root, generated_projects),
        WORKSPACE_EDIT,
        ["derive"],
        (before, after, length),
        kill_plan(WORKSPACE_KILL_RUNS, length, window, seed=30),
    )
