"""Real-terminal checks: `protean-init new DIR` makes a project, and `protean-init` inside one
opens the edit menu, both in tmux, driven by send-keys.

Runs the command line (not the app object) on a private tmux server, at 80x24, and reads the
screen with capture-pane, as a user would see it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]
REPO = Path(__file__).resolve().parents[2]
# How long a screen may take to show what it must: a bound for a wizard that never gets there,
# no measure of speed: the former 20 s is within reach of a start-up on a loaded machine.
WAIT = 120.0


class Tmux:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return result.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-J", "-t", "wizard")  # -J: unwrap long lines

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "wizard", *keys)

    def wait_for(self, *texts: str, timeout: float = WAIT) -> float:
        """Seconds until every one of `texts` is on one screen; fails with the screen when
        they never are. One capture can land while a frame is still being drawn (seen under
        load: the body drawn, the step bar and footer not yet), so what a screen must show
        together is waited for together, not read from the next capture."""
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            screen = self.screen()
            if all(text in screen for text in texts):
                return time.perf_counter() - started
            time.sleep(0.05)
        pytest.fail(f"{texts!r} never appeared together; the screen:\n{self.screen()}")

    def wait_until(self, holds, what: str, timeout: float = WAIT) -> str:
        """The first screen for which `holds(screen)` is true; fails with the last screen.

        A single capture can land between two frames of a scroll (the pane half drawn), so a
        test about what a screen shows polls for it rather than judging one capture."""
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            screen = self.screen()
            if holds(screen):
                return screen
            time.sleep(0.05)
        pytest.fail(f"{what} never held; the screen:\n{screen}")

    def start(self, command: str) -> None:
        """Run `command` in a new 80x24 session; it should end with `echo EXIT=$?; sleep 60`."""
        env = {**os.environ, "TERM": "xterm-256color"}
        env.pop("TMUX", None)
        subprocess.run(
            [
                "tmux",
                "-L",
                self.socket,
                "new-session",
                "-d",
                "-s",
                "wizard",
                "-x",
                "80",
                "-y",
                "24",
                command,
            ],
            check=True,
            env=env,
        )


@pytest.fixture
def tmux():
    server = Tmux(f"protean-init-test-{uuid.uuid4().hex[:8]}")
    yield server
    subprocess.run(["tmux", "-L", server.socket, "kill-server"], capture_output=True)


def test_the_wizard_in_a_real_terminal_writes_a_project(tmux, tmp_path):
    target = tmp_path / "shop"
    command = f"cd {REPO} && {sys.executable} -m scaffolder new {target}; echo EXIT=$?; sleep 60"
    tmux.start(command)
    start_up = tmux.wait_for("Project name", "1 Project", "^s Review")
    print(f"tmux: first screen after {start_up * 1000:.0f} ms (process start included)")

    tmux.keys("C-s")
    tmux.wait_for("files to", "domain.toml")
    tmux.keys("Enter")  # in the file tree: opens or closes a folder, never writes
    tmux.keys("C-s")
    tmux.wait_for("Created shop", "pytest --protean-env memory")
    tmux.keys("q")
    tmux.wait_for("EXIT=0")
    # The summary outlives the full screen.
    assert f"Created shop in {target}/" in tmux.screen()
    assert "pytest --protean-env memory" in tmux.screen()

    assert (target / "domain.toml").is_file()
    assert (target / "docker-compose.yml").is_file()
    assert (target / "src" / "shop" / "domain.py").is_file()
    assert 'provider = "postgresql"' in (target / "domain.toml").read_text()


def test_escape_in_a_real_terminal_writes_nothing(tmux, tmp_path):
    target = tmp_path / "shop"
    command = f"cd {REPO} && {sys.executable} -m scaffolder new {target}; echo EXIT=$?; sleep 60"
    tmux.start(command)
    tmux.wait_for("Project name")
    tmux.keys("C-n")
    tmux.wait_for("Add db")
    tmux.keys("Escape")
    tmux.wait_for("EXIT=130")
    assert "nothing was written" in tmux.screen()
    assert not target.exists()


def test_the_edit_menu_in_a_real_terminal_adds_a_database(tmux, shop):
    """`protean-init` in a generated project: the edit menu; a database added with keys only."""
    tmux.start(f"cd {REPO} && {sys.executable} -m scaffolder {shop}; echo EXIT=$?; sleep 60")
    # The actions list is taller than 24 rows now; its last line (check's result) is below the
    # fold, so wait for the grid and the derived files, which are always in view.
    start_up = tmux.wait_for("Services postgres, message-db, redis")
    print(f"tmux: edit menu shown after {start_up * 1000:.0f} ms (process start included)")
    tmux.wait_for("editing shop (domain.toml)")
    screen = tmux.screen()
    assert "databases.default" in screen and "message_db" in screen

    tmux.keys("a")
    # The dialog's own hint: its title is also an action's label, on screen already.
    tmux.wait_for("lower-case letters, digits and '_'")
    tmux.keys("reports", "Enter")
    for env in ("base", "production", "test", "memory"):
        tmux.wait_for(f"databases.reports in {env}")
        tmux.keys("Enter")
    tmux.wait_for("files change", "+[databases.reports]")
    assert "[databases.reports]" not in (shop / "domain.toml").read_text()
    tmux.keys("Enter")
    tmux.wait_for("✓ Add databases.reports")
    # And a new row in the grid: the name twice, in the grid and in the message.
    tmux.wait_until(lambda screen: screen.count("databases.reports") >= 2, "a reports row")
    tmux.keys("Escape")
    tmux.wait_for("EXIT=0")
    assert "Changed:" in tmux.screen()

    text = (shop / "domain.toml").read_text()
    assert "[databases.reports]" in text and "[production.databases.reports]" in text
    assert "REPORTS_DATABASE_URL" in (shop / ".env.example").read_text()


def test_tab_reaches_every_connection_field_at_80x24_and_each_is_labelled(tmux, tmp_path):
    """With four named databases the Connections step is taller than the window: each Tab
    scrolls the focused field into view, with its connection's name and the field's label."""
    target = tmp_path / "shop"
    sets = " ".join(
        f"--set base.databases.{name}=postgresql"
        for name in ("reports", "audit", "search", "archive")
    )
    command = (
        f"cd {REPO} && {sys.executable} -m scaffolder new {target} {sets}; echo EXIT=$?; sleep 60"
    )
    tmux.start(command)
    tmux.wait_for("Project name")
    tmux.keys("C-n")
    tmux.wait_for("Add db")
    tmux.keys("C-n")
    tmux.wait_for("Connection strings come from variables")
    # The fields in tab order: (connection, label, the value the field shows).
    fields = []
    for key, variable in (
        ("databases.default", "DATABASE_URL"),
        ("databases.archive", "ARCHIVE_DATABASE_URL"),
        ("databases.audit", "AUDIT_DATABASE_URL"),
        ("databases.reports", "REPORTS_DATABASE_URL"),
        ("databases.search", "SEARCH_DATABASE_URL"),
        ("brokers.default", "BROKER_URL"),
        ("event_store", "EVENT_STORE_URL"),
        ("caches.default", "CACHE_URL"),
    ):
        fields.append((key, "variable", variable))
        fields.append((key, "default", "://"))
    for index, (key, label, value) in enumerate(fields):
        if index:
            tmux.keys("Tab")

        # The status line names the focused field; the field and its heading are on screen.
        def shown(screen: str, key=key, label=label, value=value) -> bool:
            rows = screen.splitlines()
            return (
                f"{key} {label}" in screen
                and any(r.strip().startswith(label) and value in r for r in rows)
                # The connection's heading ("databases.audit  postgresql in base, ..."), not the
                # status line.
                and any(r.strip().startswith(key) and " in " in r for r in rows)
            )

        tmux.wait_until(shown, f"{key} {label} focused, labelled and in view")
    tmux.keys("Escape")
    tmux.wait_for("EXIT=130")
    assert not target.exists()
