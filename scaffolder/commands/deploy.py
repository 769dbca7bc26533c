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
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from scaffolder.commands import add_reopen_arguments
from scaffolder.errors import UsageError
from scaffolder.spec.values import parse_count

if TYPE_CHECKING:
    from scaffolder.transaction.change import FileChange


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=("docker", "kubernetes", "none"), help="what to deploy")
    parser.add_argument(
        "--replicas",
        type=_count("replicas"),
        metavar="N",
        help="engine pods (above 1 only with stream subscriptions)",
    )
    parser.add_argument(
        "--workers",
        type=_count("workers"),
        metavar="N",
        help="protean server --workers (above 1 only with stream)",
    )
    add_reopen_arguments(parser, force_help="take regenerated files over conflicting edits")


def _count(key: str) -> Callable[[str], int]:
    """The flag's value read as `--set KEY=N` reads it (a whole number, 1 or more), its error
    naming the value and what is allowed, as argparse reports a type's error."""

    def read(text: str) -> int:
        try:
            return parse_count(key, text)
        except UsageError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return read


def run(args: argparse.Namespace) -> int:
    # deferred: scaffolder.reopen.project ~22 ms, scaffolder.reopen.deploy ~40 ms (CPU,
    # measured): `deploy --help` imports this module without them
    from scaffolder.reopen.deploy import deploy_edit, is_recorded_workspace
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
    # deferred: scaffolder.reopen.deploy (`run` imported it), scaffolder.transaction.lock ~10 ms,
    # scaffolder.writer ~12 ms (CPU, measured): `deploy --help` imports this module without them
    from scaffolder.reopen.deploy import workspace_deploy_changes
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
