"""`protean-init deploy docker|kubernetes|none`: add, change or stop a project's deployment.

The deployment files (Dockerfile, .dockerignore, deploy/kubernetes/**) are derived from
domain.toml like compose and CI, and re-derived here in one transaction with the config
change a container needs: `[production.server.health] host = "0.0.0.0"` (the engine binds
loopback by default, where no probe reaches it) and the server settings the manifests read,
where production does not set them already. Your edits to the files are merged three ways.
`none` stops regenerating them; the files stay for you to delete (they may hold your edits).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from scaffolder.commands import add_reopen_arguments

if TYPE_CHECKING:
    from scaffolder.project_files import ProjectIdentity
    from scaffolder.reopen.project import Project


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
    it stays), the answers' identity, the files to re-derive, and ours no longer derived."""

    text: str | None
    identity: ProjectIdentity
    derived: set[str]
    left: list[str]


def deploy_edit(
    project: Project, kind: str, replicas: int | None = None, workers: int | None = None
) -> DeployEdit:
    """The one path from a deploy choice to its change: this command and the edit menu's
    deploy action call it, then write its result in one transaction (each its own way)."""
    from scaffolder.config_tree import overlay_names
    from scaffolder.deployment import files_for, server_settings, single_writer
    from scaffolder.domain_toml import CONTAINER_SERVER
    from scaffolder.errors import UsageError
    from scaffolder.project_files import parse_config
    from scaffolder.reopen.edits import set_setting
    from scaffolder.spec import DEPLOY_CHOICES, PRODUCTION, SETTING_TABLE, _parse_count

    if kind not in DEPLOY_CHOICES:
        raise UsageError(f"invalid deploy {kind!r}; expected one of: {', '.join(DEPLOY_CHOICES)}")
    old = project.identity
    counts = {
        name: _parse_count(name, value) if value is not None else getattr(old, name)
        for name, value in (("replicas", replicas), ("workers", workers))
    }
    identity = replace(old, deploy=kind, **counts)
    text, current = project.text, project
    if kind != "none" and PRODUCTION in overlay_names(project.tree):
        server = (project.tree.get(PRODUCTION) or {}).get("server") or {}
        for key, value in CONTAINER_SERVER.items():
            node = server
            for part in key.split(".")[1:]:
                node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                text = set_setting(current, PRODUCTION, SETTING_TABLE[key], value)
                current = replace(current, text=text, tree=parse_config(text, project.config))
    for name, count in counts.items():
        if count > 1 and single_writer(server_settings(current.tree)):
            raise UsageError(
                f'{name}={count} needs default_subscription_type = "stream" in '
                "[production.server] (protean-init set "
                f"production.server.default_subscription_type=stream), or --{name} 1: "
                "event-store subscriptions are single-writer"
            )
    wanted = set(files_for(kind))
    left = [p for p in files_for(old.deploy) if p not in wanted and (project.root / p).exists()]
    return DeployEdit(text if text != project.text else None, identity, wanted, left)


def run(args: argparse.Namespace) -> int:
    from scaffolder.reopen.project import commit, editing

    with editing(args.project, dry_run=args.dry_run) as project:
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
        print(f"Deploy: {args.kind}; updated: {', '.join(written) or 'nothing (already so)'}")
        if change.left:
            # Deleting is the user's call: the files may hold edits of their own.
            print(
                f"No longer regenerated: {', '.join(change.left)}; "
                "delete them if you no longer use them"
            )
    return 0
