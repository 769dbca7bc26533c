"""The edits a choice makes, as data: what the vocabulary (scaffolder.vocabulary) parses a
`KEY=VALUE` into, and what the spec builder (scaffolder.spec.builder), the answers files and the
edits of an existing project apply. Here, below both, so the builder can apply what the
vocabulary parses without the two importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scaffolder.spec.settings import Setting
from scaffolder.spec.slots import Slot


@dataclass(frozen=True)
class ProviderEdit:
    """`ENV.ROLE[.NAME]=PROVIDER`; provider None is `inherit` (overlays only)."""

    env: str
    slot: Slot
    provider: str | None

    @property
    def key(self) -> str:
        return f"{self.env}.{self.slot}"


@dataclass(frozen=True)
class SettingEdit:
    """`ENV.SETTING=VALUE`; value None is `inherit` (overlays only)."""

    env: str
    setting: Setting
    value: Any

    @property
    def key(self) -> str:
        return f"{self.env}.{self.setting.key}"


@dataclass(frozen=True)
class VariableEdit:
    """`variables.SLOT=NAME` or `local_urls.SLOT=URL`."""

    group: str  # "variables" or "local_urls"
    slot: Slot
    value: str

    @property
    def key(self) -> str:
        return f"{self.group}.{self.slot}"


@dataclass(frozen=True)
class ProjectEdit:
    """A project-level choice (scaffolder.spec.choices.ProjectChoices): what only `new` chooses."""

    name: str
    value: Any

    @property
    def key(self) -> str:
        return self.name


Edit = ProviderEdit | SettingEdit | VariableEdit | ProjectEdit
