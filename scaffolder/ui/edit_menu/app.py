"""The full-screen edit menu: `EditApp(project)`; `run()` returns the exit code.

One screen (scaffolder.ui.edit_menu.screen) and its dialogs. Escape, q or Ctrl-C on the
menu leaves; in a dialog, Escape closes the dialog only. What was applied stays applied:
each change is written when confirmed, all its files or none.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from scaffolder.errors import CANCELLED
from scaffolder.reopen.project import Project
from scaffolder.ui.common.settings import apply_saved_theme, save_theme_changes
from scaffolder.ui.common.type_ahead import TypeAheadToDialogs
from scaffolder.ui.edit_menu.screen import EditScreen
from scaffolder.ui.edit_menu.session import WorkspaceRoot


class EditApp(TypeAheadToDialogs, App[int]):
    TITLE = "protean-init"
    COMMAND_PALETTE_DISPLAY = "^p"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+c", "leave", "Leave", show=False, priority=True),
        Binding("ctrl+q", "leave", "Leave", show=False, priority=True),
    ]

    def __init__(self, project: Project, workspace: WorkspaceRoot | None = None) -> None:
        super().__init__()
        self.project = project
        # At a workspace's root: its contexts are listed first (scaffolder.ui.edit_menu.contexts).
        self.workspace = workspace
        # One line per change written: "Add databases.reports: domain.toml, ...".
        self.applied: list[str] = []
        self._started_theme = apply_saved_theme(self)

    def on_mount(self) -> None:
        save_theme_changes(self, self._started_theme)
        if self.workspace is not None:
            # deferred: scaffolder.ui.edit_menu.contexts ~2 ms (CPU, measured): the edit menu's
            # first screen imports this module without it
            from scaffolder.ui.edit_menu.contexts import ContextPickerScreen

            self.push_screen(ContextPickerScreen(self.workspace))
        else:
            self.push_screen(EditScreen())

    def get_system_commands(self, screen):
        """ctrl+p: every action of the menu by name (scaffolder.ui.common.palette), Theme, Keys."""
        # deferred: scaffolder.ui.common.palette <1 ms (CPU, measured): the edit menu's first screen
        # imports this module without it
        from scaffolder.ui.common.palette import binding_commands

        yield from binding_commands(self, screen, shown_only=False)
        yield from super().get_system_commands(screen)

    def action_leave(self) -> None:
        self.exit(0 if self.applied else CANCELLED)
