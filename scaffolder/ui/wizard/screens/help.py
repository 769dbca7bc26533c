"""`?` or F1 (F1 in a text field, where `?` is text): the wizard's keys, and what each step
decides. Imported when first opened."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from scaffolder.ui.common.dialogs import Dialog
from scaffolder.ui.wizard.steps import STEP_HELP, STEP_TITLES

KEYS = (
    ("ctrl+n, alt+→", "Next step (stops on a field that needs fixing, and names it)"),
    ("alt+←", "Back one step"),
    ("ctrl+s", "Go to Review; on Review, write the project"),
    ("Tab, shift+Tab", "Next / previous field; the step scrolls to keep it in view"),
    ("↑ ↓ ← →, Enter", "In a grid: move, then choose a value"),
    (
        "a, b, x",
        "Providers: add a named database, broker or cache; remove the one under the cursor",
    ),
    ("1 2 3 4", "Review: domain.toml, compose, CI, Deployment or Dockerfile"),
    ("ctrl+p", "Command palette: every step and action by name, Theme, Keys"),
    ("esc, ctrl+c", "Quit (asks first when you changed something; nothing is written)"),
    ("? or F1", "This help; in a text field ? is typed as text, F1 still opens it"),
)


class HelpScreen(Dialog[None]):
    DEFAULT_CSS = """
    HelpScreen > Vertical { width: 100; max-width: 100%; max-height: 100%; }
    HelpScreen VerticalScroll { height: auto; max-height: 1fr; }
    HelpScreen .modal-help { margin-top: 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # Shown as the two keys a user tries (q, ? and Enter close it too).
        Binding("escape,q,f1,question_mark,enter", "close", "Close", key_display="esc/f1"),
    ]

    def __init__(self, step: int = 0) -> None:
        super().__init__()
        self.step = step

    def compose(self) -> ComposeResult:
        # Two columns each: a description that wraps stays in its column (at 80 columns
        # several do), under its own first line, not back at the left edge.
        keys = Table.grid(padding=(0, 2))
        keys.add_column(no_wrap=True, style="bold")
        keys.add_column()
        for key, what in KEYS:
            keys.add_row(key, what)
        steps = Table.grid(padding=(0, 2))
        steps.add_column(no_wrap=True, style="bold")
        steps.add_column()
        for index, (title, what) in enumerate(zip(STEP_TITLES, STEP_HELP, strict=True)):
            marker = "▸ " if index == self.step else "  "
            steps.add_row(f"{marker}{index + 1} {title}", what)
        with Vertical() as box:
            box.border_title = "protean-init: help"
            with VerticalScroll(id="help-body"):
                yield Static(Text("Keys", style="bold underline"))
                yield Static(keys, id="help-keys")
                yield Static(Text("\nWhat each step decides", style="bold underline"))
                yield Static(steps, id="help-steps")
            yield Static("Esc, q, ? or F1 closes", classes="modal-help")

    def action_close(self) -> None:
        self.dismiss(None)
