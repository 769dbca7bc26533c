"""The part of the edit menu's app its screen uses: the project as last written, and one line
per change written. The screen imports this, never the app (which builds the screen)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from scaffolder.reopen.project import Project


class EditSession(Protocol):
    project: Project
    # One line per change written: "Add databases.reports: domain.toml, ...".
    applied: list[str]
