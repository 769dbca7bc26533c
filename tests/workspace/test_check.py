"""`check` on a workspace: every context's config checked, each finding naming its file in
every output format, and what only a workspace can get wrong (scaffolder.check.workspace_rules).
The workspaces are hand-made (tests/workspace/layouts.py)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.check import ERROR, run_check
from tests.workspace.layouts import EIGHT, TWO, workspace
from tests.workspace.support import snapshot

FORMATS = ["text", "json", "github", "sarif", "gitlab"]


def _codes(root: Path) -> list[tuple[str, str, str | None]]:
    return sorted((f.code, f.file, f.env) for f in run_check(root, environ={}).findings)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (old, path)
    path.write_text(text.replace(old, new))


@pytest.mark.parametrize("layout", ["src", "root"])
@pytest.mark.parametrize("contexts", [TWO, EIGHT], ids=["two", "eight"])
def test_a_clean_workspace_reads_every_context_and_finds_nothing(
    tmp_path: Path, contexts: tuple[str, ...], layout: str
) -> None:
    root = workspace(tmp_path / "shop", contexts, layout=layout)
    report = run_check(root, environ={})
    assert report.findings == []
    base = "src/" if layout == "src" else ""
    configs = [f for f in report.files if f.endswith("domain.toml")]
    assert sorted(configs) == sorted(f"{base}{name}/domain.toml" for name in contexts)
    assert report.environments == ["base", "test"]


@pytest.mark.parametrize("only", [None, "payments"], ids=["all", "one"])
def test_the_summary_names_the_contexts_checked(cli, tmp_path: Path, only: str | None) -> None:
    """At a workspace's root `check` reads every context: its summary says which (text and
    GitHub's line, JSON's and SARIF's documents), so "no findings" is not read as one config's."""
    root = workspace(tmp_path / "shop", EIGHT)
    chosen = ["--context", only] if only else []
    names = [only] if only else sorted(EIGHT)
    scope = f"in {len(names)} context{'s' if len(names) > 1 else ''} ({', '.join(names)}), "

    text = cli("check --project", root, *chosen)
    github = cli("check --project", root, *chosen, "--format", "github")
    as_json = json.loads(cli("check --project", root, *chosen, "--format", "json").out)
    sarif = json.loads(cli("check --project", root, *chosen, "--format", "sarif").out)

    assert text.out.strip() == f"no findings {scope}2 environments (base, test)"
    assert (
        github.out.strip() == f"protean-init check: no findings {scope}2 environments (base, test)"
    )
    assert sorted(as_json["contexts"]) == names
    assert sorted(sarif["runs"][0]["invocations"][0]["properties"]["contexts"]) == names


@pytest.mark.parametrize("output", FORMATS)
def test_each_finding_names_its_context_file_in_every_format(
    cli, tmp_path: Path, output: str
) -> None:
    root = workspace(tmp_path / "shop", EIGHT)
    _edit(root / "src/payments/domain.toml", "debug = true", "debgu = true")
    _edit(root / "src/reviews/domain.toml", 'event_processing = "async"', "event_processing = 3")
    code, out, _ = cli("check --project", root, "--format", output)
    assert code == 1
    for file, line in (("src/payments/domain.toml", 2), ("src/reviews/domain.toml", 3)):
        assert file in out, out
        if output == "text":
            assert f"{file}:{line}: error" in out, out
        if output == "github":
            assert f"file={file},line={line}," in out, out
    if output == "json":
        found = {(f["file"], f["line"]) for f in json.loads(out)["findings"]}
        assert ("src/payments/domain.toml", 2) in found
        assert ("src/reviews/domain.toml", 3) in found


def test_two_contexts_on_one_database_clash(tmp_path: Path) -> None:
    root = workspace(tmp_path / "shop")
    _edit(root / "src/payments/domain.toml", "/payments_test", "/ordering_test")
    findings = [
        f for f in run_check(root, environ={}).findings if f.code == "workspace-shared-database"
    ]
    assert len(findings) == 1
    (finding,) = findings
    assert (finding.severity, finding.file, finding.env) == (
        ERROR,
        "src/payments/domain.toml",
        "test",
    )
    lines = (root / "src/payments/domain.toml").read_text().splitlines()
    assert "ordering_test" in lines[(finding.line or 0) - 1]
    assert (
        "context ordering" in finding.message and "localhost:15432/ordering_test" in finding.message
    )
    assert "payments_test" in finding.fix
    assert "postgres:postgres" not in finding.message + finding.fix


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "0.0.0.0", "[::1]"])
def test_two_contexts_on_one_database_by_two_names_of_this_machine_clash(
    tmp_path: Path, host: str
) -> None:
    """payments on `<host>:15432/ordering_test`, ordering on `localhost:15432/ordering_test`:
    one server on this machine may answer on both names (connection_target.is_local_host),
    so they clash as on one name; 127.0.0.2 and 0.0.0.0 were taken for another server."""
    root = workspace(tmp_path / "shop")
    _edit(
        root / "src/payments/domain.toml",
        "@localhost:15432/payments_test",
        f"@{host}:15432/ordering_test",
    )
    findings = [
        f for f in run_check(root, environ={}).findings if f.code == "workspace-shared-database"
    ]
    assert [(f.file, f.env) for f in findings] == [("src/payments/domain.toml", "test")]


def test_one_variable_for_two_servers(tmp_path: Path) -> None:
    root = workspace(tmp_path / "shop")
    _edit(root / "src/payments/domain.toml", "{PAYMENTS_DATABASE_URL", "{ORDERING_DATABASE_URL")
    findings = [
        f for f in run_check(root, environ={}).findings if f.code == "workspace-shared-variable"
    ]
    assert [(f.file, f.env) for f in findings] == [("src/payments/domain.toml", "base")]
    assert "${ORDERING_DATABASE_URL}" in findings[0].message
    assert "PAYMENTS_DATABASE_URL" in findings[0].fix


def test_one_variable_for_one_server_is_sharing(tmp_path: Path) -> None:
    """MESSAGE_DB_URL and REDIS_URL read by every context for the same servers: no finding."""
    root = workspace(tmp_path / "shop", EIGHT)
    assert "workspace-shared-variable" not in {code for code, _f, _e in _codes(root)}


OFF_THE_SHARED = pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("15433/message_store", "15434/message_store", "workspace-event-store"),
        ("16379/0", "16379/4", "workspace-broker"),
    ],
)


def _handler(root: Path, context: str, stream: str, module: str = "handlers.py") -> None:
    """A module of `context` whose event handler reads `stream` (a literal, or code)."""
    (root / "src" / context / module).write_text(
        f"from {context}.domain import {context}\n\n\n"
        f"@{context}.event_handler(part_of=None, stream_category={stream})\n"
        "class Heard:\n    pass\n"
    )


@OFF_THE_SHARED
def test_a_context_off_the_shared_event_store_or_broker_that_exchanges_no_events(
    tmp_path: Path, old: str, new: str, code: str
) -> None:
    """The contexts' code subscribes to no other context's stream: nothing crosses, so a
    context on an event store or broker of its own is its choice, not a finding."""
    root = workspace(tmp_path / "shop", EIGHT)
    _edit(root / "src/reviews/domain.toml", old, new)
    assert [(c, f, e) for c, f, e in _codes(root) if c == code] == []


@OFF_THE_SHARED
@pytest.mark.parametrize("reader", ["reviews", "ordering"])
def test_a_context_reading_anothers_events_off_its_event_store_or_broker(
    tmp_path: Path, old: str, new: str, code: str, reader: str
) -> None:
    root = workspace(tmp_path / "shop", EIGHT)
    _edit(root / "src/reviews/domain.toml", old, new)
    writer = "ordering" if reader == "reviews" else "reviews"
    _handler(root, reader, f'"{writer}::order"')
    findings = [f for f in run_check(root, environ={}).findings if f.code == code]
    # The reader's, in base and test (test inherits), naming both contexts and the stream.
    assert [(f.file, f.env) for f in findings] == [(f"src/{reader}/domain.toml", "base")]
    message = findings[0].message
    assert f"context {reader} reads context {writer}'s events" in message
    assert f"'{writer}::order', src/{reader}/handlers.py:4" in message


@OFF_THE_SHARED
@pytest.mark.parametrize(
    ("planted", "why"),
    [
        ('f"{__name__}::order"', "src/payments/handlers.py:4 subscribes to a stream its code"),
        ("'ordering::order'\n(", "src/payments/handlers.py does not parse"),
    ],
    ids=["computed", "broken"],
)
def test_what_the_code_does_not_say_is_said_not_guessed(
    tmp_path: Path, old: str, new: str, code: str, planted: str, why: str
) -> None:
    root = workspace(tmp_path / "shop", EIGHT)
    _edit(root / "src/reviews/domain.toml", old, new)
    _handler(root, "payments", planted)
    findings = [f for f in run_check(root, environ={}).findings if f.code == code]
    # On the context that differs, naming the one whose code does not say, and why.
    assert [(f.file, f.env) for f in findings] == [("src/reviews/domain.toml", "base")]
    message = findings[0].message
    assert "and context payments's is" in message
    assert "cannot tell whether they exchange events (payments: " in message
    assert why in message


def test_a_local_database_compose_does_not_create(tmp_path: Path) -> None:
    root = workspace(tmp_path / "shop")
    _edit(root / "ops/initdb/10-databases.sh", "    CREATE DATABASE payments_local;\n", "")
    findings = [
        f for f in run_check(root, environ={}).findings if f.code == "compose-database-not-created"
    ]
    assert [(f.file, f.env) for f in findings] == [("src/payments/domain.toml", "base")]
    assert "ops/initdb/10-databases.sh" in findings[0].fix


def test_a_finding_on_a_shared_file_is_reported_once_for_its_contexts(tmp_path: Path) -> None:
    root = workspace(tmp_path / "shop", EIGHT)
    # redis published on Message DB's port: compose cannot start, whichever context runs.
    _edit(root / "docker-compose.yml", '"16379:6379"', '"15433:6379"')
    findings = run_check(root, environ={}).findings
    conflicts = [f for f in findings if f.code == "compose-port-conflict"]
    assert len(conflicts) == 1
    assert conflicts[0].message.endswith("(for every context)")


def test_a_need_of_each_context_on_a_shared_file_names_the_context(tmp_path: Path) -> None:
    root = workspace(tmp_path / "shop", EIGHT)
    compose = root / "docker-compose.yml"
    text = compose.read_text()
    compose.write_text(text[: text.index("  redis:")])
    findings = run_check(root, environ={}).findings
    missing = [f for f in findings if f.file == "docker-compose.yml" and "redis" in f.message]
    for name in EIGHT:
        mine = [f for f in missing if f.message.endswith(f"(for context {name})")]
        assert mine and all(f"src/{name}/domain.toml" in f.message for f in mine), missing


def test_a_context_linked_out_of_the_project_is_not_read(cli, tmp_path: Path) -> None:
    root = workspace(tmp_path / "shop")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "domain.toml").write_text("the-users-private-line = [\n")
    (root / "src" / "evil").symlink_to(outside)
    before = snapshot(root)
    code, out, err = cli("check --project", root)
    assert code == 2
    assert "outside the project" in err and err.count("\n") == 1
    assert "the-users-private-line" not in out + err
    assert snapshot(root) == before


def _shared_workspace(root: Path, databases: list[str]) -> None:
    """Contexts c0..cN, context i's test database named databases[i]."""
    contexts = tuple(f"c{i}" for i in range(len(databases)))
    workspace(root, contexts)
    for name, database in zip(contexts, databases, strict=True):
        _edit(root / "src" / name / "domain.toml", f"/{name}_test", f"/{database}")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["one", "two", "three"]), min_size=2, max_size=5))
def test_exactly_the_contexts_on_a_database_taken_before_are_reported(
    databases: list[str],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "shop"
        _shared_workspace(root, databases)
        findings = run_check(root, environ={}).findings
    reported = sorted(
        f.file for f in findings if f.code == "workspace-shared-database" and f.env == "test"
    )
    expected = sorted(
        f"src/c{i}/domain.toml" for i, name in enumerate(databases) if name in databases[:i]
    )
    assert reported == expected
    assert not [f for f in findings if f.code == "workspace-shared-database" and f.env != "test"]


CI = """\
name: CI
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: postgres
          POSTGRES_DB: ordering_test
        ports:
          - 15432:5432
      message-db:
        image: ethangarofolo/message-db:1.3.1
        ports:
          - 15433:5432
      redis:
        image: redis:7
        ports:
          - 16379:6379
    steps:
      - uses: actions/checkout@v4
      - run: poetry install && poetry run pytest
        env:
          PROTEAN_ENV: test
{extra}"""


def test_a_ci_job_that_creates_no_database_for_a_context(tmp_path: Path) -> None:
    root = workspace(tmp_path / "shop")
    workflow = root / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(CI.format(extra=""))
    findings = [f for f in run_check(root, environ={}).findings if f.code.startswith("ci-")]
    assert [(f.code, f.file, f.env) for f in findings] == [
        ("ci-database-mismatch", ".github/workflows/ci.yml", "test")
    ]
    assert "payments_test" in findings[0].message
    assert findings[0].message.endswith("(for context payments)")
    # A step that creates it serves the context.
    workflow.write_text(
        CI.format(extra="      - run: createdb -h localhost -p 15432 payments_test\n")
    )
    assert not [f for f in run_check(root, environ={}).findings if f.code.startswith("ci-")]


def test_the_generated_example_crossing_is_read(tmp_path: Path, generated_projects, cli) -> None:
    """`new --context` makes catalogue handle ordering's CustomerRegistered (its stream
    category in a module constant): on another event store in one environment, catalogue
    is warned of, naming ordering and the stream; the other contexts' choices stand."""
    root = generated_projects.copy(
        tmp_path / "w", "--context", "ordering", "--context", "catalogue"
    )
    assert cli("set test.event_store=memory --context ordering --project", root).code == 0
    findings = [
        f for f in run_check(root, environ={}).findings if f.code == "workspace-event-store"
    ]
    assert [(f.file, f.env) for f in findings] == [("src/catalogue/domain.toml", "test")]
    message = findings[0].message
    assert "context catalogue reads context ordering's events" in message
    assert "'ordering::customer', src/catalogue/ordering_customers.py:" in message


# --- check --context: what concerns one context --------------------------------------------


def test_check_context_reports_its_own_findings_and_not_the_others(tmp_path: Path, cli) -> None:
    root = workspace(tmp_path / "shop")
    _edit(root / "src/payments/domain.toml", "debug = true", "debgu = true")

    ordering = cli("check --project", root, "--context", "ordering")
    payments = cli("check --project", root, "--context", "payments")

    assert ordering.code == 0 and "debgu" not in ordering.out, ordering.out
    assert ordering.out.strip().endswith("(base, test)"), ordering.out
    assert payments.code == 1 and "src/payments/domain.toml:2: error" in payments.out


def test_check_context_reports_a_clash_it_is_in_whichever_side_it_is(tmp_path: Path) -> None:
    """At the root a shared database is reported once, on the context met second; each of
    the two contexts checked alone reports it, and a context in no clash does not."""
    root = workspace(tmp_path / "shop", EIGHT)
    _edit(root / "src/payments/domain.toml", "/payments_test", "/ordering_test")
    for name, files in [
        ("ordering", ["src/ordering/domain.toml"]),
        ("payments", ["src/payments/domain.toml"]),
        ("reviews", []),
    ]:
        findings = run_check(root, environ={}, context=name).findings
        clashes = [f.file for f in findings if f.code == "workspace-shared-database"]
        assert clashes == files, (name, findings)


def test_check_context_judges_a_shared_file_by_every_context(tmp_path: Path) -> None:
    """redis serves payments' broker alone: checked alone, ordering (on an inline broker)
    must not call the compose file's redis unused."""
    root = workspace(tmp_path / "shop")
    config = root / "src/ordering/domain.toml"
    _edit(config, 'provider = "redis"\nURI = "${REDIS_URL|redis://localhost:16379/0}"', "")
    _edit(config, "[brokers.default]\n", '[brokers.default]\nprovider = "inline"\n')
    for name in TWO:
        codes = {f.code for f in run_check(root, environ={}, context=name).findings}
        assert "compose-unused-service" not in codes, (name, codes)


@pytest.mark.parametrize("output", FORMATS)
def test_check_an_unknown_context_is_one_line_naming_the_contexts(
    tmp_path: Path, cli, output: str
) -> None:
    root = workspace(tmp_path / "shop")
    result = cli("check --project", root, "--context", "shiping", "--format", output)
    assert result.code == 2
    (line,) = result.err.strip().splitlines()
    assert "'shiping'" in line and "ordering, payments" in line, line


# --- the workspace rules read through check's trust gate ------------------------------------


@pytest.fixture
def opened() -> Iterator[list[str]]:
    """Every path this process opens while the test runs (an audit hook: it sees every open,
    whatever reads the file)."""
    import sys

    found: list[str] = []
    active = [True]

    def hook(event: str, args: tuple) -> None:
        if active[0] and event == "open" and isinstance(args[0], str | Path):
            found.append(os.path.realpath(args[0]))

    sys.addaudithook(hook)
    yield found
    active[0] = False  # an audit hook cannot be removed


def _untrusted(findings) -> list[str]:
    return [f.file for f in findings if f.code == "untrusted-link"]


def test_a_compose_file_linked_out_of_the_project_is_not_read(tmp_path: Path, opened) -> None:
    root = workspace(tmp_path / "shop")
    outside = tmp_path / "outside.yml"
    outside.write_text((root / "docker-compose.yml").read_text())
    (root / "docker-compose.yml").unlink()
    (root / "docker-compose.yml").symlink_to(outside)
    opened.clear()  # what the test itself wrote
    findings = run_check(root, environ={}).findings
    assert "docker-compose.yml" in _untrusted(findings)
    assert str(outside.resolve()) not in opened


def test_an_init_script_linked_into_git_is_not_read(tmp_path: Path, opened) -> None:
    root = workspace(tmp_path / "shop")
    script = root / "ops/initdb/10-databases.sh"
    planted = root / ".git/hooks/databases.sh"
    planted.parent.mkdir(parents=True)
    planted.write_text(script.read_text())
    script.unlink()
    script.symlink_to(planted)
    opened.clear()
    findings = run_check(root, environ={}).findings
    assert _untrusted(findings), findings
    assert str(planted.resolve()) not in opened


def test_a_domain_module_linked_out_of_the_project_is_not_read(tmp_path: Path, opened) -> None:
    """The contexts' code is read when their event stores differ: a domain.py linked out of
    the project is refused as any file is, and the warning says the code could not be read."""
    root = workspace(tmp_path / "shop")
    _edit(root / "src/payments/domain.toml", "15433/message_store", "15434/message_store")
    module = root / "src/payments/domain.py"
    outside = tmp_path / "domain.py"
    outside.write_text(module.read_text())
    module.unlink()
    module.symlink_to(outside)
    opened.clear()
    findings = run_check(root, environ={}).findings
    assert "src/payments/domain.py" in _untrusted(findings), findings
    assert str(outside.resolve()) not in opened
    warned = [f for f in findings if f.code == "workspace-event-store"]
    assert warned and "cannot tell" in warned[0].message, warned


def test_named_pipes_in_a_workspace_are_not_read(tmp_path: Path) -> None:
    """A named pipe where check would read a file (an init script, a context's module, its
    domain.py, the compose file's init folder) never blocks it: run as a user runs it. It is
    not read and not passed over either: one line names it (exit 2), where check went on
    without it and reported what it could not see."""
    import subprocess
    import sys

    root = workspace(tmp_path / "shop")
    _edit(root / "src/payments/domain.toml", "15433/message_store", "15434/message_store")
    for relative in ("ops/initdb/20-more.sh", "src/ordering/handlers.py", "src/payments/domain.py"):
        path = root / relative
        path.unlink(missing_ok=True)
        os.mkfifo(path)
    done = subprocess.run(
        [sys.executable, "-m", "scaffolder", "check", "--project", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "ops/initdb/20-more.sh" in done.stderr and "named pipe" in done.stderr, done.stderr
