"""What a check returns: its findings with what was read to find them (one config, or a
workspace's contexts together: scaffolder.check.project and scaffolder.check.workspace_rules
both make these)."""

from __future__ import annotations

from dataclasses import dataclass, field

from scaffolder.check.context import ProjectContext
from scaffolder.check.findings import Finding


@dataclass(frozen=True)
class Report:
    findings: list[Finding]
    # The environments checked, base first, in file order.
    environments: list[str]
    # Every file read, relative to the project root.
    files: list[str]
    # A workspace's contexts checked (by name, as under src/); empty for a single project.
    contexts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ContextCheck:
    """One config checked with the project's files: the report, and what the rules read."""

    report: Report
    ctx: ProjectContext
