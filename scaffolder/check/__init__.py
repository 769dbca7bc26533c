"""`protean-init check`: what Protean would silently accept, per environment, and drift.

The public API for every front end (the command, the TUI's edit menu and review step):

    check_project(root, envs=(), *, environ=None) -> list[Finding]
    check_config_text(text, *, filename="domain.toml", root_key=()) -> list[Finding]
    Finding (severity, code, message, file, line, env, fix; .as_dict())
    format_text(findings) -> str, format_json(findings) -> str, exit_code(findings) -> int

Modules: findings (the Finding, text and JSON), formats (github, sarif, gitlab), source (a
config file with the line of every key), resolution (an environment as Protean's loader
resolves it), and the rule families: structure (keys, tables and overlays as written),
overlays (names and overlay-only slots), connections (connection strings and placeholders),
values (settings, providers and variables per environment), risks (warnings), drift
(compose, CI, .env.example, leftovers), connection_drift (test URLs against the servers compose
and CI start), deploy (Dockerfile and manifests); common holds what they share, context what
a project rule reads, and project runs them: PROJECT_RULES there lists the project rules.
"""

from scaffolder.check.findings import (
    DRIFT,
    ERROR,
    SEVERITIES,
    WARNING,
    Finding,
    exit_code,
    format_json,
    format_text,
    tally,
)
from scaffolder.check.project import check_config_text, check_project, run_check
from scaffolder.check.report import Report

__all__ = [
    "DRIFT",
    "ERROR",
    "SEVERITIES",
    "WARNING",
    "Finding",
    "Report",
    "check_config_text",
    "check_project",
    "exit_code",
    "format_json",
    "format_text",
    "run_check",
    "tally",
]
