"""Generate projects with protean-init, install them with uv, and run commands in them.

Each generated project gets its own virtual environment (``<project>/.venv``, as its README
tells users), installed with ``uv pip install -e '<project>[test]'``: exactly the extras its
pyproject asks for, nothing from this repo's environment. uv's cache is ``$UV_CACHE_DIR``, else
``.cache/uv`` at the repo root (git-ignored), so only the first install on a machine downloads
and builds (psycopg2 for ``protean[message-db]`` is built from source).

Every command runs with an environment cleaned of PROTEAN_*, PG*, PYTHON*, pytest's own
variables and every variable the project's ``.env.example`` names, so nothing from the
developer's shell (or from this suite) leaks into a project's run.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from . import servers

# UV_CACHE_DIR from the environment when set (CI: the cache its own install of this repo
# filled, so psycopg2 is built once a machine, not once a clone).
UV_CACHE_DIR = Path(os.environ.get("UV_CACHE_DIR") or servers.REPO_ROOT / ".cache" / "uv")
# Generous: a cold install builds psycopg2; a project's suite takes seconds.
INSTALL_TIMEOUT = 900
RUN_TIMEOUT = 300
OUTPUT_LIMIT = 12_000  # characters of each stream shown in a failure report


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    """One generated project: the `new` flags, then any `add-database` commands."""

    id: str
    sets: tuple[str, ...] = ()
    add_databases: tuple[tuple[str, ...], ...] = ()
    # Effective providers under PROTEAN_ENV=test that the run must see (a guard against a
    # project that silently falls back to memory): {"databases": {...}, "brokers": ...}.
    expect_test: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def name(self) -> str:
        return f"e2e-{self.id}"

    @property
    def package(self) -> str:
        return self.name.replace("-", "_")


def _everywhere(slot: str, provider: str) -> tuple[str, ...]:
    return tuple(f"{env}.{slot}={provider}" for env in ("production", "test"))


_SERVERS_EXPECTED = {
    "databases": {"default": "postgresql", "memory": "memory"},
    "brokers": {"default": "redis"},
    "caches": {"default": "redis"},
    "event_store": "message_db",
}

CASES: dict[str, Case] = {
    case.id: case
    for case in (
        Case("defaults", expect_test=_SERVERS_EXPECTED),
        # A project with no server at all: SQLite file, everything else in process.
        Case(
            "sqlite",
            sets=(
                *_everywhere("databases.default", "sqlite"),
                *_everywhere("brokers.default", "inline"),
                *_everywhere("event_store", "memory"),
                *_everywhere("caches.default", "memory"),
            ),
            expect_test={
                "databases": {"default": "sqlite", "memory": "memory"},
                "brokers": {"default": "inline"},
                "caches": {"default": "memory"},
                "event_store": "memory",
            },
        ),
        Case(
            "redis-pubsub",
            sets=_everywhere("brokers.default", "redis_pubsub"),
            expect_test={**_SERVERS_EXPECTED, "brokers": {"default": "redis_pubsub"}},
        ),
        # A named database added to a generated project by the reopen command.
        Case(
            "named-database",
            add_databases=(
                (
                    "reports",
                    "--provider",
                    "sqlite",
                    "--env",
                    "test=postgresql",
                    "--env",
                    "production=postgresql",
                ),
            ),
            expect_test={
                **_SERVERS_EXPECTED,
                "databases": {"default": "postgresql", "reports": "postgresql", "memory": "memory"},
            },
        ),
        # MySQL in test and production, and a named database on it (its own database).
        Case(
            "mysql",
            sets=_everywhere("databases.default", "mysql"),
            add_databases=(("reports", "--provider", "mysql"),),
            expect_test={
                **_SERVERS_EXPECTED,
                "databases": {"default": "mysql", "reports": "mysql", "memory": "memory"},
            },
        ),
        # A PostgreSQL project gaining a MySQL database.
        Case(
            "postgresql-plus-mysql",
            add_databases=(("audit", "--provider", "mysql"),),
            expect_test={
                **_SERVERS_EXPECTED,
                "databases": {"default": "postgresql", "audit": "mysql", "memory": "memory"},
            },
        ),
    )
}


# --------------------------------------------------------------------------- commands


@dataclass
class Run:
    """A finished command, with everything needed to explain a failure."""

    argv: list[str]
    cwd: Path
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    env_shown: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def __repr__(self) -> str:
        return f"Run({shlex.join(self.argv)!r}: exit {self.returncode})"

    def report(self) -> str:
        def tail(text: str) -> str:
            if len(text) <= OUTPUT_LIMIT:
                return text
            return f"[... {len(text) - OUTPUT_LIMIT} characters cut ...]\n{text[-OUTPUT_LIMIT:]}"

        env = " ".join(f"{k}={shlex.quote(v)}" for k, v in sorted(self.env_shown.items()))
        return (
            f"\n$ cd {self.cwd} && {env + ' ' if env else ''}{shlex.join(self.argv)}\n"
            f"exit {self.returncode} after {self.seconds:.1f}s\n"
            f"--- stdout ---\n{tail(self.stdout)}\n--- stderr ---\n{tail(self.stderr)}"
        )


def run(
    argv: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    shown: dict[str, str] | None = None,
    timeout: float = RUN_TIMEOUT,
) -> Run:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        code, out, err = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as exc:
        code = -1
        out = _text(exc.stdout)
        err = _text(exc.stderr) + f"\n[timed out after {timeout}s]"
    return Run(argv, cwd, code, out, err, time.perf_counter() - started, shown or {})


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data if isinstance(data, str) else data.decode(errors="replace")


def check(result: Run) -> Run:
    """Raise with the full report when the command failed."""
    if not result.ok:
        raise AssertionError(result.report())
    return result


# --------------------------------------------------------------------------- tools


def find_uv() -> str:
    """uv from this environment (the `test` extra installs it), else from PATH."""
    beside = Path(sys.executable).parent / "uv"
    found = str(beside) if os.access(beside, os.X_OK) else shutil.which("uv")
    if not found:
        raise servers.ServerUnavailable(
            "uv not found next to this Python or on PATH; it installs the generated projects: "
            "`pip install -e '.[test]'` (the test extra has it)"
        )
    return found


_offline: list[str] | None = None


def offline_prefix() -> list[str]:
    """A command prefix that runs its command with no network at all, or [] if impossible.

    ``unshare --net`` gives the command a network namespace of its own with only a loopback
    interface, and that one down: any attempt to reach a server, on this machine or another,
    fails at once. Root can do it directly; others may through a user namespace.
    """
    global _offline
    if _offline is None:
        _offline = []
        unshare = shutil.which("unshare")
        if unshare:
            for prefix in ([unshare, "--net"], [unshare, "--net", "--map-root-user"]):
                probe = subprocess.run(
                    [*prefix, "--", "true"], capture_output=True, check=False, timeout=30
                )
                if probe.returncode == 0:
                    _offline = [*prefix, "--"]
                    break
    return _offline


# --------------------------------------------------------------------------- projects

_DROPPED_PREFIXES = ("PROTEAN_", "PG", "PYTHON", "PYTEST_", "VIRTUAL_ENV", "UV_", "CONDA")
_EXAMPLE_LINE = re.compile(r"^#\s*([A-Z][A-Z0-9_]*)=(\S+)\s*$")
_SECTION_LINE = re.compile(r"^#\s*(\w+)\s+\((?:no PROTEAN_ENV|PROTEAN_ENV=\w+)")


def parse_env_example(text: str) -> dict[str, dict[str, str]]:
    """`.env.example` as {environment: {VARIABLE: example value}}."""
    sections: dict[str, dict[str, str]] = {}
    current: str | None = None
    for line in text.splitlines():
        section = _SECTION_LINE.match(line)
        if section:
            current = section.group(1)
            sections.setdefault(current, {})
            continue
        variable = _EXAMPLE_LINE.match(line)
        if variable and current is not None:
            sections[current][variable.group(1)] = variable.group(2)
    return sections


@dataclass
class Project:
    case: Case
    root: Path
    install_seconds: float = 0.0
    install_run: Run | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return f"Project({self.case.id!r} at {self.root})"

    @property
    def package(self) -> str:
        return self.case.package

    @property
    def venv(self) -> Path:
        return self.root / ".venv"

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    @property
    def domain_path(self) -> str:
        """The --domain argument the generated README and CI use."""
        return f"src/{self.package}/domain.py"

    @property
    def env_example(self) -> dict[str, dict[str, str]]:
        path = self.root / ".env.example"
        return parse_env_example(path.read_text()) if path.exists() else {}

    @property
    def variables(self) -> set[str]:
        return {name for section in self.env_example.values() for name in section}

    def readme_command(self, needle: str) -> str | None:
        """The command line of the generated README that contains `needle`, if any."""
        for line in (self.root / "README.md").read_text().splitlines():
            if needle in line and not line.lstrip().startswith("#"):
                return line.strip()
        return None

    def clean_env(self) -> dict[str, str]:
        """This process's environment without anything that could steer the project."""
        project_vars = self.variables
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(_DROPPED_PREFIXES)
            and k not in project_vars
            and not k.endswith(("DATABASE_URL", "BROKER_URL", "CACHE_URL", "EVENT_STORE_URL"))
        }
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        env["VIRTUAL_ENV"] = str(self.venv)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        return env

    def run(
        self,
        argv: list[str],
        *,
        variables: dict[str, str] | None = None,
        offline: bool = False,
        timeout: float = RUN_TIMEOUT,
    ) -> Run:
        """Run a command of the project's venv from the project root."""
        env = self.clean_env()
        env.update(variables or {})
        tool = argv[0] if os.path.isabs(argv[0]) else str(self.bin / argv[0])
        full = [*(offline_prefix() if offline else []), tool, *argv[1:]]
        return run(full, cwd=self.root, env=env, shown=variables, timeout=timeout)

    def shell(self, line: str, *, variables: dict[str, str] | None = None) -> Run:
        """A command line as a user types it, in a shell with the venv first on PATH."""
        bash = shutil.which("bash") or "/bin/bash"
        return self.run([bash, "-c", line], variables=variables)

    def python(
        self, source: str, *, variables: dict[str, str] | None = None, offline: bool = False
    ) -> Run:
        return self.run(
            ["python", "-c", textwrap.dedent(source)], variables=variables, offline=offline
        )

    def pytest(
        self,
        args: list[str],
        *,
        report: Path,
        variables: dict[str, str] | None = None,
        offline: bool = False,
    ) -> PytestRun:
        argv = ["pytest", "-p", "no:cacheprovider", "-rA", f"--junitxml={report}", *args]
        result = self.run(argv, variables=variables, offline=offline)
        return PytestRun(result, parse_junit(report) if report.exists() else {})


def generate(case: Case, folder: Path) -> Project:
    """`protean-init new` (and `add-database`), run as a user would, in a subprocess."""
    root = folder / case.name
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROTEAN_", "PYTEST_"))}
    cli = [sys.executable, "-m", "scaffolder"]
    argv = [*cli, "new", str(root), "--ui", "none", "--defaults"]
    for text in case.sets:
        argv += ["--set", text]
    check(run(argv, cwd=folder, env=env))
    for add in case.add_databases:
        check(run([*cli, "add-database", *add, "--project", str(root)], cwd=folder, env=env))
    return Project(case, root)


def install(project: Project, uv: str) -> Project:
    """One venv per project with the project and its `test` extra, installed by uv."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV"))}
    env.update(UV_CACHE_DIR=str(UV_CACHE_DIR), UV_PYTHON_DOWNLOADS="never", UV_NO_PROGRESS="1")
    started = time.perf_counter()
    # The interpreter running this suite: no download, and a Python the repo supports.
    check(
        run(
            [uv, "venv", "--python", sys.executable, str(project.venv)],
            cwd=project.root,
            env=env,
            timeout=INSTALL_TIMEOUT,
        )
    )
    project.install_run = check(
        run(
            [uv, "pip", "install", "--python", str(project.bin / "python"), "-e", ".[test]"],
            cwd=project.root,
            env=env,
            timeout=INSTALL_TIMEOUT,
        )
    )
    project.install_seconds = time.perf_counter() - started
    return project


# --------------------------------------------------------------------------- pytest results


@dataclass
class PytestRun:
    run: Run
    # test id (``test_file.py::name[param]``) -> "passed" | "failed" | "error" | "skipped: why"
    outcomes: dict[str, str]

    def failures(self) -> dict[str, str]:
        return {k: v for k, v in self.outcomes.items() if v != "passed"}

    def report(self) -> str:
        lines = "\n".join(f"  {k}: {v}" for k, v in sorted(self.outcomes.items()))
        return f"{self.run.report()}\n--- outcomes ---\n{lines}"


def parse_junit(path: Path) -> dict[str, str]:
    outcomes: dict[str, str] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        module = case.get("classname", "").rsplit(".", 1)[-1]
        key = f"{module}.py::{case.get('name')}"
        outcome = "passed"
        for child in case:
            if child.tag in {"failure", "error"}:
                outcome = child.tag
                break
            if child.tag == "skipped":
                outcome = f"skipped: {child.get('message', '')}"
        # A test can appear twice (call failed, then teardown errored): keep the worst.
        if outcomes.get(key, "passed") == "passed":
            outcomes[key] = outcome
    return outcomes


# --------------------------------------------------------------------------- probes run inside


EFFECTIVE_CONFIG = """
    import json
    from {package}.domain import domain

    config = domain.config
    print(json.dumps({{
        "databases": {{n: c["provider"] for n, c in config["databases"].items()}},
        "brokers": {{n: c["provider"] for n, c in config["brokers"].items()}},
        "caches": {{n: c["provider"] for n, c in config["caches"].items()}},
        "event_store": config["event_store"]["provider"],
        "testing": config["testing"],
    }}))
"""

# Register a customer as an application would, and leave a message on every broker and an
# entry in every cache: the suite's own resets would erase what its tests store, so this
# leaves evidence in the servers that the test tier reads back directly.
PERSIST_CUSTOMER = """
    import json
    import uuid

    from protean.core.projection import BaseProjection
    from protean.fields import Identifier, String
    from protean.utils.inflection import camelize, underscore

    from {package}.domain import domain

    evidence = {{}}
    for cache in domain.config["caches"]:

        class Evidence(BaseProjection):
            key: str = Identifier(identifier=True)
            label: str = String(max_length=50)

        Evidence.__name__ = Evidence.__qualname__ = f"E2e{{camelize(cache)}}CacheEvidence"
        evidence[cache] = domain.projection(Evidence, cache=cache)

    domain.init()
    with domain.domain_context():
        from {package}.customers.customer import Customer

        email = f"e2e-{{uuid.uuid4().hex}}@example.com"
        customer = Customer.register(name="E2E Evidence", email=email)
        domain.repository_for(Customer).add(customer)
        stored = domain.repository_for(Customer).get(customer.id)

        streams = {{}}
        for name, broker in domain.brokers.items():
            streams[name] = f"e2e-evidence-{{uuid.uuid4().hex}}"
            broker.publish(streams[name], {{"customer_id": customer.id}})

        cache_keys = {{}}
        for cache, cls in evidence.items():
            key = uuid.uuid4().hex
            domain.cache_for(cls).add(cls(key=key, label="evidence"), ttl=600)
            cache_keys[cache] = f"{{underscore(cls.__name__)}}:::{{key}}"

    print(json.dumps({{
        "id": customer.id,
        "email": email,
        "welcomed": stored.welcomed,
        "table": Customer.meta_.schema_name,
        "stream": f"{{Customer.meta_.stream_category}}-{{customer.id}}",
        "broker_streams": streams,
        "cache_keys": cache_keys,
    }}))
"""


def last_json_line(result: Run) -> dict:
    for line in reversed(result.stdout.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise AssertionError(f"no JSON line in the output{result.report()}")
