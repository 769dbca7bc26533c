"""`protean-init ci`: regenerate the CI config from what domain.toml says now."""

from __future__ import annotations

import argparse

from scaffolder.commands import add_reopen_arguments
from scaffolder.spec.choices import CI_PROVIDERS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ci", choices=[c for c in CI_PROVIDERS if c != "none"], help="switch the CI provider"
    )
    add_reopen_arguments(parser, force_help="take the regenerated file over conflicting edits")


def run(args: argparse.Namespace) -> int:
    # deferred: scaffolder.project_files ~6 ms, scaffolder.reopen.project ~18 ms,
    # scaffolder.reopen.workspace_edit ~13 ms (CPU, measured): `ci --help` imports this module
    # without them
    from scaffolder.project_files import GITHUB_WORKFLOW, GITLAB_CI
    from scaffolder.reopen.project import commit, editing, with_ci
    from scaffolder.reopen.workspace_edit import whole_workspace_context

    context = whole_workspace_context(args.project, args.context, args.here)
    with editing(args.project, dry_run=args.dry_run, context=context, here=args.here) as project:
        identity = with_ci(project.identity, args.ci)
        if identity.ci == "none":
            print("This project has no CI (ci: none); pass --ci github or --ci gitlab to add one.")
            return 0
        path = GITHUB_WORKFLOW if identity.ci == "github" else GITLAB_CI
        written = commit(
            project, derived={path}, identity=identity, dry_run=args.dry_run, force=args.force
        )
    if not args.dry_run:
        print(f"Regenerated {path}" if path in written else f"{path} is up to date")
        old = GITLAB_CI if path == GITHUB_WORKFLOW else GITHUB_WORKFLOW
        if identity.ci != project.identity.ci and old in written:
            print(f"Removed {old}: protean-init wrote it and it held nothing of yours")
        elif identity.ci != project.identity.ci and (project.root / old).is_file():
            # It holds lines of the user's own: deleting it is their call.
            print(f"{old} is no longer regenerated; delete it if you no longer use it")
    return 0
