"""Rendering the copier template into memory: spec + plan in, {path: bytes} out.

copier renders into a temporary folder that is read back and deleted, so nothing reaches the
user's disk here; `writer` decides what to write, all or nothing.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from scaffolder.config_tree import Tree
from scaffolder.domain_toml import config_tree, sections, toml_value
from scaffolder.plan import Plan, plan_project
from scaffolder.project_files import (
    COMPOSE_NAMES,
    ENV_EXAMPLE,
    GITHUB_WORKFLOW,
    GITLAB_CI,
    ProjectIdentity,
)
from scaffolder.spec import BASE, ProjectSpec

# Files computed from domain.toml, that the reopen commands regenerate.
DERIVED_FILES = frozenset({COMPOSE_NAMES[0], GITHUB_WORKFLOW, GITLAB_CI, ENV_EXAMPLE})

_ENV_TITLES = {
    BASE: "base (no PROTEAN_ENV): local development",
    "production": "production (PROTEAN_ENV=production): required; set them in the deployment",
    "test": "test (PROTEAN_ENV=test, the default under pytest): defaults match docker-compose.yml",
    "memory": "memory (pytest --protean-env memory)",
}


def template_root() -> Path:
    """The copier template: inside the installed wheel, or beside the package in a checkout."""
    packaged = Path(__file__).parent / "_templates" / "project"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates" / "project"


def domain_module(package: str) -> str:
    """What `protean db setup --domain=...` and `protean server --domain=...` take."""
    return f"src/{package}/domain.py"


def spec_answers(spec: ProjectSpec) -> dict[str, Any]:
    """The spec as plain data, for the answers file: what was chosen, per environment."""
    environments = {}
    for env, environment in spec.environments.items():
        entry: dict[str, Any] = {str(slot): name for slot, name in environment.providers.items()}
        entry.update(environment.settings())
        environments[env] = entry
    answers: dict[str, Any] = {"environments": environments}
    if spec.variables:
        answers["variables"] = {str(slot): name for slot, name in spec.variables.items()}
    if spec.local_urls:
        answers["local_urls"] = {str(slot): url for slot, url in spec.local_urls.items()}
    return answers


def plan_context(plan: Plan) -> dict[str, Any]:
    """The plan as the template reads it: plain lists and dicts."""
    services = [
        {**asdict(s.service), "environment": dict(s.environment), "volume": s.volume}
        for s in plan.services
    ]
    test_names = {s.name for s in plan.test_services}
    shown: set[tuple[str, str | None]] = set()
    variables = []
    for env in plan.environments:
        listed = []
        for variable in plan.variables[env]:
            if (variable.name, variable.default) in shown:
                continue
            shown.add((variable.name, variable.default))
            listed.append(
                {
                    "name": variable.name,
                    "default": variable.default,
                    "required": variable.required or variable.is_secret,
                    "placeholder": variable.placeholder,
                }
            )
        if listed:
            variables.append({"env": env, "title": _ENV_TITLES.get(env, env), "variables": listed})
    return {
        "environments": list(plan.environments),
        "services": services,
        "test_services": [s for s in services if s["name"] in test_names],
        "variables": variables,
        "extras": list(plan.extras),
        "needs_db_setup": plan.needs_db_setup,
        "ci_variables": {ci: dict(values) for ci, values in plan.ci_variables.items()},
        "domain_path": domain_module(plan.package_name),
    }


def sections_context(spec: ProjectSpec) -> list[dict[str, Any]]:
    return [
        {
            "header": section.header,
            "comments": list(section.comments),
            "settings": [[k, toml_value(v)] for k, v in section.settings.items()],
            "tables": [
                {"header": t.header, "entries": [[k, toml_value(v)] for k, v in t.values.items()]}
                for t in section.tables
            ],
        }
        for section in sections(spec)
    ]


def render_data(spec: ProjectSpec, plan: Plan) -> dict[str, Any]:
    tree = config_tree(spec)
    return {
        "project_name": spec.project_name,
        "package_name": spec.package_name,
        "ci": spec.ci,
        "compose": spec.compose,
        "spec": spec_answers(spec),
        "generated_from": tree,
        "plan": {**plan_context(plan), "sections": sections_context(spec)},
    }


def render_files(data: dict[str, Any]) -> dict[str, bytes]:
    """Render the template with `data`; returns every file by its relative POSIX path."""
    # copier is imported here, not at module top: `--help` and the edit commands stay fast.
    import copier

    with tempfile.TemporaryDirectory(prefix="protean-init-") as tmp:
        copier.run_copy(
            str(template_root()),
            tmp,
            data=data,
            defaults=True,
            overwrite=True,
            quiet=True,
            skip_tasks=True,
        )
        root = Path(tmp)
        return {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*"))
            if path.is_file()
        }


def render_project(spec: ProjectSpec) -> dict[str, bytes]:
    """Every file of a new project, derived from the spec's domain.toml tree."""
    plan = plan_project(config_tree(spec), spec.project_name, spec.package_name)
    return render_files(render_data(spec, plan))


def render_derived(tree: Tree, project: ProjectIdentity) -> dict[str, bytes]:
    """The files derived from a project's domain.toml as it is now: compose, CI, .env.example.

    The template renders a whole project; the files that are the user's own (domain.toml,
    code, tests, README) are dropped, since only derived files are regenerated.
    """
    plan = plan_project(tree, project.project_name, project.package_name)
    data = {
        "project_name": project.project_name,
        "package_name": project.package_name,
        "ci": project.ci,
        "compose": project.compose,
        "spec": {},
        "generated_from": dict(tree),
        "plan": {**plan_context(plan), "sections": []},
    }
    files = render_files(data)
    return {path: content for path, content in files.items() if path in DERIVED_FILES}
