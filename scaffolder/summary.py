"""A plain-text picture of a project: which provider each slot uses in each environment."""

from __future__ import annotations

from scaffolder.plan import plan_project
from scaffolder.reopen.project import Project


def describe(project: Project) -> str:
    """Environments as columns, slots as rows, plus the derived files and what to run next."""
    plan = plan_project(project.tree, project.identity.project_name, project.identity.package_name)
    envs = list(plan.environments)
    rows: dict[str, dict[str, str]] = {}
    for env in envs:
        for use in plan.uses[env]:
            rows.setdefault(str(use.slot), {})[env] = use.provider.name
    width = max([len(r) for r in rows] + [4])
    cols = [max([len(e)] + [len(rows[r].get(e, "")) for r in rows]) for e in envs]
    header = (
        "slot".ljust(width) + "  " + "  ".join(e.ljust(c) for e, c in zip(envs, cols, strict=True))
    )
    lines = [f"{project.identity.project_name}: {project.config_relative}", "", header]
    for slot, by_env in rows.items():
        cells = "  ".join(by_env.get(e, "-").ljust(c) for e, c in zip(envs, cols, strict=True))
        lines.append(slot.ljust(width) + "  " + cells)
    services = ", ".join(s.name for s in plan.services) or "none"
    lines += ["", f"services: {services}", ""]
    lines += [
        "Change it with:",
        "  protean-init add-database NAME --provider PROVIDER [--env ENV=PROVIDER]",
        "  protean-init set ENV.ROLE.NAME=PROVIDER",
        "  protean-init add-env production|test|memory",
        "  protean-init ci [--ci github|gitlab]",
        "  protean-init check",
    ]
    return "\n".join(line.rstrip() for line in lines)
