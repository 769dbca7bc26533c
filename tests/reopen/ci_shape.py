"""Reading the services and variables a generated CI file gives its integration job."""

from __future__ import annotations

from pathlib import Path

import yaml

from .support import COMPOSE, GITHUB, GITLAB


def github_integration(root: Path) -> tuple[set[str], dict[str, str]]:
    job = yaml.safe_load((root / GITHUB).read_text())["jobs"]["integration"]
    return set(job.get("services") or {}), dict(job.get("env") or {})


def gitlab_integration(root: Path) -> tuple[set[str], dict[str, str]]:
    job = yaml.safe_load((root / GITLAB).read_text())["test-integration"]
    return {s["alias"] for s in job.get("services") or []}, dict(job.get("variables") or {})


def ci_integration(root: Path, ci: str) -> tuple[set[str], dict[str, str]]:
    return github_integration(root) if ci == "github" else gitlab_integration(root)


def compose_services(root: Path) -> set[str]:
    return set(yaml.safe_load((root / COMPOSE).read_text()).get("services") or {})
