"""Generated projects pass their own test suites, in memory and against real servers.

For each case in projects.CASES (the defaults, SQLite, Redis Pub/Sub, a database added with
`add-database`) the tier generates the project with protean-init, installs it into its own
venv with the extras its pyproject asks for, and then, as its README and CI tell users to:

- `pytest --protean-env memory` with no service variables and no network at all;
- `protean check --domain=src/<package>/domain.py`;
- with the variables of its `.env.example` pointed at this tier's servers: the README's
  `PROTEAN_ENV=test protean db setup --domain=src/<package>/domain.py` line, then, with
  `PROTEAN_ENV=test` as the generated CI sets it, a script that registers a customer as an
  application would, and `pytest`.

What the project stored is read back from the servers directly (rows, messages, keys), and
the suite's use of them from counters that survive its cleanup (see usage.py).

Elasticsearch cannot run on this machine: its generated configs are proved by the validators
and the generation tests only (see README.md here).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from . import projects, servers, usage
from .projects import CASES, Project, PytestRun, Run

CUSTOMER_TESTS = (
    "test_customers.py::test_registering_raises_an_event",
    "test_customers.py::test_a_saved_customer_can_be_loaded",
    "test_customers.py::test_the_register_command_stores_a_customer",
    "test_customers.py::test_saving_appends_the_event_to_the_event_store",
    "test_customers.py::test_the_welcome_handler_reacts_to_the_registration",
)
MEMORY_PROVIDERS = {"memory", "inline"}


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session", params=list(CASES))
def project(
    request: pytest.FixtureRequest, uv: str, e2e_workspace: Path, e2e_timings: dict[str, float]
) -> Project:
    """A generated project installed in its own venv; once per case for the whole session."""
    case = CASES[request.param]
    generated = projects.generate(case, e2e_workspace)
    projects.install(generated, uv)
    e2e_timings[f"{case.id} install"] = generated.install_seconds
    return generated


def effective_config(project: Project, variables: dict[str, str]) -> dict:
    source = projects.EFFECTIVE_CONFIG.format(package=project.package)
    return projects.last_json_line(projects.check(project.python(source, variables=variables)))


def expected_tests(config: dict) -> set[str]:
    """The tests the generated suite must run for this configuration (it is config-driven)."""
    return {
        *(f"test_databases.py::test_database_round_trip[{n}]" for n in config["databases"]),
        *(f"test_brokers.py::test_broker_round_trip[{n}]" for n in config["brokers"]),
        *(f"test_caches.py::test_cache_round_trip[{n}]" for n in config["caches"]),
        *CUSTOMER_TESTS,
    }


def assert_suite_passed(suite: PytestRun, config: dict) -> None:
    assert suite.run.ok, suite.report()
    missing = expected_tests(config) - set(suite.outcomes)
    assert not missing, f"tests that did not run: {sorted(missing)}{suite.report()}"
    # A skip would hide a provider the suite never touched.
    assert not suite.failures(), f"not passed: {suite.failures()}{suite.report()}"


@dataclass
class MemoryRun:
    config: dict
    suite: PytestRun
    offline: bool


@pytest.fixture(scope="session")
def memory_run(project: Project, tmp_path_factory, e2e_timings) -> MemoryRun:
    """`pytest --protean-env memory`, no service variables, no PROTEAN_ENV, no network."""
    offline = bool(projects.offline_prefix())
    if not offline:
        warnings.warn(
            "unshare --net is not available: the memory run has network access, so it is not "
            "proved to make no connection",
            stacklevel=1,
        )
    config = effective_config(project, {"PROTEAN_ENV": "memory"})
    report = tmp_path_factory.mktemp(f"{project.case.id}-memory") / "junit.xml"
    suite = project.pytest(["--protean-env", "memory"], report=report, offline=offline)
    e2e_timings[f"{project.case.id} memory suite"] = suite.run.seconds
    return MemoryRun(config, suite, offline)


@dataclass
class RealRun:
    """Everything the real-server run did and found, recorded step by step."""

    targets: dict[str, usage.Target]
    variables: dict[str, str]
    config: dict
    db_setup: Run
    tables_after_setup: dict[str, set[str]]
    persist: Run
    evidence: dict
    found: dict[str, object] = field(default_factory=dict)
    suite: PytestRun | None = None
    # variable -> {table: rows inserted by the suite} (EVENT_STORE_URL: Message DB's tables)
    inserted: dict[str, dict[str, int]] = field(default_factory=dict)
    redis_calls: dict[str, int] = field(default_factory=dict)
    tables_after_suite: dict[str, set[str]] = field(default_factory=dict)
    # The databases on the MariaDB server after the suite (a project with mysql databases).
    mysql_databases: set[str] = field(default_factory=set)

    def __repr__(self) -> str:
        return (
            f"RealRun(variables={self.variables}, config={self.config}, found={self.found}, "
            f"inserted={self.inserted}, redis_calls={self.redis_calls})"
        )


class Servers:
    """The shared servers, started only when a project's variables need them."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._request = request

    def postgres(self) -> servers.PostgresServer:
        return self._request.getfixturevalue("e2e_postgres_server")

    def redis_url(self) -> str:
        return self._request.getfixturevalue("redis_url")

    def message_db_url(self) -> str:
        return self._request.getfixturevalue("message_db_url")

    def mariadb(self) -> servers.MariadbServer:
        return self._request.getfixturevalue("e2e_mariadb_server")


def _tables(pool: Servers, target: usage.Target) -> set[str]:
    if target.kind == "postgresql":
        assert target.dbname
        return usage.pg_tables(pool.postgres(), target.dbname)
    if target.kind == "mysql":
        assert target.dbname
        return usage.mysql_tables(pool.mariadb(), target.dbname)
    assert target.path
    return usage.sqlite_tables(target.path)


def _row(pool: Servers, target: usage.Target, table: str, ident: str) -> dict | None:
    if target.kind == "postgresql":
        assert target.dbname
        return usage.pg_row(pool.postgres(), target.dbname, table, ident)
    if target.kind == "mysql":
        assert target.dbname
        return usage.mysql_row(pool.mariadb(), target.dbname, table, ident)
    assert target.path
    return usage.sqlite_row(target.path, table, ident)


def _create_step(project: Project, service: str) -> dict:
    workflow = yaml.safe_load((project.root / ".github/workflows/ci.yml").read_text())
    steps = workflow["jobs"]["integration"]["steps"]
    [step] = [s for s in steps if s.get("name") == f"Create the named databases on {service}"]
    return step


def create_named_databases(project: Project, server: servers.PostgresServer) -> None:
    step = _create_step(project, "postgres")
    libpq = server.libpq_env()
    variables = {k: str(v) for k, v in step["env"].items()}
    variables.update({k: libpq[k] for k in ("PGHOST", "PGPORT", "PATH")})
    created = project.shell(step["run"], variables=variables)
    assert created.ok, created


def create_named_mysql_databases(project: Project, server: servers.MariadbServer) -> None:
    """The generated CI's step (PyMySQL, from the project's own venv), aimed at this tier's
    MariaDB instead of the service's published port."""
    step = _create_step(project, "mysql")
    aimed = step["run"].replace("port=3306,", f"port={server.port},")
    assert aimed != step["run"], step
    created = project.shell(aimed)
    assert created.ok, created.report()


@pytest.fixture(scope="session")
def real_run(
    project: Project, request: pytest.FixtureRequest, tmp_path_factory, e2e_timings
) -> RealRun:
    case = project.case.id
    pool = Servers(request)
    folder = tmp_path_factory.mktemp(f"{case}-real")
    # The test section, and the base section's variables test inherits: .env.example lists a
    # variable with the same default once, under the first environment that reads it.
    sections = project.env_example
    examples = {**sections.get("base", {}), **sections.get("test", {})}
    targets = usage.point_variables(
        examples,
        prefix=project.package,
        folder=folder,
        postgres=pool.postgres,
        redis_url=pool.redis_url,
        message_db_url=pool.message_db_url,
        mariadb=pool.mariadb,
    )
    variables = {"PROTEAN_ENV": "test", **{v: t.url for v, t in targets.items()}}
    databases = {v: t for v, t in targets.items() if t.kind in {"postgresql", "mysql", "sqlite"}}
    created = {t.kind for t in targets.values() if t.created_by_project}
    # A named database's own database: created as the generated CI creates it, by its step,
    # aimed at this tier's server (createdb with its libpq variables; PyMySQL on its port).
    if "postgresql" in created:
        create_named_databases(project, pool.postgres())
    if "mysql" in created:
        create_named_mysql_databases(project, pool.mariadb())

    config = effective_config(project, variables)

    # Before the suite, as the generated README tells users to (in a shell that has the
    # services' variables but no PROTEAN_ENV), or as the generated CI does when the README
    # has no such step (a project without services has no "Thorough" section).
    # The test section's line (the Deploying section's `docker run ... db setup` is for the image).
    line = project.readme_command("PROTEAN_ENV=test protean db setup")
    if line:
        shell_vars = {k: v for k, v in variables.items() if k != "PROTEAN_ENV"}
        db_setup = project.shell(line, variables=shell_vars)
    else:
        db_setup = project.run(
            ["protean", "db", "setup", f"--domain={project.domain_path}"], variables=variables
        )
    tables_after_setup = {v: _tables(pool, t) for v, t in databases.items()}

    source = projects.PERSIST_CUSTOMER.format(package=project.package)
    persist = project.python(source, variables=variables)
    evidence = projects.last_json_line(persist) if persist.ok else {}
    run = RealRun(targets, variables, config, db_setup, tables_after_setup, persist, evidence)
    if evidence:
        default = targets.get(usage.slot_variable("DATABASE_URL", "default"))
        if default:
            run.found["row"] = _row(pool, default, evidence["table"], evidence["id"])
        if "EVENT_STORE_URL" in targets:
            run.found["messages"] = usage.stream_messages(
                targets["EVENT_STORE_URL"].url, evidence["stream"]
            )
        for name, stream in evidence["broker_streams"].items():
            target = targets.get(usage.slot_variable("BROKER_URL", name))
            if target:
                run.found[f"broker {name}"] = usage.redis_key_type(target.url, stream)
        for name, key in evidence["cache_keys"].items():
            target = targets.get(usage.slot_variable("CACHE_URL", name))
            if target:
                run.found[f"cache {name}"] = usage.redis_key_type(target.url, key)

    # Counters reset before the suite, then the suite exactly as the generated CI runs it.
    postgres_dbs = {v: t.dbname for v, t in databases.items() if t.kind == "postgresql"}
    if "EVENT_STORE_URL" in targets:
        postgres_dbs["EVENT_STORE_URL"] = servers.MESSAGE_DB_NAME
    if postgres_dbs:
        usage.reset_statements(pool.postgres())
    # One Redis server: its statistics are server-wide, whichever database a variable names.
    redis_url = next((t.url for t in targets.values() if t.kind == "redis"), None)
    if redis_url:
        usage.redis_reset_stats(redis_url)
    mysql_dbs = {v: t.dbname for v, t in databases.items() if t.kind == "mysql"}
    mysql_mark = usage.general_log_mark(pool.mariadb()) if mysql_dbs else 0

    report = folder / "junit.xml"
    run.suite = project.pytest([], report=report, variables=variables)
    e2e_timings[f"{case} real suite"] = run.suite.run.seconds

    for variable, dbname in postgres_dbs.items():
        assert dbname
        run.inserted[variable] = usage.inserted_rows(pool.postgres(), dbname)
    if mysql_dbs:
        by_database = usage.mysql_inserts(pool.mariadb(), mysql_mark)
        for variable, dbname in mysql_dbs.items():
            run.inserted[variable] = by_database.get(dbname or "", {})
        run.mysql_databases = pool.mariadb().databases()
    if redis_url:
        run.redis_calls = usage.redis_command_calls(redis_url)
    run.tables_after_suite = {v: _tables(pool, t) for v, t in databases.items()}
    return run


# --------------------------------------------------------------------------- memory


def test_memory_suite_passes_without_services(memory_run: MemoryRun) -> None:
    """`pytest --protean-env memory` passes with no variables, no servers, no network."""
    assert all(
        provider in MEMORY_PROVIDERS
        for role in ("databases", "brokers", "caches")
        for provider in memory_run.config[role].values()
    ), memory_run.config
    assert memory_run.config["event_store"] == "memory", memory_run.config
    assert_suite_passed(memory_run.suite, memory_run.config)


def test_protean_check_passes(project: Project) -> None:
    """Protean's own `protean check` finds nothing to fail on in the generated domain."""
    result = project.run(
        ["protean", "check", f"--domain={project.domain_path}"],
        offline=bool(projects.offline_prefix()),
    )
    assert result.ok, result.report()


# --------------------------------------------------------------------------- real servers


def test_test_environment_uses_the_chosen_providers(project: Project, real_run: RealRun) -> None:
    """PROTEAN_ENV=test selects the [test] overlay: no silent fallback to memory."""
    expected = project.case.expect_test
    assert {k: real_run.config[k] for k in expected} == expected
    assert real_run.config["testing"] is True


def test_db_setup_creates_the_tables(real_run: RealRun) -> None:
    """`protean db setup --domain=...` (README, CI) creates the aggregate's table."""
    assert real_run.db_setup.ok, real_run.db_setup.report()
    default = usage.slot_variable("DATABASE_URL", "default")
    tables = real_run.tables_after_setup
    assert "customer" in tables[default], f"tables: {tables}{real_run.db_setup.report()}"


def test_a_registered_customer_lands_in_the_servers(real_run: RealRun) -> None:
    """An application's write reaches the real database, event store, broker and cache."""
    assert real_run.persist.ok, real_run.persist.report()
    evidence, found, targets = real_run.evidence, real_run.found, real_run.targets
    assert evidence["welcomed"] is True  # the sync event handler ran and saved

    row = found["row"]
    assert row is not None, f"no {evidence['table']} row {evidence['id']} in the database"
    assert (row["email"], bool(row["welcomed"])) == (evidence["email"], True)

    if "EVENT_STORE_URL" in targets:
        [(kind, data)] = found["messages"]
        assert "CustomerRegistered" in kind.split("."), kind  # <Domain>.<Event>.v1
        assert data["customer_id"] == evidence["id"]
    for name in evidence["broker_streams"]:
        if usage.slot_variable("BROKER_URL", name) in targets:
            # Redis Streams keep a stream, Pub/Sub in Protean queues on a list.
            assert found[f"broker {name}"] in {"stream", "list"}, found
    for name in evidence["cache_keys"]:
        if usage.slot_variable("CACHE_URL", name) in targets:
            assert found[f"cache {name}"] == "string", found


def test_suite_passes_against_the_servers(real_run: RealRun) -> None:
    """`PROTEAN_ENV=test pytest`, as the generated CI runs it, passes."""
    assert real_run.suite is not None
    assert_suite_passed(real_run.suite, real_run.config)


_REDIS_COMMANDS: dict[tuple[str, str], str] = {
    ("brokers", "redis"): "xadd",
    ("brokers", "redis_pubsub"): "rpush",
    ("caches", "redis"): "psetex",
}


def test_suite_really_used_the_servers(real_run: RealRun) -> None:
    """Counters that survive the suite's cleanup show it wrote to every server it names."""
    config = real_run.config
    inserted = real_run.inserted
    default = usage.slot_variable("DATABASE_URL", "default")
    if default in inserted:
        assert inserted[default].get("customer", 0) > 0, inserted
    for variable, tables in inserted.items():
        assert sum(tables.values()) > 0, f"no rows inserted through {variable}: {inserted}"
    if "EVENT_STORE_URL" in inserted:
        assert inserted["EVENT_STORE_URL"].get("messages", 0) > 0, inserted
    for role in ("brokers", "caches"):
        for name, provider in config[role].items():
            command = _REDIS_COMMANDS.get((role, provider))
            if command:
                calls = real_run.redis_calls.get(command, 0)
                assert calls > 0, (
                    f"{role}.{name} ({provider}): no {command}: {real_run.redis_calls}"
                )
    # The generated conftest promises to drop the tables it created.
    leftover = {v: t for v, t in real_run.tables_after_suite.items() if t}
    assert not leftover, f"tables left after the suite: {leftover}"


@pytest.mark.parametrize("kind", ["postgresql", "mysql"])
def test_each_named_database_has_its_own(project: Project, real_run: RealRun, kind: str) -> None:
    """A named PostgreSQL or MySQL database's URL names a database of its own
    (`<package>_<name>`), which the generated CI's step made on this tier's server (real_run
    ran it); no two variables share one."""
    on_server = {v: t for v, t in real_run.targets.items() if t.kind == kind}
    assert len({t.dbname for t in on_server.values()}) == len(on_server), on_server
    named = {v for v in on_server if v != usage.slot_variable("DATABASE_URL", "default")}
    for variable in named:
        target = on_server[variable]
        assert target.created_by_project, target
        name = variable.removesuffix("_DATABASE_URL").lower()
        assert target.dbname == f"{project.package}_{name}"
    if kind == "mysql":
        # Every one is a database on the MariaDB server, still there after the suite.
        missing = {t.dbname for t in on_server.values()} - real_run.mysql_databases
        assert not missing, (missing, real_run.mysql_databases)
    expected_named = {
        "postgresql": {"named-database"},
        "mysql": {"mysql", "postgresql-plus-mysql"},
    }[kind]
    if project.case.id in expected_named:
        assert named, f"the {project.case.id} case has a named {kind} database in test"
