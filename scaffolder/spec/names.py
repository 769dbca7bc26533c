"""The names a project gives: the project, its package, its slots and the variables they
read; what each may be, and what a name may not take over."""

from __future__ import annotations

import keyword
import re
import sys

from scaffolder.errors import UsageError

# Matched whole (fullmatch): `$` would also match before a trailing newline, and a name
# ending in one writes a domain.toml, CI file and .env.example that do not parse.
_PROJECT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9._-]*")
_SLOT_NAME = re.compile(r"[a-z][a-z0-9_]*")
# An environment variable's name, as domain.toml's ${VAR} references and the flags take it.
VARIABLE_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")


# --- Names that would take over what runs the project -------------------------------------
# A variable the project reads is exported by its CI job and listed in .env.example: named
# like one the shell, the dynamic loader, Python, pip, pytest, compose, Protean or the CI
# runner reads itself, it would change what runs (PATH: postgresql://... in a job's env).
_RESERVED_VARIABLES = frozenset(
    {
        # The shell and the login environment.
        "PATH", "HOME", "SHELL", "USER", "LOGNAME", "PWD", "OLDPWD", "IFS", "PS1", "PS2",
        "PS4", "ENV", "CDPATH", "TMPDIR", "TZ", "LANG", "LANGUAGE", "TERM", "HOSTNAME",
        "SHLVL", "MAIL", "UID", "EUID", "GLOBIGNORE", "PROMPT_COMMAND",
        # Where the network and TLS go.
        "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR",
        "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
        # Python's and CI's own.
        "VIRTUAL_ENV", "CI",
    }
)  # fmt: skip
_RESERVED_PREFIXES = (
    "LD_",  # the dynamic loader (LD_PRELOAD, LD_LIBRARY_PATH)
    "DYLD_",  # macOS's
    "BASH_",  # BASH_ENV runs a file in every non-interactive bash
    "LC_",
    "PYTHON",  # PYTHONPATH, PYTHONHOME, PYTHONSTARTUP, ...
    "PIP_",  # PIP_INDEX_URL: CI's install step
    "UV_",
    "PYTEST_",  # PYTEST_ADDOPTS, PYTEST_PLUGINS
    "PROTEAN_",  # PROTEAN_ENV selects the overlay; the prefix is Protean's and protean-init's
    "COMPOSE_",  # compose reads them from .env (COMPOSE_FILE, COMPOSE_PROJECT_NAME)
    "DOCKER_",  # DOCKER_HOST
    "GITHUB_",  # the runners' own (GITHUB_ENV, GITHUB_PATH write the job's environment)
    "RUNNER_",
    "ACTIONS_",
    "GITLAB_",
    "CI_",  # GitLab's predefined variables (CI_JOB_TOKEN, ...)
)


def reserved_variable(name: str) -> str | None:
    """Why `name` may not be a variable the project reads, or None when it may."""
    if name in _RESERVED_VARIABLES:
        return "the shell, Python or the CI runner reads it itself"
    prefix = next((p for p in _RESERVED_PREFIXES if name.startswith(p)), None)
    if prefix is not None:
        return f"names starting {prefix} belong to the tools that run the project"
    return None


def validate_variable_name(name: str, slot: object) -> None:
    """A variable a slot reads: A-Z, 0-9 and '_', and no name a tool that runs the project
    reads itself (new --set, set, answers files, the wizard: spec.validate and the vocabulary)."""
    if not VARIABLE_NAME.fullmatch(name):
        raise UsageError(f"invalid variable name {name!r} for {slot}: use A-Z, 0-9 and '_'")
    why = reserved_variable(name)
    if why is not None:
        raise UsageError(
            f"variable name {name!r} for {slot} is reserved: {why}; "
            f"choose a name of the project's own, such as APP_{name.lstrip('_')}"
        )


# Import names a package may not take: it would shadow the framework, its test runner, what
# they import or the standard library (`import protean` in the project's tests would import
# the project). Protean 0.18's runtime requirements and its extras' drivers, by import name.
_SHADOWED = frozenset(
    {
        "protean", "pytest", "_pytest", "pluggy", "hatchling", "pip", "setuptools",
        "bleach", "inflection", "marshmallow", "pydantic", "pydantic_core", "dateutil",
        "structlog", "typer", "click", "typing_extensions", "sqlalchemy", "psycopg",
        "psycopg2", "redis", "elasticsearch", "message_db", "pymysql", "greenlet",
        "tests", "conftest",
    }
)  # fmt: skip


def shadowed_package(name: str) -> str | None:
    """What a package named `name` would shadow, or None."""

    if name in sys.stdlib_module_names:
        return "Python's standard library"
    if name.lower() in _SHADOWED:
        return "a package the project runs on (Protean, pytest or what they import)"
    return None


def validate_project_name(name: str) -> None:
    if not _PROJECT_NAME.fullmatch(name):
        raise UsageError(
            f"invalid project name {name!r}: use letters, digits, '-', '_' or '.', "
            "starting with a letter"
        )


def validate_package_name(name: str) -> None:
    if not name.isidentifier() or not name.isascii():
        raise UsageError(
            f"invalid package name {name!r}: use a Python identifier such as "
            f"{package_name_for(name) or 'my_app'!r}"
        )
    # Soft keywords (match, type) import fine; only hard keywords cannot be imported.
    if keyword.iskeyword(name):
        raise UsageError(
            f"invalid package name {name!r}: it is a Python keyword; use an identifier "
            f"that is not one, such as {name + '_app'!r}"
        )
    shadowed = shadowed_package(name)
    if shadowed is not None:
        raise UsageError(
            f"invalid package name {name!r}: it would shadow {shadowed}; use a name of the "
            f"project's own, such as {name + '_app'!r} (--package NAME)"
        )


def validate_slot_name(name: str) -> None:
    if not _SLOT_NAME.fullmatch(name) or keyword.iskeyword(name):
        raise UsageError(
            f"invalid name {name!r}: use lower-case letters, digits and '_', starting with a letter"
        )


def package_name_for(project_name: str) -> str:
    """`Acme-Shop.api` -> `acme_shop_api`: the import name a project name suggests."""
    name = re.sub(r"[^0-9a-zA-Z]+", "_", project_name).strip("_").lower()
    if name and name[0].isdigit():
        name = f"app_{name}"
    return name
