"""The commands to run after a project is written: one list for every front end."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path


def next_commands(target: Path, written: Collection[str]) -> list[tuple[str, str]]:
    """The commands to run next, each with a note (may be empty)."""
    commands = [
        (f"cd {target}", ""),
        ('python -m venv .venv && . .venv/bin/activate && pip install -e ".[test]"', ""),
        ("pytest --protean-env memory", "every provider in memory, no services"),
    ]
    if "docker-compose.yml" in written:
        commands.insert(2, ("docker compose up -d --wait", "start the local services, healthy"))
        commands.append(("pytest", "against the real services"))
    return commands


def summary(project_name: str, target: Path, written: Collection[str]) -> str:
    """What was written and what to run next, as the terminal shows it."""
    lines = [f"Created {project_name} in {target}/ ({len(written)} files)", "", "Next:"]
    for command, note in next_commands(target, written):
        lines.append(f"  {command}" + (f"   # {note}" if note else ""))
    return "\n".join(lines)
