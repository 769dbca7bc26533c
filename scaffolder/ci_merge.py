"""The one line said about a CI file protean-init did not write, which it leaves as it is.

A hand-written workflow is never re-serialised or replaced as a side effect of an edit. The
note says what it lacks, if anything: the service containers domain.toml's test environment
needs that no job of the file runs (matched by image family, as for compose), so the user
can add them, or ask for the regenerated file by name (`protean-init ci --force`).
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
