"""What a project rule reads: the config as checked, and the project's other files, each parsed
once however many rules read it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder.check.common import Collector, ConfiguredSlot
from scaffolder.check.resolution import Resolved
from scaffolder.errors import UsageError, yaml_error_text
from scaffolder.inputs import read_text
from scaffolder.project_files import read_answers
from scaffolder.spec.environments import BASE, TEST


@dataclass
class ProjectContext:
    root: Path
    collector: Collector
    # Every environment of the config, base first; the ones checked (all, or --env's).
    environments: list[str]
    checked: list[str]
    resolved: dict[str, Resolved]
    uses: dict[str, list[ConfiguredSlot]]
    # --env's names, and the variables they are checked with.
    named: list[str]
    environ: Mapping[str, str]
    # Every file read, relative to the root; rules add the files they read.
    files: list[str]
    _yaml: dict[Path, Any] = field(default_factory=dict)
    _answers: dict[str, Any] | None = None

    @property
    def test_env(self) -> str:
        """The environment the test suite and the CI integration job run."""
        return TEST if TEST in self.environments else BASE

    def display(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def read(self, path: Path) -> None:
        name = self.display(path)
        if name not in self.files:
            self.files.append(name)

    def yaml(self, path: Path) -> Any:
        """The composed node tree (nodes carry lines); UsageError (exit 2) when malformed."""
        if path not in self._yaml:
            import yaml

            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            display = self.display(path)
            try:
                # Too large or not UTF-8: one line naming it (scaffolder.inputs), as edits say.
                text = read_text(path, display)
                self._yaml[path] = yaml.compose(text, Loader=loader)
            except yaml.YAMLError as error:
                raise UsageError(f"{display}: {yaml_error_text(error)}") from error
            except OSError as error:
                raise UsageError(f"cannot read {display}: {error.strerror}") from error
        return self._yaml[path]

    @property
    def answers(self) -> dict[str, Any]:
        """The answers record protean-init keeps; {} for a project it did not make, or one
        whose record does not parse (the edit commands report that, not check)."""
        if self._answers is None:
            try:
                self._answers = read_answers(self.root)
            except UsageError:
                self._answers = {}
        return self._answers

    def uses_of(self, env: str) -> Sequence[ConfiguredSlot]:
        return self.uses.get(env, [])
