"""Regenerating the files derived from domain.toml without losing the user's edits to them.

Each derived file is merged three ways, as version control merges branches: the base is what
protean-init generated last time (rendered again from the domain.toml snapshot recorded in
.copier-answers.yml), "yours" is the file on disk, "regenerated" is what domain.toml implies
now. Your additions (a service, a step, a comment) survive; where both sides changed the same
lines, nothing is written and the conflict is shown, unless --force takes the regenerated file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffolder.config_tree import Tree
from scaffolder.errors import ScaffolderError
from scaffolder.project_files import COMPOSE_NAMES, ProjectIdentity


class MergeConflict(ScaffolderError):
    """A user's edit and the regenerated content changed the same lines. Exit 1."""

    exit_code = 1


@dataclass(frozen=True)
class Regenerated:
    """The new content of each derived file that changes, by relative path."""

    files: dict[str, bytes]
    # Conflicted files: the merge with markers (to show), and the regenerated file (--force).
    conflicts: dict[str, tuple[str, bytes]]


def merge_file(base: bytes | None, yours: bytes, regenerated: bytes) -> tuple[bytes, bool]:
    """Three-way merge; returns the merged bytes and whether it has conflict markers."""
    if base is None:
        # Made elsewhere or never recorded: without a base every difference is a conflict.
        if yours == regenerated:
            return yours, False
        base = b""
    import merge3

    merger = merge3.Merge3(
        base.decode().splitlines(keepends=True),
        yours.decode().splitlines(keepends=True),
        regenerated.decode().splitlines(keepends=True),
    )
    conflicted = any(region[0] == "conflict" for region in merger.merge_regions())
    lines = merger.merge_lines(name_a="yours", name_b="regenerated")
    return "".join(lines).encode(), conflicted


def regenerate(
    root: Path,
    new_tree: Tree,
    base_tree: Tree | None,
    project: ProjectIdentity,
    paths: Iterable[str] | None = None,
) -> Regenerated:
    """The merged new content of the derived files (all, or `paths`) after a config change."""
    from scaffolder.render import render_derived

    regenerated = render_derived(new_tree, project)
    base_files = render_derived(base_tree, project) if base_tree is not None else {}
    wanted = set(paths) if paths is not None else set(regenerated)
    files: dict[str, bytes] = {}
    conflicts: dict[str, tuple[str, bytes]] = {}
    for relative in sorted(wanted & set(regenerated)):
        new = regenerated[relative]
        disk = root / relative
        if not disk.is_file():
            files[relative] = new
            continue
        yours = disk.read_bytes()
        if relative == COMPOSE_NAMES[0] and relative not in base_files:
            merged, conflicted = _add_missing_services(yours, new), False
        else:
            merged, conflicted = merge_file(base_files.get(relative), yours, new)
        if conflicted:
            conflicts[relative] = (merged.decode(), new)
        elif merged != yours:
            files[relative] = merged
    return Regenerated(files, conflicts)


def _add_missing_services(yours: bytes, generated: bytes) -> bytes:
    """For a compose file protean-init did not write: add the services and volumes it lacks.

    Round-trip YAML keeps the file's comments and layout; nothing of the user's is changed.
    """
    import io

    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    current = yaml.load(yours.decode()) or {}
    wanted = yaml.load(generated.decode())
    changed = False
    for section in ("services", "volumes"):
        have = current.get(section)
        if have is None:
            current[section] = have = {}
        for name, value in (wanted.get(section) or {}).items():
            if name not in have:
                have[name] = value
                changed = True
    if not changed:
        return yours
    out = io.StringIO()
    yaml.dump(current, out)
    return out.getvalue().encode()


def conflict_report(conflicts: Mapping[str, tuple[str, bytes]]) -> str:
    """The conflicted files with git-style markers, for the error output."""
    parts = [f"--- {path} (conflict)\n{merged}" for path, (merged, _) in conflicts.items()]
    return "\n".join(parts)


def record_snapshot(answers_text: str | None, tree: Tree, project: ProjectIdentity) -> bytes:
    """The answers file with `generated_from` set to `tree`, its other lines kept."""
    import io

    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.indent(mapping=4, sequence=4, offset=2)
    data: Any = yaml.load(answers_text) if answers_text else None
    if not isinstance(data, dict):
        header = "# Written by protean-init: the choices and the config the derived files\n"
        header += "# were last generated from. Do not edit by hand.\n"
        data = yaml.load(
            header
            + f"project_name: {project.project_name}\npackage_name: {project.package_name}\n"
            + f"ci: {project.ci}\ncompose: {str(project.compose).lower()}\n"
        )
    data["generated_from"] = _plain(tree)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue().encode()


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
