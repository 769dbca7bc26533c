"""Drift: the files derived from the config (compose, CI, .env.example) no longer match it.

Each rule compares a file that exists with what the config needs; a project without the file
(no compose, no CI) has nothing to drift. Services are matched to the catalog by name or by
image, as generation names them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffolder.catalog import SERVICES, Provider, Service
from scaffolder.check.common import Collector, ConfiguredSlot, strings
from scaffolder.check.context import ProjectContext
from scaffolder.check.findings import DRIFT, ERROR
from scaffolder.check.resolution import Resolved
from scaffolder.project_files import (
    ENV_EXAMPLE,
    GITHUB_WORKFLOW,
    GITLAB_CI,
    ci_files,
    compose_file,
)
from scaffolder.redact import holds_remote_password, looks_secret
from scaffolder.spec.environments import BASE
from scaffolder.variable_reference import references_in

_ENV_LINE = re.compile(r"^\s*#?\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=", re.MULTILINE)
_GITLAB_RESERVED = frozenset(
    {
        "default",
        "include",
        "stages",
        "variables",
        "workflow",
        "image",
        "services",
        "cache",
        "before_script",
        "after_script",
        "pages",
    }
)


@dataclass(frozen=True)
class Started:
    """A service a compose file or CI job declares: its key or alias, image and line."""

    name: str
    image: str
    line: int
    # The service's own node (ports, environment), for the value rules.
    node: Any = None


def _image_repository(image: str) -> str:
    """`docker.io/library/postgres:17-alpine@sha256:...` -> `postgres`-comparable parts."""
    image = image.split("@", 1)[0]
    last = image.rsplit("/", 1)[-1]
    if ":" in last:
        image = image[: len(image) - len(last)] + last.split(":", 1)[0]
    return image.removeprefix("docker.io/").removeprefix("library/")


def catalog_service(started: Started) -> Service | None:
    """The catalog service a declared one is: by image first, then by name."""
    repository = _image_repository(started.image) if started.image else ""
    if repository:
        last = repository.rsplit("/", 1)[-1]
        for service in SERVICES:
            wanted = _image_repository(service.image)
            if repository == wanted or last == wanted.rsplit("/", 1)[-1]:
                return service
            if last in service.same_server_images:  # mariadb:11.4 serves a mysql slot
                return service
    return next((s for s in SERVICES if s.name == started.name), None)


# --- YAML with lines -----------------------------------------------------------------------


def _items(node: Any, depth: int = 0) -> Iterator[tuple[str, int, Any]]:
    """(key, line, value node) of a mapping node, `<<: *anchor` merges included (own keys
    first and winning); nothing for any other node."""
    if node is None or getattr(node, "id", None) != "mapping" or depth > 10:
        return
    seen = set()
    merges = []
    for key, value in node.value:
        if getattr(key, "id", None) != "scalar":
            continue
        if key.value == "<<":
            merges += _sequence(value) or [value]
            continue
        seen.add(key.value)
        yield str(key.value), key.start_mark.line + 1, value
    for merged in merges:
        for name, line, value in _items(merged, depth + 1):
            if name not in seen:
                seen.add(name)
                yield name, line, value


def _get(node: Any, key: str) -> Any:
    return next((value for name, _, value in _items(node) if name == key), None)


def _scalar(node: Any) -> str:
    return str(node.value) if getattr(node, "id", None) == "scalar" else ""


def _sequence(node: Any) -> list[Any]:
    return list(node.value) if getattr(node, "id", None) == "sequence" else []


def _variables(node: Any) -> Iterator[tuple[str, str, int]]:
    """(name, value, line) of a mapping of variables (GitLab's `{value: ...}` form too)."""
    for name, _line, value in _items(node):
        if getattr(value, "id", None) == "mapping":
            value = _get(value, "value")
        if getattr(value, "id", None) == "scalar":
            yield name, str(value.value), value.start_mark.line + 1


def environment_of(node: Any) -> dict[str, tuple[str, int]]:
    """A compose or CI service's environment, as a mapping or a list of KEY=VALUE."""
    found: dict[str, tuple[str, int]] = {}
    for key in ("environment", "env", "variables"):
        section = _get(node, key)
        for name, value, line in _variables(section):
            found[name] = (value, line)
        for item in _sequence(section):
            text = _scalar(item)
            name, eq, value = text.partition("=")
            if eq:
                found[name.strip()] = (value, item.start_mark.line + 1)
    return found


def published_ports(node: Any) -> list[tuple[int | None, int, int]]:
    """(host port, container port, line) of a compose or GitHub service's `ports:`."""
    found = []
    for item in _sequence(_get(node, "ports")):
        line = item.start_mark.line + 1
        if getattr(item, "id", None) == "mapping":
            target, published = _scalar(_get(item, "target")), _scalar(_get(item, "published"))
            if target.isdigit():
                host = int(published) if published.isdigit() else None
                found.append((host, int(target), line))
            continue
        text = _scalar(item).split("/", 1)[0]
        # "127.0.0.1:5432:5432", "5432:5432", or "5432" (a port docker picks on the host)
        parts = text.split(":")
        if len(parts) >= 2 and parts[-1].isdigit() and parts[-2].isdigit():
            found.append((int(parts[-2]), int(parts[-1]), line))
        elif parts and parts[-1].isdigit():
            found.append((None, int(parts[-1]), line))
    return found


def _env_value(node: Any, name: str) -> str:
    return _scalar(_get(node, name))


# --- Rules ---------------------------------------------------------------------------------


def _needed(uses: Iterable[ConfiguredSlot]) -> dict[str, tuple[ConfiguredSlot, Provider, Service]]:
    """Catalog service name -> the first use that needs it, with its provider and service."""
    needed: dict[str, tuple[ConfiguredSlot, Provider, Service]] = {}
    for use in uses:
        if use.provider and use.provider.service:
            needed.setdefault(use.provider.service.name, (use, use.provider, use.provider.service))
    return needed


def compose_rule(ctx: ProjectContext) -> None:
    path = compose_file(ctx.root)
    if path is not None and ctx.trusted(path):
        ctx.read(path)
        compose_drift(ctx, path)


def compose_drift(ctx: ProjectContext, path: Path) -> None:
    c, uses, checked, test_env = ctx.collector, ctx.uses, ctx.checked, ctx.test_env
    display = ctx.display(path)
    root = ctx.yaml(path)
    services_node = _get(root, "services")
    declared = [
        Started(name, _scalar(_get(value, "image")), line, value)
        for name, line, value in _items(services_node)
    ]
    present = {s.name for d in declared if (s := catalog_service(d))}
    services_line = next((line for n, line, _ in _items(root) if n == "services"), 1)
    # The environments compose serves first (the test run, then base's local run): a service
    # they need and compose lacks fails their connection; for a deployed one it is drift.
    local = [env for env in (test_env, BASE) if env in checked]
    for env in [*dict.fromkeys([*local, *checked])]:
        for name, (use, provider, service) in _needed(uses.get(env, ())).items():
            if name in present:
                continue
            fails = env in local
            c.add(
                ERROR if fails else DRIFT,
                "compose-missing-service",
                f"{use.slot} uses {provider.name} in {c.source.file} (line {use.line}), "
                f"which needs a {name} server, and {display} has no service for it"
                + (f": the {env} run cannot connect" if fails else ""),
                line=services_line,
                env=env,
                fix=f"add a '{name}' service (image {service.image}, port "
                f"127.0.0.1:{service.port}:{service.container_port}) to {display}, or run "
                "`protean-init derive`",
                key=("compose", name),
                file=display,
            )
    everywhere = {name for env_uses in uses.values() for name in _needed(env_uses)}
    for started in declared:
        service = catalog_service(started)
        if service is None or service.name in everywhere:
            continue
        c.add(
            DRIFT,
            "compose-unused-service",
            f"service '{started.name}' ({service.image.split(':')[0]}) is not needed by any "
            f"environment of {c.source.file}",
            line=started.line or services_line,
            env=None,
            fix=f"remove '{started.name}' from {display}, or configure a provider that uses it",
            file=display,
        )


@dataclass(frozen=True)
class _Job:
    name: str
    line: int
    services: tuple[Started, ...]
    integration: bool
    # The job's variables (GitHub `env:`, GitLab `variables:` with the top level's).
    variables: tuple[tuple[str, str, int], ...] = ()


def _github_jobs(root: Any, test_env: str) -> tuple[list[_Job], int | None]:
    jobs_node = _get(root, "jobs")
    jobs_line = next((line for n, line, _ in _items(root) if n == "jobs"), None)
    jobs = []
    for name, line, job in _items(jobs_node):
        services = tuple(
            Started(key, _scalar(_get(value, "image")) or _scalar(value), key_line, value)
            for key, key_line, value in _items(_get(job, "services"))
        )
        selected = _env_value(_get(job, "env"), "PROTEAN_ENV")
        title = _scalar(_get(job, "name"))
        integration = (
            bool(services) or selected == test_env or "integration" in (f"{name} {title}".lower())
        )
        variables = tuple(_variables(_get(root, "env"))) + tuple(_variables(_get(job, "env")))
        jobs.append(_Job(name, line, services, integration, variables))
    return jobs, jobs_line


def _gitlab_service(node: Any, line: int) -> Started:
    if getattr(node, "id", None) == "scalar":
        return Started("", _scalar(node), line)
    image = _scalar(_get(node, "name"))
    alias = _scalar(_get(node, "alias"))
    return Started(alias, image, node.start_mark.line + 1, node)


def _gitlab_jobs(root: Any, test_env: str) -> tuple[list[_Job], int | None]:
    shared = [
        _gitlab_service(node, node.start_mark.line + 1)
        for node in _sequence(_get(root, "services"))
        + _sequence(_get(_get(root, "default"), "services"))
    ]
    definitions = {name: job for name, _, job in _items(root)}

    def inherited(job: Any, key: str, depth: int = 0) -> Any:
        """A job's own `key`, or the one it `extends:` (hidden templates included)."""
        found = _get(job, key)
        if found is not None or depth > 10:
            return found
        parents = _sequence(_get(job, "extends")) or [_get(job, "extends")]
        for parent in reversed(parents):
            template = definitions.get(_scalar(parent))
            if template is not None:
                found = inherited(template, key, depth + 1)
                if found is not None:
                    return found
        return None

    jobs = []
    for name, line, job in _items(root):
        if (
            name in _GITLAB_RESERVED
            or name.startswith(".")
            or getattr(job, "id", None) != "mapping"
        ):
            continue
        own = [
            _gitlab_service(node, node.start_mark.line + 1)
            for node in _sequence(inherited(job, "services"))
        ]
        selected = _env_value(inherited(job, "variables"), "PROTEAN_ENV")
        integration = bool(own) or selected == test_env or "integration" in name.lower()
        variables = tuple(_variables(_get(root, "variables"))) + tuple(
            _variables(inherited(job, "variables"))
        )
        jobs.append(_Job(name, line, tuple(shared + own), integration, variables))
    return jobs, None


def ci_systems(ctx: ProjectContext) -> dict[str, Path]:
    """The CI files present that protean-init still derives: a file of the other system,
    left from before `ci --ci`, is a leftover (see leftover_rule), not the project's CI."""
    found = {ci: path for ci, path in ci_files(ctx.root).items() if ctx.trusted(path)}
    chosen = ctx.answers.get("ci")
    if chosen in found:
        return {chosen: found[chosen]}
    return found


def ci_rule(ctx: ProjectContext) -> None:
    for ci, path in ci_systems(ctx).items():
        ctx.read(path)
        if ctx.test_env in ctx.checked:
            ci_drift(ctx, ci, path)


def integration_jobs(ctx: ProjectContext, ci: str, path: Path) -> tuple[list[_Job], int | None]:
    root = ctx.yaml(path)
    jobs, jobs_line = (_github_jobs if ci == "github" else _gitlab_jobs)(root, ctx.test_env)
    return [job for job in jobs if job.integration], jobs_line


def ci_drift(ctx: ProjectContext, ci: str, path: Path) -> None:
    c, test_env, display = ctx.collector, ctx.test_env, ctx.display(path)
    needed = _needed(ctx.uses_of(test_env))
    if not needed:
        return
    integration, jobs_line = integration_jobs(ctx, ci, path)
    if not integration:
        names = ", ".join(sorted(needed))
        c.add(
            DRIFT,
            "ci-missing-service",
            f"the {test_env} environment needs {names}, and no job in {display} starts "
            "services for it",
            line=jobs_line or 1,
            env=test_env,
            fix=f"add an integration job with PROTEAN_ENV={test_env} and services: {names}",
            file=display,
        )
        return
    started = {s.name for job in integration for d in job.services if (s := catalog_service(d))}
    for name, (use, provider, service) in needed.items():
        if name in started:
            continue
        job = integration[0]
        c.add(
            ERROR,
            "ci-missing-service",
            f"{use.slot} uses {provider.name} in the {test_env} environment "
            f"({c.source.file}, line {use.line}), and the CI job '{job.name}' does not start "
            f"{name}: its tests cannot connect",
            line=job.line,
            env=test_env,
            fix=f"add a '{name}' service (image {service.image}) to the job '{job.name}', or "
            "run `protean-init ci`",
            file=display,
            key=(display, name),
        )


def env_example_rule(ctx: ProjectContext) -> None:
    path = ctx.root / ENV_EXAMPLE
    text = ctx.text(path) if path.is_file() else None
    if text is not None:
        ctx.read(path)
        env_example_drift(ctx.collector, text, ENV_EXAMPLE, ctx.resolved, ctx.checked)


def leftover_rule(ctx: ProjectContext) -> None:
    """A CI file of the system the project no longer uses: `ci --ci gitlab` writes
    .gitlab-ci.yml and leaves the GitHub workflow, which still runs, against stale services."""
    chosen = ctx.answers.get("ci")
    if chosen not in ("github", "gitlab", "none"):
        return
    for ci, path in ci_files(ctx.root).items():
        if ci == chosen or not ctx.trusted(path):
            continue
        ctx.read(path)
        now = {"github": GITHUB_WORKFLOW, "gitlab": GITLAB_CI}.get(chosen)
        instead = f"the project's CI is {now}" if now else "the project has no CI (ci: none)"
        ctx.collector.add(
            DRIFT,
            "derived-leftover",
            f"{ctx.display(path)} is no longer derived from {ctx.collector.source.file}: "
            f"{instead}, and this file is left from before",
            line=1,
            env=None,
            fix=f"delete {ctx.display(path)} (`protean-init ci` re-derives {now or 'no CI file'})",
            file=ctx.display(path),
        )


def env_example_drift(
    c: Collector,
    text: str,
    display: str,
    resolved: Mapping[str, Resolved],
    checked: Sequence[str],
) -> None:
    listed = set(_ENV_LINE.findall(text))
    source = c.source
    for env in checked:
        result = resolved.get(env)
        if result is None:
            continue
        for key_path, value in strings(result.merged):
            for ref in references_in(value):
                if ref.name in listed or source.origin(env, key_path) is None:
                    continue
                # A secret's default is not to be copied anywhere (scaffolder.plan.Variable).
                secret = looks_secret(str(key_path[-1])) or looks_secret(ref.name)
                secret = secret or holds_remote_password(ref.default or "")
                example = ref.default if ref.default and not secret else "VALUE"
                c.add(
                    DRIFT,
                    "env-example-missing",
                    f"{source.file} reads ${{{ref.name}}} and {display} does not list it",
                    line=source.where(env, key_path),
                    env=env,
                    fix=f"add '# {ref.name}={example}' to {display}, or run `protean-init derive`",
                    key=("env-example", ref.name),
                )
