"""Overlays nothing selects while the project's files select another name.

PROTEAN_ENV picks an overlay by its exact name, and a name with no overlay runs the base
configuration without a word. So `[memroy]` beside a CI job running `pytest --protean-env
memory`, `[tset]` beside `PROTEAN_ENV: test`, or `[prod]` beside a Dockerfile's
`ENV PROTEAN_ENV=production` means the overlay is never used and those runs use base. The
names are read where a project selects its environment: CI files, compose files, the
Dockerfile and manifests, pytest's options (and its default, `test`, where there are tests),
`.env.example`, and the README and docs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from scaffolder.check.context import ProjectContext
from scaffolder.check.findings import ERROR
from scaffolder.deployment import DOCKERFILE, KUBERNETES_DIR
from scaffolder.project_files import COMPOSE_NAMES, ENV_EXAMPLE, ci_files
from scaffolder.spec.environments import BASE, OVERLAYS, TEST

_NAME = r"[\"']?(?P<name>[A-Za-z0-9_][A-Za-z0-9_.-]*)"
_SELECTORS = (
    re.compile(r"--protean-env(?:=|\s+)" + _NAME),
    re.compile(r"\bPROTEAN_ENV[\"']?\s*[:=]\s*" + _NAME),
    re.compile(r"^\s*ENV\s+PROTEAN_ENV\s+" + _NAME, re.MULTILINE),
    # Kubernetes: `- name: PROTEAN_ENV` with `value: NAME` on the next line.
    re.compile(r"name:\s*[\"']?PROTEAN_ENV[\"']?\s*\n\s*value:\s*" + _NAME),
)
_PYTEST_CONFIGS = ("pyproject.toml", "pytest.ini", "setup.cfg", "tox.ini")


@dataclass(frozen=True)
class Selection:
    name: str
    file: str
    line: int
    how: str


def _files(root: Path) -> Iterator[Path]:
    yield from ci_files(root).values()
    yield from (root / name for name in COMPOSE_NAMES)
    yield from sorted(root.glob("docker-compose.*.y*ml"))
    yield root / DOCKERFILE
    if (root / KUBERNETES_DIR).is_dir():
        yield from sorted((root / KUBERNETES_DIR).rglob("*.y*ml"))
    yield from (root / name for name in _PYTEST_CONFIGS)
    yield root / ENV_EXAMPLE
    yield from sorted(root.glob("README*.md"))
    if (root / "docs").is_dir():
        yield from sorted((root / "docs").glob("*.md"))


def selections(ctx: ProjectContext) -> list[Selection]:
    """Every environment name the project's files select, with where."""
    found = []
    for path in _files(ctx.root):
        text = ctx.text(path, lenient=True) if path.is_file() else None
        if text is None:
            continue
        for pattern in _SELECTORS:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start("name")) + 1
                found.append(
                    Selection(match.group("name"), ctx.display(path), line, match.group(0))
                )
    tests = ctx.root / "tests"
    if tests.is_dir():
        found.append(Selection(TEST, "tests/", 0, "pytest (Protean's plugin selects test)"))
    return found


def _near(overlay: str, selected: str) -> bool:
    a, b = overlay.lower(), selected.lower()
    if a == b or (len(a) >= 3 and (b.startswith(a) or a.startswith(b))):
        return True
    if (
        len(a) == len(b)
        and sorted(a) == sorted(b)
        and sum(x != y for x, y in zip(a, b, strict=True)) <= 2
    ):
        return True  # two letters swapped
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.75


def _first_line(lines: dict[tuple[str, ...], int], prefix: tuple[str, ...]) -> int | None:
    """The first line that writes the overlay: its header, or its first dotted table."""
    found = [line for path, line in lines.items() if path[: len(prefix)] == prefix]
    return min(found, default=None)


def rule(ctx: ProjectContext) -> None:
    overlays = [env for env in ctx.environments if env != BASE]
    if not overlays:
        return
    chosen = selections(ctx)
    selected = {s.name for s in chosen}
    unselected = [env for env in overlays if env not in selected]
    source = ctx.collector.source
    reported: set[str] = set()
    for selection in chosen:
        name = selection.name
        if name in overlays or name == BASE:
            continue
        for env in unselected:
            if env in reported or not _near(env, name):
                continue
            if env.lower() == name and name in OVERLAYS:
                continue  # overlay-name-case says it (overlays.py)
            reported.add(env)
            where = (
                f"{selection.file} line {selection.line} ({selection.how})"
                if selection.line
                else selection.how
            )
            ctx.collector.add(
                ERROR,
                "unselected-overlay",
                f"[{env}] is selected by nothing, and {where} selects '{name}', which has no "
                f"overlay: that run silently uses the base configuration, never [{env}]",
                line=_first_line(source.lines, (*source.root_key, env)),
                env=env,
                fix=f"rename [{env}] to [{name}] (its tables too: [{env}.…] to [{name}.…])"
                + (f", or select '{env}' in {selection.file}" if selection.line else ""),
            )
