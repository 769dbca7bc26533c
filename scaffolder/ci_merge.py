"""A CI file protean-init did not write: it only gains lines, or is left alone with a note.

A hand-written workflow is never re-serialised or replaced as a side effect of an edit. What
it lacks is the service containers domain.toml's test environment needs that no job of it
runs (matched by image family, as for compose). In a GitHub workflow where exactly one job
runs service containers, the missing ones are added to that job as text, in the file's
indentation (scaffolder.yaml_insert, verified). Otherwise (GitLab, no such job, or several)
the file is left as it is, and the note names what to add by hand, or that
`protean-init ci --force` replaces the file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


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
    from scaffolder.compose_merge import serves
    from scaffolder.yaml_insert import YamlInsertError, load_plain

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
    return reason + "; `protean-init ci --force` replaces it"


def add_missing_services(yours: str, generated: str) -> tuple[str, str | None]:
    """`yours` with the service containers it lacks added to its one job that runs service
    containers, and the note to print; or `yours` unchanged and None when it cannot be added
    to (the caller then says it was left alone: `left_alone`)."""
    from scaffolder.yaml_insert import YamlInsertError, add_entries, load_plain

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
