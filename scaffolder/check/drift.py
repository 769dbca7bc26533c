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

from scaffolder.catalog import SERVICES, Service
from scaffolder.check.common import Collector, SlotUse, strings
from scaffolder.check.findings import DRIFT
from scaffolder.check.resolution import Resolved, references_in
from scaffolder.errors import UsageError, yaml_error_text
from scaffolder.project_files import ENV_EXAMPLE, GITHUB_WORKFLOW, GITLAB_CI

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
        for service in SERVICES:
            wanted = _image_repository(service.image)
            if repository == wanted or repository.rsplit("/", 1)[-1] == wanted.rsplit("/", 1)[-1]:
                return service
    return next((s for s in SERVICES if s.name == started.name), None)


# --- YAML with lines -----------------------------------------------------------------------


def _load_yaml(path: Path, display: str) -> Any:
    """The composed node tree (nodes carry lines); UsageError (exit 2) when malformed."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.compose(path.read_text(encoding="utf-8"), Loader=loader)
    except yaml.YAMLError as error:
        raise UsageError(f"{display}: {yaml_error_text(error)}") from error
    except OSError as error:
        raise UsageError(f"cannot read {display}: {error.strerror}") from error


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


def _env_value(node: Any, name: str) -> str:
    return _scalar(_get(node, name))


# --- Rules ---------------------------------------------------------------------------------


def _needed(uses: Iterable[SlotUse]) -> dict[str, SlotUse]:
    """Catalog service name -> the first use that needs it."""
    needed: dict[str, SlotUse] = {}
    for use in uses:
        if use.provider and use.provider.service:
            needed.setdefault(use.provider.service.name, use)
    return needed


def compose_drift(
    c: Collector,
    path: Path,
    display: str,
    uses: Mapping[str, Sequence[SlotUse]],
    checked: Sequence[str],
) -> None:
    root = _load_yaml(path, display)
    services_node = _get(root, "services")
    declared = [
        Started(name, _scalar(_get(value, "image")), line)
        for name, line, value in _items(services_node)
    ]
    present = {s.name for d in declared if (s := catalog_service(d))}
    services_line = next((line for n, line, _ in _items(root) if n == "services"), 1)
    for env in checked:
        for name, use in _needed(uses.get(env, ())).items():
            if name in present:
                continue
            service = use.provider.service
            c.add(
                DRIFT,
                "compose-missing-service",
                f"{use.slot} uses {use.provider.name} in {c.source.file} (line {use.line}), "
                f"which needs a {name} server, and {display} has no service for it",
                line=services_line,
                env=env,
                fix=f"add a '{name}' service (image {service.image}, port "
                f"127.0.0.1:{service.port}:{service.container_port}) to {display}",
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


def _github_jobs(root: Any, test_env: str) -> tuple[list[_Job], int | None]:
    jobs_node = _get(root, "jobs")
    jobs_line = next((line for n, line, _ in _items(root) if n == "jobs"), None)
    jobs = []
    for name, line, job in _items(jobs_node):
        services = tuple(
            Started(key, _scalar(_get(value, "image")) or _scalar(value), key_line)
            for key, key_line, value in _items(_get(job, "services"))
        )
        selected = _env_value(_get(job, "env"), "PROTEAN_ENV")
        title = _scalar(_get(job, "name"))
        integration = (
            bool(services) or selected == test_env or "integration" in (f"{name} {title}".lower())
        )
        jobs.append(_Job(name, line, services, integration))
    return jobs, jobs_line


def _gitlab_service(node: Any, line: int) -> Started:
    if getattr(node, "id", None) == "scalar":
        return Started("", _scalar(node), line)
    image = _scalar(_get(node, "name"))
    alias = _scalar(_get(node, "alias"))
    return Started(alias, image, node.start_mark.line + 1)


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
        jobs.append(_Job(name, line, tuple(shared + own), integration))
    return jobs, None


def ci_drift(
    c: Collector,
    ci: str,
    path: Path,
    display: str,
    test_env: str,
    uses: Sequence[SlotUse],
) -> None:
    needed = _needed(uses)
    if not needed:
        return
    root = _load_yaml(path, display)
    jobs, jobs_line = (_github_jobs if ci == "github" else _gitlab_jobs)(root, test_env)
    integration = [job for job in jobs if job.integration]
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
    for name, use in needed.items():
        if name in started:
            continue
        job = integration[0]
        service = use.provider.service
        c.add(
            DRIFT,
            "ci-missing-service",
            f"{use.slot} uses {use.provider.name} in the {test_env} environment "
            f"({c.source.file}, line {use.line}), and the CI job '{job.name}' does not start "
            f"{name}",
            line=job.line,
            env=test_env,
            fix=f"add a '{name}' service (image {service.image}) to the job '{job.name}'",
            file=display,
            key=(display, name),
        )


def env_example_drift(
    c: Collector,
    path: Path,
    display: str,
    resolved: Mapping[str, Resolved],
    checked: Sequence[str],
) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot read {display}: {error.strerror}") from error
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
                example = ref.default if ref.default else "VALUE"
                c.add(
                    DRIFT,
                    "env-example-missing",
                    f"{source.file} reads ${{{ref.name}}} and {display} does not list it",
                    line=source.where(env, key_path),
                    env=env,
                    fix=f"add '# {ref.name}={example}' to {display}",
                    key=("env-example", ref.name),
                )


PATHS = {"github": GITHUB_WORKFLOW, "gitlab": GITLAB_CI, "env": ENV_EXAMPLE}
