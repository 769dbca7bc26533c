"""A context's edit in a workspace protean-init generated: its domain.toml edited in place, and
the workspace's shared files (compose, CI, .env.example, pyproject) re-derived from every
context's config through the workspace renderer, merged three ways against the record as
add-context merges them, the record of that context's choices updated. A hand-made workspace
keeps insert-only edits (test_adopt.py)."""

from __future__ import annotations

import difflib
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.check import ERROR, run_check
from tests.support.cli import Result
from tests.support.projects import GeneratedProjects
from tests.support.protean_config import load_config
from tests.support.validators import (
    assert_compose_valid,
    assert_github_workflow_valid,
    assert_gitlab_ci_valid,
)

from .support import snapshot

CONTEXTS = ("ordering", "catalogue")
RECORD = ".copier-answers.protean-init.yml"
COMPOSE = "docker-compose.yml"
CI = ".github/workflows/ci.yml"
ENV_EXAMPLE = ".env.example"
# The files a user reads and may edit (the record under .protean-init/ follows them).
USER_VISIBLE = (COMPOSE, CI, ENV_EXAMPLE, "src/ordering/domain.toml", "pyproject.toml")


# `new wsdemo --defaults` and these: the workspace these tests edit.
NEW_OPTIONS = (
    "--set",
    "production.databases.default=postgresql",
    *[a for c in CONTEXTS for a in ("--context", c)],
)


@pytest.fixture
def wsdemo(tmp_path: Path, generated_projects: GeneratedProjects) -> Path:
    """A fresh copy of the workspace (NEW_OPTIONS)."""
    return generated_projects.copy(tmp_path / "wsdemo", *NEW_OPTIONS)


def _run(cli: Callable[..., Result], root: Path, *argv: str) -> int:
    return cli(list(argv), "--project", root).code


def _problems(root: Path) -> list[str]:
    """check's errors and drift (warnings are choices the user made, memory in production)."""
    return [
        f"{f.file}:{f.line}: {f.severity} {f.code}: {f.message}"
        for f in run_check(root, environ={}).findings
        if f.severity in (ERROR, "drift")
    ]


def _diff(before: bytes, after: bytes) -> tuple[list[str], list[str]]:
    """The lines removed and the lines added."""
    removed: list[str] = []
    added: list[str] = []
    old, new = before.decode().splitlines(), after.decode().splitlines()
    for line in difflib.unified_diff(old, new, lineterm="", n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        (removed if line.startswith("-") else added).append(line[1:])
    return removed, added


def test_a_database_added_to_one_context_reaches_the_workspace_files(wsdemo: Path, cli) -> None:
    root = wsdemo
    before = snapshot(root)
    argv = ["add-database", "reports", "--provider", "postgresql", "--context", "ordering"]
    code, _, err = cli(argv, "--project", root)
    assert code == 0, err
    assert "left" not in err and "not written by protean-init" not in err, err
    after = snapshot(root)

    # Named <package>_<context>_<name> as the context's default database is, and in the
    # test overlay its own, ending in _test as the default's test database does.
    compose = after[COMPOSE].decode()
    assert "createdb -U postgres wsdemo_ordering_reports)" in compose
    assert "createdb -U postgres wsdemo_ordering_reports_test)" in compose
    assert_compose_valid(root / COMPOSE)
    workflow = after[CI].decode()
    assert "createdb wsdemo_ordering_reports_test" in workflow
    assert "ORDERING_REPORTS_DATABASE_URL:" in workflow.split("\n  test:")[-1]
    assert_github_workflow_valid(root / CI)
    # .env.example names the new variable once per section it belongs to, nothing twice:
    removed, added = _diff(before[ENV_EXAMPLE], after[ENV_EXAMPLE])
    assert removed == []
    variable_lines = [line for line in added if "ORDERING_REPORTS_DATABASE_URL=" in line]
    # base's, production's and the test overlay's own (its own database: _test)
    assert len(variable_lines) == len(set(variable_lines)) == 3, added
    env_example = after[ENV_EXAMPLE].decode().splitlines()
    assert all(env_example.count(line) == 1 for line in variable_lines)

    # Only insertions where the user reads, but for compose's two lines that list the
    # databases its health check creates, now with ordering_reports among them.
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    visible = {path for path in changed if not path.startswith(".protean-init/")}
    assert visible == {COMPOSE, CI, ENV_EXAMPLE, "src/ordering/domain.toml", RECORD}
    for path in (CI, ENV_EXAMPLE, "src/ordering/domain.toml", RECORD):
        removed, added = _diff(before[path], after[path])
        if path == CI:
            # The one createdb step creates the new database too.
            assert removed == [
                "        run: createdb wsdemo_catalogue_test && createdb wsdemo_ordering_test"
            ]
        else:
            assert removed == [], (path, removed)
        assert added, path
    removed, added = _diff(before[COMPOSE], after[COMPOSE])
    # Ordering's engine and its db setup (compose's `engines` profile) read the new variable.
    engine = [line for line in added if line.startswith("      ORDERING_REPORTS_DATABASE_URL: ")]
    assert len(engine) == 2
    assert all("@postgres:5432/" in e and e.endswith('ordering_reports"') for e in engine), engine
    health = [line for line in added if line not in engine]
    assert len(removed) == len(health) == 2
    assert all(
        "wsdemo_ordering_reports" not in r and "wsdemo_ordering_reports_test" in a
        for r, a in zip(removed, health, strict=True)
    )

    # The record holds ordering's new choice; catalogue's is as it was.
    record = yaml.safe_load(after[RECORD])
    assert record["contexts"]["ordering"]["production.databases.reports"] == "postgresql"
    assert (
        record["contexts"]["catalogue"] == yaml.safe_load(before[RECORD])["contexts"]["catalogue"]
    )
    assert _problems(root) == []

    # add-context after it merges against a record that is the files' own.
    assert _run(cli, root, "add-context", "billing") == 0
    assert "createdb -U postgres wsdemo_ordering_reports" in (root / COMPOSE).read_text()
    assert "createdb -U postgres wsdemo_billing_test" in (root / COMPOSE).read_text()
    assert _problems(root) == []
    assert_compose_valid(root / COMPOSE)


def test_a_users_edit_to_a_shared_file_is_kept_by_a_context_edit(wsdemo: Path, cli) -> None:
    root = wsdemo
    compose = root / COMPOSE
    compose.write_text("# my own note\n" + compose.read_text())
    argv = ["add-database", "reports", "--provider", "postgresql", "--context", "catalogue"]
    assert _run(cli, root, *argv) == 0
    assert compose.read_text().startswith("# my own note\n")
    assert "createdb -U postgres wsdemo_catalogue_reports" in compose.read_text()
    assert _problems(root) == []


def test_a_context_edit_conflicting_with_the_users_writes_nothing(wsdemo: Path, cli) -> None:
    root = wsdemo
    workflow = root / CI
    # The user's own createdb step: the line the new database changes.
    text = workflow.read_text()
    ours = "createdb wsdemo_catalogue_test && createdb wsdemo_ordering_test"
    workflow.write_text(text.replace(ours, f"{ours} && createdb mine"))
    before = snapshot(root)
    argv = ["add-database", "reports", "--provider", "postgresql", "--context", "ordering"]
    code, _, err = cli(argv, "--project", root)
    assert code == 1
    assert CI in err
    assert snapshot(root) == before
    assert _run(cli, root, *argv, "--force") == 0
    assert "createdb wsdemo_ordering_reports_test" in workflow.read_text()


# One edit of one context: (command, context, argument).
_SETS = (
    "test.databases.default=sqlite",
    "production.event_processing=sync",
    "base.debug=false",
    "test.caches.default=memory",
    "production.caches.default=memory",
    "memory.testing=false",
)
_EDITS = st.one_of(
    st.tuples(
        st.sampled_from(("add-database", "add-cache", "add-broker")),
        st.sampled_from(CONTEXTS),
        st.sampled_from(("postgresql", "sqlite", "redis")),
    ),
    # The last slot this sequence added to the context: renamed, or removed.
    st.tuples(
        st.sampled_from(("rename-last", "remove-last")), st.sampled_from(CONTEXTS), st.just("")
    ),
    st.tuples(st.just("set"), st.sampled_from(CONTEXTS), st.sampled_from(_SETS)),
    st.tuples(st.just("add-env"), st.sampled_from(CONTEXTS), st.just("memory")),
)
# The providers each kind of slot takes among those drawn.
_PROVIDERS = {
    "add-database": {"postgresql", "sqlite"},
    "add-cache": {"redis"},
    "add-broker": {"redis"},
}


@pytest.fixture(scope="module")
def generated(generated_projects: GeneratedProjects) -> Path:
    """The workspace as generated (read-only: each example copies it)."""
    return generated_projects.pristine("wsdemo", ("--defaults", *NEW_OPTIONS))


# A slot this sequence added: its kind, its name, and the name its storage was given (a
# renamed slot keeps its storage).
Added = tuple[str, str, str]


def _argv(root: Path, index: int, edit: tuple[str, str, str], added: list[Added]):
    """The command line of one edit; `added`: the slots added so far, by context (None:
    nothing to run)."""
    command, context, argument = edit
    if command in _PROVIDERS:
        provider = argument if argument in _PROVIDERS[command] else min(_PROVIDERS[command])
        added.append((command.removeprefix("add-"), f"s{index}", f"s{index}"))
        return [command, f"s{index}", "--provider", provider]
    if command in ("rename-last", "remove-last"):
        if not added:
            return None
        kind, name, storage = added.pop()
        if command == "remove-last":
            return [f"remove-{kind}", name]
        added.append((kind, f"r{index}", storage))
        return [f"rename-{kind}", name, f"r{index}"]
    if command == "add-env":
        # The user took the context's [memory] overlay out by hand; add-env puts it back.
        config = root / "src" / context / "domain.toml"
        text = config.read_text()
        config.write_text(text[: text.index("\n[memory]") + 1])
    return [command, argument]


def _apply(
    cli: Callable[..., Result],
    root: Path,
    index: int,
    edit: tuple[str, str, str],
    added: dict[str, list[Added]],
) -> None:
    context = edit[1]
    argv = _argv(root, index, edit, added.setdefault(context, []))
    if argv is not None:
        assert _run(cli, root, *argv, "--context", context) == 0, (index, edit)


def test_a_database_added_then_removed_gives_every_byte_back(wsdemo: Path, cli) -> None:
    root = wsdemo
    before = snapshot(root)
    for context in CONTEXTS:
        argv = ["add-database", "reports", "--provider", "postgresql", "--context", context]
        assert _run(cli, root, *argv) == 0
    for context in CONTEXTS:
        assert _run(cli, root, "remove-database", "reports", "--context", context) == 0
    assert snapshot(root) == before


def _database_name(uri: str) -> str:
    """The database (PostgreSQL) or file stem (SQLite) a URL names."""
    path = urlsplit(uri).path
    return PurePosixPath(path).stem if uri.startswith("sqlite") else path.lstrip("/")


def _assert_named_by_the_rule(root: Path, added: dict[str, list[Added]]) -> None:
    """Every database of every context, as Protean's loader resolves it in base and the test
    overlay with no variable set, is named by the workspace's rule: `wsdemo_<context>`
    (`_<storage>` for a named one), `_test` at the end in the test overlay."""
    for context in CONTEXTS:
        folder = root / "src" / context
        variables = set(re.findall(r"\$\{(\w+)", (folder / "domain.toml").read_text()))
        storages = {"default": ""} | {
            name: f"_{storage}"
            for kind, name, storage in added.get(context, [])
            if kind == "database"
        }
        for env, suffix in (("base", ""), ("test", "_test")):
            databases = load_config(folder, env, clear=variables)["databases"]
            for name, storage in storages.items():
                uri = databases[name].get("database_uri")
                if uri is None:
                    continue  # in memory
                expected = f"wsdemo_{context}{storage}{suffix}"
                assert _database_name(uri) == expected, (context, env, name, uri)


@pytest.mark.slow
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=st.lists(_EDITS, min_size=1, max_size=5), removed=st.sampled_from(CONTEXTS))
def test_edits_across_contexts_keep_the_workspace_consistent(
    generated: Path, cli, edits: list[tuple[str, str, str]], removed: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "wsdemo"
        shutil.copytree(generated, root, symlinks=True)
        added: dict[str, list[Added]] = {}
        for index, edit in enumerate(edits):
            _apply(cli, root, index, edit, added)
            assert _problems(root) == [], (index, edit)
            _assert_named_by_the_rule(root, added)
        assert_compose_valid(root / COMPOSE)
        assert _run(cli, root, "add-context", "billing") == 0
        assert _problems(root) == []
        assert_compose_valid(root / COMPOSE)
        # --force: a context whose overlay the user took out holds a file of theirs.
        assert _run(cli, root, "remove-context", removed, "--force") == 0
        assert _problems(root) == []
        assert_compose_valid(root / COMPOSE)
        assert f"createdb -U postgres wsdemo_{removed}" not in (root / COMPOSE).read_text()


def test_derive_at_the_root_follows_every_contexts_hand_edit(wsdemo: Path, cli) -> None:
    root = wsdemo
    code, out, err = cli("derive --project", root)
    assert code == 0, err
    assert "Up to date" in out
    # By hand: ordering's tests on SQLite; whichever context derive reads, both are derived.
    for name in CONTEXTS:
        config = root / "src" / name / "domain.toml"
        config.write_text(config.read_text().replace('"sync"', '"async"'))
    ordering = root / "src/ordering/domain.toml"
    text = ordering.read_text()
    start = text.index("[test.databases.default]")
    end = text.index("\n[", start + 1)
    table = (
        '[test.databases.default]\nprovider = "sqlite"\ndatabase_uri = "sqlite:///ordering.db"\n'
    )
    ordering.write_text(text[:start] + table + text[end + 1 :])
    assert _run(cli, root, "derive") == 0
    record = yaml.safe_load((root / RECORD).read_text())
    for name in CONTEXTS:
        assert record["contexts"][name]["base.event_processing"] == "async"
    assert record["contexts"]["ordering"]["test.databases.default"] == "sqlite"
    workflow = (root / CI).read_text()
    assert "wsdemo_ordering" not in workflow.split("\n  test:")[-1]
    assert _problems(root) == []


@pytest.mark.parametrize(
    ("argv", "inside"),
    [(["derive"], None), (["ci"], None), (["derive"], "catalogue"), (["derive"], "ordering")],
    ids=["derive", "ci", "derive in catalogue", "derive in ordering"],
)
@pytest.mark.parametrize(
    "sets",
    [
        [],
        ["catalogue:base.databases.reports=postgresql", "ordering:base.databases.log=sqlite"],
        ["base.databases.reports=postgresql", "catalogue:test.databases.default=sqlite"],
    ],
    ids=["defaults", "named databases", "everyone's"],
)
def test_a_whole_workspace_command_right_after_new_rewrites_no_record(
    tmp_path: Path,
    generated_projects: GeneratedProjects,
    monkeypatch: pytest.MonkeyPatch,
    cli: Callable[..., Result],
    argv: list[str],
    inside: str | None,
    sets: list[str],
) -> None:
    """`derive` or `ci` at the root (which read the first context, catalogue) or inside a
    context, right after `new --context`, change nothing: not the answers record's layout
    of the context read. Its choices were recorded again from its domain.toml, in the
    record's other layout (a named database's overlays spelt out, its variables reordered),
    with `ci` saying it was up to date."""
    contexts = [a for c in CONTEXTS for a in ("--context", c)]
    root = generated_projects.copy(
        tmp_path / "shop", *contexts, *[a for s in sets for a in ("--set", s)]
    )
    before = snapshot(root)
    if inside is None:
        code, out, err = cli(argv, "--project", root)
    else:
        monkeypatch.chdir(root / "src" / inside)
        code, out, err = cli(argv)
    assert code == 0, err
    assert snapshot(root) == before, out
    assert "up to date" in out.lower(), out


def test_ci_at_the_root_switches_the_whole_workspace(wsdemo: Path, cli) -> None:
    root = wsdemo
    assert _run(cli, root, "ci", "--ci", "gitlab") == 0
    assert not (root / CI).exists()
    gitlab = (root / ".gitlab-ci.yml").read_text()
    assert all(name in gitlab for name in CONTEXTS)
    assert_gitlab_ci_valid(root / ".gitlab-ci.yml")
    assert yaml.safe_load((root / RECORD).read_text())["ci"] == "gitlab"
    assert _problems(root) == []
    # A context's edit after it keeps to GitLab.
    argv = ["add-database", "reports", "--provider", "postgresql", "--context", "catalogue"]
    assert _run(cli, root, *argv) == 0
    assert "wsdemo_catalogue_reports_test" in (root / ".gitlab-ci.yml").read_text()
    assert not (root / CI).exists()
    assert _problems(root) == []


def test_deploy_for_one_context_of_a_recorded_workspace_is_refused(wsdemo: Path, cli) -> None:
    root = wsdemo
    before = snapshot(root)
    code, _, err = cli("deploy kubernetes --context ordering --project", root)
    assert code == 2
    assert err.count("\n") == 1 and "every context" in err, err
    assert snapshot(root) == before


def test_the_edit_menus_proposal_is_the_same_workspace_change(wsdemo: Path) -> None:
    """The edit menu previews through pending_changes too: its proposal for one context
    re-derives the shared files, as the command does."""
    from scaffolder.reopen.menu import apply_proposal, propose_add_database
    from scaffolder.reopen.project import open_project

    root = wsdemo
    proposal = propose_add_database(open_project(root, "ordering"), "reports", "postgresql", {})
    assert {COMPOSE, CI, ENV_EXAMPLE, RECORD} <= set(proposal.paths)
    # Written, the context is read again (not the workspace's root, which names none).
    project = apply_proposal(proposal)
    assert project is not None and project.context is not None
    assert project.context.name == "ordering"
    assert "createdb -U postgres wsdemo_ordering_reports" in (root / COMPOSE).read_text()
    assert _problems(root) == []
