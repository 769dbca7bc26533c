"""`protean-init` run in the test's own process, its output captured: what the `cli` fixture
(tests/conftest.py) gives every test. `imported_by`: the same runner in a fresh interpreter,
for the tests of what a command imports."""

from __future__ import annotations

import contextlib
import io
import json
import shlex
import subprocess
import sys
from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import NamedTuple

from scaffolder.cli import main

REPOSITORY = Path(__file__).resolve().parents[2]


class Result(NamedTuple):
    code: int
    out: str
    err: str

    @property
    def printed(self) -> str:
        """Standard output, then standard error: all a user's terminal shows (for checks that
        a value is never printed, or that an error is one line)."""
        return self.out + self.err


Argument = str | PathLike[str] | Sequence[str]


def argv_of(arguments: Sequence[Argument]) -> list[str]:
    """A string is split as a shell would split it (`"add-database x --provider sqlite"`); a
    path is one argument; a list is taken word for word (values a shell would split)."""
    argv: list[str] = []
    for argument in arguments:
        if isinstance(argument, str):
            argv.extend(shlex.split(argument))
        elif isinstance(argument, PathLike):
            argv.append(str(argument))
        else:
            argv.extend(str(word) for word in argument)
    return argv


def _stream() -> io.TextIOWrapper:
    # As pytest's own capture: a text stream over bytes, so code that reaches for
    # sys.stdout.buffer finds one.
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="", write_through=True)


def protean_init(*arguments: Argument) -> Result:
    """`scaffolder.cli.main` on `arguments` (see argv_of), with stdout and stderr captured.
    A SystemExit out of it (argparse's --help, --version and usage errors) ends it as it ends
    the process: its code is the exit status."""
    out, err = _stream(), _stream()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv_of(arguments))
        except SystemExit as exit:
            code = _status(exit)
        out.flush()
        err.flush()
    return Result(code, _text(out), _text(err))


def _status(exit: SystemExit) -> int:
    """The exit status the interpreter gives a process that ends in `exit`: None is 0, a
    number itself, anything else printed to stderr and 1."""
    if exit.code is None:
        return 0
    if isinstance(exit.code, int):
        return exit.code
    print(exit.code, file=sys.stderr)
    return 1


def _text(stream: io.TextIOWrapper) -> str:
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8")


class Imported(NamedTuple):
    results: tuple[Result, ...]
    # Every module the interpreter holds after the commands: what they imported, and this
    # module with its own imports (json, shlex, subprocess, ...; none a test looks for).
    modules: frozenset[str]


# The child of imported_by: protean_init over each command of argv[2] (JSON), then the results
# and the modules it holds, as one JSON line. -P and the repository as the first folder to
# import from: the folder it runs in is no place to import from.
_FRESH = """
import json, sys
sys.path.insert(0, sys.argv[1])
from tests.support.cli import protean_init
results = [protean_init(argv) for argv in json.loads(sys.argv[2])]
print(json.dumps([results, sorted(sys.modules)]))
"""


def imported_by(*commands: Argument, cwd: Path) -> Imported:
    """Each command (a string split as a shell would, or a list taken word for word) run by
    protean_init in turn, in one fresh interpreter started in `cwd`: what each returned and
    printed, and the modules imported by the end. For tests of what a command imports, which
    another test's imports in this process would hide."""
    argvs = [argv_of([command]) for command in commands]
    done = subprocess.run(
        [sys.executable, "-P", "-c", _FRESH, str(REPOSITORY), json.dumps(argvs)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stdout, done.stderr[-2000:]
    results, modules = json.loads(done.stdout.splitlines()[-1])
    return Imported(tuple(Result(*result) for result in results), frozenset(modules))
