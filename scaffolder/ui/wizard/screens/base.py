"""What every step screen shares: the step bar, a scrolling body, Back/Next and the footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Static

from scaffolder.ui.common.widgets import KeyLine, NavBar
from scaffolder.ui.wizard.screens.step_bar import StepBar
from scaffolder.ui.wizard.steps import DONE, Wizard

if TYPE_CHECKING:
    from scaffolder.ui.common.state import Draft


class StepScreen(Screen):
    step: ClassVar[int]
    next_label: ClassVar[str] = "Next →"
    # Set when a later step sends the user back here to fix a field.
    errors_pending = False

    # Whether the step has been shown: its first show follows the styling of its nodes.
    _styled_on_mount_shown = False

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual restyles a screen's every node as it is shown. On a step's first show they
        # were styled a moment before, as they mounted, each with the stylesheet it needs
        # (a widget's DEFAULT_CSS is added as it registers, before any node of its batch is
        # styled; the theme is applied before the first step): styling them all again made
        # 188 applications of the stylesheet on the first screen where 126 do
        # (tests/ui/test_first_screen.py; the snapshots of every step are unchanged). Later
        # shows restyle, as the theme may have changed meanwhile. Screen's own handler runs
        # after this one (Textual calls each class's), with the event as left here.
        if not self._styled_on_mount_shown:
            self._styled_on_mount_shown = True
            event.refresh_styles = False

    @property
    def wizard(self) -> Wizard:
        return self.app  # type: ignore[return-value]

    @property
    def draft(self) -> Draft:
        return self.wizard.draft

    def compose(self) -> ComposeResult:
        yield StepBar(self.step, id="steps")
        yield from self.compose_head()
        with VerticalScroll(id="body", can_focus=False):
            yield from self.compose_body()
        yield NavBar(back=0 < self.step < DONE, next_label=self.next_label, id="nav")
        # Back has its button beside Next, and F1's help lists alt+←: the first key to go.
        yield KeyLine(give_way=("step_back",))

    def compose_head(self) -> ComposeResult:
        """What stays above the scrolling body (a workspace's context tabs)."""
        yield from ()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def sync(self) -> None:
        """Copy what the fields hold into the draft now, before their Changed messages land.

        Keys typed ahead (a paste, then Ctrl-S) can reach the app's bindings before the
        fields' Changed messages are handled; leaving a step checks the fields as they are.
        """

    def show_errors(self) -> None:
        """Show every field's error and focus the first; called when leaving is refused."""

    def show_pending_errors(self) -> bool:
        """The errors a later step sent the user back here to fix, once this step's fields
        are (re)built: called as it is shown again. Whether there were any (then the first
        one's field has the focus)."""
        if not self.errors_pending:
            return False
        self.errors_pending = False
        self.show_errors()
        return True

    def set_status(self, text: str, error: bool = False) -> None:
        """The line beside Back/Next: what is wrong, or what the primary action will do."""
        status = self.query_one("#nav-status", Static)
        status.set_class(error, "-error")
        status.update(Text(("✗ " if error else "") + text))

    def point_at(self, widget: Widget, label: str, message: str) -> None:
        """Focus the field an error is about, scrolled into view, and name it beside Next."""
        widget.focus(scroll_visible=False)
        # After the refresh: a step just shown or rebuilt has no layout to scroll in yet.
        self.call_after_refresh(widget.scroll_visible, animate=False)
        self.set_status(f"{label}: {message}", error=True)

    @on(Button.Pressed, "#nav #next")
    def handle_next(self) -> None:
        self.go_next()

    def go_next(self) -> None:
        self.wizard.action_next()

    @on(Button.Pressed, "#nav #back")
    def handle_back(self) -> None:
        self.wizard.action_step_back()
