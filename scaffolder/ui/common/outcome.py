"""What a front end hands back: the spec the user settled on and where to write it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scaffolder.spec.project import ProjectSpec


@dataclass(frozen=True)
class WizardOutcome:
    spec: ProjectSpec
    target: Path
