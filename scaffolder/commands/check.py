"""`protean-init check`: find what Protean would silently accept, per environment, and drift
in compose, CI and .env.example. Exit 0 with no error, 1 with one, 2 when input can't be read."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from scaffolder.errors import UsageError

FORMATS = ("text", "json", "github", "sarif", "gitlab")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the project folder (default: the current folder)",
    )
    parser.add_argument(
        "--env",
        dest="envs",
        action="append",
        default=[],
        metavar="ENV",
        help=(
            "check only this environment ('base' or an overlay), as a deploy would run it: "
            "its ${VAR}s without a default must be set (repeatable; default: every environment)"
        ),
    )
    parser.add_argument(
        "--context",
        metavar="NAME",
        help=(
            "in a workspace of several bounded contexts, check only what concerns this one: "
            "its config and files, the shared files as it uses them, and the workspace's "
            "findings on it (default: every context)"
        ),
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help=(
            "text for people, json for tools, github for workflow annotations, sarif for code "
            "scanning, gitlab for a Code Quality report (same findings, same exit code)"
        ),
    )


def run(args: argparse.Namespace) -> int:
    # deferred: scaffolder.check ~49 ms, scaffolder.transaction.journal ~15 ms (CPU, measured):
    # `check --help` imports this module without them
    from scaffolder.check import exit_code, format_json, format_text, formats, run_check
    from scaffolder.transaction.journal import pending_change

    try:
        # check only reads (it runs on forks' pull requests): an edit killed mid-commit is
        # said, and left for the next command that writes; a journal not protean-init's own
        # is refused, never acted on.
        pending = pending_change(args.project) if args.project.is_dir() else None
        if pending is not None:
            print(pending, file=sys.stderr)
        report = run_check(args.project, args.envs, context=args.context)
    except UsageError as error:
        # deferred: scaffolder.redact ~4 ms (CPU, measured): `check --help` imports this module
        # without it
        from scaffolder.redact import redact_text

        # Machine formats still get a well-formed document; the one line goes to stderr
        # (redacted there by the command line, here by this).
        message = redact_text(str(error))
        if args.format == "json":
            print(json.dumps({"error": message, "exit_code": error.exit_code}, indent=2))
        elif args.format == "github":
            print(formats.github_error(message))
        elif args.format == "sarif":
            print(formats.sarif_error(message, error.exit_code))
        elif args.format == "gitlab":
            path = message.split(":", 1)[0] if ":" in message else "domain.toml"
            print(formats.gitlab_error(message, path if " " not in path else "domain.toml"))
        raise
    formatter = {
        "text": format_text,
        "json": format_json,
        "github": formats.format_github,
        "sarif": formats.format_sarif,
        "gitlab": formats.format_gitlab,
    }[args.format]
    try:
        print(formatter(report.findings, report.environments, report.contexts))
        sys.stdout.flush()
    except BrokenPipeError:
        # `check | head`: the reader left; the exit code still tells the result.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return exit_code(report.findings)
