"""What a front end hands back: the spec the user settled on and where to write it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scaffolder.spec.project import ProjectSpec

if TYPE_CHECKING:
    from scaffolder.workspace_spec import WorkspaceSpec


@dataclass(frozen=True)
class WizardOutcome:
    spec: ProjectSpec
    target: Path
    # The workspace, when the user named two or more bounded contexts; `spec` is then its
    # project-level choices.
    workspace: WorkspaceSpec | None = None
