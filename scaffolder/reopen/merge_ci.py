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
    from scaffolder.reopen.merge_compose import serves
    from scaffolder.reopen.yaml_insert import YamlInsertError, load_plain

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
    from scaffolder.reopen.yaml_insert import YamlInsertError, add_entries, load_plain

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


# A step that runs one of these checks the code without running the test suite: the workflow
# protean-init writes in place of the user's keeps them, in a `lint` job of their own.
_LINT_TOOLS = re.compile(
    r"\b(ruff|mypy|pyright|flake8|pylint|black|isort|pre-commit|bandit|codespell|"
    r"pydocstyle|pyflakes|pycodestyle|basedpyright)\b"
)
_TESTS = re.compile(r"\b(pytest|tox|nox|coverage|unittest)\b")
_MATRIX = re.compile(r"\$\{\{\s*matrix\.python-version\s*\}\}")


def lint_steps(workflow: str) -> tuple[Mapping[str, Any], ...]:
    """The steps of a GitHub workflow's first job that lints, up to its last lint step: its
    set-up (checkout, uv, Python, the install) and the linters, without the test runs and
    steps that only make sense per matrix entry. `matrix.python-version` becomes the matrix's
    first version, as the lint job runs once. () when no job lints."""
    from scaffolder.reopen.yaml_insert import YamlInsertError, load_plain

    try:
        data = load_plain(workflow)
    except YamlInsertError:
        return ()
    jobs = data.get("jobs") if isinstance(data, Mapping) else None
    for job in jobs.values() if isinstance(jobs, Mapping) else ():
        steps = job.get("steps") if isinstance(job, Mapping) else None
        if not isinstance(steps, list) or not all(isinstance(s, Mapping) for s in steps):
            continue
        runs = [str(step.get("run", "")) for step in steps]
        linting = [i for i, run in enumerate(runs) if _LINT_TOOLS.search(run)]
        if not linting:
            continue
        first = _first_python(job)
        kept = []
        for step, run in zip(steps[: linting[-1] + 1], runs, strict=False):
            if _TESTS.search(run) and not _LINT_TOOLS.search(run):
                continue
            if "matrix." in str(step.get("if", "")):
                continue
            kept.append(_current_actions(_without_matrix(dict(step), first)))
        return tuple(kept)
    return ()


# The versions the rest of the workflow uses (the template's): an older one in a kept step
# runs on a deprecated runtime, which actionlint reports.
_CURRENT = {"actions/checkout": "v6", "actions/setup-python": "v6"}


def _current_actions(step: dict[str, Any]) -> dict[str, Any]:
    uses = step.get("uses")
    if isinstance(uses, str) and uses.partition("@")[0] in _CURRENT:
        action = uses.partition("@")[0]
        step["uses"] = f"{action}@{_CURRENT[action]}"
    return step


def _first_python(job: Mapping[str, Any]) -> str:
    strategy = job.get("strategy")
    matrix = strategy.get("matrix") if isinstance(strategy, Mapping) else None
    versions = matrix.get("python-version") if isinstance(matrix, Mapping) else None
    return str(versions[0]) if isinstance(versions, list) and versions else "3.12"


def _without_matrix(value: Any, version: str) -> Any:
    if isinstance(value, str):
        return _MATRIX.sub(version, value)
    if isinstance(value, Mapping):
        return {k: _without_matrix(v, version) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_matrix(v, version) for v in value]
    return value


def lint_job_text(steps: tuple[Mapping[str, Any], ...]) -> str:
    """The steps as the `steps:` block of a job at two-space indentation (six spaces)."""
    import yaml

    text = yaml.safe_dump(
        [dict(step) for step in steps], sort_keys=False, default_flow_style=False, width=1000
    )
    return "".join(f"      {line}\n" if line else "\n" for line in text.splitlines())
