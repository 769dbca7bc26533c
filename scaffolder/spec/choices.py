"""The project-level choices (names, CI, compose, deployment, installer): defined once, with
their defaults, how a value is read and how the answers record keeps them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, Literal

from scaffolder.spec.values import parse_bool, parse_choice, parse_count, parse_name

CI_PROVIDERS = ("github", "gitlab", "none")
# How the project installs itself and its test tools: README, CI and the Dockerfile say so.
# pip by default: `new` works offline and writes no lock file; uv is the choice of projects
# `protean new` makes (its README, CI and Dockerfile then use `uv sync` / `uv run`).
INSTALLERS = ("pip", "uv")
DEPLOY_CHOICES = ("docker", "kubernetes", "none")


Recorded = Literal["always", "changed", "never"]


@dataclass(frozen=True)
class ProjectSetting:
    """How one project-level choice (ProjectChoices' field) is read from `KEY=VALUE` (new
    --set, answers files) and kept in the answers record."""

    parse: Callable[[str, object], object]  # (key, raw value) -> value, or UsageError
    # When an edit writes it into the answers record (scaffolder.reopen.derive): "always";
    # "changed", where it differs from the default or the record has it already (a record
    # made before the choice existed stays as it was); "never", the names, written when the
    # record is made.
    record: Recorded = "always"


def _setting(parse: Callable[[str, object], object], record: Recorded = "always") -> dict[str, Any]:
    return {"setting": ProjectSetting(parse, record)}


@dataclass(frozen=True)
class ProjectChoices:
    """The project-level choices, one field each with its default and how a value is read:
    the spec's project part and what a reopened project's identity holds (project_files).
    A choice added here is accepted by the vocabulary, kept in the answers record and passed
    to the template (scaffolder.render.template_data) as it is named."""

    project_name: str = field(metadata=_setting(parse_name, "never"))
    package_name: str = field(metadata=_setting(parse_name, "never"))
    ci: str = field(default="github", metadata=_setting(parse_name))
    compose: bool = field(default=True, metadata=_setting(parse_bool))
    # Deployment files (scaffolder.deployment): docker, kubernetes or none; the engine's
    # `protean server --workers` and the Deployment's replicas.
    deploy: str = field(
        default="none",
        metadata=_setting(lambda key, value: parse_choice(key, value, DEPLOY_CHOICES)),
    )
    workers: int = field(default=1, metadata=_setting(parse_count))
    replicas: int = field(default=1, metadata=_setting(parse_count))
    installer: str = field(
        default="pip",
        metadata=_setting(lambda key, value: parse_choice(key, value, INSTALLERS), "changed"),
    )

    def choices(self) -> dict[str, Any]:
        """The project-level choices by name, in PROJECT_KEYS' order."""
        return {key: getattr(self, key) for key in PROJECT_SETTINGS}


PROJECT_SETTINGS: Mapping[str, ProjectSetting] = MappingProxyType(
    {f.name: f.metadata["setting"] for f in fields(ProjectChoices)}
)
PROJECT_KEYS = tuple(PROJECT_SETTINGS)


def recorded_choices(project: ProjectChoices, record: Mapping[str, Any]) -> dict[str, Any]:
    """The choices an edit writes into the answers record `record` (ProjectSetting.record)."""
    defaults = {f.name: f.default for f in fields(ProjectChoices)}
    written = {}
    for key, setting in PROJECT_SETTINGS.items():
        value = getattr(project, key)
        if setting.record == "always" or (
            setting.record == "changed" and (value != defaults[key] or key in record)
        ):
            written[key] = value
    return written
