"""Child process for the TUI figures: start-up to the first usable screen, and key to repaint.

Run by bench/run.py as `python bench/tui_probe.py` in a fresh interpreter, with
BENCH_STARTED_NS set to `time.time_ns()` taken by the parent just before it started this
process, so the start-up figure includes the interpreter's own start and every import, as a
user pays them. Without it, times count from when this script began.

The wizard runs headless through `App.run_test`, as tests/ui drives it. A frame counts as
shown when the compositor renders it (`App._display` is called with the rendered update even
when headless; only the terminal write is skipped). "Usable" is the first frame of the
Project step with the project-name field focused. Keys are delivered as Pilot delivers them
(`driver.send_message(Key)`), and timed to the first frame showing their effect.

`--bare` runs the peer instead: a minimal Textual app, one focused Input that echoes into a
second, measured the same way: the floor any Textual UI pays on this machine.

BENCH_TUI_STARTUP_ONLY=1 stops after the first usable screen (to profile the start-up).
Prints one JSON object.
"""

from __future__ import annotations

import time

_T0_NS = time.time_ns()  # first: when this interpreter reached user code

# Only what the measured start-up needs anyway; the probe's own tools are imported after it.
import asyncio  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

TYPED = "shopfront"  # typed into the project-name field, one key at a time


def _ms(ns: int) -> float:
    return ns / 1e6


class FrameWatch:
    """Records the time of every frame the app renders, and waits for one showing a state."""

    def __init__(self, app, usable) -> None:
        self.app = app
        self.frames: list[tuple[int, object]] = []  # (time_ns, screen)
        # When the first frame showing the usable state was rendered. Judged as each frame is
        # rendered: the app may render another frame (a layout pass after its widgets have
        # mounted, say) before the test harness gets control back, and the user saw the first.
        self.first_usable_ns: int | None = None
        # The process's CPU time (every thread's) at that frame: on a loaded machine the
        # wall-clock figure counts the time other processes had the cores too.
        self.first_usable_cpu_ns = 0
        self.event = asyncio.Event()
        original = type(app)._display

        def display(app_self, screen, renderable):
            if renderable is not None:
                now = time.time_ns()
                self.frames.append((now, screen))
                if self.first_usable_ns is None and screen is app.screen and usable():
                    self.first_usable_ns = now
                    self.first_usable_cpu_ns = time.process_time_ns()
                self.event.set()
            return original(app_self, screen, renderable)

        app._display = display.__get__(app)

    def current(self) -> bool:
        """The latest frame is of the screen now on top."""
        return bool(self.frames) and self.frames[-1][1] is self.app.screen

    async def until(self, predicate, timeout: float = 10.0) -> int:
        """The time (ns) of the first frame after which `predicate()` holds."""
        deadline = time.monotonic() + timeout
        while True:
            self.event.clear()
            if self.current() and predicate():
                return self.frames[-1][0]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no frame showed the expected state")
            try:
                await asyncio.wait_for(self.event.wait(), remaining)
            except TimeoutError:
                raise TimeoutError("no frame showed the expected state") from None

    def send_key(self, key: str, char: str | None) -> int:
        from textual import events

        event = events.Key(key, char)
        event.set_sender(self.app)
        sent = time.time_ns()
        self.app._driver.send_message(event)
        return sent


def bare_app():
    """The peer: a Textual app with one Input focused, whose text a second Input follows."""
    from textual.app import App
    from textual.widgets import Input

    class Bare(App):
        AUTO_FOCUS = "#project-name"

        def compose(self):
            yield Input(id="project-name")
            yield Input(id="package-name")

        def on_input_changed(self, event: Input.Changed) -> None:
            if event.input.id == "project-name":
                self.query_one("#package-name", Input).value = event.value

    return Bare()


async def probe(parent_ns: int, folder: Path, bare: bool) -> dict:
    # The imports the CLI makes on its way to the wizard (cli -> commands.new -> ui.wizard).
    if not bare:
        from scaffolder.cli import build_parser
        from scaffolder.commands.new_spec import starting_spec
    if bare:
        app = bare_app()
    else:
        from scaffolder.ui.wizard.app import WizardApp
    imported_ui_ns = time.time_ns()
    from textual.widgets import Input

    if not bare:
        target = folder / "acme"  # the wizard has no writer here: nothing is written
        args = build_parser("new").parse_args(["new", str(target), "--ui", "tui"])  # as cli.main
        app = WizardApp(starting_spec(args, "acme", "tui"), target)

    # The screens are named, not imported, until the first usable frame: an import here
    # would run on the app's event loop and be counted as the wizard's start-up (the
    # Providers step and its choice grid are the wizard's largest modules).
    def usable() -> bool:
        focused = app.focused
        return (
            (bare or type(app.screen).__name__ == "ProjectScreen")
            and isinstance(focused, Input)
            and focused.id == "project-name"
        )

    watch = FrameWatch(app, usable)
    result: dict = {}
    async with app.run_test(size=(100, 32)) as pilot:
        await watch.until(usable)
        ready_ns = watch.first_usable_ns
        assert ready_ns is not None, "the usable state held, but no frame was judged to show it"
        result["interpreter_ms"] = _ms(_T0_NS - parent_ns)  # to this script's first line
        result["imports_ms"] = _ms(imported_ui_ns - _T0_NS)  # stdlib, CLI, wizard, Textual
        result["first_frame_ms"] = _ms(watch.frames[0][0] - parent_ns)
        result["first_usable_ms"] = _ms(ready_ns - parent_ns)
        result["first_usable_cpu_ms"] = _ms(watch.first_usable_cpu_ns)
        if os.environ.get("BENCH_TUI_STARTUP_ONLY"):
            await pilot.press("escape")
            return result
        await pilot.pause()

        # Typing into the project name also rewrites the package and folder fields and the
        # hints below them.
        name = app.screen.query_one("#project-name", Input)
        package = app.screen.query_one("#package-name", Input)
        await pilot.press("end", "ctrl+u")
        await pilot.pause()
        key_ms = []
        for index, char in enumerate(TYPED):
            expected = TYPED[: index + 1]
            sent = watch.send_key(char, char)
            shown = await watch.until(
                lambda expected=expected: name.value == expected and package.value == expected
            )
            key_ms.append(_ms(shown - sent))
            await pilot.pause()
        import statistics

        result["key_to_frame_ms"] = key_ms
        result["key_to_frame_median_ms"] = statistics.median(key_ms)
        if bare:
            await pilot.press("ctrl+q")
            return result

        # The heavier key: Ctrl-N imports (first visit), composes and shows the next step.
        sent = watch.send_key("ctrl+n", None)
        shown = await watch.until(lambda: type(app.screen).__name__ == "ProvidersScreen")
        result["next_step_ms"] = _ms(shown - sent)
        await pilot.pause()
        await pilot.press("escape")
    return result


def main() -> int:
    parent_ns = int(os.environ.get("BENCH_STARTED_NS") or _T0_NS)
    folder = Path(tempfile.mkdtemp(prefix="protean-init-bench-tui-"))
    try:
        result = asyncio.run(probe(parent_ns, folder, bare="--bare" in sys.argv[1:]))
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    import json

    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
