"""What a project rule reads: the config as checked, and the project's other files, each parsed
once however many rules read it."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scaffolder.check.common import Collector, ConfiguredSlot
from scaffolder.check.findings import ERROR
from scaffolder.check.resolution import Resolved
from scaffolder.errors import UsageError, yaml_error_text
from scaffolder.inputs import read_text
from scaffolder.project_files import ANSWERS_FILE, read_answers
from scaffolder.spec.environments import BASE, TEST
from scaffolder.transaction.paths import link_out


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
    # Why each link refused is not read: reported once, however many rules ask for its files.
    _refused: set[str] = field(default_factory=set)

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

    def trusted(self, path: Path) -> bool:
        """Whether check may read `path`: not through a link out of the project or into .git/
        (the rule writes follow: transaction.paths.link_out). A file refused is one
        `untrusted-link` error naming the link and its target (once, however many rules ask),
        and the rules take it as not there: nothing of it is read or reported on."""
        display = self.display(path)
        why = self._not_read(path)
        if why is None:
            return True
        if why not in self._refused:  # a linked folder: one finding for all its files
            self._refused.add(why)
            read = "it" if why.startswith(f"{display} ") else f"{display} through it"
            self.collector.add(
                ERROR,
                "untrusted-link",
                f"{why}; check does not read {read}",
                line=1,
                env=None,
                fix="make it a file of the project (or a link to one, outside .git/)",
                file=display,
            )
        return False

    def text(self, path: Path, *, lenient: bool = False) -> str | None:
        """The text of a file of the project a rule reads: the one place check reads one
        (the config is read, under the same rule, before: project_files.refuse_outside).
        None when it is not `trusted`. Too large or not UTF-8: one line (UsageError, exit 2),
        as edits say; None when `lenient` (a rule that only scans the text for names)."""
        if not self.trusted(path):
            return None
        try:
            return read_text(path, self.display(path))
        except (UsageError, OSError):
            if lenient:
                return None
            raise

    def _not_read(self, path: Path) -> str | None:
        """Why `path` is not read (outside the project, in .git/, through a link that
        leaves it or enters .git/), None when it may be."""
        real_root = Path(os.path.realpath(self.root))
        base = next((b for b in (self.root, real_root) if path.is_relative_to(b)), None)
        if base is None:
            return f"{path} is outside the project"
        relative = path.relative_to(base)
        if any(part.casefold() == ".git" for part in relative.parts):
            return f"{relative.as_posix()} is inside .git/"
        linked = link_out(real_root, relative.as_posix())
        if linked is not None:
            return linked
        # A named pipe (or a device) blocks a read forever, and is no file of a project.
        try:
            mode = os.stat(path).st_mode
        except OSError:
            return None  # not there: the rule reading it says so
        if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
            return None
        return f"{relative.as_posix()} is not a regular file (a named pipe or a device)"

    def yaml(self, path: Path) -> Any:
        """The composed node tree (nodes carry lines), None for a file not read (`text`);
        UsageError (exit 2) when malformed."""
        if path not in self._yaml:
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            display = self.display(path)
            try:
                # Too large or not UTF-8: one line naming it (scaffolder.inputs), as edits say.
                text = self.text(path)
                self._yaml[path] = None if text is None else yaml.compose(text, Loader=loader)
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
            # A record reached through a link out of the project is one `untrusted-link`
            # finding, as any file check reads (read_answers' refusal alone was swallowed).
            path = self.root / ANSWERS_FILE
            try:
                trusted = not path.is_file() or self.trusted(path)
                self._answers = read_answers(self.root) if trusted else {}
            except UsageError:
                self._answers = {}
        return self._answers

    def uses_of(self, env: str) -> Sequence[ConfiguredSlot]:
        return self.uses.get(env, [])
