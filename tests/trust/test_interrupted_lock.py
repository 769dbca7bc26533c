"""A Ctrl-C at any moment of taking or releasing the project's lock leaves no lock file behind
(the next command would take it all the same, but `.protean-init-lock` is ours and must not be
left in the user's project), and the process holds no lock afterwards.

Not resting on timing: a real SIGINT is sent to this process before each bytecode that
scaffolder/transaction/lock.py runs (a trace function, `f_trace_opcodes`) at each point
where Python checks for signals, one run per point, so the interrupt lands wherever a Ctrl-C
from the terminal can: raised there, or held back by the lock's own deferral. What catches it
is what the command line does (scaffolder.cli: `release_abandoned`, then the line). Seen with
real signals first: test_kill_transaction's SIGINT runs, under load, left the lock file
(`SIGINT at ...: half-written`).
"""

from __future__ import annotations

import dis
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import CodeType, FrameType

import pytest

from scaffolder.transaction import lock
from scaffolder.transaction.names import LOCK_NAME

LOCK_MODULE = lock.__file__


class SignalAtBytecode:
    """A trace function that sends SIGINT to this process at the `at`-th point of lock.py
    where CPython checks for signals (counting from 1), or only counts them when `at` is 0.

    Those points are where a Ctrl-C can land: a function's start (RESUME), a backward jump,
    and the return from a call; Python raises KeyboardInterrupt at the first one after the
    signal arrives, never between two other bytecodes."""

    def __init__(self, at: int, points: CheckPoints) -> None:
        self.at = at
        self.points = points
        self.seen = 0

    def __call__(self, frame: FrameType, event: str, _arg: object) -> object:
        if event == "call":
            if frame.f_code.co_filename != LOCK_MODULE:
                return None
            frame.f_trace_opcodes = True
            frame.f_trace_lines = False
            return self
        if event == "opcode" and frame.f_lasti in self.points.of(frame.f_code):
            self.seen += 1
            if self.seen == self.at:
                os.kill(os.getpid(), signal.SIGINT)
        return self


class CheckPoints:
    """The offsets of a code object's bytecodes at which CPython handles a pending signal."""

    def __init__(self) -> None:
        self.found: dict[CodeType, frozenset[int]] = {}

    def of(self, code: CodeType) -> frozenset[int]:
        if code not in self.found:
            instructions = list(dis.get_instructions(code))
            self.found[code] = frozenset(
                here.offset
                for before, here in zip([None, *instructions], instructions, strict=False)
                if here.opname in ("RESUME", "JUMP_BACKWARD")
                or (before is not None and "CALL" in before.opname)
            )
        return self.found[code]


@pytest.fixture
def python_sigint() -> Iterator[None]:
    """Python's own SIGINT handling (KeyboardInterrupt), whatever this worker inherited."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def take_and_release(root: Path, tracer: SignalAtBytecode) -> bool:
    """Take the project's lock and release it under `tracer`; whether a Ctrl-C reached us."""
    sys.settrace(tracer)
    try:
        with lock.project_lock(root):
            pass
    except KeyboardInterrupt:
        # What the command line does with an interrupt that reaches it (scaffolder.cli).
        lock.release_abandoned()
        return True
    finally:
        sys.settrace(None)
    return False


def test_a_sigint_at_each_point_of_taking_and_releasing_the_lock_leaves_no_file(
    tmp_path: Path, python_sigint: None
) -> None:
    root = tmp_path / "shop"
    root.mkdir()
    points = CheckPoints()
    counter = SignalAtBytecode(0, points)
    assert not take_and_release(root, counter)
    total = counter.seen
    assert total > 20  # the trace saw the lock's check points
    interrupted = 0
    for at in range(1, total + 1):
        interrupted += take_and_release(root, SignalAtBytecode(at, points))
        where = f"SIGINT at check point {at} of {total}"
        assert sorted(os.listdir(root)) == [], f"{where}: left {os.listdir(root)}"
        assert not lock._held, f"{where}: still held"
        assert not (root / LOCK_NAME).exists(), where
    # Every signal was raised in this process (none lost): held ones after the lock's step.
    assert interrupted == total


def test_after_an_interrupt_a_lock_another_thread_holds_stays_its_own(tmp_path: Path) -> None:
    """The wizard writes from a worker thread: an interrupt that reaches the command line in
    the main thread must not take that thread's lock away while it may still be writing."""
    root = tmp_path / "shop"
    root.mkdir()
    taken, done = threading.Event(), threading.Event()

    def worker() -> None:
        with lock.project_lock(root):
            taken.set()
            done.wait(60)

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert taken.wait(60)
        lock.release_abandoned()
        assert (root / LOCK_NAME).exists() and lock._held
    finally:
        done.set()
        thread.join(60)
    assert not (root / LOCK_NAME).exists() and not lock._held
