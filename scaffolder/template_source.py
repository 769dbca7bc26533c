"""Which templates protean-init renders with, and those of the versions released before it.

The running version renders its own template (inside the wheel, or beside the package in a
checkout). `upgrade` also needs what an older version generated for a project that has no
record of it (made before 0.2.0 kept `.protean-init/generated/`): the templates of each such
release are shipped under `releases/<version>/project/`, as they were at that release.
At each release, copy templates/project to templates/releases/<version>/project too: a later
version then knows which files this one generated (upgrade removes a file the new templates
drop only when the old ones generate it: the record naming it is not enough). 0.2.0's, the
first with workspaces, ships so; a test holds the running version's copy to templates/project.

Test-only: PROTEAN_INIT_TEST_TEMPLATES names another template folder (one laid out as
templates/project) and PROTEAN_INIT_TEST_VERSION the version that folder is; together they
make the process behave as a later protean-init would, so the tests can build "the next
version" from a copy of the templates. Neither is for users.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from scaffolder import __version__

TEST_TEMPLATES_ENV = "PROTEAN_INIT_TEST_TEMPLATES"
TEST_VERSION_ENV = "PROTEAN_INIT_TEST_VERSION"

_VERSION = re.compile(r"[0-9]+(?:\.[0-9]+){1,3}")
_RECORDED = re.compile(r"protean-init ([0-9]+(?:\.[0-9]+){1,3})")


def _templates_folder() -> Path:
    """This package's `templates` folder: inside the wheel, or beside the package."""
    packaged = Path(__file__).parent / "_templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


def packaged_root() -> Path:
    """The template this package ships for its own version."""
    return _templates_folder() / "project"


def running_version() -> str:
    """The version whose templates this process renders (the test override, else ours)."""
    override = os.environ.get(TEST_VERSION_ENV)
    return override if override and _VERSION.fullmatch(override) else __version__


def running_root() -> Path:
    """The template this process renders new files with."""
    override = os.environ.get(TEST_TEMPLATES_ENV)
    return Path(override) if override else packaged_root()


def version_key(version: str) -> tuple[int, ...]:
    """A version as numbers, for comparing: 0.10.0 after 0.9.1."""
    return tuple(int(part) for part in version.split("."))


def recorded_version(answers: dict[str, object]) -> str | None:
    """The version named by an answers record's `_template: protean-init X.Y.Z`; None when
    it names none or something else (the record is the project's, so not trusted)."""
    value = answers.get("_template")
    match = _RECORDED.fullmatch(value) if isinstance(value, str) else None
    return match.group(1) if match else None


def shipped_releases() -> dict[str, Path]:
    """The released versions whose templates ship with this package, by version."""
    folder = _templates_folder() / "releases"
    if not folder.is_dir():
        return {}
    return {
        entry.name: entry / "project"
        for entry in folder.iterdir()
        if _VERSION.fullmatch(entry.name) and (entry / "project" / "copier.yml").is_file()
    }


def templates_of(version: str) -> Path | None:
    """The template `version` rendered with, when this package has it: the running one, our
    own (under a test override), or a shipped release. The version is only ever compared
    with the names we ship, never joined into a path as given."""
    if version == running_version():
        return running_root()
    if version == __version__:
        return packaged_root()
    return shipped_releases().get(version)


def upgrade_notes(since: str, root: Path | None = None) -> list[tuple[str, str]]:
    """The notes the running templates ship (`notes.yml`: version -> text) for each version
    after `since`, up to the running one, oldest first."""
    # deferred: yaml ~9 ms (CPU, measured): add-env imports this module without it
    import yaml

    path = (root or running_root()) / "notes.yml"
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    notes = []
    top = version_key(running_version())
    for version, text in data.items() if isinstance(data, dict) else ():
        version = str(version)
        if not _VERSION.fullmatch(version) or not isinstance(text, str):
            continue
        if version_key(since) < version_key(version) <= top:
            notes.append((version, text.strip()))
    return sorted(notes, key=lambda note: version_key(note[0]))
