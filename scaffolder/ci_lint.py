"""The lint steps of a project's own GitHub workflow: which steps lint (ruff, mypy, ...), and
the `lint` job the workflow protean-init writes in place of the user's keeps them in.

Below both of its readers: the project's identity (scaffolder.project_files, which reads the
steps when the workflow is replaced) and the CI merge (scaffolder.reopen.merge_ci, whose
memory job leaves them out).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# A step that runs one of these checks the code without running the test suite: the workflow
# protean-init writes in place of the user's keeps them, in a `lint` job of their own.
_LINT_TOOLS = re.compile(
    r"\b(ruff|mypy|pyright|flake8|pylint|black|isort|pre-commit|bandit|codespell|"
    r"pydocstyle|pyflakes|pycodestyle|basedpyright)\b"
)
_TESTS = re.compile(r"\b(pytest|tox|nox|coverage|unittest)\b")


def lints_only(run: str) -> bool:
    """Whether a step's `run` lints and runs no tests (a job's steps that a job without the
    linters leaves out)."""
    return _LINT_TOOLS.search(run) is not None and _TESTS.search(run) is None


_MATRIX = re.compile(r"\$\{\{\s*matrix\.python-version\s*\}\}")


def lint_steps(workflow: str) -> tuple[Mapping[str, Any], ...]:
    """The steps of a GitHub workflow's first job that lints, up to its last lint step: its
    set-up (checkout, uv, Python, the install) and the linters, without the test runs and
    steps that only make sense per matrix entry. `matrix.python-version` becomes the matrix's
    first version, as the lint job runs once. () when no job lints."""

    if _LINT_TOOLS.search(workflow) is None and "\\" not in workflow and "!" not in workflow:
        # A lint step names its tool: where the text names none (neither plainly nor behind an
        # escape or a tag), no step lints, and the workflow is not parsed (protean-init's own
        # has no lint step, and it grows with the project's services).
        return ()
    # deferred: ruamel.yaml ~9 ms (wall, measured on the shared machine): every command that
    # reads a project's identity (scaffolder.project_files) imports this module, and `check` or
    # `add-env` on a workflow that names no linter parse nothing
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        # As scaffolder.reopen.yaml_insert.load_plain reads a file protean-init did not write.
        data = YAML(typ="safe", pure=True).load(workflow)
    except YAMLError:
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
    # deferred: yaml ~9 ms (CPU, measured): add-env imports this module without it
    import yaml

    text = yaml.safe_dump(
        [dict(step) for step in steps], sort_keys=False, default_flow_style=False, width=1000
    )
    return "".join(f"      {line}\n" if line else "\n" for line in text.splitlines())
