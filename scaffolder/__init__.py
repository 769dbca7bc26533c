"""protean-init: scaffold and maintain Protean projects."""

import os
import sys

# The hook below is set before anything else is imported (typing alone takes ~5 ms; an
# import is where a Ctrl-C lands).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import TracebackType


def _cancelled_at_start(
    kind: type[BaseException], error: BaseException, trace: "TracebackType | None"
) -> None:
    """A Ctrl-C that reaches the top outside `scaffolder.cli.main` (while the command line's
    modules are imported, ~30 ms, or as it returns) ends as main's own does: one line saying
    what was written, exit 130, no traceback. So does an error a Ctrl-C caused (Python 3.11
    turns one landing in a class body's `__set_name__` into a RuntimeError caused by it). Any
    other error is the interpreter's to report."""
    cause: BaseException | None = error
    seen = 0
    while cause is not None and not isinstance(cause, KeyboardInterrupt) and seen < 64:
        cause, seen = cause.__cause__ or cause.__context__, seen + 1
    if not isinstance(cause, KeyboardInterrupt):
        _EXCEPTHOOK(kind, error, trace)
        return

    try:
        # The command line's own line once it is imported (it names what a change wrote).
        # Before that (an interrupted import of scaffolder.cli leaves no module behind) no
        # command has run, so nothing was written: the same words as main's for that case.
        said = getattr(sys.modules.get("scaffolder.cli"), "interrupted_line", None)
        line = said("cancelled") if said else "protean-init: cancelled; nothing was written"
        sys.stderr.write(f"{line}\n")
        sys.stderr.flush()
    finally:
        os._exit(130)  # not killed by SIGINT, as the interpreter would be: main exits 130 too


def _interrupt_not_lost(unraisable: "sys.UnraisableHookArgs") -> None:
    """A Ctrl-C that lands in code Python cannot raise from (a weakref callback, such as the
    import system's module-lock one, or a finalizer) would be swallowed there with an
    "Exception ignored in" traceback, and the command would run on: it ends the run as one
    reaching the top does (_cancelled_at_start), the project's lock let go first as main
    does. None lands inside a commit: the transaction holds SIGINT back while it writes."""
    if not isinstance(unraisable.exc_value, KeyboardInterrupt):
        _UNRAISABLEHOOK(unraisable)
        return
    lock = sys.modules.get("scaffolder.transaction.lock")
    if lock is not None:
        lock.release_abandoned()
    _cancelled_at_start(KeyboardInterrupt, unraisable.exc_value, unraisable.exc_traceback)


# Only in the command line's own process (`protean-init`, `python -m scaffolder`): a program
# that imports this package keeps its own handling of Ctrl-C.
_EXCEPTHOOK = sys.excepthook
_UNRAISABLEHOOK = sys.unraisablehook
_PROGRAM = getattr(sys, "argv", None) or [""]
if _PROGRAM[0] == "-m" or _PROGRAM[0].replace("\\", "/").rpartition("/")[2].startswith(
    "protean-init"
):
    sys.excepthook = _cancelled_at_start
    sys.unraisablehook = _interrupt_not_lost

# The one place the version is set: pyproject.toml reads it (hatch's version source), and the
# CLI and the answers file read it here, not through importlib.metadata (12-36 ms of imports
# on every command that records its version).
__version__ = "0.2.0"
