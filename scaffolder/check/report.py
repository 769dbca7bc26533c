"""What a check returns: its findings with what was read to find them (one config, or a
workspace's contexts together: scaffolder.check.project and scaffolder.check.workspace_rules
both make these)."""

from __future__ import annotations

from dataclasses import dataclass

from scaffolder.check.context import ProjectContext
from scaffolder.check.findings import Finding


@dataclass(frozen=True)
class Report:
    findings: list[Finding]
    # The environments checked, base first, in file order.
    environments: list[str]
    # Every file read, relative to the project root.
    files: list[str]


@dataclass(frozen=True)
class ContextCheck:
    """One config checked with the project's files: the report, and what the rules read."""

    report: Report
    ctx: ProjectContext
