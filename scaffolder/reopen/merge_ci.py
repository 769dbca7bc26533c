"""A CI file protean-init did not write: it only gains lines, or is left alone with a note.

A hand-written workflow is never re-serialised or replaced as a side effect of an edit. What
it lacks is the service containers domain.toml's test environment needs that no job of it
runs (matched by image family, as for compose). In a GitHub workflow where exactly one job
runs service containers, the missing ones are added to that job as text, in the file's
indentation (scaffolder.reopen.yaml_insert, verified). Otherwise (GitLab, no such job, or several)
the file is left as it is, and the note names what to add by hand, or that
`protean-init ci --force` replaces the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from scaffolder.ci_lint import lints_only
from scaffolder.reopen.yaml_insert import YamlInsertError, add_entries, insert_item, load_plain


def _images(data: Any) -> Iterator[tuple[str, str]]:
    """(name, image) of every service container a GitHub workflow or GitLab file runs."""
    if not isinstance(data, Mapping):
        return
    jobs = data.get("jobs")
    if isinstance(jobs, Mapping):  # GitHub Actions: jobs.<job>.services.<name>.image
        for job in jobs.values():
            services = job.get("services") if isinstance(job, Mapping) else None
            for name, spec in (services or {}).items() if isinstance(services, Mapping) else ():
                image = spec.get("image") if isinstance(spec, Mapping) else spec
                if isinstance(image, str):
                    yield str(name), image
        return
    # GitLab: `services:` at the top, under `default:`, or in any job; strings or mappings.
    for key, value in data.items():
        entries = value if key == "services" else None
        if isinstance(value, Mapping):
            entries = value.get("services")
        for entry in entries if isinstance(entries, list) else []:
            image = entry.get("name") if isinstance(entry, Mapping) else entry
            alias = entry.get("alias") if isinstance(entry, Mapping) else None
            if isinstance(image, str):
                yield str(alias or image), image


def missing_services(yours: str, generated: str) -> list[tuple[str, str]]:
    """(name, image) of the generated file's services that no service of `yours` provides."""
    # deferred: scaffolder.reopen.merge_compose ~2 ms (CPU, measured): `edit --ui none` imports this
    # module without it
    from scaffolder.reopen.merge_compose import serves

    try:
        mine, wanted = load_plain(yours), load_plain(generated)
    except YamlInsertError:
        return []
    have = [image for _, image in _images(mine)]
    return [
        (name, image)
        for name, image in _images(wanted)
        if not any(serves(other, name) for other in have)
    ]


def left_alone(yours: str, generated: str) -> str:
    """Why the file is left as it is, and what it lacks, in one line."""
    reason = "not written by protean-init"
    lacking = missing_services(yours, generated)
    if lacking:
        listed = ", ".join(f"{name} ({image})" for name, image in lacking)
        reason += f"; the test environment needs service containers it lacks: {listed}"
    if adopt_workflow(yours, generated, memory_overlay=False) is not None:
        return reason + "; `protean-init ci` adds what the tests need to its pytest job"
    return reason + "; `protean-init ci --force` replaces it"


def add_missing_services(yours: str, generated: str) -> tuple[str, str | None]:
    """`yours` with the service containers it lacks added to its one job that runs service
    containers, and the note to print; or `yours` unchanged and None when it cannot be added
    to (the caller then says it was left alone: `left_alone`)."""

    lacking = missing_services(yours, generated)
    if not lacking:
        return yours, None
    try:
        mine, wanted = load_plain(yours), load_plain(generated)
    except YamlInsertError:
        return yours, None
    jobs = mine.get("jobs") if isinstance(mine, Mapping) else None
    if not isinstance(jobs, Mapping):
        return yours, None  # GitLab, or not a workflow
    with_services = [
        name
        for name, job in jobs.items()
        if isinstance(job, Mapping) and isinstance(job.get("services"), Mapping)
    ]
    source: dict[str, Any] = {}
    for job in (wanted.get("jobs") or {}).values():
        if isinstance(job, Mapping):
            source.update(job.get("services") or {})
    entries = {name: source[name] for name, _ in lacking if name in source}
    if len(with_services) != 1 or not entries:
        return yours, None
    job = str(with_services[0])
    try:
        text = add_entries(yours, {"services": entries}, prefer="services", under=("jobs", job))
    except YamlInsertError:
        return yours, None
    added = ", ".join(entries)
    return text, f"added the service containers the test environment needs to job `{job}`: {added}"


# `pytest` as a command word (not pytest-cov, not a path like tests/pytest_x.py).
_PYTEST = re.compile(r"(?<![\w./-])pytest(?![\w.-])")
_MEMORY_FLAG = "--protean-env memory"
MEMORY_JOB = "memory"


def adopt_workflow(
    yours: str, generated: str, *, memory_overlay: bool
) -> tuple[str, list[str]] | None:
    """A GitHub workflow of the project's own (`protean new`'s, or hand-written) taking what
    the regenerated one adds, as inserted lines: its job that runs pytest gains the service
    containers the test environment needs (plain `pytest` runs [test]) and, before its pytest
    step, the regenerated workflow's step creating the named databases on a service it now
    runs as the regenerated one does; with a `[memory]` overlay in domain.toml
    (`memory_overlay`), a `memory` job, that job's own steps (its action versions too) with
    `--protean-env memory` on its pytest command and its linters left out, runs the suite in
    memory mode. Without the overlay no memory job is added: Protean runs an unknown
    environment as the base config, so the job would test nothing in memory; a note says how
    to add it. Its installer (uv, pip, poetry), Python matrix, linters, coverage and upload
    steps are kept as they are. None when it cannot be adopted so (not a workflow, no job
    runs pytest, a layout add_entries refuses): the caller falls back to showing the
    regenerated file as a conflict."""

    try:
        data = load_plain(yours)
    except YamlInsertError:
        return None
    jobs = data.get("jobs") if isinstance(data, Mapping) else None
    if not isinstance(jobs, Mapping):
        return None
    testing = [name for name, job in jobs.items() if _runs_pytest(job) and not _in_memory(job)]
    if not testing:
        return None
    job_name = str(testing[0])
    notes: list[str] = []
    text = yours
    try:
        services = _lacking_services(yours, generated)
        if services:
            text = add_entries(
                text, {"services": services}, prefer="services", under=("jobs", job_name)
            )
            notes.append(
                f"job `{job_name}` runs the test environment: added the service containers "
                f"it needs: {', '.join(services)}"
            )
        text, created = _create_databases(text, generated, job_name)
        notes.extend(created)
        runs_memory = any(_in_memory(job) for job in jobs.values())
        if not runs_memory and not memory_overlay:
            notes.append(
                f"no `{MEMORY_JOB}` job added: domain.toml has no [memory] overlay, and "
                f"Protean runs an unknown environment as the base config (`{_MEMORY_FLAG}` "
                "would test nothing in memory); `protean-init add-env memory`, then "
                "`protean-init ci`, adds both"
            )
        elif not runs_memory and MEMORY_JOB in jobs:
            return None
        elif not runs_memory:
            memory = _memory_job(jobs[job_name])
            if memory is None:
                return None
            text = add_entries(text, {"jobs": {MEMORY_JOB: memory}}, prefer="jobs")
            notes.append(
                f"added job `{MEMORY_JOB}`: the steps of `{job_name}` with "
                f"`{_MEMORY_FLAG}`, the suite in memory mode"
            )
    except YamlInsertError:
        return None
    return text, notes


# The regenerated workflow's step creating the named databases on one of its services (the
# service's own database is only its POSTGRES_DB / MYSQL_DATABASE).
_CREATE_STEP = "Create the named databases on "
_CREATED = re.compile(r"\bcreatedb (\w+)|CREATE DATABASE (?:IF NOT EXISTS )?(\w+)")


def _created(text: str) -> set[str]:
    return {a or b for a, b in _CREATED.findall(text)}


def _create_databases(yours: str, generated: str, job: str) -> tuple[str, list[str]]:
    """`yours` with the regenerated workflow's steps creating the named databases inserted
    before the pytest step of `job`, for each service `job` runs exactly as the regenerated
    workflow does (its credentials are the step's); where it runs its own (other credentials,
    another port), a note naming the `createdb` to add instead. The databases a step of
    yours already creates are not created twice."""

    regenerated = load_plain(generated).get("jobs") or {}
    have = _created(yours)
    notes: list[str] = []
    for other in regenerated.values():
        for step in other.get("steps") or []:
            name = str(step.get("name", "")) if isinstance(step, Mapping) else ""
            wanted = sorted(_created(str(step.get("run", "")))) if name else []
            if not name.startswith(_CREATE_STEP) or set(wanted) <= have:
                continue
            service = name.removeprefix(_CREATE_STEP)
            mine = load_plain(yours)["jobs"][job]
            own = (mine.get("services") or {}).get(service)
            if own is None or own != (other.get("services") or {}).get(service):
                notes.append(_create_by_hand(job, service, [d for d in wanted if d not in have]))
                continue
            steps = mine["steps"]
            before = next(i for i, s in enumerate(steps) if _PYTEST.search(_run_of(s)))
            try:
                yours = insert_item(yours, ("jobs", job), "steps", before, step)
            except YamlInsertError:  # a layout it does not insert into (`steps:` in flow
                # style, dashes at the key's column): the note says what to add
                notes.append(_create_by_hand(job, service, [d for d in wanted if d not in have]))
                continue
            have |= set(wanted)
            notes.append(
                f"job `{job}`: added a step before its tests creating {', '.join(wanted)} on "
                f"{service} (the service creates only its own database)"
            )
    return yours, notes


def _create_by_hand(job: str, service: str, missing: list[str]) -> str:
    commands = " && ".join(f"createdb {name}" for name in missing)
    return (
        f"job `{job}`: its {service} service creates no {', '.join(missing)}; add a step "
        f"before the tests: `{commands}` (env PGHOST: localhost, PGUSER and PGPASSWORD: the "
        "service's)"
    )


def _run_of(step: Any) -> str:
    return str(step.get("run", "")) if isinstance(step, Mapping) else ""


def _runs_pytest(job: Any) -> bool:
    steps = job.get("steps") if isinstance(job, Mapping) else None
    return isinstance(steps, list) and any(
        isinstance(step, Mapping) and _PYTEST.search(str(step.get("run", ""))) for step in steps
    )


def _in_memory(job: Any) -> bool:
    steps = job.get("steps") if isinstance(job, Mapping) else None
    return isinstance(steps, list) and any(
        isinstance(step, Mapping) and _MEMORY_FLAG in str(step.get("run", "")) for step in steps
    )


def _lacking_services(yours: str, generated: str) -> dict[str, Any]:
    """{name: service container} of the regenerated workflow that no job of yours runs."""

    lacking = {name for name, _ in missing_services(yours, generated)}
    found: dict[str, Any] = {}
    jobs = load_plain(generated).get("jobs") or {}
    for job in jobs.values():
        for name, spec in (job.get("services") or {}).items():
            if name in lacking:
                found.setdefault(name, spec)
    return found


# Keys of the test job the memory job does not take: it starts no services, and its name,
# outputs and deployment environment are the test job's own.
_NOT_COPIED = frozenset({"services", "name", "outputs", "environment", "steps"})


def _memory_job(job: Mapping[str, Any]) -> dict[str, Any] | None:
    """The test job's steps up to its pytest step, lint-only steps left out (they run in the
    test job), with `--protean-env memory` after the pytest command word; None when no step
    runs pytest."""
    memory: dict[str, Any] = {"name": "Tests (memory providers)"}
    memory.update({k: v for k, v in job.items() if k not in _NOT_COPIED})
    env = memory.get("env")
    if isinstance(env, Mapping):
        # A job-level PROTEAN_ENV would win over the flag (the plugin uses setdefault).
        memory["env"] = {k: v for k, v in env.items() if k != "PROTEAN_ENV"} or None
        if memory["env"] is None:
            del memory["env"]
    steps: list[Any] = []
    for step in job.get("steps") or []:
        run = str(step.get("run", "")) if isinstance(step, Mapping) else ""
        if _PYTEST.search(run):
            steps.append({**step, "run": _PYTEST.sub(f"pytest {_MEMORY_FLAG}", run, count=1)})
            memory["steps"] = steps
            return memory
        if lints_only(run):
            continue
        if _created(run):
            continue  # it creates databases on a service container, which this job runs none of
        # As the job it joins has it, action versions included: the workflow is the user's.
        steps.append(step)
    return None
