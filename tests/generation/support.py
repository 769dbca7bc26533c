"""Helpers for the generation proofs: Protean's loader, and expectations computed from a spec.

Expectations come from the spec and the catalog only, never from scaffolder.plan, so a mistake
in how the plan derives files cannot hide itself.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from scaffolder.catalog import Provider
from scaffolder.config_tree import references
from scaffolder.spec.environments import BASE, ENVIRONMENTS
from scaffolder.spec.project import ProjectSpec
from scaffolder.spec.slots import Slot

from .cases import Case

PRODUCTION = "production"
TEST = "test"
ENV_EXAMPLE = ".env.example"
TITLE = re.compile(rf"^# ({'|'.join(ENVIRONMENTS)}) \(")
ENTRY = re.compile(r"^#\s*([A-Z_][A-Z0-9_]*)=(.*)$")


@dataclass(frozen=True)
class Generated:
    """A project the CLI wrote, and the spec its choices mean."""

    case: Case
    spec: ProjectSpec
    root: Path
    files: Mapping[str, bytes]

    def text(self, relative: str) -> str:
        return self.files[relative].decode("utf-8")

    def yaml(self, relative: str) -> Any:
        return yaml.safe_load(self.text(relative))

    @property
    def tree(self) -> dict[str, Any]:
        return tomllib.loads(self.text("domain.toml"))

    @property
    def referenced_variables(self) -> set[str]:
        return {ref.name for ref in references(self.tree)}


def resolved_table(config: Mapping[str, Any], slot: Slot) -> Mapping[str, Any]:
    node: Any = config
    for part in slot.path:
        node = node[part]
    return node


def used_providers(spec: ProjectSpec, envs: list[str] | None = None) -> list[Provider]:
    envs = list(spec.environments) if envs is None else envs
    return [spec.provider(env, slot) for env in envs for slot in spec.slots]


def expected_services(spec: ProjectSpec, envs: list[str] | None = None) -> set[str]:
    return {p.service.name for p in used_providers(spec, envs) if p.service is not None}


def ci_test_env(spec: ProjectSpec) -> str:
    """The environment CI's integration job runs (PROTEAN_ENV=test, base when there is none)."""
    return TEST if TEST in spec.environments else BASE


def required_variables(spec: ProjectSpec) -> dict[str, Slot]:
    """Variables production reads with no default: one per slot with a connection string."""
    if PRODUCTION not in spec.environments:
        return {}
    return {
        spec.variable(slot): slot
        for slot in spec.slots
        if not spec.provider(PRODUCTION, slot).in_memory
    }


def production_value(name: str) -> str:
    """A distinct, recognisable value for a production variable."""
    return f"scheme://{name.lower()}.prod.example:1234/{name.lower()}"


def env_example(project: Generated) -> dict[str, list[tuple[str, str]]]:
    """`.env.example` as {environment: [(NAME, value)]}, from its commented entries."""
    sections: dict[str, list[tuple[str, str]]] = {}
    env = None
    for line in project.text(ENV_EXAMPLE).splitlines():
        title = TITLE.match(line)
        if title:
            env = title.group(1)
            assert env not in sections, f"{env} twice"
            sections[env] = []
            continue
        entry = ENTRY.match(line)
        if entry:
            assert env is not None, f"{line!r} is under no environment"
            sections[env].append((entry.group(1), entry.group(2)))
    return sections
