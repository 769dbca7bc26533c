"""A full-window dialog over the edit menu: a diff to apply, a conflict, or check's findings.

`ReportModal(title, body, confirm="Apply")` returns True when confirmed (Enter or y), False
on Escape or n; without `confirm` it only closes (Enter, Escape or q) and returns False.
"""

from __future__ import annotations

from typing import ClassVar

from rich.syntax import Syntax
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.visual import VisualType
from textual.widgets import Button, Static

from scaffolder.ui.common.dialogs import Dialog
from scaffolder.ui.common.widgets import KeyLine


class ReportModal(Dialog[bool]):
    DEFAULT_CSS = """
    ReportModal > Vertical { width: 100%; max-width: 100%; height: 100%; max-height: 100%; }
    ReportModal #report-summary { height: auto; color: $text-muted; }
    ReportModal #report-notes { height: auto; color: $text-warning; }
    ReportModal #report-scroll {
        height: 1fr;
        margin-top: 1;
        scrollbar-size-vertical: 1;
    }
    ReportModal #report-buttons { height: 1; align-horizontal: right; }
    ReportModal #report-buttons Button { margin-left: 2; min-width: 10; }
    """

    # Not priority bindings: Enter on a focused button presses that button (Cancel cancels).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y", "confirm", "Apply"),
        Binding("escape,n", "cancel", "Cancel"),
        Binding("enter,escape,q", "close", "Close"),
    ]

    def __init__(
        self,
        title: str,
        body: VisualType,
        *,
        summary: str = "",
        notes: list[str] | None = None,
        confirm: str | None = "Apply",
        error: bool = False,
    ) -> None:
        super().__init__(classes="-error" if error else "")
        self.title_text = title
        self.body = body
        self.summary = summary
        self.notes = notes or []
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        with Vertical() as frame:
            frame.border_title = Content(self.title_text)  # plain: "[production]" is no tag
            if self.summary:
                yield Static(self.summary, id="report-summary", markup=False)
            if self.notes:
                yield Static(
                    Content("\n".join(f"! {note}" for note in self.notes)), id="report-notes"
                )
            with VerticalScroll(id="report-scroll"):
                yield Static(self.body, id="report-body")
            with Horizontal(id="report-buttons"):
                if self.confirm:
                    yield Button("Cancel", id="report-cancel", compact=True)
                    yield Button(
                        f"{self.confirm} ⏎", id="report-confirm", variant="primary", compact=True
                    )
                else:
                    yield Button("Close ⏎", id="report-cancel", variant="primary", compact=True)
        yield KeyLine()

    def on_mount(self) -> None:
        self.query_one("#report-scroll").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("confirm", "cancel"):
            return bool(self.confirm)
        if action == "close":
            return not self.confirm
        return True

    def action_confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#report-confirm")
    def handle_confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#report-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_close(self) -> None:
        self.dismiss(False)


def diff_syntax(diff: str, dark: bool, background: str) -> Syntax:
    return Syntax(
        diff,
        "diff",
        theme="monokai" if dark else "default",
        word_wrap=True,
        background_color=background,
    )
