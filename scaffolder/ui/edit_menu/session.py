"""The part of the edit menu's app its screen uses: the project as last written, and one line
per change written. The screen imports this, never the app (which builds the screen)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from scaffolder.reopen.project import Project


class EditSession(Protocol):
    project: Project
    # One line per change written: "Add databases.reports: domain.toml, ...".
    applied: list[str]


@dataclass(frozen=True)
class WorkspaceRoot:
    """A workspace the menu opened at the root of: its folder, its contexts in order, and
    the context whole-workspace edits read (None: a workspace made by hand, where `ci` and
    `derive` at the root are refused, as on the command line)."""

    root: Path
    names: tuple[str, ...]
    whole: str | None
