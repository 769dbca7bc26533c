"""`protean-init deploy docker|kubernetes|none`: add, change or stop a project's deployment.

The deployment files (Dockerfile, .dockerignore, deploy/kubernetes/**) are derived from
domain.toml like compose and CI, and re-derived here in one transaction with the config
change a container needs: `[production.server.health] host = "0.0.0.0"` (the engine binds
loopback by default, where no probe reaches it) and the server settings the manifests read,
where production does not set them already. Your edits to the files are merged three ways.
Switching away (`none`, or docker after kubernetes) removes the files of the old choice that
protean-init wrote and nobody changed since; those holding edits of yours stay, and are said so.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from scaffolder.commands import add_reopen_arguments
from scaffolder.errors import UsageError

if TYPE_CHECKING:
    from scaffolder.project_files import ProjectIdentity
    from scaffolder.reopen.project import Project
    from scaffolder.transaction.change import FileChange


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=("docker", "kubernetes", "none"), help="what to deploy")
    parser.add_argument(
        "--replicas", type=int, help="engine pods (above 1 only with stream subscriptions)"
    )
    parser.add_argument(
        "--workers", type=int, help="protean server --workers (above 1 only with stream)"
    )
    add_reopen_arguments(parser, force_help="take regenerated files over conflicting edits")


@dataclass(frozen=True)
class DeployEdit:
    """What a deploy choice changes, computed and not yet written: the config text (None when
    it stays), the answers' identity, the files to re-derive, the old choice's files removed
    (ours, unchanged since generated) and those left (they hold edits of the user's)."""

    text: str | None
    identity: ProjectIdentity
    derived: set[str]
    removed: list[str]
    left: list[str]

    def notes(self) -> list[str]:
        """What the change does to the old choice's files, one line each."""
        notes = []
        if self.removed:
            notes.append(
                f"removed {', '.join(self.removed)}: protean-init wrote them, unchanged since"
            )
        if self.left:
            # Deleting is the user's call: these hold edits of their own.
            notes.append(
                f"no longer regenerated: {', '.join(self.left)} (they hold edits of yours); "
                "delete them if you no longer use them"
            )
        return notes


def deploy_edit(
    project: Project, kind: str, replicas: int | None = None, workers: int | None = None
) -> DeployEdit:
    """The one path from a deploy choice to its change: this command and the edit menu's
    deploy action call it, then write its result in one transaction (each its own way)."""
    # deferred: scaffolder.deployment ~15 ms (CPU, measured): `deploy --help` imports this module
    # without it
    from scaffolder.deployment import files_for

    identity = deploy_identity(project.identity, kind, replicas, workers)
    text, _ = container_config(project, identity)
    # deferred: scaffolder.reopen.project ~22 ms (CPU, measured): `deploy --help` imports this
    # module without it
    from scaffolder.reopen.project import retired_files

    old = project.identity
    wanted = set(files_for(kind))
    removed = [p for p in retired_files(project, identity) if p not in wanted]
    left = [
        p
        for p in files_for(old.deploy)
        if p not in wanted and p not in removed and (project.root / p).exists()
    ]
    return DeployEdit(text if text != project.text else None, identity, wanted, removed, left)


def deploy_identity(
    old: ProjectIdentity, kind: str, replicas: int | None, workers: int | None
) -> ProjectIdentity:
    """The project's identity with deploy `kind` and the scale given (the old where None)."""
    # deferred: scaffolder.spec.choices ~2 ms, scaffolder.spec.values <1 ms (CPU, measured): `deploy
    # --help` imports this module without them
    from scaffolder.spec.choices import DEPLOY_CHOICES
    from scaffolder.spec.values import parse_count

    if kind not in DEPLOY_CHOICES:
        raise UsageError(f"invalid deploy {kind!r}; expected one of: {', '.join(DEPLOY_CHOICES)}")
    counts = {
        name: parse_count(name, value) if value is not None else getattr(old, name)
        for name, value in (("replicas", replicas), ("workers", workers))
    }
    return replace(old, deploy=kind, **counts)


def container_config(
    project: Project, identity: ProjectIdentity, context: str | None = None
) -> tuple[str, Project]:
    """The config text a container deployment needs (the server settings of CONTAINER_SERVER
    production does not set yet, for a deploy other than none), and the project read with
    it. Refuses a scale above 1 with event-store subscriptions, naming `context`, the
    workspace's context whose config this is (the scale is every context's, each checked
    against its own subscription type)."""
    # deferred: scaffolder.config_tree ~6 ms, scaffolder.deployment ~15 ms, scaffolder.domain_toml
    # ~10 ms, scaffolder.project_files ~6 ms, scaffolder.reopen.edits ~34 ms,
    # scaffolder.spec.environments <1 ms, scaffolder.spec.settings ~1 ms (CPU, measured): `deploy
    # --help` imports this module without them
    from scaffolder.config_tree import overlay_names
    from scaffolder.deployment import server_settings, single_writer
    from scaffolder.domain_toml import CONTAINER_SERVER
    from scaffolder.project_files import parse_config
    from scaffolder.reopen.edits import set_setting
    from scaffolder.spec.environments import PRODUCTION
    from scaffolder.spec.settings import SETTING_TABLE

    text, current = project.text, project
    if identity.deploy != "none" and PRODUCTION in overlay_names(project.tree):
        server = (project.tree.get(PRODUCTION) or {}).get("server") or {}
        for key, value in CONTAINER_SERVER.items():
            node = server
            for part in key.split(".")[1:]:
                node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                text = set_setting(current, PRODUCTION, SETTING_TABLE[key], value)
                current = replace(current, text=text, tree=parse_config(text, project.config))
    for name in ("replicas", "workers"):
        count = getattr(identity, name)
        if count > 1 and single_writer(server_settings(current.tree)):
            where = f"context {context}: " if context else ""
            option = f" --context {context}" if context else ""
            raise UsageError(
                f'{where}{name}={count} needs default_subscription_type = "stream" in '
                f"[production.server] (protean-init set{option} "
                "production.server.default_subscription_type=stream), or "
                f"--{name} 1: event-store subscriptions are single-writer"
            )
    return text, current


def run(args: argparse.Namespace) -> int:
    # deferred: scaffolder.reopen.project ~22 ms (CPU, measured): `deploy --help` imports this
    # module without it
    from scaffolder.reopen.project import commit, editing

    if is_recorded_workspace(args.project):
        return _run_workspace(args)
    with editing(
        args.project, dry_run=args.dry_run, context=args.context, here=args.here
    ) as project:
        change = deploy_edit(project, args.kind, args.replicas, args.workers)
        written = commit(
            project,
            change.text,
            derived=change.derived,
            identity=change.identity,
            dry_run=args.dry_run,
            force=args.force,
        )
    if not args.dry_run:
        updated = [p for p in written if p not in change.removed]
        print(f"Deploy: {args.kind}; updated: {', '.join(updated) or 'nothing (already so)'}")
        for note in change.notes():
            print(note[0].upper() + note[1:])
    return 0


def is_recorded_workspace(root: Path) -> bool:
    """A workspace `new --context` or `add-context` made (its record lists the contexts,
    one context or several): its deployment is the whole workspace's."""
    # deferred: scaffolder.project_files ~6 ms, scaffolder.reopen.workspace_edit ~16 ms (CPU,
    # measured): `deploy --help` imports this module without them
    from scaffolder.project_files import read_answers
    from scaffolder.reopen.workspace_edit import is_workspace_record

    return root.is_dir() and is_workspace_record(read_answers(root))


def _run_workspace(args: argparse.Namespace) -> int:
    """`deploy` in a recorded workspace: one image holding every context, one engine per
    context, the scale checked in each. `--context` is refused rather than ignored: a deploy
    naming one context would change every context's, against what the flag says."""

    if args.context is not None:
        raise UsageError(
            f"--context {args.context!r}: a workspace's deployment and scale are every "
            "context's (one image, an engine per context); run deploy without --context; "
            "nothing written"
        )
    root: Path = args.project
    # deferred: scaffolder.transaction.lock ~10 ms, scaffolder.writer ~12 ms (CPU, measured):
    # `deploy --help` imports this module without them
    from scaffolder.transaction.lock import project_lock
    from scaffolder.writer import show_or_apply

    def changes() -> list[FileChange]:
        return workspace_deploy_changes(
            root, args.kind, args.replicas, args.workers, force=args.force
        )

    if args.dry_run:
        show_or_apply(changes(), root, dry_run=True)
        return 0
    with project_lock(root):
        written = show_or_apply(changes(), root, dry_run=False)
    updated = [c.relative for c in written if not c.deleted]
    removed = [c.relative for c in written if c.deleted]
    print(f"Deploy: {args.kind}; updated: {', '.join(updated) or 'nothing (already so)'}")
    if removed:
        print(f"Removed {', '.join(removed)}: protean-init wrote them, unchanged since")
    return 0


def workspace_deploy_changes(
    root: Path,
    kind: str,
    replicas: int | None = None,
    workers: int | None = None,
    *,
    force: bool = False,
) -> list[FileChange]:
    """The file changes of a deploy of the whole recorded workspace at `root`
    (workspace_edit.redeploy), read now: this command and the edit menu's deploy action at a
    workspace compute it here, then write it in one transaction (each its own way)."""
    # deferred: scaffolder.reopen.project ~22 ms, scaffolder.reopen.workspace_edit ~16 ms,
    # scaffolder.writer ~12 ms (CPU, measured): `deploy --help` imports this module without them
    from scaffolder.reopen.project import open_project
    from scaffolder.reopen.workspace_edit import read_layout, redeploy
    from scaffolder.writer import changes_for

    layout = read_layout(root)
    identity = deploy_identity(layout.identity, kind, replicas, workers)
    configs = {}
    for name in layout.trees:
        project = open_project(root, name)
        text, edited = container_config(project, identity, name)
        if text != project.text:
            configs[name] = (project.config_relative, text, edited.tree)
    return changes_for(root, redeploy(layout, identity, configs, force=force))
