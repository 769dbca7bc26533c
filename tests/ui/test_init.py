"""`scaffolder.ui` stays cheap to import, and decides when a full-screen app can run."""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

from scaffolder import ui


def test_importing_the_package_loads_no_ui_library():
    code = (
        "import sys, scaffolder.ui; "
        "heavy = [m for m in ('textual', 'questionary', 'prompt_toolkit', 'copier') "
        "if m in sys.modules]; print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


class FakeStream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty

    def fileno(self) -> int:
        return 1


@pytest.fixture
def terminal(monkeypatch):
    """`terminal(columns, lines, tty=True, term='xterm-256color')` fakes the process's terminal."""

    def fake(columns=80, lines=24, tty=True, term="xterm-256color", stdin_tty=None):
        monkeypatch.setattr(sys, "stdin", FakeStream(tty if stdin_tty is None else stdin_tty))
        monkeypatch.setattr(sys, "stdout", FakeStream(tty))
        monkeypatch.setenv("TERM", term)
        monkeypatch.setattr(
            os, "get_terminal_size", lambda fd: SimpleNamespace(columns=columns, lines=lines)
        )

    return fake


def test_a_capable_terminal_of_80x24_or_more_runs_full_screen(terminal):
    terminal(80, 24)
    assert ui.can_run_fullscreen()
    terminal(200, 60)
    assert ui.can_run_fullscreen()


@pytest.mark.parametrize(
    "setup",
    [
        {"columns": 79},
        {"lines": 23},
        {"term": "dumb"},
        {"tty": False},
        {"stdin_tty": False},
    ],
    ids=["narrow", "short", "dumb", "no-tty", "piped-stdin"],
)
def test_otherwise_it_does_not(terminal, setup):
    terminal(**setup)
    assert not ui.can_run_fullscreen()


def test_a_terminal_that_cannot_report_its_size_does_not(terminal, monkeypatch):
    terminal()

    def fail(fd):
        raise OSError("not a terminal")

    monkeypatch.setattr(os, "get_terminal_size", fail)
    assert not ui.can_run_fullscreen()
