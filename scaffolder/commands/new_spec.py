"""The spec `new`'s flags and answers file give, before any front end asks: for one project
(scaffolder.commands.new) and for each context of a workspace (scaffolder.commands.new_workspace).
"""

from __future__ import annotations

import argparse

from scaffolder.answers import build_spec, load_answers
from scaffolder.errors import UsageError
from scaffolder.spec.defaults import default_draft
from scaffolder.spec.names import validate_project_name
from scaffolder.spec.project import ProjectSpec


def starting_spec(
    args: argparse.Namespace, name: str, ui: str, answers: dict | None = None
) -> ProjectSpec:
    """The spec the flags and answers file give (`answers`: the file, when read already)."""
    if answers is None and args.answers:
        answers = load_answers(args.answers)
    if ui == "none" and not (args.defaults or answers is not None):
        raise UsageError(
            "no terminal to ask in: pass --defaults for the recommended layout, "
            "or --answers FILE with your choices"
        )
    project = {
        "name": args.name,
        "package": args.package,
        "ci": args.ci,
        "compose": args.compose,
        "deploy": args.deploy,
    }
    if args.defaults or ui != "none":
        if not args.name:
            try:
                validate_project_name(name)
            except UsageError as error:
                raise UsageError(f"{error} (from the folder name; pass --name NAME)") from None
        project["name"] = args.name or name
        # A draft, not a spec: the flags may move what the defaults choose (a database off
        # PostgreSQL), and only the spec they make together is checked (build_spec).
        start = default_draft(project["name"], args.package)
    else:
        start = None
        project["name"] = args.name or (answers or {}).get("project_name") or name
    return build_spec(start, answers=answers, sets=args.sets, project=project)
