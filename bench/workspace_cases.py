"""A workspace of eight bounded contexts against a project of one, in the same run (#24).

The workspace is what `protean-init new DIR --defaults --context ...` writes for the reference
application's eight contexts, each with ten named databases (`--set
base.databases.tenantNNNN=postgresql`, unqualified: every context's); the project is
`new --defaults` with the same ten (bench/fixtures.make_project). `check` reads every
context's config, so the ratio to the project's is what eight contexts cost over one;
`add-database --context ordering` edits one context and re-derives the workspace's shared
files from all eight. Measured interleaved with the project's, so load hits both alike.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from fixtures import NEW_DATABASE, PROTEAN_INIT, database_names, make_project
from harness import Case, Series

# The reference application's contexts (tests/workspace/cases.EIGHT).
CONTEXTS = (
    "identity",
    "catalogue",
    "ordering",
    "inventory",
    "payments",
    "shipping",
    "reviews",
    "notifications",
)
DATABASES = 10  # named databases per context, and in the project
EDITED = "ordering"  # the context add-database edits

WORKSPACE = f"{len(CONTEXTS)} contexts x {DATABASES} databases"
PROJECT = f"1 context, {DATABASES} databases"


def make_workspace(parent: Path, name: str, contexts: tuple[str, ...], databases: int) -> Path:
    """A workspace made by `new --defaults --context ...`, each context with `databases`
    named databases laid out as `databases` add-database runs leave them."""
    sets: list[str] = []
    for db in database_names(databases):
        sets += ["--set", f"base.databases.{db}=postgresql"]
        sets += ["--set", f"memory.databases.{db}=memory"]
    target = parent / name
    argv = [str(PROTEAN_INIT), "new", str(target), "--defaults"]
    argv += [arg for context in contexts for arg in ("--context", context)]
    subprocess.run([*argv, *sets], check=True, stdout=subprocess.DEVNULL)
    return target


def _on_copy(project: Path, *args: str):
    def prepare(work: Path):
        copy = work / project.name
        shutil.copytree(project, copy, symlinks=True)
        return [str(PROTEAN_INIT), *args, "--project", str(copy)], work

    return prepare


def _fixed(argv: list[str]):
    def prepare(work: Path):
        return argv, work

    return prepare


def workspace_cases(scratch: Path) -> list[Case]:
    """check and add-database on the workspace and on the project (fixtures built here, not
    timed)."""
    workspace = make_workspace(scratch, "ws8", CONTEXTS, DATABASES)
    project = make_project(scratch, f"single{DATABASES}", DATABASES)
    add = ["add-database", NEW_DATABASE, "--provider", "postgresql"]
    check = [str(PROTEAN_INIT), "check", "--project"]
    return [
        Case(f"check ({WORKSPACE})", _fixed([*check, str(workspace)])),
        Case(f"check ({PROJECT})", _fixed([*check, str(project)])),
        Case(f"add-database ({WORKSPACE})", _on_copy(workspace, *add, "--context", EDITED)),
        Case(f"add-database ({PROJECT})", _on_copy(project, *add)),
    ]


def workspace_report(results: dict[str, Series], row) -> tuple[list[str], dict]:
    """The rows and ratios of the workspace cases (add-database on the workspace edits
    context ordering: `--context ordering`); `row` is run.py's."""
    lines: list[str] = []
    figures: dict = {}
    contexts = len(CONTEXTS)
    for key in ("check", "add-database"):
        ours = results[f"{key} ({WORKSPACE})"]
        single = results[f"{key} ({PROJECT})"]
        wall = ours.median_ms / single.median_ms
        cpu = ours.cpu_median_ms / single.cpu_median_ms
        lines.append(
            row(
                f"{key} ({WORKSPACE})",
                ours,
                f"{wall:.2f}x the project's ({cpu:.2f}x CPU; {wall / contexts:.2f}x per context)",
            )
        )
        lines.append(row(f"{key} ({PROJECT})", single))
        figures[f"{key}_workspace_vs_project"] = {
            "wall": round(wall, 3),
            "cpu": round(cpu, 3),
            "per_context": round(wall / contexts, 3),
            "workspace_median_ms": round(ours.median_ms, 1),
            "project_median_ms": round(single.median_ms, 1),
        }
    return lines, figures
