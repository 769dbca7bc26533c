"""`protean-init` run in the test's own process, its output captured: what the `cli` fixture
(tests/conftest.py) gives every test."""

from __future__ import annotations

import contextlib
import io
import shlex
import sys
from collections.abc import Sequence
from os import PathLike
from typing import NamedTuple

from scaffolder.cli import main


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
