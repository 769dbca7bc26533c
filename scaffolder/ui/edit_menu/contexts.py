"""The edit menu at a workspace's root: its contexts first, and what acts on all of them.

Picking a context opens the menu of one project (scaffolder.ui.edit_menu.screen) on that
context, as `--context NAME` would: every change it writes is that context's (and the files
the workspace derives from every context). Escape there comes back here. The whole-workspace
actions are those the command line has at the root: `check` of every context, and, in a
workspace `new --context` or `add-context` made, `ci` and `derive` (which re-derive every
context's files from any one: scaffolder.reopen.workspace_edit.whole_workspace_context).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from scaffolder.errors import ScaffolderError
from scaffolder.reopen.project import open_project
from scaffolder.ui.common.widgets import KeyLine
from scaffolder.ui.edit_menu.screen import EditScreen
from scaffolder.ui.edit_menu.session import EditSession, WorkspaceRoot

# The whole-workspace actions: option id, what the list says.
WHOLE_ACTIONS = {
    "check": "Check every context (protean-init check at the root)",
    "ci": "Regenerate CI for every context (protean-init ci)",
    "derive": "Re-derive every context's files (protean-init derive)",
}


class ContextPickerScreen(Screen):
    DEFAULT_CSS = """
    ContextPickerScreen { layout: vertical; }
    #picker-title { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    #picker-body { height: 1fr; padding: 1 1 0 1; }
    #picker-intro { color: $text-muted; margin-bottom: 1; }
    #contexts, #contexts:focus { height: auto; border: none; padding: 0;
                                 background: $background; }
    #picker-status { height: 1; padding: 0 1; color: $text-muted; }
    #picker-status.-error { color: $text-error; }
    """
    AUTO_FOCUS = "#contexts"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "pick", "Open", show=False),
        Binding("c", "whole('check')", "Check all"),
        Binding("escape,q", "app.leave", "Leave"),
    ]

    def __init__(self, workspace: WorkspaceRoot) -> None:
        super().__init__()
        self.workspace = workspace

    @property
    def edit(self) -> EditSession:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        workspace = self.workspace
        yield Static(
            Text.assemble(
                ("protean-init", "bold"),
                "  workspace ",
                (workspace.root.resolve().name, "bold"),
                f" ({len(workspace.names)} contexts)",
            ),
            id="picker-title",
        )
        with VerticalScroll(id="picker-body", can_focus=False):
            yield Static(
                "Pick a context to edit it (its own menu; Esc there comes back here), or an "
                "action on every context.",
                id="picker-intro",
            )
            yield OptionList(*self.options(), id="contexts")
        yield Static(id="picker-status")
        yield KeyLine()

    def options(self) -> list[Option | None]:
        workspace = self.workspace
        options: list[Option | None] = [
            Option(Text.assemble((name, "bold"), f"  src/{name}"), id=f"context-{name}")
            for name in workspace.names
        ]
        options.append(None)  # a separator
        for action, label in WHOLE_ACTIONS.items():
            if action == "check" or workspace.whole is not None:
                options.append(Option(label, id=f"whole-{action}"))
        return options

    def set_status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#picker-status", Static)
        status.set_class(error, "-error")
        status.update(Text(text))

    def on_screen_resume(self) -> None:
        applied = len(self.edit.applied)
        if applied:
            self.set_status(f"{applied} change{'s' if applied != 1 else ''} written so far")

    @on(OptionList.OptionSelected, "#contexts")
    def handle_selected(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id or ""
        if choice.startswith("context-"):
            self.open_context(choice.removeprefix("context-"))
        else:
            self.action_whole(choice.removeprefix("whole-"))

    def action_pick(self) -> None:
        self.query_one("#contexts", OptionList).action_select()

    def open_context(self, name: str, then: str | None = None) -> None:
        """The menu of context `name`, read now (an edit of another may have changed the
        files every context derives); `then`: an action of that menu to start with."""

        try:
            self.edit.project = open_project(self.workspace.root, name)
        except ScaffolderError as error:
            self.set_status(f"✗ {error}", error=True)
            return
        self.app.push_screen(ContextEditScreen(name, then))

    def action_whole(self, action: str) -> None:
        if action == "check":
            self.set_status("Checking every context, as protean-init check does…")
            self.run_check()
        elif self.workspace.whole is not None:
            # ci and derive at the root read one context and re-derive every context's
            # files: that context's menu runs them, and its preview lists every file.
            self.open_context(self.workspace.whole, "regenerate_ci" if action == "ci" else action)

    @work(thread=True, exclusive=True, group="check")
    def run_check(self) -> None:
        # deferred: scaffolder.check ~20 ms (CPU after this module's own imports), paid only when
        # this runs
        from scaffolder.check import check_project

        try:
            findings = check_project(self.workspace.root)
        except ScaffolderError as error:
            self.app.call_from_thread(self.set_status, f"✗ check: {error}", True)
            return
        self.app.call_from_thread(self.show_findings, findings)

    @work(exclusive=True, group="report")
    async def show_findings(self, findings: list) -> None:
        # deferred: scaffolder.ui.common.findings ~10 ms with its report modal (CPU after this
        # module's own imports), paid only when this runs
        from scaffolder.ui.common.findings import show_check_report

        await show_check_report(
            self,
            findings,
            title="protean-init check, every context",
            nothing="✓ Nothing to report in any context.",
            summary="The findings of `protean-init check` at the workspace's root.",
            say=self.set_status,
        )


class ContextEditScreen(EditScreen):
    """The menu of one context of a workspace; Escape goes back to the contexts."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Contexts"),
        Binding("q", "app.leave", "Leave"),
    ]

    def __init__(self, context: str, then: str | None = None) -> None:
        super().__init__()
        self.context = context
        self.then = then

    def on_mount(self) -> None:
        # EditScreen's own on_mount runs after this one (Textual calls each class's handler):
        # the line and the first action come once it has.
        self.call_after_refresh(self.started)

    def started(self) -> None:
        self.set_status(f"Context {self.context} · Enter changes a provider · Esc: the contexts")
        if self.then is not None:
            self.run_menu_action(self.then)

    def action_back(self) -> None:
        self.app.pop_screen()
