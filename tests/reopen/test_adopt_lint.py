"""A project's linters under protean-init's CI. Adopted (`ci` on a real `protean new`
project), they stay in the project's own job and the memory job it gains leaves them out;
when the workflow is replaced instead (one `ci` cannot adopt), lint_steps keeps them, with
their set-up, in a `lint` job."""

from __future__ import annotations

import yaml

from scaffolder.ci_lint import lint_job_text, lint_steps

from .support import GITHUB
from .test_adopt import protean_new


def runs(job: dict) -> list[str]:
    return [str(step.get("run", step.get("uses", ""))) for step in job["steps"]]


def test_a_protean_new_projects_linters_are_kept(tmp_path, cli):
    """`ci` adopts the workflow: its linters stay in its own job, as they were; the memory
    job it gains runs the suite without them; the next `ci` finds it up to date."""
    root = protean_new(tmp_path, "acme")
    own = yaml.safe_load((root / GITHUB).read_text())["jobs"]["test"]
    own_lint = [s["run"] for s in own["steps"] if "ruff" in s.get("run", "")]
    own_lint += [s["run"] for s in own["steps"] if "mypy" in s.get("run", "")]
    assert len(own_lint) == 2, own_lint  # what `protean new` writes today

    assert cli("add-env production test memory --project", root).code == 0
    result = cli("ci --project", root)
    assert result.code == 0, result.err
    jobs = yaml.safe_load((root / GITHUB).read_text())["jobs"]
    assert runs(jobs["test"]) == runs(own)
    memory = runs(jobs["memory"])
    assert not any(command in memory for command in own_lint)
    assert memory.index("uv sync --all-extras --all-groups") < len(memory) - 1
    assert jobs["memory"]["strategy"]["matrix"]["python-version"] == ["3.11", "3.12", "3.13"]

    # Stable: the next `ci` changes nothing; an edit keeps the linters where they are.
    before = (root / GITHUB).read_bytes()
    assert "up to date" in cli("ci --project", root).out
    assert (root / GITHUB).read_bytes() == before
    assert cli("add-database reports --provider postgresql --project", root).code == 0
    after = yaml.safe_load((root / GITHUB).read_text())["jobs"]
    assert runs(after["test"]) == runs(own)


SEPARATE_LINT_JOB = """\
name: CI
on: [push]
jobs:
  tests:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v3
      - run: pip install -e .[test]
      - run: pytest
  quality:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        python-version: ["3.12", "3.13"]
    steps:
      - uses: actions/checkout@v3
      - uses: actions/setup-python@v4
        with:
          python-version: ${{ matrix.python-version }}
      - run: pip install pre-commit
      - run: pre-commit run --all-files
      - run: python -m pytest --cov
      - if: matrix.python-version == '3.12'
        run: echo only once
"""


def test_lint_steps_of_a_separate_job():
    steps = lint_steps(SEPARATE_LINT_JOB)
    assert [s.get("run", s.get("uses")) for s in steps] == [
        "actions/checkout@v6",
        "actions/setup-python@v6",
        "pip install pre-commit",
        "pre-commit run --all-files",
    ]
    assert steps[1]["with"]["python-version"] == "3.12"
    # The text form reads back as the same steps.
    assert yaml.safe_load(lint_job_text(steps)) == [dict(s) for s in steps]


def test_no_linter_no_lint_job():
    assert lint_steps("jobs:\n  t:\n    steps:\n      - run: pytest\n") == ()
    assert lint_steps("not: [valid") == ()
    assert lint_steps("") == ()


def test_a_linter_spelled_only_behind_an_escape_or_an_alias_is_still_found():
    """lint_steps skips parsing a workflow whose text names no linter; a step whose `run`
    spells one only once parsed (a double-quoted escape, a line joined by a backslash, an
    alias of an anchored one) is still a lint step."""
    escaped = 'jobs:\n  t:\n    steps:\n      - run: "\\x72uff check ."\n'
    joined = 'jobs:\n  t:\n    steps:\n      - run: "ru\\\n          ff check ."\n'
    for workflow in (escaped, joined):
        assert "ruff" not in workflow
        assert [s["run"] for s in lint_steps(workflow)] == ["ruff check ."], workflow
    aliased = "x: &lint ruff check .\njobs:\n  t:\n    steps:\n      - run: *lint\n"
    assert [s["run"] for s in lint_steps(aliased)] == ["ruff check ."]


def test_the_workflow_protean_init_writes_is_not_parsed_for_lint_steps(monkeypatch):
    """protean-init's own workflow has no lint step and names no linter: lint_steps says so
    without parsing it (it grows with the project's services)."""
    from ruamel.yaml import YAML

    workflow = (
        "name: CI\non:\n  push:\njobs:\n  memory:\n    steps:\n"
        '      - uses: actions/checkout@v6\n      - run: python -m pip install -e ".[test]"\n'
        "      - run: pytest --protean-env memory\n"
    )
    assert lint_steps(workflow) == ()

    def unparsed(self: YAML, text: str) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr(YAML, "load", unparsed)
    assert lint_steps(workflow) == ()
