"""Rendering the copier template into memory: spec + plan in, {path: bytes} out.

copier renders into a temporary folder that is read back and deleted, so nothing reaches the
user's disk here; `writer` decides what to write, all or nothing.

The derived files (compose, CI, .env.example) are rendered straight through Jinja, with the
template's own files and environment options, by `new` and by every reopen command alike: a
reopen command needs only them, twice (the merge base and the new version), and copier costs
~0.3 s to import and a `git` process per file it renders. A template that needs more than the
data (copier's own variables or filters) is left to copier.
"""

from __future__ import annotations

import functools
import tempfile
from dataclasses import asdict
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from scaffolder import deployment, template_code
from scaffolder.answers import spec_answers
from scaffolder.config_tree import Tree
from scaffolder.copier_options import read_options
from scaffolder.domain_toml import config_tree, sections
from scaffolder.install import test_install_command
from scaffolder.plan import Plan, plan_project
from scaffolder.project_files import (
    COMPOSE_NAMES,
    ENV_EXAMPLE,
    GITHUB_WORKFLOW,
    GITLAB_CI,
    ProjectIdentity,
    domain_module,
)
from scaffolder.redact import redact_tree
from scaffolder.spec.environments import BASE, MEMORY, PRODUCTION, TEST
from scaffolder.template_source import running_root, running_version
from scaffolder.toml.values import render as toml_value

if TYPE_CHECKING:
    from scaffolder.spec.project import ProjectSpec

# Files computed from domain.toml, that the reopen commands regenerate.
DERIVED_FILES = frozenset(
    {COMPOSE_NAMES[0], GITHUB_WORKFLOW, GITLAB_CI, ENV_EXAMPLE, *deployment.DEPLOY_FILES}
)

_ENV_TITLES = {
    BASE: "base (no PROTEAN_ENV): local development",
    PRODUCTION: "production (PROTEAN_ENV=production): required; set them in the deployment",
    TEST: "test (PROTEAN_ENV=test, the default under pytest): defaults match docker-compose.yml",
    MEMORY: "memory (pytest --protean-env memory)",
}


def template_root() -> Path:
    """The copier template this process renders with (scaffolder.template_source)."""
    return running_root()


def plan_context(plan: Plan) -> dict[str, Any]:
    """The plan as the template reads it: plain lists and dicts."""
    services = [
        {
            **asdict(s.service),
            "environment": dict(s.environment),
            "volume": s.volume,
            "databases": list(s.databases),
            "compose_healthcheck": s.compose_healthcheck,
            "own_database": s.own_database,
            "gitlab_create": s.python_create(s.name),
            # GitHub publishes the service on the runner's localhost, at the host port.
            "github_create": s.python_create("127.0.0.1", s.service.port),
        }
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
                    "required": variable.required
                    or variable.is_secret
                    or not variable.one_line_default,
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
        # What a test run on servers other than compose's must set first (the README says so).
        "test_server_variables": [
            v.name
            for v in plan.variables[TEST if TEST in plan.environments else plan.environments[0]]
            if v.provider is not None and v.provider.needs_server
        ],
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


def template_data(
    project: ProjectIdentity,
    tree: Tree,
    *,
    answers: dict[str, Any] | None = None,
    sections: list[dict[str, Any]] | None = None,
    record: bool = True,
    plan: Plan | None = None,
) -> dict[str, Any]:
    """The copier answers: names and choices, the recorded spec, and the plan of `tree`
    (`plan`, when the caller has it). Without `record`, no `generated_from`: only the answers
    file the whole template renders reads it, and the derived files do not need the redacted
    copy of the tree."""
    if plan is None:
        plan = plan_project(tree, project.project_name, project.package_name)
    data = {
        **project.choices(),
        "spec": answers or {},
        "plan": {
            **plan_context(plan),
            "sections": sections or [],
            # CI's install step, as pyproject.toml declares the test tools (scaffolder.install).
            "test_install": project.test_install,
            "python_versions": list(project.python_versions),
            "lint_steps": project.lint_steps,
            "protean_init_version": running_version(),
            "deploy": deployment.deployment_context(
                tree,
                project.project_name,
                project.package_name,
                list(plan.extras),
                replicas=project.replicas,
                workers=project.workers,
                plan=plan,
            ),
        },
    }
    if record:
        # The merge base of the derived files, passwords masked (scaffolder.redact).
        data["generated_from"] = redact_tree(tree)
    return data


def render_data(spec: ProjectSpec) -> dict[str, Any]:
    """The answers for a new project: everything, domain.toml's sections included."""
    project = ProjectIdentity(
        **spec.choices(), test_install=test_install_command(None, spec.installer)
    )
    return template_data(
        project,
        config_tree(spec),
        answers=spec_answers(spec),
        sections=sections_context(spec),
    )


def render_files(
    data: dict[str, Any], exclude: frozenset[str] = frozenset(), templates: Path | None = None
) -> dict[str, bytes]:
    """Render the template (`templates`, default the running one) with `data`; returns every
    file by its relative POSIX path.

    `exclude` names files (relative paths) copier leaves out.
    """
    # deferred: copier: every edit, `check` and the wizard's Review render without it, which
    # costs 300 ms to import (measured after this module's own imports).
    import copier

    with tempfile.TemporaryDirectory(prefix="protean-init-") as tmp:
        copier.run_copy(
            str(templates or template_root()),
            tmp,
            data=data,
            defaults=True,
            overwrite=True,
            quiet=True,
            skip_tasks=True,
            exclude=[f"/{path}" for path in sorted(exclude)],
        )
        root = Path(tmp)
        return {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*"))
            if path.is_file()
        }


@functools.cache
def _jinja(root: Path) -> tuple[Any, Path, str]:
    """A Jinja environment set up as the template's copier.yml sets copier's (its `_envops`),
    the folder of template files and their suffix. Built once per template: a reopen command
    renders twice."""
    config = template_options(root)
    # Rooted where copier roots its loader, so an {% include %} would find the same file.
    env = SandboxedEnvironment(loader=jinja2.FileSystemLoader(root), **jinja_options(config))
    return env, root / config.get("_subdirectory", ""), config.get("_templates_suffix", ".jinja")


def template_options(root: Path) -> dict[str, Any]:
    """The template's copier.yml, as far as rendering reads it (its `_envops`, subdirectory
    and suffix)."""
    text = (root / "copier.yml").read_text(encoding="utf-8")
    config = read_options(text)
    if config is None:
        # deferred: yaml ~9 ms (CPU, measured): only for a copier.yml the line reader does
        # not read exactly (scaffolder.copier_options); an edit imports this module without it
        import yaml

        config = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    return config


def jinja_options(config: dict[str, Any]) -> dict[str, Any]:
    """The Jinja environment's options copier sets from copier.yml's `_envops`."""
    envops = {"keep_trailing_newline": True, **(config.get("_envops") or {})}
    if isinstance(envops.get("undefined"), str):
        envops["undefined"] = getattr(jinja2, envops["undefined"].rpartition(".")[2])
    return envops


@functools.cache
def _compiled(root: Path, source: str) -> tuple[Any, frozenset[str]]:
    """A template and the names it reads from its context, compiled once per source, as
    `env.from_string(source)` compiles it: from the code shipped for it when the package ships
    its code (scaffolder.template_code), else from the source."""
    env = _jinja(root)[0]
    shipped = template_code.shipped(env, source)
    if shipped is None:
        python, reads = template_code.generate(env, source)
        code = compile(python, "<template>", "exec")
    else:
        code, reads = shipped
    template = env.template_class.from_code(env, code, env.make_globals(None))
    return template, reads


def render_direct(
    data: dict[str, Any], wanted: frozenset[str], templates: Path | None = None
) -> dict[str, bytes] | None:
    """The files among `wanted` the template renders for `data`, rendered without copier.

    Renders the template files copier would, with the same Jinja options and data, so the
    output is byte for byte copier's; None when a template or templated path uses anything
    but `data` (copier's own variables, an extension's filter), for the caller to use copier.
    """
    root = templates or template_root()
    env, folder, suffix = _jinja(root)
    known = data.keys() | env.globals.keys()
    names = {PurePosixPath(path).name for path in wanted}

    def render(source: str) -> str | None:
        template, reads = _compiled(root, source)
        return template.render(data) if reads <= known else None

    files: dict[str, bytes] = {}
    try:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder).as_posix()
            if not path.is_file() or not any(name in relative for name in names):
                continue
            templated = bool(suffix) and relative.endswith(suffix)
            parts = []
            for part in (relative[: -len(suffix)] if templated else relative).split("/"):
                rendered = render(part) if "{" in part else part
                if rendered is None:
                    return None
                parts.append(rendered)
            target = "/".join(parts)
            if not all(parts) or target not in wanted:
                continue
            if not templated:
                files[target] = path.read_bytes()
                continue
            # Read as copier's loader reads a template (universal newlines, UTF-8).
            content = render(path.read_text(encoding="utf-8"))
            if content is None:
                return None
            files[target] = content.encode()
    except jinja2.TemplateError:
        return None
    return files


def in_path_order(files: dict[str, bytes]) -> dict[str, bytes]:
    """Sorted as `render_files` lists them (by path components)."""
    return dict(sorted(files.items(), key=lambda item: PurePosixPath(item[0]).parts))


def render_project(spec: ProjectSpec, templates: Path | None = None) -> dict[str, bytes]:
    """Every file of a new project, derived from the spec's domain.toml tree, rendered by
    `templates` (default: the running version's)."""
    data = render_data(spec)
    derived = render_direct(data, DERIVED_FILES, templates)
    if derived is None:
        return render_files(data, templates=templates)
    # The derived files come from the renderer the reopen commands use, so what `new` writes
    # is exactly the merge base they compute later.
    return in_path_order(
        {**render_files(data, exclude=DERIVED_FILES, templates=templates), **derived}
    )


def render_derived(
    tree: Tree,
    project: ProjectIdentity,
    templates: Path | None = None,
    *,
    plan: Plan | None = None,
) -> dict[str, bytes]:
    """The files derived from a project's domain.toml as it is now: compose, CI, .env.example,
    rendered by `templates` (default: the running version's); `plan` is the tree's plan, when
    the caller has it.

    The template renders a whole project; the files that are the user's own (domain.toml,
    code, tests, README) are dropped, since only derived files are regenerated.
    """
    data = template_data(project, tree, record=False, plan=plan)
    files = render_direct(data, DERIVED_FILES, templates)
    if files is None:
        # The whole template renders the answers file too, which reads the record.
        files = render_files({**data, "generated_from": redact_tree(tree)}, templates=templates)
    return in_path_order(
        {path: content for path, content in files.items() if path in DERIVED_FILES}
    )
