"""What `check` reports: one finding per problem, as text for people and as data for tools."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"
DRIFT = "drift"
SEVERITIES = (ERROR, WARNING, DRIFT)


@dataclass(frozen=True)
class Finding:
    """One problem: where it is (file, line, environment), what it is, and how to fix it."""

    severity: str  # "error" | "warning" | "drift"
    code: str  # short kebab id, stable for tools: "unknown-key", "compose-missing-service"
    message: str
    file: str  # relative to the project root, POSIX separators
    line: int | None  # 1-based
    env: str | None  # "base", an overlay's name, or None for project-wide drift
    fix: str  # one line

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    @property
    def sort_key(self) -> tuple[int, str, int, str]:
        return (SEVERITIES.index(self.severity), self.file, self.line or 0, self.code)


def exit_code(findings: Iterable[Finding]) -> int:
    """0 when nothing is an error, 1 otherwise (2 is for input that cannot be read)."""
    return 1 if any(f.severity == ERROR for f in findings) else 0


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    result: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        result[finding.severity] += 1
    return result


def _plural(count: int, word: str) -> str:
    if word == DRIFT:
        return f"{count} drift"
    return f"{count} {word}{'' if count == 1 else 's'}"


def tally(
    findings: Sequence[Finding], environments: Sequence[str] = (), contexts: Sequence[str] = ()
) -> str:
    """The findings counted by severity, in one line (`1 error, 0 warnings, 1 drift in 2
    environments (base, production)`; `no findings` when there are none); in a workspace, the
    contexts checked first (`in 3 contexts (a, b, c), 4 environments (...)`)."""
    numbers = counts(findings)
    head = ", ".join(_plural(numbers[s], s) for s in SEVERITIES)
    if not findings:
        head = "no findings"
    scope = []
    if contexts:
        scope.append(_counted(contexts, "context"))
    if environments:
        scope.append(_counted(environments, "environment"))
    return f"{head} in {', '.join(scope)}" if scope else head


def _counted(names: Sequence[str], word: str) -> str:
    return f"{len(names)} {word}{'' if len(names) == 1 else 's'} ({', '.join(names)})"


def format_text(
    findings: Sequence[Finding], environments: Sequence[str] = (), contexts: Sequence[str] = ()
) -> str:
    """Two lines a finding (where, severity, code, environment, message; then the fix),
    most serious first, and a summary line."""
    lines = []
    for finding in sorted(findings, key=lambda f: f.sort_key):
        env = f" [{finding.env}]" if finding.env else ""
        lines.append(
            f"{finding.location}: {finding.severity}: {finding.code}{env}: {finding.message}"
        )
        lines.append(f"    fix: {finding.fix}")
    lines.append(tally(findings, environments, contexts))
    return "\n".join(lines)


def format_json(
    findings: Sequence[Finding], environments: Sequence[str] = (), contexts: Sequence[str] = ()
) -> str:
    ordered = sorted(findings, key=lambda f: f.sort_key)
    # "contexts" only for a workspace: a single project's document stays as it was.
    data = {
        **({"contexts": list(contexts)} if contexts else {}),
        "environments": list(environments),
        "counts": counts(ordered),
        "exit_code": exit_code(ordered),
        "findings": [f.as_dict() for f in ordered],
    }
    return json.dumps(data, indent=2)
