"""Regenerating the files derived from domain.toml without losing the user's edits to them.

Each derived file is merged three ways, as version control merges branches: the base is what
protean-init generated last time (rendered again from the domain.toml snapshot recorded in
.copier-answers.yml), "yours" is the file on disk, "regenerated" is what domain.toml implies
now. Your additions (a service, a step, a comment) survive; where both sides changed the same
lines, nothing is written and the conflict is shown, unless --force takes the regenerated file.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder.answers import record_spec
from scaffolder.config_tree import ResolvedEnvironments, Tree
from scaffolder.errors import ScaffolderError
from scaffolder.inputs import decode, read_bytes
from scaffolder.project_files import COMPOSE_NAMES, ENV_EXAMPLE, GITHUB_WORKFLOW, ProjectIdentity
from scaffolder.redact import redact_text, redact_tree, restore, restore_lines
from scaffolder.render import render_derived
from scaffolder.reopen.config_state import ConfigState
from scaffolder.reopen.merge_env_example import add_missing_variables
from scaffolder.snapshot_yaml import document_lines, plain, snapshot_block
from scaffolder.spec.choices import recorded_choices
from scaffolder.spec.environments import MEMORY
from scaffolder.transaction.paths import project_file


class MergeConflict(ScaffolderError):
    """A user's edit and the regenerated content changed the same lines. Exit 1."""

    exit_code = 1
    lines = True  # the conflicted files, marked


@dataclass(frozen=True)
class Regenerated:
    """The new content of each derived file that changes, by relative path."""

    files: dict[str, bytes]
    # Conflicted files: the merge with markers (to show), and the merge with every conflict
    # settled in favour of the regenerated lines (--force): the user's other edits stay.
    conflicts: dict[str, tuple[str, bytes]]
    # Files left alone, with the reason, for the command to tell the user.
    skipped: dict[str, str]
    # Files that are entirely protean-init's after this run: the next merge has a base for them.
    managed: frozenset[str]
    # What the user should know about a file protean-init added to (a service of theirs used
    # instead of a new one, a port moved), one line each, by relative path.
    notes: dict[str, list[str]] = field(default_factory=dict)
    # What protean-init generated this run for each file it wrote or merged: the base of the
    # next merge (scaffolder.generated_record).
    generated: dict[str, bytes] = field(default_factory=dict)


def regenerate(
    root: Path,
    after: ConfigState,
    base_tree: Tree | None,
    paths: Iterable[str] | None = None,
    managed: Iterable[str] | None = None,
    config_now: Tree | None = None,
    base_project: ProjectIdentity | None = None,
    recorded: Mapping[str, bytes] | None = None,
    base_templates: Path | None = None,
) -> Regenerated:
    """The merged new content of the derived files (all, or `paths`) after a config change.

    Without a recorded base (a project made elsewhere) nothing of the user's is rewritten:
    compose gains the services it lacks, .env.example the variables it lacks, and a CI file is
    only replaced when asked for by name (`protean-init ci`), as a conflict unless --force.
    `after` is the config after the edit, with the names and choices to render it with.
    `managed` names the files protean-init wrote whole (None: every derived file).
    `base_tree` is the recorded snapshot, its passwords masked; `config_now` (the config before
    this edit) and the edited one are where they are found again for the merge base.
    The base of a file is what protean-init generated for it last: its record (`recorded`,
    scaffolder.generated_record) where there is one, else the snapshot rendered by the
    templates of the version that generated it (`base_templates`; None: the running ones).
    """

    new_tree = after.tree
    regenerated = render_derived(new_tree, after.identity, plan=after.plan)

    wanted = set(paths) if paths is not None else set(regenerated)
    files: dict[str, bytes] = {}
    conflicts: dict[str, tuple[str, bytes]] = {}
    skipped: dict[str, str] = {}
    candidates = set(regenerated) if managed is None else set(managed)
    ours = {path for path in candidates if (root / path).exists()}
    notes: dict[str, list[str]] = {}
    generated: dict[str, bytes] = {}
    targets = [
        (_on_disk_name(root, relative), regenerated[relative])
        for relative in sorted(wanted & set(regenerated))
    ]
    # The merge base is what was generated last, from the choices recorded then (a changed
    # deploy or replicas is the regenerated side's change, not the user's).
    masked_files, base_files = _merge_bases(
        base_tree,
        config_now,
        new_tree,
        base_project or after.identity,
        base_templates,
        recorded,
        needed={relative for relative, _ in targets} | ours,
    )
    for relative, new in targets:
        # Read as it would be written: never through a link out of the project or into .git/
        # (a conflict report would print that file).
        disk = project_file(Path(os.path.realpath(root)), relative)
        if not disk.is_file():
            files[relative] = new
            ours.add(relative)
            generated[relative] = new
            continue
        # Not UTF-8 (a byte of another encoding): one line naming its line and byte, before
        # a merge that could not decode it.
        on_disk = read_bytes(disk, relative)
        decode(on_disk, disk, keep_newlines=True)
        # A file checked out with CRLF (git's core.autocrlf) merges as its LF twin, and
        # keeps CRLF: otherwise every line would differ from the base and conflict.
        crlf = b"\r\n" in on_disk and on_disk.count(b"\n") == on_disk.count(b"\r\n")
        yours = on_disk.replace(b"\r\n", b"\n") if crlf else on_disk

        def eol(text: bytes, crlf: bool = crlf) -> bytes:
            return text.replace(b"\n", b"\r\n") if crlf else text

        base = None
        if base_files is not None and relative in base_files and relative in ours:
            if masked_files is not None and relative in masked_files:
                base_files[relative] = restore_lines(
                    masked_files[relative], base_files[relative], yours
                )
            base = base_files[relative]
        merged, conflicted, said = _merge_into(
            relative, yours, new, base, paths is not None, memory_overlay=MEMORY in new_tree
        )
        if merged is None:
            skipped[relative] = said[0]
            continue
        if said:
            notes[relative] = said
        if base is not None or conflicted:  # a conflict is only written as regenerated
            generated[relative] = new
        if conflicted:
            conflicts[relative] = (merged.decode(), eol(take_regenerated(base, yours, new)))
        elif eol(merged) != on_disk:
            files[relative] = eol(merged)
    # The snapshot recorded after this run is `new_tree`. A file of ours that this run does not
    # regenerate (`ci` writes only CI; the other provider's CI file) stays as generated from the
    # old tree: if the new tree would render it differently, the new snapshot is no longer its
    # merge base, and a later merge would take the difference for the user's edit and undo it.
    # Such a file is treated from now on as one protean-init did not write: only added to.
    # A file with a record keeps it as its base: the record still says what was generated.
    ours -= {
        relative
        for relative in ours - (wanted & set(regenerated)) - set(recorded or ())
        if base_files is None
        or relative not in regenerated
        or base_files.get(relative) != regenerated[relative]
    }
    return Regenerated(
        files,
        conflicts,
        skipped,
        frozenset(ours),
        {k: v for k, v in notes.items() if v},
        generated,
    )


def _on_disk_name(root: Path, relative: str) -> str:
    """Where the derived file `relative` is merged into: the user's compose file under another
    name Compose reads (compose.yaml) is added to, rather than a second file started with the
    same services."""
    if relative == COMPOSE_NAMES[0] and not (root / relative).is_file():
        return next((n for n in COMPOSE_NAMES if (root / n).is_file()), relative)
    return relative


def _merge_bases(
    base_tree: Tree | None,
    config_now: Tree | None,
    new_tree: Tree,
    base_project: ProjectIdentity,
    templates: Path | None = None,
    recorded: Mapping[str, bytes] | None = None,
    *,
    needed: Iterable[str] = (),
) -> tuple[dict[str, bytes] | None, dict[str, bytes] | None]:
    """The derived files as last generated: from the snapshot as recorded (passwords masked)
    rendered by `templates`, and with the masked passwords found again in the config (None,
    None: no snapshot); a file with a record (`recorded`) is its record. The snapshot is
    rendered only when a file the merge reads the base of (`needed`) has no record: a file's
    record takes the place of its rendering."""

    masked_files = restored_files = None
    if base_tree is not None and not set(needed) <= set(recorded or ()):
        masked_files = render_derived(base_tree, base_project, templates)
        restored = restore(base_tree, config_now, new_tree)
        restored_files = (
            masked_files
            if restored == base_tree
            else render_derived(restored, base_project, templates)
        )
    if not recorded:
        return masked_files, restored_files
    if masked_files is None and base_tree is not None:
        # Every file read has its record: the base is the record alone.
        masked_files = restored_files = {}
    # What was generated, byte for byte, but for the URL passwords the record masks: those
    # are put back from the file on disk (restore_lines), as the snapshot's are.
    return {**(masked_files or {}), **recorded}, {**(restored_files or {}), **recorded}


def _merge_into(
    relative: str,
    yours: bytes,
    new: bytes,
    base: bytes | None,
    asked: bool,
    *,
    memory_overlay: bool,
) -> tuple[bytes | None, bool, list[str]]:
    """How a derived file on disk takes its regenerated content: (merged, conflicted, notes).

    The first rule that applies decides: a recorded base is a three-way merge; without one,
    compose gains the services it lacks, .env.example the variables it lacks, a GitHub workflow
    asked for by name (`asked`) is adopted (merge_ci.adopt_workflow), any other file asked for
    is merged with every difference a conflict, and a CI file gains the service containers it
    lacks. Merged None: the file is left alone, notes[0] says why.
    """
    # deferred: scaffolder.reopen.merge_ci, merge_compose and their yaml_insert ~4 ms (CPU,
    # measured): only a derived file on disk is merged; an edit that writes each anew (a
    # project made elsewhere adopted by add-env) does without them.
    from scaffolder.reopen.merge_ci import add_missing_services as add_to_ci
    from scaffolder.reopen.merge_ci import adopt_workflow, left_alone
    from scaffolder.reopen.merge_compose import reuse_in_generated

    if base is not None and relative in COMPOSE_NAMES:
        # A service the user added provides one this edit adds: theirs is used, not doubled.
        text, said = reuse_in_generated(yours.decode(), base.decode(), new.decode())
        return (*merge_file(base, yours, text.encode()), said)
    if base is not None:
        return (*merge_file(base, yours, new), [])
    if relative in COMPOSE_NAMES:
        merged, said = _add_missing_services(yours, new)
        return merged, False, said
    if relative == ENV_EXAMPLE:
        return _add_missing_variables(yours, new), False, []
    if asked and relative == GITHUB_WORKFLOW:
        # The project's own workflow keeps its installer, matrix, linters and coverage: it
        # gains the service containers, the named databases' creation and (with a [memory]
        # overlay) the memory job, as lines (--force or not).
        adopted = adopt_workflow(yours.decode(), new.decode(), memory_overlay=memory_overlay)
        if adopted is not None:
            return adopted[0].encode(), False, adopted[1]
    if asked:
        return (*merge_file(None, yours, new), [])

    # A CI file of the user's is never rewritten as a side effect: it gains the service
    # containers it lacks as lines, or is left alone with a note saying what it lacks.
    text, note = add_to_ci(yours.decode(), new.decode())
    if note is None:
        return None, False, [left_alone(yours.decode(), new.decode())]
    return text.encode(), False, [note]


def merge_file(base: bytes | None, yours: bytes, regenerated: bytes) -> tuple[bytes, bool]:
    """Three-way merge; returns the merged bytes and whether it has conflict markers."""
    if base is None:
        # Without a base every difference is a conflict: show the whole file both ways.
        if yours == regenerated:
            return yours, False
        base = b""

    # deferred: merge3 ~1.3 ms (CPU, measured): an edit imports this module, and only an edit
    # whose regenerated file differs from the user's where no other merge applies needs it
    import merge3

    merger = merge3.Merge3(
        base.decode().splitlines(keepends=True),
        yours.decode().splitlines(keepends=True),
        regenerated.decode().splitlines(keepends=True),
    )
    conflicted = any(region[0] == "conflict" for region in merger.merge_regions())
    lines = merger.merge_lines(name_a="yours", name_b="regenerated")
    return "".join(lines).encode(), conflicted


def take_regenerated(base: bytes | None, yours: bytes, regenerated: bytes) -> bytes:
    """The three-way merge with each conflict settled by the regenerated lines (--force).

    Your edits that do not conflict (an extra step, service or comment) are kept; without a
    base the whole file is one conflict, so the result is the regenerated file.
    """
    # deferred: merge3 ~1.3 ms (CPU, measured): as merge_file's; add-env does not use it
    import merge3

    merger = merge3.Merge3(
        (base or b"").decode().splitlines(keepends=True),
        yours.decode().splitlines(keepends=True),
        regenerated.decode().splitlines(keepends=True),
    )
    lines: list[str] = []
    # Compared as region[0] (not a local copy) so the checker narrows each region's tuple shape.
    for region in merger.merge_regions():
        if region[0] == "unchanged":
            lines.extend(merger.base[region[1] : region[2]])
        elif region[0] == "a" or region[0] == "same":
            lines.extend(merger.a[region[1] : region[2]])
        elif region[0] == "b":
            lines.extend(merger.b[region[1] : region[2]])
        else:  # conflict: (kind, base start, base end, yours start, yours end, new start, end)
            lines.extend(merger.b[region[5] : region[6]])
    return "".join(lines).encode()


def _add_missing_variables(yours: bytes, generated: bytes) -> bytes:
    """For an .env.example protean-init did not write: add the variables it lacks, as lines,
    into the one block protean-init keeps in it (scaffolder.reopen.merge_env_example)."""

    return add_missing_variables(yours.decode(), generated.decode()).encode()


def _add_missing_services(yours: bytes, generated: bytes) -> tuple[bytes, list[str]]:
    """For a compose file protean-init did not write: add the services and volumes it lacks,
    as text in the file's own style, reusing a service of the user's that provides one
    (scaffolder.reopen.merge_compose). Returns the new bytes and the notes for the user."""

    # deferred: scaffolder.reopen.merge_compose ~13 ms (wall, measured on the shared machine):
    # `add-env` imports this module without it (tests/trust/test_speed_edits)
    from scaffolder.reopen.merge_compose import add_missing_services

    # A service of the user's that is reused creates no named database's own database: the
    # notes say so, with the command, rather than leave the test run to fail to connect.
    text, notes = add_missing_services(yours.decode(), generated.decode())
    return text.encode(), notes


def conflict_report(conflicts: Mapping[str, tuple[str, bytes]]) -> str:
    """The conflicted files with git-style markers, for the error output."""

    # The conflicting lines may hold a connection string: its password is never shown.
    parts = [f"--- {path} (conflict)\n{merged}" for path, (merged, _) in conflicts.items()]
    return redact_text("\n".join(parts))


def record_snapshot(
    answers_text: str | None,
    tree: Tree,
    project: ProjectIdentity,
    managed: Iterable[str],
    snapshot: Any = None,
    resolved_environments: ResolvedEnvironments | None = None,
) -> bytes:
    """The answers file with `ci`, `compose`, `generated_from` and `derived_files` set to
    what was just generated, its other lines kept. `snapshot` is redact_tree(tree) and
    `resolved_environments` the tree's environments walked, when the caller has them already
    (scaffolder.reopen.config_state.ConfigState)."""

    # The choices as domain.toml now says: an edit never leaves them describing the project
    # as it was created (scaffolder.answers.record_spec).
    spec = record_spec(
        tree, project.package_name, project.deploy, resolved_environments=resolved_environments
    )
    if snapshot is None:
        snapshot = redact_tree(tree)
    if not answers_text:
        new = _new_record(project, spec, sorted(managed), snapshot)
        if new is not None:
            return new.encode()

    # deferred: ruamel.yaml, here where a record is kept or written by it: the modules that
    # import this one for its merge or MergeConflict (the edit menu, upgrade) do not pay its
    # 13 ms.
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.indent(mapping=4, sequence=4, offset=2)
    # No re-wrapping: a long value stays on its line, so an edit changes only its own lines.
    yaml.width = 1 << 16
    data: Any = _load_without_snapshot(yaml, answers_text) if answers_text else None
    if not isinstance(data, dict):
        data = yaml.load(
            _RECORD_HEADER
            + f"project_name: {project.project_name}\npackage_name: {project.package_name}\n"
            + f"ci: {project.ci}\ncompose: {str(project.compose).lower()}\n"
        )
    for key, value in recorded_choices(project, data).items():
        data[key] = value

    # Its place among the keys is taken now; its text is written below, one way or the other.
    data["spec"] = _SPEC_PLACEHOLDER
    data["derived_files"] = sorted(managed)
    # The snapshot grows with domain.toml and ruamel's emitter is slow on it (1.9 s at 2,000
    # tables): it is written by scaffolder.snapshot_yaml into a placeholder's line, in the
    # same layout; a shape that writer does not lay out, or a placeholder not found alone on
    # its line, takes ruamel's own dump as before.

    block = snapshot_block(snapshot)
    # `spec:` lists every slot of every environment: it grows with domain.toml too.
    spec_block = snapshot_block(spec) if block is not None else None
    if block is not None:
        data["generated_from"] = _PLACEHOLDER
        if not spec_block:
            data["spec"] = _quote_ambiguous(spec)
        out = io.StringIO()
        yaml.dump(data, out)
        lines = out.getvalue().splitlines(keepends=True)
        at = [i for i, line in enumerate(lines) if line == f"generated_from: {_PLACEHOLDER}\n"]
        at_spec = [i for i, line in enumerate(lines) if line == f"spec: {_SPEC_PLACEHOLDER}\n"]
        if len(at) == 1 and (not spec_block or len(at_spec) == 1):
            head = ["generated_from:\n"] if block else ["generated_from: {}\n"]
            blocks = {at[0]: head + block}
            if spec_block:
                blocks[at_spec[0]] = ["spec:\n", *spec_block]
            # The later line first, so the earlier one's index still holds.
            for i in sorted(blocks, reverse=True):
                lines[i : i + 1] = blocks[i]
            return "".join(lines).encode()
    data["spec"] = _quote_ambiguous(spec)
    data["generated_from"] = _quote_ambiguous(snapshot)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue().encode()


_RECORD_HEADER = (
    "# Written by protean-init: the choices and the config the derived files\n"
    "# were last generated from. Do not edit by hand.\n"
)


def _new_record(
    project: ProjectIdentity, spec: Any, managed: list[str], snapshot: Any
) -> str | None:
    """A new record's text (a project adopted, no answers file yet), byte for byte what
    ruamel writes below, written by scaffolder.snapshot_yaml without importing ruamel (20 ms
    of add-env's CPU on a project made elsewhere). None when a value is one that writer does
    not lay out as ruamel does, or a name ruamel would read back as other than text (its
    head is loaded from text below): ruamel writes it then."""
    names = (project.project_name, project.package_name, project.ci)
    if not all(isinstance(name, str) and plain(name) for name in names):
        return None
    head: dict[str, Any] = {
        "project_name": project.project_name,
        "package_name": project.package_name,
        "ci": project.ci,
        "compose": bool(project.compose),
    }
    data = {**head, **recorded_choices(project, head)}
    data.update(spec=spec, derived_files=managed, generated_from=snapshot)
    lines = document_lines(data)
    return None if lines is None else _RECORD_HEADER + "".join(lines)


_PLACEHOLDER = "protean-init-snapshot-placeholder"
_SPEC_PLACEHOLDER = "protean-init-spec-placeholder"


def _quote_ambiguous(value: Any) -> Any:
    """Strings a YAML 1.1 reader (PyYAML, which reads the record back) would take for
    something else, single-quoted: a TOML time `07:30:00` as text is a base-60 integer there,
    and the snapshot must read back equal to the tree it was made from."""
    # deferred: yaml ~9 ms (CPU, measured), ruamel.yaml.scalarstring: the fallback writer's
    # only; add-env imports this module without them
    import yaml
    from ruamel.yaml.scalarstring import SingleQuotedScalarString

    resolve = yaml.resolver.Resolver().resolve

    def quoted(value: Any) -> Any:
        if isinstance(value, dict):
            return {quoted(k): quoted(v) for k, v in value.items()}
        if isinstance(value, list):
            return [quoted(v) for v in value]
        plain = not isinstance(value, str) or (
            resolve(yaml.ScalarNode, value, (True, False)) == "tag:yaml.org,2002:str"
        )
        return value if plain else SingleQuotedScalarString(value)

    return quoted(value)


def _load_without_snapshot(yaml: Any, answers_text: str) -> Any:
    """The answers file, round-trip loaded, its old `generated_from` and `spec` left out when
    they can be.

    Both are replaced whole (record_snapshot writes them anew), and both grow with
    domain.toml: round-trip loading them took most of an add-database run (0.6 s of 0.8 at
    100 databases for the snapshot, 70 ms more for the spec). As protean-init writes them,
    blocks without comments, each is cut down to `KEY: null` in place, so the key keeps its
    position; a cut runs to the next top-level line. A block with a comment in or after it
    (round-trip YAML keeps some of those) is loaded as it is; if the rest does not load
    without them (an anchor in one used elsewhere), the whole file is loaded, as before.
    """
    lines = answers_text.split("\n")
    cuts = [cut for key in _REPLACED_WHOLE if (cut := _block(lines, key)) is not None]
    if not cuts:
        return yaml.load(answers_text)
    # The later block first, so the earlier one's lines still hold.
    for key, start, end in sorted(cuts, key=lambda cut: cut[1], reverse=True):
        ending = "\r" if lines[start].endswith("\r") else ""
        lines[start:end] = [f"{key}: null{ending}"]
    # deferred: ruamel.yaml.error: loaded by now (the caller's YAML); at the top it would import
    # all of ruamel (13 ms).
    from ruamel.yaml.error import YAMLError

    try:
        return yaml.load("\n".join(lines))
    except YAMLError:
        return yaml.load(answers_text)


# The keys of the answers file record_snapshot always writes anew.
_REPLACED_WHOLE = ("generated_from", "spec")


def _block(lines: list[str], key: str) -> tuple[str, int, int] | None:
    """(key, first line, end) of the top-level block `KEY:` that can be cut: the value on the
    lines below it, without a comment; None otherwise."""
    start = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
    if start is None or lines[start].rstrip() != f"{key}:":
        return None
    end = start + 1
    while end < len(lines) and (not lines[end] or lines[end][0] in " \t\r#"):
        end += 1
    if any("#" in line for line in lines[start:end]):
        return None
    return key, start, end
