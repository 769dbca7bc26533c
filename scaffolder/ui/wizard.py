"""The full-screen wizard: five steps that fill a ProjectSpec, then hand it to the CLI's writer.

The app never renders or writes files itself: the Review step previews `render_project`'s
output (in a worker, so start-up does not pay for copier), and Enter there calls the `write`
callback the CLI passes. Escape or Ctrl-C anywhere leaves with nothing written.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen

from scaffolder.spec import ProjectSpec
from scaffolder.ui.outcome import WizardOutcome
from scaffolder.ui.state import Draft

WriteCallback = Callable[[WizardOutcome], list[str]]

PROJECT, PROVIDERS, CONNECTIONS, REVIEW, DONE = range(5)
STEP_NAMES = ("project", "providers", "connections", "review", "done")
# Step name -> (module under scaffolder.ui.screens, screen class).
_STEP_SCREENS = {
    "project": ("project", "ProjectScreen"),
    "providers": ("providers", "ProvidersScreen"),
    "connections": ("connections", "ConnectionsScreen"),
    "review": ("review", "ReviewScreen"),
    "done": ("done", "DoneScreen"),
}


class WizardApp(App[WizardOutcome | None]):
    """`WizardApp(initial, target, write=None)`; `run()` returns the outcome, None if cancelled."""

    TITLE = "protean-init"
    ENABLE_COMMAND_PALETTE = False
    CSS_PATH = "wizard.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        # Not priority bindings: they reach the app through the focused field, after the keys
        # typed before them, so `sync()` sees every character (a paste, then Ctrl-S at once).
        Binding("ctrl+s", "review", "Review"),
        Binding("ctrl+n", "next", "Next"),
        Binding("ctrl+p", "back", "Back"),
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+c", "cancel", "Cancel", show=False, priority=True),
        Binding("ctrl+q", "cancel", "Cancel", show=False, priority=True),
    ]

    def __init__(
        self, initial: ProjectSpec, target: Path, write: WriteCallback | None = None
    ) -> None:
        super().__init__()
        self.draft = Draft.from_spec(initial, target)
        self.write = write
        self.written: list[str] = []
        self.writing = False
        self.outcome: WizardOutcome | None = None

    def on_mount(self) -> None:
        self.push_screen(self.step_screen(STEP_NAMES[PROJECT]))

    def step_screen(self, name: str) -> Screen:
        """The screen of a step, built on first visit: start-up pays only for step 1
        (Review alone imports rich.syntax)."""
        if not self.is_screen_installed(name):
            module, cls = _STEP_SCREENS[name]
            screen = getattr(importlib.import_module(f"scaffolder.ui.screens.{module}"), cls)
            self.install_screen(screen(), name)
        return self.get_screen(name)

    # --- where we are -------------------------------------------------------------------

    @property
    def step(self) -> int:
        return getattr(self.screen, "step", PROJECT)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next", "back", "review", "goto_step"):
            if isinstance(self.screen, ModalScreen) or self.step == DONE:
                return False
            if action == "back" and self.step == PROJECT:
                return None
            if action == "next" and self.step == REVIEW:
                return False
        return True

    # --- moving -------------------------------------------------------------------------

    def action_next(self) -> None:
        self.goto_step(self.step + 1)

    def action_back(self) -> None:
        if self.step > PROJECT:
            self.goto_step(self.step - 1)

    def action_review(self) -> None:
        self.goto_step(REVIEW)

    def action_goto_step(self, index: int) -> None:
        self.goto_step(index)

    def goto_step(self, index: int) -> None:
        """Show step `index`; going forward stops at the first step with an error, on it."""
        index = max(PROJECT, min(REVIEW, index))
        current = self.step
        if index == current:
            return
        if index > current:
            sync = getattr(self.screen, "sync", None)
            if sync is not None:
                sync()
            blocking = self.first_error_step(index)
            if blocking is not None:
                if blocking == current:
                    self.screen.show_errors()
                else:
                    screen = self.step_screen(STEP_NAMES[blocking])
                    screen.errors_pending = True  # shown once it has (re)built its fields
                    self.switch_screen(screen)
                self.notify("Fix the highlighted field first.", severity="error", timeout=3)
                return
        self.switch_screen(self.step_screen(STEP_NAMES[index]))

    def first_error_step(self, before: int) -> int | None:
        """The earliest step before `before` whose fields do not validate, or None."""
        if self.draft.project_errors():
            return PROJECT
        if before > CONNECTIONS and self.draft.connection_errors():
            return CONNECTIONS
        return None

    # --- leaving ------------------------------------------------------------------------

    def action_cancel(self) -> None:
        """Leave with nothing written; once the project is written, leave with it."""
        if self.written:
            self.exit(self.outcome)
        elif self.writing:
            self.notify("Writing the project; one moment.", timeout=2)
        else:
            self.exit(None)

    def finish(self, outcome: WizardOutcome, written: list[str] | None) -> None:
        """After a successful write (or, with no writer, on Enter in Review)."""
        self.outcome = outcome
        self.writing = False
        if written is None:
            self.exit(self.outcome)
            return
        self.written = written
        self.switch_screen(self.step_screen(STEP_NAMES[DONE]))

    def action_exit_done(self) -> None:
        self.exit(self.outcome)


def run_wizard(
    initial: ProjectSpec, target: Path, write: WriteCallback | None = None
) -> WizardOutcome | None:
    """Run the wizard in this terminal; the user's spec and folder, or None when cancelled.

    With `write`, Enter in Review calls it (in a worker thread) and the Done step shows the
    paths it returns; without, Enter in Review returns the outcome for the caller to write.
    Once written, the Done step's summary is printed too: the full screen takes it away.
    """
    app = WizardApp(initial, target, write)
    outcome = app.run()
    if outcome is not None and app.written:
        from scaffolder.ui.screens.done import summary

        print(summary(outcome, app.written))
    return outcome
