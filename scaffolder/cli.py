"""The `protean-init` command line: parse, dispatch, and turn errors into one line and a code.

Exit codes: 0 done; 1 a check or conflict failed; 2 bad input or usage, nothing written;
130 cancelled.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from scaffolder import __version__
from scaffolder.errors import CANCELLED, ScaffolderError, UsageError, closest

# Subcommand -> (module under scaffolder.commands, one-line help). Modules are light to import.
COMMANDS = {
    "new": ("new", "create a project: domain.toml with overlays, compose, CI and tests"),
    "check": (
        "check",
        "find what Protean would silently accept, per environment, and drift in compose, CI "
        "and .env.example",
    ),
    "add-database": ("add_database", "add a named database to every environment"),
    "edit": ("edit", "open the edit menu for the project here (a summary without a terminal)"),
    "set": ("set", "change providers, settings and connections: the keys of new --set"),
    "add-env": ("add_env", "add [production], [test] or [memory] overlays to a project"),
    "ci": ("ci", "regenerate the CI config from domain.toml, keeping your edits"),
    "deploy": ("deploy", "add or change the Dockerfile and Kubernetes manifests (or none)"),
    "derive": (
        "derive",
        "re-derive compose, CI, .env.example, the deployment files and pip extras from "
        "domain.toml as it is",
    ),
    "upgrade": (
        "upgrade",
        "bring a project made by an older protean-init to this version's templates, keeping "
        "your edits",
    ),
}
COMMANDS["add-context"] = ("context", "add a bounded context: a workspace of several contexts")
COMMANDS["remove-context"] = ("context", "remove a bounded context from a workspace")
COMMANDS["completion"] = ("completion", "print a bash, zsh or fish completion script")
# remove-database, rename-database, add-broker, remove-broker, ... (scaffolder.commands.slots)
COMMANDS.update(importlib.import_module("scaffolder.commands.slots").commands())

DESCRIPTION = """\
Scaffold and maintain Protean projects: domain.toml with environment overlays
(production, test, memory), docker-compose.yml, CI and a runnable test suite.

Run with no command in a terminal to open the interactive wizard (or, in a project, the
edit menu); new's options work without the command too: protean-init --ui prompt,
protean-init --defaults."""


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line, with the closest choice, as every other error here."""

    def error(self, message: str) -> NoReturn:
        match = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if match:
            choices = re.findall(r"'([^']*)'", match.group(2))
            message = message.replace(match.group(0), f"invalid choice: {match.group(1)!r}")
            message += f"{closest(match.group(1), choices)}; expected one of: {', '.join(choices)}"
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")

    def parse_args(self, args=None, namespace=None):  # type: ignore[no-untyped-def, override]
        """As argparse's, but an argument no parser took is reported by its command's parser
        (`protean-init new: error: ...`, its help named), with the closest option."""
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            command = self._command_parser(getattr(parsed, "command", None)) or self
            options = [name for action in command._actions for name in action.option_strings]
            flag = next((word.partition("=")[0] for word in extras if word.startswith("-")), "")
            hint = closest(flag, options) if flag else ""
            command.error(f"unrecognized arguments: {' '.join(extras)}{hint}")
        return parsed

    def _command_parser(self, command: str | None) -> argparse.ArgumentParser | None:
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction) and command in action.choices:
                return action.choices[command]
        return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser: every command with its arguments; given `command` (one of
    COMMANDS), only that command, with its arguments; given "" (`--help`, `--version`), every
    command named with its help and none of their arguments.

    A run needs one command's parser: importing every command module and adding every
    argument costs the wizard's start-up about 5 ms, and making the other commands' parsers
    about 2 ms more (argparse looks up its translations, on disk, for each parser it makes).
    What a run prints is the same: a command's help and errors are its own parser's, and only
    the top-level `--help` lists the commands. Shell completion takes the whole parser."""
    parser = _Parser(
        prog="protean-init",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="show the version")
    # The whole parser's maker, for the command that walks every command (completion): handed
    # down, as a command does not import the command line above it.
    parser.set_defaults(build_parser=build_parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module, help_text) in COMMANDS.items():
        if command and name != command:
            continue
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        if command is None or name == command:
            handler = importlib.import_module(f"scaffolder.commands.{module}")
            handler.add_arguments(sub)
            sub.set_defaults(run=handler.run)
    return parser


class _VersionAction(argparse.Action):
    """--version from scaffolder.__version__: no package metadata is read."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # type: ignore[no-untyped-def]

        print(f"protean-init {__version__}")
        parser.exit()


# The options of the command line itself; any other option before a command is new's (or,
# inside a project, edit's): `protean-init --ui prompt` as the README has it.
OWN_OPTIONS = ("-h", "--help", "--version")


def route(args_list: list[str]) -> list[str]:
    """`protean-init [DIR] [OPTION...]`: the edit menu where DIR (default: here) holds a
    Protean config, the new-project wizard elsewhere."""
    if args_list and (args_list[0] in COMMANDS or args_list[0] in OWN_OPTIONS):
        return args_list

    # deferred: scaffolder.project_files ~16 ms, scaffolder.workspace ~18 ms (CPU, measured):
    # `--version` imports this module without them
    from scaffolder.project_files import find_config
    from scaffolder.workspace import discover_project

    # `protean-init --defaults`: no DIR, the options go to the command chosen for here.
    named = bool(args_list) and not args_list[0].startswith("-")
    folder = Path(args_list[0]) if named else Path(".")
    options = args_list[1:] if named else args_list
    # From any folder inside a project (its tests/, say), as git finds its repository.
    project = discover_project(folder) if folder.is_dir() else folder
    if folder.is_dir() and find_config(project) is not None:
        refuse_new_options(project, options)
        return ["edit", "--project", str(project), *options]
    if named and not folder.exists():
        # `protean-init chekc` is a typo, not a request for a project named chekc.
        hint = closest(args_list[0], COMMANDS)
        if hint:
            raise UsageError(
                f"unknown command {args_list[0]!r}{hint}; for a new project of that name, "
                f"run protean-init new {args_list[0]}"
            )
    return ["new", *args_list]


# new's options that make no sense for the edit menu (which takes --project and --ui).
NEW_ONLY_OPTIONS = (
    "--defaults",
    "--answers",
    "--set",
    "--name",
    "--package",
    "--ci",
    "--deploy",
    "--no-compose",
    "--dry-run",
    "--force",
)


def refuse_new_options(project: Path, options: list[str]) -> None:
    """`protean-init --defaults` inside a project: new's options are refused in one line that
    says what to run instead, not as an option the edit menu does not know."""
    given = [o.split("=", 1)[0] for o in options if o.split("=", 1)[0] in NEW_ONLY_OPTIONS]
    if given:
        raise UsageError(
            f"{project.resolve()} is a Protean project already; {given[0]} is for a new one "
            f"(protean-init new DIR {given[0]}, outside it). To change this one: protean-init "
            "set KEY=VALUE, or protean-init alone for the edit menu"
        )


class Terminated(BaseException):
    """SIGTERM or SIGHUP, raised like Ctrl-C's KeyboardInterrupt so the same honest line is
    printed (scaffolder.transaction.signals holds these back while files are being replaced)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminate(signum: int, _frame: object) -> None:
    raise Terminated(signum)


def _catch_termination() -> None:
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(signum) is signal.SIG_DFL:
                signal.signal(signum, _terminate)


def _written_where() -> str:
    """`root (a, b)` for every project this run has written to; '' when none."""
    transaction = sys.modules.get("scaffolder.transaction.signals")
    done = transaction.written() if transaction else []
    # The record of what was generated follows the files it records: the user's files are
    # named, the record's are not.
    # deferred: scaffolder.generated_record ~28 ms (wall, measured on the shared machine):
    # `--help`, `--version` and every command's start-up import this module without it; this
    # runs only after an interruption.
    from scaffolder.generated_record import is_record

    named = [(root, [p for p in paths if not is_record(p)]) for root, paths in done]
    return "; ".join(
        f"{root} ({', '.join(paths) if len(paths) <= 6 else f'{len(paths)} files'})"
        for root, paths in named
    )


def _release_locks() -> None:
    """After an interrupt: the project locks this run still holds are let go and their files
    removed (the interrupt may have landed inside a lock's own release)."""
    lock = sys.modules.get("scaffolder.transaction.lock")
    if lock is not None:
        lock.release_abandoned()


def interrupted_line(verb: str) -> str:
    """What to say when stopped by a signal: whether anything was written, and what."""
    where = _written_where()
    if not where:
        return f"protean-init: {verb}; nothing was written"
    return f"protean-init: {verb} after writing; the change is complete: {where}"


def _os_error(error: OSError) -> int:
    """The line for an OSError that reached the top, true to what is on disk: once a change
    is committed, a report that cannot be printed (`| true`, `> /dev/full`) does not make it
    "nothing written"."""

    # deferred: scaffolder.transaction.disk ~0.6 ms (wall, measured on the shared machine):
    # `--help`, `--version` and every command's start-up import this module without it
    from scaffolder.transaction.disk import os_error_text

    try:
        sys.stdout.flush()
    except OSError:
        # The reader left or the output is full: as CPython's docs advise for SIGPIPE, point
        # stdout at devnull so the interpreter's own flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    where = _written_where()
    if not where:
        print(f"protean-init: error: {os_error_text(error)}; nothing written", file=sys.stderr)
        return 2
    print(
        f"protean-init: the change is complete: {where}; only its report could not be "
        f"printed ({os_error_text(error)})",
        file=sys.stderr,
    )
    # 141 (128 + SIGPIPE) is what a shell reports for a tool whose reader left.
    return 141 if isinstance(error, BrokenPipeError) else 1


def main(argv: Sequence[str] | None = None) -> int:
    _catch_termination()
    if "scaffolder.transaction.signals" in sys.modules:
        sys.modules[
            "scaffolder.transaction.signals"
        ].forget_written()  # an earlier main() in-process
    try:
        args_list = route(list(sys.argv[1:] if argv is None else argv))
        # route() puts the command first, or an option (--help, --version) that needs none.
        args = build_parser(args_list[0] if args_list[0] in COMMANDS else "").parse_args(args_list)
        if getattr(args, "project", None) is not None:
            # deferred: scaffolder.workspace ~18 ms (CPU, measured): `--version` imports this module
            # without it
            from scaffolder.workspace import discover_project

            # Every command that takes --project finds it from a folder inside it; inside one
            # context of a workspace, that context is the one acted on (scaffolder.workspace).
            args.here = args.project
            args.project = discover_project(args.project)
        code = int(args.run(args) or 0)
        sys.stdout.flush()  # an output error is met here, where _os_error can say it truly
        return code
    except ScaffolderError as error:
        # deferred: scaffolder.redact ~5 ms (CPU, measured): `--version` imports this module without
        # it
        from scaffolder.printable import printable
        from scaffolder.redact import redact_text

        # Messages quote values (a URL, a conflicting line, a path): never a password in
        # them, nor a line break or terminal escape (one line).
        shown = printable(redact_text(str(error)), "\n\t" if error.lines else "")
        print(f"protean-init: error: {shown}", file=sys.stderr)
        return error.exit_code
    except RecursionError:
        # Input nested deeper than a parser or a walk of the tree can follow; the readers
        # refuse it by name (scaffolder.inputs), this is the net for any other path.
        print("protean-init: error: input nested too deeply; nothing written", file=sys.stderr)
        return 2
    except OSError as error:
        # The disk or the OS refused (a read-only folder, a full disk, ulimit -f while
        # rendering), or stdout did. Files are only written inside a transaction, which
        # answers for its own errors; what it committed is recorded (signals.written).
        return _os_error(error)
    except KeyboardInterrupt:
        _release_locks()
        print(interrupted_line("cancelled"), file=sys.stderr)
        return CANCELLED
    except Terminated as stop:
        _release_locks()
        print(interrupted_line("terminated"), file=sys.stderr)
        return 128 + stop.signum


def run() -> NoReturn:
    """The program's entry point: `main`, then exit with its code.

    Once `main` has returned, the outcome is on disk and has been said; a Ctrl-C arriving while
    the interpreter shuts down can change nothing, so it must not print a KeyboardInterrupt
    traceback over that outcome. Before main runs, scaffolder/__init__'s hook answers a
    Ctrl-C the same way.
    """

    try:
        code = main()
    finally:
        # Also when main exits by SystemExit (argparse's --help and usage errors).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(code)


if __name__ == "__main__":
    run()
