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
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=("docker", "kubernetes", "none"), help="what to deploy")
    parser.add_argument(
        "--replicas", type=int, help="engine pods (above 1 only with stream subscriptions)"
    )
    parser.add_argument(
        "--workers", type=int, help="protean server --workers (above 1 only with stream)"
    )
    parser.add_argument("--project", type=Path, default=Path("."), help="project folder")
    parser.add_argument("--dry-run", action="store_true", help="show the diff, write nothing")
    parser.add_argument(
        "--force", action="store_true", help="take regenerated files over conflicting edits"
    )


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from scaffolder.config_tree import overlay_names
    from scaffolder.deployment import files_for, server_settings, single_writer
    from scaffolder.domain_toml import CONTAINER_SERVER
    from scaffolder.edits import set_setting
    from scaffolder.errors import UsageError
    from scaffolder.project_files import parse_config
    from scaffolder.reopen import commit
    from scaffolder.spec import SETTING_TABLE, _parse_count
    from scaffolder.transaction import editing

    with editing(args.project, dry_run=args.dry_run) as project:
        old = project.identity
        counts = {
            name: _parse_count(name, value) if value is not None else getattr(old, name)
            for name, value in (("replicas", args.replicas), ("workers", args.workers))
        }
        identity = replace(old, deploy=args.kind, **counts)
        text, current = project.text, project
        if args.kind != "none" and "production" in overlay_names(project.tree):
            server = (project.tree.get("production") or {}).get("server") or {}
            for key, value in CONTAINER_SERVER.items():
                node = server
                for part in key.split(".")[1:]:
                    node = node.get(part) if isinstance(node, dict) else None
                if node is None:
                    text = set_setting(current, "production", SETTING_TABLE[key], value)
                    current = replace(current, text=text, tree=parse_config(text, project.config))
        for name, count in counts.items():
            if count > 1 and single_writer(server_settings(current.tree)):
                raise UsageError(
                    f'{name}={count} needs default_subscription_type = "stream" in '
                    "[production.server] (protean-init set "
                    f"production.server.default_subscription_type=stream), or --{name} 1: "
                    "event-store subscriptions are single-writer"
                )
        wanted = set(files_for(args.kind))
        written = commit(
            project,
            text if text != project.text else None,
            derived=wanted,
            identity=identity,
            dry_run=args.dry_run,
            force=args.force,
        )
    if not args.dry_run:
        print(f"Deploy: {args.kind}; updated: {', '.join(written) or 'nothing (already so)'}")
        left = [p for p in files_for(old.deploy) if p not in wanted and (project.root / p).exists()]
        if left:
            # Deleting is the user's call: the files may hold edits of their own.
            print(
                f"No longer regenerated: {', '.join(left)}; delete them if you no longer use them"
            )
    return 0
