"""`protean-init derive`: re-derive every derived file from domain.toml as it is now.

Compose, CI, .env.example, the deployment files (Dockerfile, Kubernetes manifests) and the pip
extras in pyproject.toml follow domain.toml after every edit; this is the same step on its own,
for after a hand edit of domain.toml. The same three-way merge keeps your edits to those files.
"""

from __future__ import annotations

import argparse

from scaffolder.commands import add_reopen_arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_reopen_arguments(parser)


def run(args: argparse.Namespace) -> int:
    # deferred: scaffolder.reopen.project ~32 ms, scaffolder.reopen.workspace_edit ~25 ms (CPU,
    # measured): `derive --help` imports this module without them
    from scaffolder.reopen.project import commit, editing
    from scaffolder.reopen.workspace_edit import whole_workspace_context

    context = whole_workspace_context(args.project, args.context, args.here)
    with editing(args.project, dry_run=args.dry_run, context=context, here=args.here) as project:
        # The config text as it is: pyproject.toml's extras are checked against it too.
        written = commit(project, project.text, dry_run=args.dry_run, force=args.force)
    if not args.dry_run:
        print(f"Derived files updated: {', '.join(written)}" if written else "Up to date")
    return 0
