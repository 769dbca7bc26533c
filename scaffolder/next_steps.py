"""The commands to run after a project is written: one list for every front end."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path


def next_commands(
    target: Path, written: Collection[str], installer: str = "pip"
) -> list[tuple[str, str]]:
    """The commands to run next, each with a note (may be empty), for the project's installer
    (spec.INSTALLERS)."""
    if installer == "uv":
        install = ("uv sync --extra test", "writes uv.lock: commit it")
        run = "uv run "
    else:
        install = ('python -m venv .venv && . .venv/bin/activate && pip install -e ".[test]"', "")
        run = ""
    commands = [
        (f"cd {target}", ""),
        install,
        (f"{run}pytest --protean-env memory", "every provider in memory, no services"),
    ]
    if "docker-compose.yml" in written:
        commands.insert(2, ("docker compose up -d --wait", "start the local services, healthy"))
        commands.append((f"{run}pytest", "against the real services"))
    return commands


def summary(
    project_name: str, target: Path, written: Collection[str], installer: str = "pip"
) -> str:
    """What was written and what to run next, as the terminal shows it."""
    lines = [f"Created {project_name} in {target}/ ({len(written)} files)", "", "Next:"]
    for command, note in next_commands(target, written, installer):
        lines.append(f"  {command}" + (f"   # {note}" if note else ""))
    return "\n".join(lines)
