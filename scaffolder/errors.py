"""Errors the command line turns into one line and an exit code."""

from __future__ import annotations

from collections.abc import Iterable

# The exit code of a run the user cancelled (Ctrl-C, Escape, end of input): 128 + SIGINT.
CANCELLED = 130


class ScaffolderError(Exception):
    """An error with a message fit to show a user as it is, on one line."""

    exit_code = 1
    # A report of several lines by design (a merge conflict's marked files): printed with its
    # line breaks, every other control character escaped (scaffolder.printable).
    lines = False


class UsageError(ScaffolderError):
    """Bad input: a wrong name, key, provider or file. Nothing was written."""

    exit_code = 2


def closest(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for the nearest choice, or '' when none is near."""
    options = list(choices)
    # A prefix ("prod", "post") is how people abbreviate; difflib alone scores those low.
    prefixed = [c for c in options if word and c.startswith(word.lower())]
    if prefixed:
        return f" (did you mean {prefixed[0]!r}?)"
    # deferred: difflib (with heapq) ~0.8 ms (CPU, measured): every command imports this
    # module, and only a mistyped name needs it
    import difflib

    match = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def yaml_error_text(error: Exception) -> str:
    """`line 3, column 7: malformed YAML: <problem>` from a PyYAML error, for `path: <this>`."""
    mark = getattr(error, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    problem = getattr(error, "problem", None)
    if problem is None and getattr(error, "character", None) is not None:
        # A ReaderError (a control character YAML does not allow) has no mark; its text runs
        # over two lines. Say which character, and where, on one.
        where = f"character {getattr(error, 'position', 0) + 1}: "
        problem = f"{chr(error.character)!r} is not allowed in YAML"  # type: ignore[attr-defined]
    text = " ".join(str(problem or error).split())
    return f"{where}malformed YAML: {text}"


class WriteError(ScaffolderError):
    """The disk refused a write (permission, name too long, disk full, ...); nothing written."""

    exit_code = 2


class ProjectBusy(ScaffolderError):
    """Another protean-init holds the project's lock."""

    exit_code = 2


class OutsideProject(UsageError):
    """A path that would leave the project, enter .git/ or pass through a link."""


class JournalRefused(UsageError):
    """A journal protean-init cannot show it wrote, or that names what no transaction writes."""


class StaleFile(ScaffolderError):
    """A file no longer holds what a change was computed from: another process or the user
    changed it since it was read. The one check of it is the transaction's commit, under the
    lock."""

    def __init__(self, relative: str) -> None:
        super().__init__(
            f"{relative} changed since protean-init read it (another edit at the same time?); "
            "nothing was written; run the command again"
        )
        self.relative = relative


class Unfinished(ScaffolderError):
    """A commit failed and its rollback failed too; the journal stays for the next run."""

    exit_code = 1
