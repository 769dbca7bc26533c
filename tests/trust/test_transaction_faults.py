"""Fault injection: every write step of every writing command fails (OSError) or is hit by a
real SIGINT, one step per run; then the next command runs, and the project must be
byte-for-byte all old or all new, with nothing of ours left, and what was printed must say
which.

A "write step" is any call of os.open (for writing), os.fsync, os.fchmod, os.replace,
os.rename, os.unlink, os.link, os.mkdir or Path.write_bytes on a path under the test's folder
(fsync and fchmod, which take a descriptor, are counted all). A dry count of the steps comes
first, so each test interrupts at every one of them and asserts that it did.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scaffolder.commands import new as new_command

from .transaction_support import REOPEN_COMMANDS, leftovers, make_project, ours, state

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT
NOTHING = ("nothing written", "nothing was written")
BY_PATH = ("replace", "rename", "unlink", "link", "mkdir")

# Each test runs a command tens to hundreds of times: handed out first (tests/conftest.py).
pytestmark = pytest.mark.slow


class Steps:
    """Counts write steps under `under`; at step `fail_at` raises OSError or sends SIGINT."""

    def __init__(self, under: Path, fail_at: int = 0, mode: str = "count") -> None:
        self.under = str(under)
        self.fail_at = fail_at
        self.mode = mode
        self.count = 0
        self.hit = False

    def step(self) -> None:
        self.count += 1
        if self.count != self.fail_at:
            return
        self.hit = True
        if self.mode == "raise":
            raise OSError(errno.EIO, "Input/output error (injected)")
        os.kill(os.getpid(), signal.SIGINT)

    def mine(self, path: object) -> bool:
        return isinstance(path, (str, Path)) and str(path).startswith(self.under)

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def by_path(name: str) -> None:
            original = getattr(os, name)

            def patched(*args, **kwargs):
                if (args and self.mine(args[0])) or (
                    name in ("replace", "rename") and self.mine(args[1] if len(args) > 1 else None)
                ):
                    self.step()
                return original(*args, **kwargs)

            monkeypatch.setattr(os, name, patched)

        for name in BY_PATH:
            by_path(name)
        original_open = os.open

        def patched_open(path, flags, *args, **kwargs):
            if flags & WRITE_FLAGS and self.mine(path):
                self.step()
            return original_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", patched_open)
        original_fchmod = os.fchmod

        def patched_fchmod(*args, **kwargs):
            self.step()
            return original_fchmod(*args, **kwargs)

        def patched_fsync(fd: int) -> None:
            # A step like any other, but not flushed: what is on disk after each run is the
            # same, and the hundreds of runs here would otherwise wait on the disk. The kill
            # tests (tests/trust/test_kill_transaction.py) run with real fsyncs.
            self.step()

        monkeypatch.setattr(os, "fchmod", patched_fchmod)
        monkeypatch.setattr(os, "fsync", patched_fsync)
        original_write = Path.write_bytes

        def patched_write(path: Path, data: bytes):
            if self.mine(path):
                self.step()
            return original_write(path, data)

        monkeypatch.setattr(Path, "write_bytes", patched_write)


@pytest.fixture(autouse=True)
def python_sigint() -> Iterator[None]:
    """Ctrl-C as in a shell, whatever the test runner set (a worker may ignore SIGINT)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    """Some of `new`'s files, rendered once: the writer, not copier, is under test, and a few
    files in nested folders take it through every kind of step (each file adds the same
    three). domain.toml and the answers record make the result a project `ci` can read."""
    from scaffolder.render import render_project
    from scaffolder.spec.defaults import default_spec

    files = render_project(default_spec("shop"))
    keep = {"domain.toml", ".copier-answers.protean-init.yml", "pyproject.toml", ".gitignore"}
    keep |= {name for name in files if name.startswith((".github/", "src/shop/"))}
    return {name: content for name, content in files.items() if name in keep}


def said_nothing_written(code: int, err: str) -> bool:
    return code != 0 and any(text in err for text in NOTHING) and "after writing" not in err


def check_outcome(
    code: int, out: str, err: str, now: dict, before: dict, after: dict, what: str
) -> str:
    """The printed outcome names the state on disk; returns which state it is."""
    assert now in (before, after), f"{what}: half-written ({err!r})"
    if now == before and before != after:
        assert said_nothing_written(code, err), f"{what}: nothing changed but said {err!r}"
        return "old"
    assert not said_nothing_written(code, err), f"{what}: written but said {err!r}"
    assert code == 0 or "after writing" in err, f"{what}: written, exit {code}: {err!r}"
    return "new"


def _holds_only_ours(found: dict, folder: str) -> bool:
    inside = [key for key in found if key.startswith(folder + "/")]
    return found[folder][0] == "dir" and all(
        found[key][0] == "dir" or ours(Path(key).name) for key in inside
    )


def states_after_recovery(
    fresh: Callable[[], None],
    run: Callable[[], tuple[int, str, str]],
    recover: Callable[[], None],
    observe: Callable[[], dict],
) -> dict[str, dict]:
    """What the project is once `recover` (the next command) ran after `run` was undone
    ("old": as fresh) or finished ("new"): interrupt_every_step's references where the next
    command changes the project too."""
    states = {}
    for name, first in (("old", None), ("new", run)):
        fresh()
        if first:
            code, _, err = first()
            assert code == 0, err
        recover()
        states[name] = observe()
    return states


def interrupt_every_step(
    monkeypatch: pytest.MonkeyPatch,
    under: Path,
    mode: str,
    fresh: Callable[[], None],
    run: Callable[[], tuple[int, str, str]],
    recover: Callable[[], None],
    observe: Callable[[], dict],
    before: dict,
    after: dict,
    references: dict[str, dict] | None = None,
) -> dict[str, int]:
    """Interrupt `run` at each of its write steps in turn; `recover` is the next command,
    after which the project is `references[old or new]` (default: `before` or `after`)."""
    references = references or {"old": before, "new": after}
    fresh()
    with monkeypatch.context() as patch:
        counter = Steps(under)
        counter.install(patch)
        code, _, err = run()
    assert code == 0, err
    assert observe() == after
    total = counter.count
    assert total > 10, total
    outcomes = {"old": 0, "new": 0, "runs": 0}
    for k in range(1, total + 1):
        fresh()
        with monkeypatch.context() as patch:
            steps = Steps(under, k, mode)
            steps.install(patch)
            code, out, err = run()
        assert steps.hit, f"step {k} of {total} was never reached"
        what = f"{mode} at step {k}/{total}"
        now = observe()
        left = {key for key in now if key not in before and key not in after}
        assert all(ours(Path(key).name) for key in left), f"{what}: made {left}"
        # A folder a deletion emptied (.github/workflows after `ci --ci gitlab`) is removed
        # when tidying up; a tidy-up that failed leaves it holding only our backup, for the
        # next command (recover(), below) to remove.
        left |= {key for key in now if key not in after and _holds_only_ours(now, key)}
        now = {key: value for key, value in now.items() if key not in left}
        seen = check_outcome(code, out, err, now, before, after, what)
        recover()
        assert observe() == references[seen], f"{what}: after the next command, not all {seen}"
        assert not leftovers(under), f"{what}: left {leftovers(under)}"
        outcomes[seen] += 1
        outcomes["runs"] += 1
    print(f"{mode}: {outcomes}")
    assert outcomes["old"] and outcomes["new"], outcomes
    return outcomes


@pytest.mark.parametrize("mode", ["raise", "sigint"])
@pytest.mark.parametrize("command", sorted(REOPEN_COMMANDS))
def test_reopen_command_interrupted_at_every_step(
    command: str, mode: str, tmp_path: Path, generated_projects, monkeypatch, cli
) -> None:
    argv, kind = REOPEN_COMMANDS[command]
    root = tmp_path / "shop"

    def fresh() -> None:
        if root.exists():
            shutil.rmtree(root)
        make_project(kind, root, generated_projects)

    fresh()
    before = state(root)
    code, _, err = cli([*argv, "--project", str(root)])
    assert code == 0, err
    after = state(root)
    assert after != before

    def next_command() -> None:
        # `ci`: like every writing command it recovers the project first.
        code, _, err = cli(["ci", "--project", str(root)])
        assert code == 0, err

    # What the next command makes of the project when it is all old, and all new.
    references = {}
    for name, source in (("old", None), ("new", argv)):
        fresh()
        if source:
            assert cli([*source, "--project", str(root)])[0] == 0
        next_command()
        references[name] = state(root)

    interrupt_every_step(
        monkeypatch,
        tmp_path,
        mode,
        fresh,
        lambda: cli([*argv, "--project", str(root)]),
        next_command,
        lambda: state(root),
        before,
        after,
        references,
    )


@pytest.mark.parametrize("mode", ["raise", "sigint"])
@pytest.mark.parametrize("into", ["new-folder", "empty-folder"])
def test_new_interrupted_at_every_step(
    into: str, mode: str, tmp_path: Path, rendered, monkeypatch, cli
) -> None:
    """`new` into a folder it makes (staged beside it, renamed into place) and into an empty
    folder that exists (a transaction in it); the next command is another `new` beside it."""
    monkeypatch.setattr(new_command, "_render", lambda spec: dict(rendered))
    parent = tmp_path / "work"
    target = parent / "shop"

    def fresh() -> None:
        if parent.exists():
            shutil.rmtree(parent)
        parent.mkdir()
        if into == "empty-folder":
            target.mkdir()

    def observe() -> dict:
        found = state(parent)
        return {k: v for k, v in found.items() if not k.startswith("other")}

    fresh()
    before = observe()
    code, _, err = cli(["new", str(target), "--defaults"])
    assert code == 0, err
    after = observe()

    def recover() -> None:
        if into == "new-folder":
            # Another `new` beside it removes what a dead run staged there.
            other = parent / "other"
            code, _, err = cli(["new", str(other), "--defaults"])
            assert code == 0, err
            shutil.rmtree(other)
            return
        # A command on the folder: it recovers first, then finds a project there or not.
        code, _, err = cli(["ci", "--project", str(target)])
        assert code == (0 if (target / "domain.toml").exists() else 2), err

    interrupt_every_step(
        monkeypatch,
        parent,
        mode,
        fresh,
        lambda: cli(["new", str(target), "--defaults"]),
        recover,
        observe,
        before,
        after,
    )


@pytest.mark.parametrize("mode", ["raise", "sigint"])
def test_workspace_upgrade_interrupted_at_every_step(
    mode: str, tmp_path: Path, generated_projects, monkeypatch, cli
) -> None:
    """`upgrade` of a 2-context workspace to the next version (one template line changed:
    compose's health check, a file added to every context's tests, one dropped), interrupted
    at each write step: all old or all new, then the next command finishes or undoes it."""
    from scaffolder.template_source import TEST_TEMPLATES_ENV, TEST_VERSION_ENV
    from tests.support.next_version import COMPOSE_TEMPLATE, NEXT, TEMPLATE, next_version

    root = tmp_path / "shop"
    templates = next_version(
        tmp_path / "next", {f"{TEMPLATE}/{COMPOSE_TEMPLATE}": (r"interval: 5s", "interval: 3s")}
    )
    monkeypatch.setenv(TEST_TEMPLATES_ENV, str(templates))
    monkeypatch.setenv(TEST_VERSION_ENV, NEXT)

    def fresh() -> None:
        if root.exists():
            shutil.rmtree(root)
        make_project("workspace", root, generated_projects)

    def upgrade() -> tuple[int, str, str]:
        return cli(["upgrade", "--project", str(root)])

    def next_command() -> None:
        code, _, err = cli(["ci", "--project", str(root)])
        assert code == 0, err

    fresh()
    before = state(root)
    assert upgrade()[0] == 0
    after = state(root)
    assert after != before
    references = states_after_recovery(fresh, upgrade, next_command, lambda: state(root))

    interrupt_every_step(
        monkeypatch,
        tmp_path / "shop",
        mode,
        fresh,
        upgrade,
        next_command,
        lambda: state(root),
        before,
        after,
        references,
    )


@pytest.mark.parametrize("mode", ["raise", "sigint"])
def test_workspace_deploy_interrupted_at_every_step(
    mode: str, tmp_path: Path, generated_projects, monkeypatch, cli
) -> None:
    """`deploy kubernetes` at a 2-context workspace's root writes both contexts' domain.toml,
    each context's manifests and the shared files: interrupted at each write step, every
    context's files are all old or all new together (one transaction), then the next command
    finishes or undoes it."""
    root = tmp_path / "shop"

    def fresh() -> None:
        if root.exists():
            shutil.rmtree(root)
        # Made without a deployment: kubernetes then adds the server settings to both
        # contexts' domain.toml.
        contexts = ("--context", "ordering", "--context", "catalogue")
        generated_projects.copy(root, *contexts, "--deploy", "none", name="shop")

    def deploy() -> tuple[int, str, str]:
        return cli(["deploy", "kubernetes", "--project", str(root)])

    def next_command() -> None:
        code, _, err = cli(["derive", "--project", str(root)])
        assert code == 0, err

    fresh()
    before = state(root)
    assert deploy()[0] == 0
    after = state(root)
    touched = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    # Both contexts' configs and files of the whole workspace are in the one change.
    assert {"src/ordering/domain.toml", "src/catalogue/domain.toml"} <= touched, touched
    references = states_after_recovery(fresh, deploy, next_command, lambda: state(root))

    interrupt_every_step(
        monkeypatch,
        root,
        mode,
        fresh,
        deploy,
        next_command,
        lambda: state(root),
        before,
        after,
        references,
    )
