"""`protean-init new DIR`: create a project from the defaults, an answers file, flags or the UI."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffolder.errors import CANCELLED, UsageError
from scaffolder.spec.choices import CI_PROVIDERS
from scaffolder.spec.project import ProjectSpec
from scaffolder.ui import can_run_fullscreen

if TYPE_CHECKING:
    from scaffolder.ui.common.outcome import WizardOutcome
    from scaffolder.workspace_spec import WorkspaceSpec

UI_CHOICES = ("tui", "prompt", "none")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", nargs="?", metavar="DIR", help="folder to create (default: NAME)")
    parser.add_argument("--name", help="project name (default: the folder's name)")
    parser.add_argument("--package", help="Python package name (default: derived from the name)")
    parser.add_argument(
        "--defaults",
        action="store_true",
        help="start from the recommended layout and ask nothing",
    )
    parser.add_argument(
        "--answers", type=Path, metavar="FILE", help="YAML or TOML file of KEY: VALUE answers"
    )
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="one choice (repeatable), e.g. production.databases.default=postgresql; the keys "
        "are those of protean-init set (see protean-init set --help)",
    )
    parser.add_argument(
        "--context",
        dest="contexts",
        action="append",
        default=[],
        metavar="NAME",
        help="a bounded context (repeatable): a workspace with a package, domain.toml and "
        "tests per context under src/NAME; NAME:KEY=VALUE sets a key for one context",
    )
    parser.add_argument("--ci", choices=CI_PROVIDERS, help="CI provider (default: github)")
    parser.add_argument(
        "--deploy",
        choices=("docker", "kubernetes", "none"),
        help="deployment files: a Dockerfile, and Kustomize manifests for kubernetes "
        "(default with --defaults: docker)",
    )
    parser.add_argument(
        "--no-compose",
        dest="compose",
        action="store_false",
        default=None,
        help="write no docker-compose.yml",
    )
    parser.add_argument(
        "--ui",
        choices=UI_CHOICES,
        help="tui (full screen), prompt (line by line) or none (default: what the terminal allows)",
    )
    parser.add_argument("--dry-run", action="store_true", help="print what would be written")
    parser.add_argument("--force", action="store_true", help="write into a non-empty folder")


def choose_ui(requested: str | None) -> str:
    """The front end to use: asked for, or the richest the terminal can run."""
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if requested and requested != "none" and not interactive:
        raise UsageError(f"--ui {requested} needs a terminal; use --defaults or --answers FILE")
    if requested:
        return requested
    if not interactive:
        return "none"

    return "tui" if can_run_fullscreen() else "prompt"


DEFAULT_NAME = "my-app"


def default_target(directory: str | None, name: str | None) -> Path:
    """DIR, else a folder named after --name, else the current folder when it is empty (the
    user made it for the project), else ./my-app. Absolute for the current folder, so the
    wizard shows it and renames it with the project."""
    if directory or name:
        return Path(directory or name or "")
    here = Path.cwd()
    return here if not any(here.iterdir()) else here / DEFAULT_NAME


def refuse_existing_project(target: Path) -> None:
    """`new` over a Protean project (or inside one) would add a second package and replace
    its config: refused even with --force, naming the commands that change a project."""
    if not target.is_dir():
        return
    # deferred: scaffolder.project_files ~7 ms, scaffolder.workspace ~8 ms (CPU, measured): `new
    # --help` imports this module without them
    from scaffolder.project_files import find_config
    from scaffolder.workspace import discover_project

    root = discover_project(target)
    config = find_config(root)
    if config is not None:
        raise UsageError(
            f"{root} is a Protean project already ({config.path.relative_to(root)}); nothing "
            "written. Change it in place: protean-init there for the edit menu, or a command "
            "(add-database NAME, set KEY=VALUE, ci, deploy KIND, ...: protean-init edit --ui "
            "none there lists every one)"
        )


def names_contexts(args: argparse.Namespace, answers: dict[str, Any] | None) -> bool:
    """Whether `new` makes a workspace: --context, or an answers file that names contexts."""
    if args.contexts:
        return True
    if not answers:
        return False
    # deferred: scaffolder.workspace_spec ~3 ms (CPU, measured): `new` without --context or an
    # answers file (the wizard's first screen) imports this module without it
    from scaffolder.workspace_spec import answers_contexts

    return bool(answers_contexts(answers)[1])


def run(args: argparse.Namespace) -> int:
    ui = _front_end(args)
    target = default_target(args.dir, args.name)
    name = args.name or Path(os.path.abspath(target)).name
    if target.is_dir() and not args.dry_run:
        # deferred: scaffolder.transaction.lock ~9 ms (CPU, measured): `new --help` imports this
        # module without it
        from scaffolder.transaction.lock import recover_folder

        recover_folder(target)  # an interrupted run's leftovers are not the user's files
    refuse_existing_project(target)
    # A dry run too: it says what the real run would do, and that is this refusal.
    if target.is_dir() and any(target.iterdir()) and not args.force:
        raise UsageError(f"{target} exists and is not empty; pass --force to write into it")
    answers = _answers(args)
    workspace = None
    spec: ProjectSpec | None = None
    if names_contexts(args, answers):
        # deferred: scaffolder.commands.new_workspace ~12 ms (CPU, measured, with the writer and
        # transaction modules it loads): the wizard's first screen, and `new --help`, need none
        from scaffolder.commands import new_workspace

        if ui == "none":
            return new_workspace.run(args, target, name, ui, answers)
        # In a terminal the front end opens on the contexts and their choices, to change.
        workspace = new_workspace.workspace_spec(args, name, ui, answers)
        spec = workspace.project
    if spec is None:
        # deferred: scaffolder.commands.new_spec: `--help` builds this command's parser, and
        # the answers and spec modules behind starting_spec cost 21 ms of start-up (python -X
        # importtime) it does not need.
        from scaffolder.commands.new_spec import starting_spec

        spec = starting_spec(args, name, ui, answers)

    # deferred: scaffolder.ui.common.outcome ~1 ms (CPU, measured): `new --help` imports this module
    # without it
    from scaffolder.ui.common.outcome import WizardOutcome

    chosen = WizardOutcome(spec, target)
    written: list[str] | None = None
    if ui != "none":
        outcome, written = _ask(ui, spec, target, args.force, workspace)
        if outcome is None:
            print("protean-init: cancelled; nothing was written", file=sys.stderr)
            return CANCELLED
        chosen = outcome
    elif args.dry_run:
        # deferred: scaffolder.commands.new_dry_run, with the writer and next_steps it loads:
        # only a dry run needs it
        from scaffolder.commands.new_dry_run import dry_run_report

        print(dry_run_report(target, new_project_files(spec)))
        return 0
    if written is None:
        written = write_chosen(chosen, force=args.force)
    if chosen.workspace is not None:
        print(new_workspace.summary(chosen.workspace, chosen.target, written))
    else:
        # deferred: scaffolder.next_steps ~39 ms with scaffolder.plan, project_files and redact it
        # loads (wall, measured on the shared machine): `new --help`, and the wizard up to its
        # first screen, import this module without them
        from scaffolder.next_steps import creation_report

        print(creation_report(chosen.spec, chosen.target, written))
    _say_if_nested(chosen.target)
    return 0


def _answers(args: argparse.Namespace) -> dict | None:
    # deferred: scaffolder.answers ~3 ms (CPU, measured): `new --help` imports this module without
    # it
    from scaffolder.answers import load_answers

    return load_answers(args.answers) if args.answers else None


def write_chosen(outcome: WizardOutcome, *, force: bool) -> list[str]:
    """Write what a front end settled on: a workspace when the user named contexts
    (scaffolder.commands.new_workspace.write_new_workspace, as `new --context` does), else a
    project; the paths written."""
    if outcome.workspace is not None:
        # deferred: scaffolder.commands.new_workspace ~2 ms (CPU, measured): `new --help` imports
        # this module without it
        from scaffolder.commands.new_workspace import write_new_workspace

        return write_new_workspace(outcome.workspace, outcome.target, force=force)
    return write_new_project(outcome.spec, outcome.target, force=force)


def write_new_project(spec: ProjectSpec, target: Path, *, force: bool) -> list[str]:
    """Render `spec` and write it to `target` with the record of what was generated, all or
    nothing; the paths written. The one writer of a new project: the flags, the prompts and
    the wizard (from its Review step, in a worker) all come here. The record's paths are
    among them (next_steps.files_written counts them apart)."""
    # deferred: scaffolder.writer ~8 ms (CPU, measured): `new --help` imports this module without it
    from scaffolder.writer import create_project

    files = new_project_files(spec)
    create_project(target, files, force=force)
    return sorted(files)


def new_project_files(spec: ProjectSpec) -> dict[str, bytes]:
    """Every file a new project of `spec` is: the rendered ones and the record of them, as
    write_new_project writes them and `new --dry-run` lists them."""
    return with_record(_render(spec))


def _say_if_nested(target: Path) -> None:
    """A project made inside another one is a project of its own: say which config the
    commands edit from where (the nearest, as Protean's own search finds it)."""
    # deferred: scaffolder.project_files ~7 ms, scaffolder.workspace ~8 ms (CPU, measured): `new
    # --help` imports this module without them
    from scaffolder.project_files import find_config
    from scaffolder.workspace import discover_project

    parent = target.resolve().parent
    outer = discover_project(parent)
    if find_config(outer) is None:
        return
    print(
        f"note: {target} is inside the Protean project {outer}: commands run in {target} "
        f"edit its own config, the nearest (as Protean finds it); run them in {outer} for "
        "that project's",
        file=sys.stderr,
    )


def _front_end(args: argparse.Namespace) -> str:
    """`--defaults`, `--answers` and `--dry-run` mean no questions: no front end unless one
    is asked for by name, and never one for a dry run (the wizard writes on confirm)."""
    if args.dry_run and args.ui not in (None, "none"):
        raise UsageError(f"--dry-run prints the files and asks nothing; drop --ui {args.ui}")
    if args.dry_run and not (args.defaults or args.answers is not None):
        raise UsageError("--dry-run asks nothing: pass --defaults, or --answers FILE")
    if args.ui is None and (args.defaults or args.answers is not None or args.dry_run):
        return "none"
    return choose_ui(args.ui)


def with_record(files: dict[str, bytes]) -> dict[str, bytes]:
    """The files and the record of what was generated (scaffolder.generated_record): the
    base `upgrade` and every later merge take."""
    # deferred: scaffolder.generated_record ~6 ms (CPU, measured): `new --help` imports this module
    # without it
    from scaffolder.generated_record import with_record

    return with_record(files)


def _render(spec: ProjectSpec) -> dict[str, bytes]:
    # deferred: scaffolder.render ~53 ms (CPU, measured): `new --help` imports this module without
    # it
    from scaffolder.render import render_project

    return render_project(spec)


def _ask(
    ui: str, spec: ProjectSpec, target: Path, force: bool, workspace: WorkspaceSpec | None = None
) -> tuple[WizardOutcome | None, list[str] | None]:
    """The user's spec and folder (None when cancelled), and the paths written when the front
    end wrote them itself (the wizard does, from its Review step, then shows its Done step).
    `workspace`: the contexts `--context` named, and their choices, to start from."""
    if ui == "prompt":
        # deferred: scaffolder.ui.prompts.new_project ~93 ms (CPU, measured): `new --help` imports
        # this module without it
        from scaffolder.ui.prompts.new_project import run_prompts

        return run_prompts(spec, target, workspace=workspace), None
    # deferred: scaffolder.ui.wizard.app ~150 ms (CPU, measured): `new --help` imports this module
    # without it
    from scaffolder.ui.wizard.app import run_wizard

    written: list[str] = []

    def write(outcome: WizardOutcome) -> list[str]:
        written[:] = write_chosen(outcome, force=force)
        return written

    outcome = run_wizard(spec, target, write=write, workspace=workspace)
    return outcome, written if outcome is not None else None
