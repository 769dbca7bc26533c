"""`ci` on a real `protean new` project that has a named PostgreSQL database and no overlays:
the workflow it makes is one `check` accepts, and the job it adds joins the workflow as the
workflow is written.

- The named database is created in the workflow (a step before the tests of the job that
  runs the service, as protean-init's own workflow does), not only named in a note, so
  `check` reports no `ci-database-mismatch`.
- No memory job while domain.toml has no [memory] overlay: Protean runs an unknown
  `--protean-env` as the base config (the loader merges the section of that name only when
  there is one), so the job would test nothing in memory. The note says how to add both.
- Once `add-env memory` gave the overlay, `ci` adds the memory job with the action versions
  the workflow's own job uses, and without the database step (the job starts no server).
"""

from __future__ import annotations

import pytest
import yaml

from scaffolder.check import check_project
from scaffolder.spec.environments import BASE

from .support import GITHUB, load_config, only_insertions
from .test_adopt import protean_new

pytestmark = pytest.mark.slow


def uses(job: dict) -> list[str]:
    return [str(step["uses"]) for step in job["steps"] if "uses" in step]


def runs(job: dict) -> list[str]:
    return [str(step.get("run", "")) for step in job["steps"]]


def test_ci_creates_the_named_database_and_adds_memory_only_with_its_overlay(tmp_path, cli):
    root = protean_new(tmp_path, "acme")
    config = root / "src" / "acme" / "domain.toml"
    own_ci = (root / GITHUB).read_text()
    assert cli("add-database reports --provider postgresql --project", root).code == 0

    result = cli("ci --project", root)

    assert result.code == 0, result.err
    adopted = (root / GITHUB).read_text()
    assert only_insertions(own_ci, adopted)
    jobs = yaml.safe_load(adopted)["jobs"]
    test = jobs["test"]
    create = next(s for s in test["steps"] if s.get("run") == "createdb acme_reports")
    # It reaches the service the job runs, with its credentials.
    service = test["services"]["postgres"]
    assert create["env"]["PGUSER"] == service["env"]["POSTGRES_USER"]
    assert create["env"]["PGPASSWORD"] == service["env"]["POSTGRES_PASSWORD"]
    assert f"{create['env']['PGPORT']}:5432" in service["ports"]
    test_runs = runs(test)
    assert test_runs.index("createdb acme_reports") < next(
        i for i, run in enumerate(test_runs) if "pytest" in run
    )
    assert "memory" not in jobs
    assert "no `memory` job added: domain.toml has no [memory] overlay" in result.err
    # `check` accepts the workflow: the URL's database is created where the job runs.
    findings = check_project(root)
    assert not [f for f in findings if f.code == "ci-database-mismatch"], findings

    # Protean itself: a `--protean-env memory` with no [memory] section resolves as base.
    base = load_config(config.parent, BASE, {}, {"REPORTS_DATABASE_URL"})
    memory = load_config(config.parent, "memory", {}, {"REPORTS_DATABASE_URL"})
    assert dict(memory) == dict(base)

    assert cli("add-env memory --project", root).code == 0
    result = cli("ci --project", root)

    assert result.code == 0, result.err
    with_memory = (root / GITHUB).read_text()
    assert only_insertions(adopted, with_memory)
    jobs = yaml.safe_load(with_memory)["jobs"]
    memory = jobs["memory"]
    # The versions the workflow's own job uses (protean new's checkout@v4, setup-python@v5).
    assert uses(memory) == uses(jobs["test"])[: len(uses(memory))]
    assert {"actions/checkout@v4", "actions/setup-python@v5"} <= set(uses(memory))
    assert "createdb" not in str(runs(memory)) and "services" not in memory
    assert runs(memory)[-1].startswith("uv run pytest --protean-env memory")
