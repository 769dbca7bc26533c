"""Signals held back while files are replaced, and what this process has written, so that an
interrupted run says truthfully whether anything was written."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

DEFERRED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

# What this process has written: (root, relative paths). The CLI reads it when interrupted.
_written: list[tuple[Path, list[str]]] = []


def written() -> list[tuple[Path, list[str]]]:
    return list(_written)


def forget_written() -> None:
    _written.clear()


def record_written(root: Path, relatives: Sequence[str]) -> None:
    _written.append((root, list(relatives)))


class Deferred:
    """Signals that arrived while held back, delivered by `deliver` after the window."""

    def __init__(self) -> None:
        self.pending: list[int] = []

    def deliver(self) -> None:
        if not self.pending:
            return
        signum = self.pending[0]
        self.pending.clear()
        if signum == signal.SIGINT and signal.getsignal(signum) is signal.default_int_handler:
            raise KeyboardInterrupt
        os.kill(os.getpid(), signum)


@contextlib.contextmanager
def deferred_signals() -> Iterator[Deferred]:
    """Hold SIGINT/SIGTERM/SIGHUP: they are recorded, and the caller decides when to deliver.

    Python runs signal handlers in the main thread only; elsewhere (the wizard writes from a
    worker thread, where Ctrl-C is a key, not a signal) there is nothing to hold.
    """
    deferred = Deferred()
    if threading.current_thread() is not threading.main_thread():
        yield deferred
        return

    def hold(signum: int, _frame: object) -> None:
        deferred.pending.append(signum)

    previous = {}
    try:
        for signum in DEFERRED:
            # An ignored signal stays ignored (`nohup`, a background job of a script): held, it
            # would cancel the write, and its delivery would then do nothing, so the command
            # would report a change it never made.
            if signal.getsignal(signum) is not signal.SIG_IGN:
                previous[signum] = signal.signal(signum, hold)
        yield deferred
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
