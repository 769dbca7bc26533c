"""Rendering a workspace of bounded contexts: each context's files, and the files of the whole.

Each context is rendered by the project template as a project of its own whose package is
the context (its domain.toml, example slice and tests), then moved into place:
`domain.toml` -> `src/<context>/domain.toml`, `tests/...` -> `tests/<context>/...`. The
workspace's derived files are rendered from the union of the contexts' plans, each server
once with every context's databases on it (`union_plan`): compose and `.env.example` by the
project template's own files, CI, the base kustomization and the workspace's pyproject.toml
and README by the templates in `workspace/` beside it, and one Deployment per context by the
project template's, rendered once per context.

`render_workspace_derived` is the workspace's `render_derived`: the contexts' parsed
domain.toml trees in, the derived files out.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from scaffolder import deployment
from scaffolder.config_tree import Tree
from scaffolder.context_owned import owned, refuse_taken
from scaffolder.domain_toml import config_tree
from scaffolder.install import test_install_command
from scaffolder.plan import Plan, ServicePlan, Variable, ci_url, plan_project
from scaffolder.project_files import (
    ANSWERS_FILE,
    COMPOSE_NAMES,
    ENV_EXAMPLE,
    GITHUB_WORKFLOW,
    GITLAB_CI,
    ProjectIdentity,
    domain_module,
)
from scaffolder.render import (
    in_path_order,
    jinja_options,
    plan_context,
    render_data,
    render_direct,
    template_options,
    template_root,
)
from scaffolder.spec.environments import PRODUCTION, TEST
from scaffolder.spec.project import ProjectSpec
from scaffolder.template_source import running_version
from scaffolder.workspace_spec import WorkspaceSpec, record

WORKSPACE_TEMPLATES = "workspace"
DOMAIN_TOML = "domain.toml"
_DEPLOYMENT = f"{deployment.KUBERNETES_DIR}/base/deployment.yaml"
_BASE_KUSTOMIZATION = f"{deployment.KUBERNETES_DIR}/base/kustomization.yaml"


# The workspace's own files: templates of workspace/ (pyproject, README), the project's .gitignore.
_OWN = ("pyproject.toml", "README.md")
WORKSPACE_OWN_FILES = (*_OWN, ".gitignore")


def context_engine_file(context: str) -> str:
    """The Deployment of one context's engine."""
    return f"{deployment.KUBERNETES_DIR}/base/{context}-engine.yaml"


def derived_paths(identity: ProjectIdentity, contexts: list[str]) -> frozenset[str]:
    """Every derived file a workspace may have: what `render_workspace_derived` regenerates."""
    paths = {COMPOSE_NAMES[0], ENV_EXAMPLE, GITHUB_WORKFLOW, GITLAB_CI}
    paths.update(deployment.files_for(identity.deploy))
    if identity.deploy == "kubernetes":
        paths.discard(_DEPLOYMENT)
        paths.update(context_engine_file(name) for name in contexts)
    return frozenset(paths)


@dataclass(frozen=True)
class _Context:
    """One context as the workspace templates read it."""

    name: str
    tree: Tree
    plan: Plan

    def template_data(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "domain_path": domain_module(self.name),
            "needs_db_setup": self.plan.needs_db_setup,
        }


def union_plan(plans: list[Plan], project_name: str, package_name: str) -> Plan:
    """One plan for the workspace: every environment, variable (once, by name) and service
    (once, every context's databases on it) of the contexts' plans."""
    environments: list[str] = []
    for plan in plans:
        environments += [env for env in plan.environments if env not in environments]
    variables: dict[str, dict[str, Variable]] = {env: {} for env in environments}
    for plan in plans:
        for env, listed in plan.variables.items():
            for variable in listed:
                variables[env].setdefault(variable.name, variable)
    ci_variables: dict[str, dict[str, str]] = {}
    for plan in plans:
        for ci, values in plan.ci_variables.items():
            ci_variables.setdefault(ci, {}).update(values)
    return Plan(
        project_name=project_name,
        package_name=package_name,
        environments=tuple(environments),
        uses={env: tuple(u for p in plans for u in p.uses.get(env, ())) for env in environments},
        variables={env: tuple(found.values()) for env, found in variables.items()},
        services=_union_services([p.services for p in plans]),
        test_services=_union_services([p.test_services for p in plans]),
        extras=tuple(sorted({extra for plan in plans for extra in plan.extras})),
        needs_db_setup=any(plan.needs_db_setup for plan in plans),
        ci_variables=ci_variables,
    )


def _union_services(groups: list[tuple[ServicePlan, ...]]) -> tuple[ServicePlan, ...]:
    """Each server once (in the first plan's order), with the databases of every context."""
    merged: dict[str, ServicePlan] = {}
    for services in groups:
        for service in services:
            kept = merged.get(service.name)
            if kept is None:
                merged[service.name] = service
                continue
            databases = tuple(sorted({*kept.databases, *service.databases}))
            merged[service.name] = replace(kept, databases=databases)
    return tuple(merged.values())


def _contexts(trees: Mapping[str, Tree], identity: ProjectIdentity) -> list[_Context]:
    """Each context planned on the workspace's servers: a server's own database is named
    after the workspace's package, each context's are extra databases on it."""
    return [
        _Context(name, tree, plan_project(tree, identity.project_name, identity.package_name))
        for name, tree in trees.items()
    ]


def _deploy(identity: ProjectIdentity, context: _Context, extras: list[str]) -> dict[str, Any]:
    """The deployment data of one context's engine: its own name, command, probes and keys
    of the workspace's one Secret; the workspace's one image."""
    workspace = deployment.app_name(identity.project_name)
    data = deployment.deployment_context(
        context.tree,
        f"{identity.project_name}-{context.name}",
        context.name,
        extras,
        replicas=identity.replicas,
        workers=identity.workers,
    )
    return {**data, "image": workspace, "secret": f"{workspace}-secrets"}


def _image_deploy(
    identity: ProjectIdentity, contexts: list[_Context], deploys: list[dict[str, Any]]
) -> dict[str, Any]:
    """The data of what every context shares: the one image (the Dockerfile) and the
    overlay's one Secret, whose keys are the union of the contexts'. `engines`: each
    context's engine as the image starts it. With several contexts the image's default
    command starts none (it exits naming them): which engine a container runs is the compose
    service's or the Deployment's choice, never the first context's by default. The health
    ports the engines listen on are all exposed; the image's HEALTHCHECK probes the port
    when every context shares it (port None otherwise: each service probes its own)."""
    name = deployment.app_name(identity.project_name)
    secrets = sorted({variable for d in deploys for variable in d["secret_variables"]})
    engines = [
        {
            "context": context.name,
            "command": d["command"],
            "db_setup": d["db_setup"],
            "needs_db_setup": d["needs_db_setup"],
            "port": d["port"],
        }
        for context, d in zip(contexts, deploys, strict=True)
    ]
    ports = list(dict.fromkeys(d["port"] for d in deploys))
    shared = {
        **deploys[0],
        "name": name,
        "secret_variables": secrets,
        "engines": engines,
        "ports": ports,
        "port": ports[0] if len(ports) == 1 else None,
    }
    if len(contexts) > 1:
        # The message is an argument, not code: no quoting for JSON or Python to escape.
        shared["command"] = [
            "python",
            "-c",
            "import sys; sys.exit(sys.argv[1])",
            f"the image {name} holds the engines of {', '.join(c.name for c in contexts)}: "
            "start one with protean server --domain src/CONTEXT/domain.py",
        ]
    return shared


def _compose_engine(context: _Context, deploy: dict[str, Any]) -> dict[str, Any]:
    """One context's engine as a compose service runs it from the workspace's image: its
    command, `db setup` before it, its health port probed, its drain given time to finish,
    and the variables its production reads with no default, each aimed at the compose
    service its local default points at (the in-network host and container port, as
    GitLab's CI aims them); one no local service serves is read from the shell or `.env`."""

    plan = context.plan
    needed = deploy["secret_variables"]
    # A local default serves production's variable only for the same provider (not a test
    # PostgreSQL's URL for production's MySQL under one variable name).
    production = {v.name: v.provider for v in plan.variables.get(PRODUCTION, ())}
    environment: dict[str, str] = {}
    services: list[str] = []
    # The development default first: the engine's data stays out of the test database the
    # suite empties; the test overlay's serves where development runs in memory.
    local_envs = [env for env in (plan.environments[0], TEST) if env in plan.environments]
    for variable in (v for env in local_envs for v in plan.variables.get(env, ())):
        service = variable.provider.service if variable.provider else None
        if variable.name not in needed or variable.default is None or variable.is_secret:
            continue
        if variable.name in environment:
            continue
        if service is not None and production.get(variable.name) == variable.provider:
            environment[variable.name] = ci_url(variable.default, service, service.name)
            services += [service.name] if service.name not in services else []
    return {
        "name": f"{context.name}-engine",
        "setup": f"{context.name}-db-setup" if deploy["needs_db_setup"] else None,
        "context": context.name,
        "command": deploy["command"],
        "db_setup": deploy["db_setup"],
        "environment": {name: environment.get(name) for name in needed},
        "services": services,
        "port": deploy["port"],
        "liveness": deploy["liveness"],
        "grace": deploy["grace"],
    }


def _workspace_data(identity: ProjectIdentity, contexts: list[_Context]) -> dict[str, Any]:
    """The data the shared files render with: the identity and the union plan."""

    plan = union_plan([c.plan for c in contexts], identity.project_name, identity.package_name)
    extras = list(plan.extras)
    deploys = [_deploy(identity, context, extras) for context in contexts]
    shared_deploy = _image_deploy(identity, contexts, deploys)
    engines = (
        [_compose_engine(c, d) for c, d in zip(contexts, deploys, strict=True)]
        if identity.deploy != "none"
        else []
    )
    return {
        "project_name": identity.project_name,
        "package_name": identity.package_name,
        "ci": identity.ci,
        "compose": identity.compose,
        "deploy": identity.deploy,
        "workers": identity.workers,
        "replicas": identity.replicas,
        "installer": identity.installer,
        "spec": {},
        "contexts": [context.template_data() for context in contexts],
        "context_deploys": deploys,
        "plan": {
            **plan_context(plan),
            "sections": [],
            "test_install": identity.test_install,
            "python_versions": list(identity.python_versions),
            "lint_steps": identity.lint_steps,
            "protean_init_version": running_version(),
            "deploy": shared_deploy,
            "compose_engines": engines,
        },
    }


@functools.cache
def _jinja(templates: Path):
    """The Jinja environment of the workspace templates, with the project template's options
    (copier.yml's `_envops`, as scaffolder.render reads them). Built once per template
    folder, as scaffolder.render builds the project template's: a process that runs several
    commands (the edit menu, the tests) compiles each template once, and the environment
    still checks a template's mtime before reusing what it compiled."""

    return SandboxedEnvironment(
        loader=FileSystemLoader(templates / WORKSPACE_TEMPLATES),
        # Stricter than copier: a name the workspace's data lacks is an error, not "".
        **{**jinja_options(template_options(templates)), "undefined": StrictUndefined},
    )


def _render_one(env, name: str, data: Mapping[str, Any]) -> bytes:
    return env.get_template(name).render(data).encode()


def _direct(data: dict[str, Any], wanted: frozenset[str], templates: Path) -> dict[str, bytes]:
    files = render_direct(data, wanted, templates)
    if files is None:
        raise RuntimeError("the project template reads more than its data")  # our templates
    return files


def render_workspace_derived(
    identity: ProjectIdentity,
    trees: Mapping[str, Tree],
    templates: Path | None = None,
    *,
    own: tuple[str, ...] = (),
) -> dict[str, bytes]:
    """The derived files of a workspace whose contexts' domain.toml trees are `trees` (in
    the workspace's order): compose, CI, .env.example, the Dockerfile and the manifests; and
    `own`, the workspace's own files among pyproject.toml, README.md and .gitignore, rendered
    from the same plans."""
    root = templates or template_root()
    contexts = _contexts(trees, identity)
    data = _workspace_data(identity, contexts)
    wanted = {COMPOSE_NAMES[0], ENV_EXAMPLE}
    wanted.update(deployment.files_for(identity.deploy))
    wanted.discard(_DEPLOYMENT)
    wanted.discard(_BASE_KUSTOMIZATION)
    wanted.update(name for name in own if name == ".gitignore")
    files = _direct(data, frozenset(wanted), root)
    env = _jinja(root)
    files.update({name: _render_one(env, f"{name}.jinja", data) for name in own if name in _OWN})
    if identity.ci == "github":
        files[GITHUB_WORKFLOW] = _render_one(env, "ci.yml.jinja", data)
    if identity.ci == "gitlab":
        files[GITLAB_CI] = _render_one(env, "gitlab-ci.yml.jinja", data)
    if identity.deploy == "kubernetes":
        files[_BASE_KUSTOMIZATION] = _render_one(env, "kustomization.yaml.jinja", data)
        for context, deploy in zip(contexts, data["context_deploys"], strict=True):
            one = {**data, "plan": {**data["plan"], "deploy": deploy}}
            rendered = _direct(one, frozenset({_DEPLOYMENT}), root)
            files[context_engine_file(context.name)] = rendered[_DEPLOYMENT]
    return in_path_order(files)


def answers_file(answers: Mapping[str, Any]) -> bytes:
    """The workspace's record of choices, as `new` and the context commands write it."""

    record = {"_template": f"protean-init {running_version()}", **answers}
    return (
        "# Written by protean-init: the choices this workspace was generated from. Do not\n"
        "# edit by hand; each context's domain.toml is the truth about its infrastructure.\n"
        + yaml.safe_dump(record, sort_keys=False, width=65536)
    ).encode()


def identity_of(workspace: WorkspaceSpec) -> ProjectIdentity:
    """The workspace's names and project-level choices, as the derived files read them. The
    engine's scale is the contexts' (the same in each, checked against each one's
    subscription type; the project's own spec runs no engine)."""
    spec = workspace.project
    scaled = next(iter(workspace.contexts.values()))
    return ProjectIdentity(
        **{**spec.choices(), "workers": scaled.workers, "replicas": scaled.replicas},
        test_install=test_install_command(None, spec.installer),
    )


def _context_template_paths(templates: Path, context: str) -> frozenset[str]:
    """The paths of a context's own files in the project template (domain.toml, the
    package, the tests), as rendered for the package `context`."""
    folder = templates / "template"
    paths = {DOMAIN_TOML}
    for top in ("src", "tests"):
        for path in (folder / top).rglob("*.jinja"):
            relative = path.relative_to(folder).as_posix().removesuffix(".jinja")
            paths.add(relative.replace("{{package_name}}", context))
    return frozenset(paths)


def context_files(
    spec: ProjectSpec, source: str | None = None, templates: Path | None = None
) -> dict[str, bytes]:
    """One context's own files in the workspace: its package, domain.toml and tests. `source`:
    the context whose customers' event this one handles (the example of an event crossing
    contexts), None for none."""
    root = templates or template_root()
    name = spec.package_name
    data = render_data(spec)
    rendered = _direct(data, _context_template_paths(root, name), root)
    files: dict[str, bytes] = {}
    for path, content in rendered.items():
        if path == DOMAIN_TOML:
            files[f"src/{name}/{DOMAIN_TOML}"] = content
        elif path.startswith("tests/"):
            files[f"tests/{name}/{path.removeprefix('tests/')}"] = content
        else:
            files[path] = content
    env = _jinja(root)
    files[f"src/{name}/domain.py"] = _render_one(env, "domain.py.jinja", data)
    if source is not None:
        crossing = {**data, "source": source, "source_camel": _camel(source)}
        files[f"src/{name}/{source}_customers.py"] = _render_one(env, "crossing.py.jinja", crossing)
        files[f"tests/{name}/test_{source}_customers.py"] = _render_one(
            env, "test_crossing.py.jinja", crossing
        )
    return files


def _camel(name: str) -> str:
    """A context's domain name as Protean camel-cases it in event type names (`camel_case_name`:
    `order_taking` -> `OrderTaking`)."""
    return "".join(part.capitalize() for part in name.split("_") if part)


def render_workspace(workspace: WorkspaceSpec, templates: Path | None = None) -> dict[str, bytes]:
    """Every file of a new workspace: each context's files, the shared derived files, the
    workspace's pyproject.toml, README and record of choices."""
    root = templates or template_root()
    names = workspace.names
    files: dict[str, bytes] = {}
    for index, spec in enumerate(workspace.contexts.values()):
        # The second context handles the first one's event: the example of a crossing.
        files.update(context_files(spec, names[0] if index == 1 else None, root))
    identity = identity_of(workspace)
    trees = {name: config_tree(spec) for name, spec in workspace.contexts.items()}
    for index, (name, tree) in enumerate(trees.items()):
        # `--context ordering --context ordering_log` with ordering's database `log`.
        refuse_taken(f"context {name!r}", owned(tree), dict(list(trees.items())[:index]))
    files.update(render_workspace_derived(identity, trees, root, own=WORKSPACE_OWN_FILES))
    files[ANSWERS_FILE] = answers_file(record(workspace))
    return in_path_order(files)
