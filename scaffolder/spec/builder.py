"""The one spec builder: choices accumulating into a ProjectSpec, whichever front end makes them.

Answers files and `--set` flags (scaffolder.answers) fill it through the vocabulary's edits;
the Textual wizard and the questionary prompts fill it through ui.common.state.Draft, which
adds what only a form needs (the target folder, which fields follow the project name, counts as
typed). It holds what was chosen, not what follows from it: an overlay keeps only the slots and
settings it overrides ("inherit" is the absence of an entry), and the variable names and local
URLs only where they differ from the catalog's defaults. `spec()` turns it into a ProjectSpec,
which validates it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Self

from scaffolder.spec.choices import PROJECT_KEYS
from scaffolder.spec.edits import Edit, ProjectEdit, ProviderEdit, SettingEdit
from scaffolder.spec.environment_spec import EnvironmentSpec
from scaffolder.spec.environments import ENVIRONMENTS
from scaffolder.spec.names import package_name_for
from scaffolder.spec.project import ProjectSpec
from scaffolder.spec.settings import SETTING_TABLE, SETTINGS
from scaffolder.spec.slots import Slot


def _per_environment() -> dict[str, dict[Any, Any]]:
    return {env: {} for env in ENVIRONMENTS}


@dataclass
class SpecBuilder:
    """A spec under construction: plain mutable data, validated when it becomes a spec."""

    # The project-level choices (spec.choices.ProjectChoices, whose defaults these repeat: a
    # builder is mutable, a ProjectChoices frozen, so it cannot be this class's base).
    project_name: str = ""
    package_name: str = ""  # empty: the project name's (package_name_for)
    ci: str = "github"
    compose: bool = True
    deploy: str = "none"
    workers: int = 1
    replicas: int = 1
    installer: str = "pip"
    # Per environment, the providers it names: base every slot, an overlay what it overrides.
    providers: dict[str, dict[Slot, str]] = field(default_factory=_per_environment)
    # Per environment, only the settings it sets, by SETTING_TABLE's key.
    settings: dict[str, dict[str, object]] = field(default_factory=_per_environment)
    # The environments the spec has even where they set nothing: those the spec began with,
    # and those an edit named.
    present: list[str] = field(default_factory=list)
    variables: dict[Slot, str] = field(default_factory=dict)
    local_urls: dict[Slot, str] = field(default_factory=dict)
    # The spec the draft began with: what no front end edits is kept as it came, whatever
    # fields ProjectSpec gains.
    origin: ProjectSpec | None = None

    @classmethod
    def of(cls, spec: ProjectSpec, **state: Any) -> Self:
        """A draft holding `spec`'s choices; `state` sets a subclass's own fields."""
        providers: dict[str, dict[Slot, str]] = _per_environment()
        settings: dict[str, dict[str, object]] = _per_environment()
        for env, environment in spec.environments.items():
            providers[env] = dict(environment.providers)
            settings[env] = environment.settings()
        return cls(
            **spec.choices(),
            providers=providers,
            settings=settings,
            present=[env for env in ENVIRONMENTS if env in spec.environments],
            variables=dict(spec.variables),
            local_urls=dict(spec.local_urls),
            origin=spec,
            **state,
        )

    def environments(self) -> list[str]:
        """The environments the spec will have: those present, and any that set something."""
        return [
            env
            for env in ENVIRONMENTS
            if env in self.present or self.providers[env] or self.settings[env]
        ]

    def name_environment(self, env: str) -> None:
        """`env` is in the spec from now on, even if it ends up setting nothing."""
        if env not in self.present:
            self.present.append(env)

    def apply(self, edit: Edit) -> None:
        """One of the vocabulary's edits (scaffolder.vocabulary.parse_edit has checked it)."""

        if isinstance(edit, ProjectEdit):
            setattr(self, edit.name, edit.value)
        elif isinstance(edit, SettingEdit):
            self.name_environment(edit.env)
            _put(self.settings[edit.env], edit.setting.key, edit.value)
        elif isinstance(edit, ProviderEdit):
            self.name_environment(edit.env)
            _put(self.providers[edit.env], edit.slot, edit.provider)
        else:
            _put(
                self.variables if edit.group == "variables" else self.local_urls,
                edit.slot,
                edit.value,
            )

    def spec(
        self,
        *,
        keep_variable: Callable[[Slot], bool] = lambda slot: True,
        keep_local_url: Callable[[Slot], bool] = lambda slot: True,
    ) -> ProjectSpec:
        """The spec these choices make (ProjectSpec validates it). `keep_variable` and
        `keep_local_url` drop the overrides of slots that no longer connect to anything."""
        environments = {}
        for env in self.environments():
            # Each value has its setting's own type: the front end has parsed every one.
            chosen: dict[str, Any] = self.settings[env]
            environments[env] = EnvironmentSpec(
                self.providers[env],
                **{SETTING_TABLE[name].attribute: chosen.get(name) for name in SETTINGS},
            )
        chosen_fields: dict[str, Any] = {
            **{key: getattr(self, key) for key in PROJECT_KEYS},
            "package_name": self.package_name or package_name_for(self.project_name),
            "environments": environments,
            "variables": {s: v for s, v in self.variables.items() if keep_variable(s)},
            "local_urls": {s: u for s, u in self.local_urls.items() if keep_local_url(s)},
        }
        if self.origin is None:
            return ProjectSpec(**chosen_fields)
        return dataclasses.replace(self.origin, **chosen_fields)


def _put(table: dict[Any, Any], key: Any, value: Any) -> None:
    """Set `key`, or drop it where `value` is None (an overlay's "inherit", base's "unset")."""
    if value is None:
        table.pop(key, None)
    else:
        table[key] = value
