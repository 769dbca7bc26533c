"""The full-screen wizard: six steps that fill a ProjectSpec, then hand it to the CLI's writer.

The app never renders or writes files itself: the Review step previews `render_project`'s
output (in a worker, so start-up does not pay for copier), and its Write action (ctrl+s
there, or the Write button) calls the `write` callback the CLI passes. Escape or Ctrl-C asks
before discarding a change, and leaves with nothing written.

Keys keep Textual's conventions: ctrl+p is the command palette, Tab moves between fields;
the steps move on ctrl+n / alt+right (Next) and alt+left (Back); `?` or F1 shows the help
(in a text field `?` is typed, so F1 is the help key there).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen

from scaffolder.spec.project import ProjectSpec
from scaffolder.ui.common.outcome import WizardOutcome
from scaffolder.ui.common.settings import apply_saved_theme, save_theme_changes
from scaffolder.ui.common.state import Draft
from scaffolder.ui.common.type_ahead import TypeAheadToDialogs
from scaffolder.ui.wizard.screens.base import StepScreen
from scaffolder.ui.wizard.screens.project import ProjectScreen
from scaffolder.ui.wizard.steps import (
    CONNECTIONS,
    DEPLOY,
    DONE,
    PROJECT,
    REVIEW,
    STEP_HELP,
    STEP_NAMES,
    STEP_TITLES,
    WriteCallback,
)

if TYPE_CHECKING:
    from scaffolder.workspace_spec import WorkspaceSpec


def build_step_screen(name: str) -> Screen:
    """A new screen of the step `name`; each module is imported when its step is first shown
    (start-up pays only for step 1; Review alone imports rich.syntax)."""
    if name == "project":
        return ProjectScreen()
    if name == "providers":
        # deferred: scaffolder.ui.wizard.screens.providers ~8 ms (CPU, measured, with the choice
        # grid's and the dialogs' modules it loads first): the wizard's first screen needs none
        from scaffolder.ui.wizard.screens.providers import ProvidersScreen

        return ProvidersScreen()
    if name == "connections":
        # deferred: scaffolder.ui.wizard.screens.connections ~1 ms (CPU, measured): the wizard's
        # first screen imports this module without it
        from scaffolder.ui.wizard.screens.connections import ConnectionsScreen

        return ConnectionsScreen()
    if name == "deploy":
        # deferred: scaffolder.ui.wizard.screens.deploy ~1.7 ms (CPU, measured): the wizard's first
        # screen imports this module without it
        from scaffolder.ui.wizard.screens.deploy import DeployScreen

        return DeployScreen()
    if name == "review":
        # deferred: scaffolder.ui.wizard.screens.review ~13 ms (CPU, measured): the wizard's first
        # screen imports this module without it
        from scaffolder.ui.wizard.screens.review import ReviewScreen

        return ReviewScreen()
    # deferred: scaffolder.ui.wizard.screens.done ~17 ms (CPU, measured; with next_steps, which
    # loads plan, redact, project_files and the transaction modules): the wizard's first screen
    # imports this module without it
    from scaffolder.ui.wizard.screens.done import DoneScreen

    return DoneScreen()


def _freeze_imported_objects() -> None:
    """Leave what is already loaded (Textual, Rich, the CLI: the modules live as long as the
    process) out of the garbage collector's passes, once per process. Start-up allocates
    enough to run several full collections, each walking every one of those objects again;
    frozen, they are not walked (about a tenth of the wizard's start-up on this machine)."""
    global _FROZEN
    if not _FROZEN:
        _FROZEN = True
        gc.freeze()


_FROZEN = False


class WizardApp(TypeAheadToDialogs, App[WizardOutcome | None]):
    """`WizardApp(initial, target, write=None)`; `run()` returns the outcome, None if cancelled."""

    TITLE = "protean-init"
    CSS_PATH = "wizard.tcss"
    COMMAND_PALETTE_DISPLAY = "^p"

    BINDINGS: ClassVar[list[BindingType]] = [
        # Not priority bindings: they reach the app through the focused field, after the keys
        # typed before them, so `sync()` sees every character (a paste, then Ctrl-S at once).
        Binding("ctrl+s", "review", "Review", key_display="^s"),
        Binding("ctrl+n,alt+right", "next", "Next", key_display="^n"),
        # "step_back", not "back": App.action_back is Textual's own (pop a screen).
        Binding("alt+left", "step_back", "Back", key_display="alt+←"),
        Binding("escape", "cancel", "Quit", key_display="esc"),
        # Shown as f1: on a step with a text field focused, `?` is typed as text.
        Binding("f1,question_mark", "help", "Help", key_display="f1"),
        Binding("ctrl+c", "cancel", "Quit", show=False, priority=True),
        Binding("ctrl+q", "cancel", "Quit", show=False, priority=True),
    ]

    def __init__(
        self,
        initial: ProjectSpec,
        target: Path,
        write: WriteCallback | None = None,
        workspace: WorkspaceSpec | None = None,
    ) -> None:
        _freeze_imported_objects()
        super().__init__()
        # `workspace`: `new --context` in a terminal, its contexts named and filled in.
        self.draft = (
            Draft.from_workspace(workspace, target)
            if workspace is not None
            else Draft.from_spec(initial, target)
        )
        # What the user started from: leaving asks first once the draft differs from it.
        self.initial_draft = self.draft.copied()
        self.write = write
        self.written: list[str] = []
        self.writing = False
        self.outcome: WizardOutcome | None = None
        # The step screen under the command palette while it lists the commands.
        self._palette_below: Screen | None = None
        self._started_theme = apply_saved_theme(self)

    def get_default_screen(self) -> Screen:
        """Step 1 is the first screen on the stack, not pushed over Textual's empty default
        screen, which was styled, laid out and drawn too before step 1 could be."""
        # No garbage collection until the first step is drawn: composing, styling and laying
        # it out allocates tens of thousands of objects that live as long as the step, and
        # the collections their count set off (about 40) walked them all for nothing.
        gc.disable()
        self.call_after_refresh(gc.enable)
        screen = self.step_screen(STEP_NAMES[PROJECT])
        # What push_screen and switch_screen give a screen they show (no callback), and
        # switch_screen takes back from the screen it replaces; Textual's default screen has none.
        screen._push_result_callback(self, None)
        return screen

    async def on_mount(self) -> None:
        save_theme_changes(self, self._started_theme)
        # The app is ready once step 1 is mounted, as when it was pushed here.
        await self.screen._mounted_event.wait()

    def on_unmount(self) -> None:
        gc.enable()  # in case the app stopped before it drew a step

    def step_screen(self, name: str) -> Screen:
        """The screen of a step, built on first visit."""
        if not self.is_screen_installed(name):
            self.install_screen(build_step_screen(name), name)
        return self.get_screen(name)

    # --- where we are -------------------------------------------------------------------

    @property
    def step(self) -> int:
        return getattr(self._palette_below or self.screen, "step", PROJECT)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "help" and isinstance(self.screen, ModalScreen):
            return False  # a dialog has its own F1 (the app's keys do not reach it)
        if action in ("next", "step_back", "review", "goto_step"):
            on_top = self._palette_below or self.screen
            if isinstance(on_top, ModalScreen) or self.step == DONE:
                return False
            if action == "step_back" and self.step == PROJECT:
                return None
            if action == "next" and self.step == REVIEW:
                return False
        return True

    # --- moving -------------------------------------------------------------------------

    def action_next(self) -> None:
        self.goto_step(self.step + 1)

    def action_step_back(self) -> None:
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
                    if isinstance(self.screen, StepScreen):
                        self.screen.show_errors()
                else:
                    screen = self.step_screen(STEP_NAMES[blocking])
                    if isinstance(screen, StepScreen):
                        screen.errors_pending = True  # shown once it has (re)built its fields
                    self.switch_screen(screen)
                return
        self.switch_screen(self.step_screen(STEP_NAMES[index]))

    def first_error_step(self, before: int) -> int | None:
        """The earliest step before `before` whose fields do not validate, or None."""
        if self.draft.project_errors():
            return PROJECT
        if before > CONNECTIONS and self.draft.connection_errors():
            return CONNECTIONS
        if before > DEPLOY and self.draft.deploy_errors():
            return DEPLOY
        return None

    # --- leaving ------------------------------------------------------------------------

    def changed(self) -> bool:
        """Whether the user changed anything since the wizard opened (fields as they are now)."""
        sync = getattr(self.screen, "sync", None)
        if sync is not None:
            sync()
        return self.draft != self.initial_draft

    def action_cancel(self) -> None:
        """Leave with nothing written, asking first when that discards a change; once the
        project is written, leave with it."""
        # deferred: scaffolder.ui.common.choices ~5 ms (CPU, measured): the choice grid and the
        # dialogs; the wizard's first screen has none of them, and leaving asks with one
        from scaffolder.ui.common.choices import QuitModal

        if self.written:
            self.exit(self.outcome)
        elif self.writing:
            status = getattr(self.screen, "set_status", None)
            if status is not None:
                status("Writing the project; one moment.")
        elif isinstance(self.screen, QuitModal):
            self.exit(None)  # Ctrl-C or Ctrl-Q again, on the question itself
        elif not self.changed():
            self.exit(None)
        else:
            self.push_screen(QuitModal(), self._quit_answered)

    def _quit_answered(self, leave: bool | None) -> None:
        if leave:
            self.exit(None)

    def action_quit(self) -> None:  # the palette's Quit: the same question first
        self.action_cancel()

    # --- help and the palette -------------------------------------------------------------

    def action_help(self) -> None:
        """Over a step or a dialog alike (F1 in a dialog's name field); the help screen's own
        keys close it, so it never opens twice."""
        # deferred: scaffolder.ui.wizard.screens.help ~1 ms (CPU, measured): the wizard's first
        # screen imports this module without it
        from scaffolder.ui.wizard.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            # The step under any dialog: its line is the one marked.
            steps = [getattr(s, "step", None) for s in self.screen_stack]
            under = [step for step in steps if isinstance(step, int)]
            self.push_screen(HelpScreen(under[-1] if under else PROJECT))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # deferred: scaffolder.ui.common.palette ~0.2 ms (CPU, measured): the wizard's first screen
        # imports this module without it
        from scaffolder.ui.common.palette import binding_commands

        step = getattr(screen, "step", PROJECT)  # the palette is on top: ask the screen below
        for index, title in enumerate(STEP_TITLES[:DONE]):
            if index != step and step != DONE:
                yield SystemCommand(
                    f"Step {index + 1}: {title}",
                    STEP_HELP[index],
                    partial(self.goto_step, index),
                )
        if step != DONE:
            yield SystemCommand(
                "Check", "Review: what protean-init check finds", partial(self.goto_step, REVIEW)
            )
        yield SystemCommand("Help", "Keys, and what each step decides", self.action_help)
        # Asked as if the palette were not open: it closes before the command runs.
        self._palette_below = screen
        try:
            yield from binding_commands(self, screen)
        finally:
            self._palette_below = None
        yield from super().get_system_commands(screen)

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
    initial: ProjectSpec,
    target: Path,
    write: WriteCallback | None = None,
    workspace: WorkspaceSpec | None = None,
) -> WizardOutcome | None:
    """Run the wizard in this terminal; the user's spec and folder, or None when cancelled.

    With `write`, Enter in Review calls it (in a worker thread) and the Done step shows the
    paths it returns; without, Enter in Review returns the outcome for the caller to write.
    The caller prints what was written: the full screen takes the Done step away.
    """
    return WizardApp(initial, target, write, workspace).run()
