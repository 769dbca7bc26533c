"""A plain-text picture of a project: which provider each slot uses in each environment."""

from __future__ import annotations

from scaffolder.reopen.menu import overview, provider_table
from scaffolder.reopen.project import Project


def describe(project: Project) -> str:
    """The edit menu's provider table (without its inheritance marks), the services, and what
    to run to change the project: what `protean-init edit --ui none` prints."""
    view = overview(project)
    lines = [f"{view.name}: {view.config}", "", *provider_table(view, mark_inherited=False)]
    services = ", ".join(view.services) or "none"
    lines += ["", f"services: {services}", ""]
    lines += [
        "Change it with:",
        "  protean-init add-database NAME [--provider PROVIDER] [--env ENV=PROVIDER]",
        "  protean-init add-broker|add-cache NAME --provider PROVIDER [--env ENV=PROVIDER]",
        "  protean-init remove-database|remove-broker|remove-cache NAME",
        "  protean-init rename-database|rename-broker|rename-cache OLD NEW",
        "  protean-init set KEY=VALUE   (the keys: protean-init set --help)",
        "  protean-init add-env production|test|memory",
        "  protean-init ci [--ci github|gitlab]",
        "  protean-init deploy docker|kubernetes|none",
        "  protean-init derive",
        "  protean-init check",
    ]
    return "\n".join(line.rstrip() for line in lines)
