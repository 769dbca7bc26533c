"""The commands to run after a project is written: one list for every front end."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from scaffolder.domain_toml import config_tree
from scaffolder.generated_record import RECORD_FOLDER, is_record
from scaffolder.plan import plan_project
from scaffolder.project_files import domain_module
from scaffolder.spec.project import ProjectSpec


def next_commands(
    spec: ProjectSpec, target: Path, written: Collection[str]
) -> list[tuple[str, str]]:
    """The commands to run next, each with a note (may be empty): the generated README's
    "Run the tests" in order, `protean db setup` included where the README has it."""
    if spec.installer == "uv":
        install = ("uv sync --extra test", "writes uv.lock: commit it")
        run = "uv run "
    else:
        install = ('python -m venv .venv && . .venv/bin/activate && pip install -e ".[test]"', "")
        run = ""
    commands = [
        install,
        (f"{run}pytest --protean-env memory", "every provider in memory, no services"),
    ]
    if not _is_here(target):  # written into the current folder: the user is there already
        commands.insert(0, (f"cd {target}", ""))
    if "docker-compose.yml" in written:
        # After the memory suite, as in the README: it needs no services, so it runs first.
        commands.append(("docker compose up -d --wait", "start the local services, healthy"))
        db_setup = _db_setup(spec, run)
        if db_setup:
            commands.append((db_setup, ""))  # the README says why, on the line above it
        commands.append((f"{run}pytest", "against the real services"))
    return commands


def _is_here(target: Path) -> bool:
    try:
        return target.resolve() == Path.cwd().resolve()
    except OSError:
        return False


def _db_setup(spec: ProjectSpec, run: str) -> str | None:
    """The README's `protean db setup` line, when the plan it is rendered from needs one."""

    plan = plan_project(config_tree(spec), spec.project_name, spec.package_name)
    if not (plan.test_services and plan.needs_db_setup):
        return None
    return f"PROTEAN_ENV=test {run}protean db setup --domain={domain_module(spec.package_name)}"


def files_written(written: Collection[str]) -> str:
    """How many files a new project's writer wrote, as a user who lists the folder counts them:
    the project's, and the record's (`.protean-init/`, ours) apart."""
    record = sum(1 for path in written if is_record(path))
    mine = len(written) - record
    text = f"{mine} file{'' if mine == 1 else 's'}"
    if record:
        text += f"; {RECORD_FOLDER}/ keeps {record} more, the base of later merges"
    return text


def creation_report(spec: ProjectSpec, target: Path, written: Collection[str]) -> str:
    """What was written and what to run next, as the terminal shows it."""
    lines = [f"Created {spec.project_name} in {target}/ ({files_written(written)})", "", "Next:"]
    for command, note in next_commands(spec, target, written):
        lines.append(f"  {command}" + (f"   # {note}" if note else ""))
    return "\n".join(lines)
