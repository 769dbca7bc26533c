"""The next protean-init, for the upgrade tests: a copy of this version's templates with
changes (lines changed in the CI workflow, compose and Dockerfile templates, a file added, a
file removed, notes), which a process renders as version 0.3.0 when PROTEAN_INIT_TEST_TEMPLATES
names the copy and PROTEAN_INIT_TEST_VERSION the version (scaffolder.template_source)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from scaffolder.template_source import packaged_root

NEXT = "0.3.0"
TEMPLATE = "template"
CI_TEMPLATE = '.github/workflows/{% if ci == "github" %}ci.yml{% endif %}.jinja'
COMPOSE_TEMPLATE = "{% if compose and plan.services %}docker-compose.yml{% endif %}.jinja"
DOCKERFILE_TEMPLATE = '{% if deploy != "none" %}Dockerfile{% endif %}.jinja'

# The next version's changes, each a regex that must match in today's template, keyed by the
# template file's path in the template folder (a project's under template/, a workspace's own
# under workspace/).
NEXT_CHANGES = {
    f"{TEMPLATE}/{CI_TEMPLATE}": (r"(uses: actions/checkout@)v\d+", r"\1v9"),
    f"{TEMPLATE}/{COMPOSE_TEMPLATE}": (r"interval: 5s", "interval: 3s"),
    f"{TEMPLATE}/{DOCKERFILE_TEMPLATE}": (
        r"^# syntax=docker/dockerfile:1$",
        "# syntax=docker/dockerfile:1.7",
    ),
}
ADDED = "tests/test_health.py"
ADDED_TEXT = '"""Added by the next version."""\n\n\ndef test_health() -> None:\n    assert True\n'
REMOVED = "tests/test_caches.py"
NOTE = "Checkout v9, and compose health checks every 3 seconds."


def next_version(folder: Path, changes: dict[str, tuple[str, str]] = NEXT_CHANGES) -> Path:
    """A copy of the templates with `changes`, a file added, one removed, and notes."""
    root = folder / "next-templates"
    shutil.copytree(packaged_root(), root)
    for relative, (pattern, replacement) in changes.items():
        path = root / relative
        text, count = re.subn(pattern, replacement, path.read_text(), flags=re.MULTILINE)
        assert count, f"{pattern!r} no longer matches {relative}: update the test's change"
        path.write_text(text)
    (root / TEMPLATE / f"{ADDED}.jinja").write_text(ADDED_TEXT)
    (root / TEMPLATE / f"{REMOVED}.jinja").unlink()
    (root / "notes.yml").write_text(f'"{NEXT}": "{NOTE}"\n')
    return root


def edit_lines(lines: list[str], edits: list[tuple[int, str]], mark: str) -> list[str]:
    """Apply (position, kind) edits to `lines`: replace, insert after, or delete a line (the
    property tests' user and template edits)."""
    lines = list(lines)
    for n, (at, kind) in enumerate(edits):
        if not lines:
            break
        i = at % len(lines)
        if kind == "replace":
            lines[i] = f"{mark}-{n} replaced\n"
        elif kind == "insert":
            lines.insert(i + 1, f"{mark}-{n} added\n")
        else:
            del lines[i]
    return lines


def edit_template_lines(template: Path, edits: list[tuple[int, str]]) -> None:
    """Apply (position, kind) edits to a template's plain lines (no Jinja), each replaced or
    followed by a `T-<n>` marker line, so the template stays valid."""
    lines = template.read_text().splitlines(keepends=True)
    plain = [i for i, line in enumerate(lines) if line.strip() and not set(line) & set("{%#}")]
    for n, (at, kind) in enumerate(edits):
        i = plain[at % len(plain)]
        lines[i] = f"T-{n} {kind}\n" if kind == "replace" else f"{lines[i]}T-{n} {kind}\n"
    template.write_text("".join(lines))
