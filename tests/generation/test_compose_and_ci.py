"""Proof 2: compose and CI files are valid and hold exactly what the chosen providers need.

Validity is judged by the real checkers (docker-compose, actionlint, check-jsonschema); the
content is compared with expectations computed from the spec and the catalog.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from scaffolder.catalog import SERVICES
from scaffolder.project_files import domain_module
from tests.support.protean_config import load_config
from tests.support.validators import (
    assert_compose_valid,
    assert_github_workflow_valid,
    assert_gitlab_ci_valid,
)

from .cases import case_ids
from .support import (
    PRODUCTION,
    Generated,
    ci_test_env,
    expected_services,
    resolved_table,
    used_providers,
)

COMPOSE = "docker-compose.yml"
OTHER_COMPOSE_NAMES = ("docker-compose.yaml", "compose.yml", "compose.yaml")
GITHUB = ".github/workflows/ci.yml"
GITLAB = ".gitlab-ci.yml"
SERVICE_BY_NAME = {service.name: service for service in SERVICES}
MEMORY_RUN = "pytest --protean-env memory"
DB_SETUP = "protean db setup"


def _test_servers(project: Generated) -> set[str]:
    return expected_services(project.spec, [ci_test_env(project.spec)])


def _needs_tables(project: Generated) -> bool:
    return any(p.needs_tables for p in used_providers(project.spec, [ci_test_env(project.spec)]))


# --------------------------------------------------------------------------- compose


def test_compose_exists_exactly_when_a_provider_needs_a_server(project: Generated) -> None:
    wanted = expected_services(project.spec)
    assert (COMPOSE in project.files) == bool(project.spec.compose and wanted)
    assert not set(OTHER_COMPOSE_NAMES) & set(project.files)
    if all(p.in_memory for p in used_providers(project.spec)):
        assert COMPOSE not in project.files


def _compose(project: Generated) -> dict[str, Any]:
    if COMPOSE not in project.files:
        pytest.fail(f"{project.case.id} has no {COMPOSE}")
    return project.yaml(COMPOSE)


@pytest.fixture(params=case_ids(lambda spec: spec.compose and expected_services(spec)))
def composed(request: pytest.FixtureRequest, generate) -> Generated:
    """The matrix cases that have a compose file (the test above proves which those are)."""
    return generate(request.param)


def test_compose_is_valid(composed: Generated) -> None:
    assert_compose_valid(composed.root / COMPOSE)


def test_compose_has_exactly_the_services_needed(composed: Generated) -> None:
    compose = _compose(composed)
    assert "version" not in compose
    assert set(compose["services"]) == expected_services(composed.spec)


def test_every_service_is_healthchecked_persistent_and_local(composed: Generated) -> None:
    compose = _compose(composed)
    declared_volumes = set(compose.get("volumes") or {})
    used_volumes = set()
    for name, service in compose["services"].items():
        known = SERVICE_BY_NAME[name]
        assert service["image"] == known.image
        health = service["healthcheck"]
        assert health["test"][0] == "CMD-SHELL" and health["test"][1].strip(), name
        assert not health.get("disable"), name
        volumes = service["volumes"]
        assert volumes, name
        for volume in volumes:
            source, _, target = volume.partition(":")
            assert source in declared_volumes, f"{name}: {volume} is not a named volume"
            assert target == known.data_path
            used_volumes.add(source)
        ports = service["ports"]
        assert ports == [f"127.0.0.1:{known.port}:{known.container_port}"], name
    assert used_volumes == declared_volumes


def test_local_urls_reach_the_published_ports(composed: Generated) -> None:
    """Every non-production URL with a server points at a port compose publishes for it."""
    spec = composed.spec
    compose = _compose(composed)
    for env in spec.environments:
        if env == PRODUCTION:
            continue
        for slot in spec.slots:
            provider = spec.provider(env, slot)
            if provider.service is None:
                continue
            url = urlsplit(spec.local_url(slot, provider))
            assert url.hostname in ("localhost", "127.0.0.1"), (env, slot)
            published = compose["services"][provider.service.name]["ports"]
            assert f"127.0.0.1:{url.port}:{provider.service.container_port}" in published


# --------------------------------------------------------------------------- CI


def test_ci_files_match_the_chosen_ci(project: Generated) -> None:
    assert (GITHUB in project.files) == (project.spec.ci == "github")
    assert (GITLAB in project.files) == (project.spec.ci == "gitlab")
    if project.spec.ci == "none":
        assert not any(p.startswith(".github/") for p in project.files)


def _ci(project: Generated, ci: str) -> None:
    if project.spec.ci != ci:
        pytest.fail(f"{project.case.id} uses {project.spec.ci} CI, not {ci}")


@pytest.fixture(params=case_ids(lambda spec: spec.ci == "github"))
def github(request: pytest.FixtureRequest, generate) -> Generated:
    project = generate(request.param)
    _ci(project, "github")
    return project


@pytest.fixture(params=case_ids(lambda spec: spec.ci == "gitlab"))
def gitlab(request: pytest.FixtureRequest, generate) -> Generated:
    project = generate(request.param)
    _ci(project, "gitlab")
    return project


def _runs(job: dict[str, Any]) -> list[str]:
    return [step["run"] for step in job.get("steps", []) if "run" in step]


def _split_github_jobs(workflow: dict[str, Any]) -> tuple[dict, dict | None]:
    jobs = workflow["jobs"]
    memory = [job for job in jobs.values() if any(MEMORY_RUN in run for run in _runs(job))]
    others = [job for job in jobs.values() if not any(MEMORY_RUN in run for run in _runs(job))]
    assert len(memory) == 1 and len(others) <= 1, sorted(jobs)
    return memory[0], (others[0] if others else None)


def test_github_workflow_is_valid(github: Generated) -> None:
    assert_github_workflow_valid(github.root / GITHUB)


def test_github_jobs(github: Generated) -> None:
    memory, integration = _split_github_jobs(github.yaml(GITHUB))
    assert "services" not in memory
    assert not any(DB_SETUP in run for run in _runs(memory))
    servers = _test_servers(github)
    assert (integration is not None) == bool(servers)
    assert (DB_SETUP in github.text(GITHUB)) == bool(servers and _needs_tables(github))
    if integration is None:
        return
    assert set(integration["services"]) == servers
    assert integration["env"]["PROTEAN_ENV"] == "test"
    runs = _runs(integration)
    assert runs[-1] == "pytest"
    setup = [run for run in runs if DB_SETUP in run]
    if _needs_tables(github):
        assert setup == [f"{DB_SETUP} --domain={domain_module(github.spec.package_name)}"]
        assert domain_module(github.spec.package_name) in github.files
    for name, service in integration["services"].items():
        known = SERVICE_BY_NAME[name]
        assert service["image"] == known.image
        assert service["ports"] == [f"{known.port}:{known.container_port}"]
        assert "--health-cmd" in service["options"]


def test_github_integration_env_resolves_to_its_services(github: Generated) -> None:
    """The integration job's variables, read by Protean, aim every slot at a job service."""
    _, integration = _split_github_jobs(github.yaml(GITHUB))
    if integration is None:
        assert not _test_servers(github)
        return
    env = {k: str(v) for k, v in integration["env"].items() if k != "PROTEAN_ENV"}
    published = {
        int(port.split(":")[0]): name
        for name, service in integration["services"].items()
        for port in service["ports"]
    }
    _assert_ci_env(github, env, lambda url, service: published.get(url.port) == service.name)


def _assert_ci_env(project: Generated, env: dict[str, str], reaches) -> None:
    spec = project.spec
    test_env = ci_test_env(spec)
    config = load_config(project.root, test_env, env, clear=project.referenced_variables)
    for slot in spec.slots:
        provider = spec.provider(test_env, slot)
        if provider.service is None:
            continue
        variable = spec.variable(slot)
        assert variable in env, f"CI sets no {variable} for {slot}"
        table = resolved_table(config, slot)
        assert table[provider.uri_key] == provider.uri_value(env[variable])
        assert reaches(urlsplit(env[variable]), provider.service), (slot, env[variable])


def _split_gitlab_jobs(pipeline: dict[str, Any]) -> tuple[dict, dict | None]:
    jobs = {k: v for k, v in pipeline.items() if isinstance(v, dict) and "script" in v}
    memory = [job for job in jobs.values() if MEMORY_RUN in job["script"]]
    others = [job for job in jobs.values() if MEMORY_RUN not in job["script"]]
    assert len(memory) == 1 and len(others) <= 1, sorted(jobs)
    return memory[0], (others[0] if others else None)


def test_gitlab_ci_is_valid(gitlab: Generated) -> None:
    assert_gitlab_ci_valid(gitlab.root / GITLAB)


def test_gitlab_jobs(gitlab: Generated) -> None:
    memory, integration = _split_gitlab_jobs(gitlab.yaml(GITLAB))
    assert "services" not in memory
    servers = _test_servers(gitlab)
    assert (integration is not None) == bool(servers)
    assert (DB_SETUP in gitlab.text(GITLAB)) == bool(servers and _needs_tables(gitlab))
    if integration is None:
        return
    aliases = {service["alias"]: service for service in integration["services"]}
    assert set(aliases) == servers
    for alias, service in aliases.items():
        assert service["name"] == SERVICE_BY_NAME[alias].image
    assert integration["variables"]["PROTEAN_ENV"] == "test"
    assert integration["script"][-1] == "pytest"
    if _needs_tables(gitlab):
        # Right before pytest: after the lines that create a named database's own.
        assert integration["script"][-2] == (
            f"{DB_SETUP} --domain={domain_module(gitlab.spec.package_name)}"
        )


def test_gitlab_integration_env_resolves_to_its_services(gitlab: Generated) -> None:
    """GitLab reaches each service by its alias on the container's own port."""
    _, integration = _split_gitlab_jobs(gitlab.yaml(GITLAB))
    if integration is None:
        assert not _test_servers(gitlab)
        return
    env = {k: str(v) for k, v in integration["variables"].items() if k != "PROTEAN_ENV"}
    aliases = {service["alias"] for service in integration["services"]}

    def reaches(url, service) -> bool:
        return service.name in aliases and (url.hostname, url.port) == (
            service.name,
            service.container_port,
        )

    _assert_ci_env(gitlab, env, reaches)
