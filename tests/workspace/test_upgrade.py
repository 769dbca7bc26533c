"""`protean-init upgrade` in a workspace `new --context` made: every context's files and the
shared ones take the next version's templates in one change, every edit kept.

The workspace is made by this version, then the process becomes the next one
(tests.support.next_version, with changes to the workspace's own templates too: the CI
workflow, each context's domain module, the crossing example's module), as the single
project's upgrade tests do (tests/reopen/test_upgrade.py).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder import __version__
from scaffolder.generated_record import RECORD_DIR, recorded_name
from scaffolder.project_files import ANSWERS_FILE, GITHUB_WORKFLOW
from scaffolder.template_source import TEST_TEMPLATES_ENV, TEST_VERSION_ENV
from tests.support.next_version import (
    ADDED,
    ADDED_TEXT,
    COMPOSE_TEMPLATE,
    DOCKERFILE_TEMPLATE,
    NEXT,
    NOTE,
    REMOVED,
    TEMPLATE,
    edit_lines,
    edit_template_lines,
    next_version,
)
from tests.support.projects import GeneratedProjects
from tests.support.protean_config import load_config
from tests.support.validators import assert_compose_valid, assert_github_workflow_valid
from tests.workspace.support import inside, snapshot

CONTEXTS = ("ordering", "catalogue")
ORDERING, CATALOGUE = CONTEXTS
# The second context handles the first one's event (the example `new` writes).
CROSSING = f"src/{CATALOGUE}/{ORDERING}_customers.py"

# The next version's changes: the shared files (CI from the workspace's own template, compose
# and the Dockerfile from the project's), every context's domain module, and the crossing
# example, which only the second context has.
DOMAIN_LINE = ("beside this file", "in this very folder")
CROSSING_LINE = ("# The stream category and type name", "# The stream category and the type name")
WORKSPACE_CHANGES = {
    "workspace/ci.yml.jinja": (r"(uses: actions/checkout@)v\d+", r"\1v9"),
    f"{TEMPLATE}/{COMPOSE_TEMPLATE}": (r"interval: 5s", "interval: 3s"),
    f"{TEMPLATE}/{DOCKERFILE_TEMPLATE}": (
        r"^# syntax=docker/dockerfile:1$",
        "# syntax=docker/dockerfile:1.7",
    ),
    "workspace/domain.py.jinja": (re.escape(DOMAIN_LINE[0]), DOMAIN_LINE[1]),
    "workspace/crossing.py.jinja": (f"^{re.escape(CROSSING_LINE[0])}", CROSSING_LINE[1]),
}

OUR_STEP = "      - name: Our own step\n        run: echo ours\n"
OUR_SERVICE = "  mailpit:\n    image: axllent/mailpit:v1.20\n"
OUR_DOMAIN_NOTE = "# Our own note about ordering.\n"
OUR_CROSSING_NOTE = "# We also hear of VIP customers.\n"
OUR_CACHE_TEST = "\n\ndef test_our_own_cache_case() -> None:\n    assert True\n"


@pytest.fixture
def made(tmp_path: Path, generated_projects: GeneratedProjects) -> Path:
    """A fresh copy of `new shop --defaults --context ordering --context catalogue`."""
    contexts = [arg for name in CONTEXTS for arg in ("--context", name)]
    return generated_projects.copy(tmp_path / "shop", *contexts)


@pytest.fixture
def run_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], Path]:
    """Makes this process protean-init 0.3.0, rendering the next version's templates (the
    folder returned)."""

    def switch() -> Path:
        templates = next_version(tmp_path / "next", WORKSPACE_CHANGES)
        monkeypatch.setenv(TEST_TEMPLATES_ENV, str(templates))
        monkeypatch.setenv(TEST_VERSION_ENV, NEXT)
        return templates

    return switch


def edit_as_a_user(root: Path) -> None:
    """Edits in both contexts and in the shared files: a comment in ordering's domain module,
    a case of ordering's own in the cache tests the next version drops, a line in catalogue's
    crossing module, catalogue's broker tests deleted, a CI step, a compose service, a README
    paragraph."""
    _append(root / f"src/{ORDERING}/domain.py", OUR_DOMAIN_NOTE)
    _append(root / f"tests/{ORDERING}/test_caches.py", OUR_CACHE_TEST)
    _append(root / CROSSING, OUR_CROSSING_NOTE)
    (root / f"tests/{CATALOGUE}/test_brokers.py").unlink()
    _append(root / GITHUB_WORKFLOW, OUR_STEP)
    compose = root / "docker-compose.yml"
    compose.write_text(compose.read_text().replace("services:\n", f"services:\n{OUR_SERVICE}", 1))
    _append(root / "README.md", "\nOur team's paragraph about the contexts.\n")


def _append(path: Path, text: str) -> None:
    with path.open("a") as f:
        f.write(text)


def assert_user_edits_kept(root: Path) -> None:
    assert (root / f"src/{ORDERING}/domain.py").read_text().endswith(OUR_DOMAIN_NOTE)
    assert (root / f"tests/{ORDERING}/test_caches.py").read_text().endswith(OUR_CACHE_TEST)
    assert (root / CROSSING).read_text().endswith(OUR_CROSSING_NOTE)
    assert not (root / f"tests/{CATALOGUE}/test_brokers.py").exists()
    assert OUR_STEP in (root / GITHUB_WORKFLOW).read_text()
    assert OUR_SERVICE in (root / "docker-compose.yml").read_text()
    assert "Our team's paragraph about the contexts." in (root / "README.md").read_text()


def assert_template_changes_arrived(root: Path) -> None:
    workflow = (root / GITHUB_WORKFLOW).read_text()
    assert "actions/checkout@v9" in workflow and not re.search(r"checkout@v(?!9)", workflow)
    compose = (root / "docker-compose.yml").read_text()
    assert "interval: 3s" in compose and "interval: 5s" not in compose
    assert (root / "Dockerfile").read_text().startswith("# syntax=docker/dockerfile:1.7\n")
    for context in CONTEXTS:
        domain = (root / f"src/{context}/domain.py").read_text()
        assert DOMAIN_LINE[1] in domain and DOMAIN_LINE[0] not in domain, context
        assert (root / f"tests/{context}/{_in_tests(ADDED)}").read_text() == ADDED_TEXT
    crossing = (root / CROSSING).read_text()
    assert CROSSING_LINE[1] in crossing and CROSSING_LINE[0] + "\n" not in crossing
    # The next version drops the cache tests: catalogue's, as generated, go; ordering's hold
    # a case of the user's and stay.
    assert not (root / f"tests/{CATALOGUE}/{_in_tests(REMOVED)}").exists()


def _in_tests(path: str) -> str:
    """A project's tests/<file> as a context's tests/<context>/<file> names it: <file>."""
    return path.removeprefix("tests/")


def outcome_of(report: str, path: str) -> str | None:
    found = re.search(rf"^  (\S.*?) +{re.escape(path)}$", report, re.M)
    return found.group(1) if found else None


def assert_every_context_resolves(root: Path) -> None:
    """Protean's loader resolves each context's own config in every environment, and each
    context's domain (the upgraded modules, the user's lines in them) initialises."""
    for context in CONTEXTS:
        for env in ("base", "test", "memory"):
            config = load_config(root / "src" / context, env)
            assert config["databases"]["default"]["provider"], (context, env)
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                f"from {context}.domain import domain\ndomain.init()\n"
                "print(sorted(domain.registry.event_handlers))",
            ],
            cwd=root,
            env={
                "PYTHONPATH": str(root / "src"),
                "PROTEAN_ENV": "memory",
                "PYTHONDONTWRITEBYTECODE": "1",
            },
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert f"{context}.customers.welcome.WelcomeNewCustomers" in done.stdout
    assert f"{CATALOGUE}.{ORDERING}_customers.OrderingCustomers" in done.stdout


def test_an_edited_workspace_takes_every_template_change_and_keeps_every_edit(
    made: Path, cli, run_next
) -> None:
    root = made
    edit_as_a_user(root)
    before = snapshot(root)
    run_next()

    result = cli("upgrade --project", root)

    assert result.code == 0, result.err
    assert_template_changes_arrived(root)
    assert_user_edits_kept(root)
    assert_github_workflow_valid(root / GITHUB_WORKFLOW)
    assert_compose_valid(root / "docker-compose.yml")
    assert f"_template: protean-init {NEXT}\n" in (root / ANSWERS_FILE).read_text()
    assert f"the record of what protean-init {__version__} generated" in result.err
    assert NOTE in result.out
    for path, outcome in [
        (GITHUB_WORKFLOW, "merged"),
        ("docker-compose.yml", "merged"),
        ("Dockerfile", "updated"),
        (f"src/{ORDERING}/domain.py", "merged"),
        (f"src/{CATALOGUE}/domain.py", "updated"),
        (CROSSING, "merged"),
        (f"tests/{ORDERING}/{_in_tests(ADDED)}", "added"),
        (f"tests/{CATALOGUE}/{_in_tests(ADDED)}", "added"),
        (f"tests/{CATALOGUE}/{_in_tests(REMOVED)}", "removed"),
        (f"tests/{ORDERING}/{_in_tests(REMOVED)}", "kept yours (no longer generated)"),
        (f"tests/{CATALOGUE}/test_brokers.py", "kept deleted"),
    ]:
        assert outcome_of(result.out, path) == outcome, (path, result.out)
    # What the templates did not change is as it was, byte for byte: each context's config
    # (never re-rendered) and every other file of either context.
    after = snapshot(root)
    changed = {path for path in set(before) | set(after) if before.get(path) != after.get(path)}
    changed = {path for path in changed if not path.startswith(RECORD_DIR)}
    assert changed == {
        ANSWERS_FILE,
        GITHUB_WORKFLOW,
        "docker-compose.yml",
        "Dockerfile",
        f"src/{ORDERING}/domain.py",
        f"src/{CATALOGUE}/domain.py",
        CROSSING,
        f"tests/{ORDERING}/{_in_tests(ADDED)}",
        f"tests/{CATALOGUE}/{_in_tests(ADDED)}",
        f"tests/{CATALOGUE}/{_in_tests(REMOVED)}",
    }
    # The record now holds what 0.3.0 generates: the next upgrade's base.
    assert (root / recorded_name(f"tests/{ORDERING}/{_in_tests(ADDED)}")).read_text() == ADDED_TEXT
    assert not (root / recorded_name(f"tests/{CATALOGUE}/{_in_tests(REMOVED)}")).exists()
    for context in CONTEXTS:  # remove-context's proof that a config is as generated
        assert (root / recorded_name(f"src/{context}/domain.toml")).is_file()
    assert_every_context_resolves(root)

    # A second upgrade changes nothing, not a byte.
    again = cli("upgrade --project", root)
    assert again.code == 0, again.err
    assert snapshot(root) == after
    assert f"Up to date with protean-init {NEXT}" in again.out


def test_an_untouched_workspace_becomes_what_the_next_version_generates(
    made: Path, cli, run_next, tmp_path: Path
) -> None:
    run_next()
    assert cli("upgrade --project", made).code == 0
    fresh = tmp_path / "fresh" / "shop"
    contexts = [arg for name in CONTEXTS for arg in ("--context", name)]
    assert cli(["new", fresh, "--defaults", *contexts]).code == 0
    assert snapshot(made) == snapshot(fresh)


def test_inside_a_context_folder_the_whole_workspace_is_upgraded(made: Path, cli, run_next) -> None:
    edit_as_a_user(made)
    run_next()
    with inside(made / "src" / CATALOGUE):
        result = cli("upgrade")
    assert result.code == 0, result.err
    assert_template_changes_arrived(made)
    assert_user_edits_kept(made)


def test_dry_run_shows_every_contexts_diff_and_writes_nothing(made: Path, cli, run_next) -> None:
    edit_as_a_user(made)
    run_next()
    before = snapshot(made)

    result = cli("upgrade --dry-run --project", made)

    assert result.code == 0, result.err
    assert snapshot(made) == before
    assert "+      - uses: actions/checkout@v9" in result.out
    assert "+      interval: 3s" in result.out
    for context in CONTEXTS:
        assert f"--- a/src/{context}/domain.py" in result.out
        assert f"--- new file: tests/{context}/{_in_tests(ADDED)}" in result.out
    assert f"--- deleted: tests/{CATALOGUE}/{_in_tests(REMOVED)}" in result.out
    assert f"+{CROSSING_LINE[1]}" in result.out
    assert f"+_template: protean-init {NEXT}" in result.out
    assert RECORD_DIR not in result.out


def test_an_edit_on_a_changed_line_is_a_conflict_and_nothing_is_written(
    made: Path, cli, run_next
) -> None:
    """Conflicts in a context's file and in a shared one are shown together; nothing is
    written; --force takes the new lines there, and every other edit stays."""
    edit_as_a_user(made)
    domain = made / f"src/{ORDERING}/domain.py"
    domain.write_text(domain.read_text().replace(DOMAIN_LINE[0], "right here", 1))
    workflow = made / GITHUB_WORKFLOW
    workflow.write_text(re.sub(r"(checkout@)v\d+", r"\1v5", workflow.read_text(), count=1))
    run_next()
    before = snapshot(made)

    result = cli("upgrade --project", made)

    assert result.code == 1
    assert snapshot(made) == before
    assert f"--- src/{ORDERING}/domain.py (conflict)" in result.err
    assert f"--- {GITHUB_WORKFLOW} (conflict)" in result.err
    assert outcome_of(result.err, f"src/{ORDERING}/domain.py") == "conflict"
    assert outcome_of(result.err, f"src/{CATALOGUE}/domain.py") == "updated"

    forced = cli("upgrade --force --project", made)
    assert forced.code == 0, forced.err
    assert "right here" not in domain.read_text()
    assert_template_changes_arrived(made)
    assert_user_edits_kept(made)


def test_upgrade_is_the_whole_workspaces_and_context_is_refused(made: Path, cli, run_next):
    """Its files are one version's (the record names one): --context, which would upgrade
    one context's and leave the others', is refused in one line, nothing written."""
    run_next()
    before = snapshot(made)
    for argv in (
        ["--context", ORDERING],
        ["--context", "shipping"],
        ["--dry-run", "--context", ORDERING],
    ):
        result = cli(["upgrade", "--project", made, *argv])
        assert result.code == 2, result.err
        assert "upgrade takes the whole workspace" in result.err
        assert len(result.err.strip().splitlines()) == 1, result.err
        assert snapshot(made) == before


def test_a_hand_made_workspace_is_refused_as_a_hand_made_project_is(tmp_path: Path, cli) -> None:
    """No answers record: nothing to upgrade from, said in the one line a hand-made single
    project gets (at the root it used to ask for --context)."""
    from tests.workspace.layouts import workspace

    root = workspace(tmp_path / "shop")
    single = tmp_path / "single"
    single.mkdir()
    (single / "domain.toml").write_text('[databases.default]\nprovider = "memory"\n')
    expected = cli("upgrade --project", single)
    assert expected.code == 2 and "not made by protean-init" in expected.err
    before = snapshot(root)
    for argv in ([], ["--dry-run"], ["--context", "ordering"]):
        result = cli(["upgrade", "--project", root, *argv])
        assert result.code == 2, result.err
        assert result.err.replace(str(root), "ROOT") == expected.err.replace(str(single), "ROOT")
        assert snapshot(root) == before


def test_a_workspace_without_its_record_of_what_was_generated_is_refused(
    made: Path, cli, run_next
) -> None:
    import shutil

    shutil.rmtree(made / RECORD_DIR)
    run_next()
    before = snapshot(made)
    result = cli("upgrade --project", made)
    assert result.code == 2 and "generated is missing" in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert snapshot(made) == before


def test_a_planted_record_never_deletes_a_file_of_the_users(made: Path, cli, run_next) -> None:
    """A record naming a file of the user's in a context, with its exact content, as if
    generated: the next version does not generate it, yet it is not removed (only a file the
    older version's own templates generate for this workspace can be)."""
    own = made / f"src/{ORDERING}/pricing.py"
    own.write_text("RATE = 3\n")
    (made / recorded_name(f"src/{ORDERING}/pricing.py")).write_text("RATE = 3\n")
    run_next()

    result = cli("upgrade --project", made)

    assert result.code == 0, result.err
    assert own.read_text() == "RATE = 3\n"
    assert outcome_of(result.out, f"src/{ORDERING}/pricing.py") == (
        "kept yours (no longer generated)"
    )
    assert not (made / f"tests/{CATALOGUE}/{_in_tests(REMOVED)}").exists()


# --- the release ---------------------------------------------------------------------------


def test_this_versions_templates_ship_as_its_release() -> None:
    """A later version tells what this one generated for a project (which files its upgrade
    may remove) by this version's templates, shipped under templates/releases/<version>/:
    they must be the templates this version renders, byte for byte."""
    from scaffolder.template_source import packaged_root, shipped_releases

    shipped = shipped_releases().get(__version__)
    assert shipped is not None, f"templates/releases/{__version__}/project is missing"

    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts
        }

    assert files(shipped) == files(packaged_root()), (
        f"templates/project changed while the version is {__version__}: bump the version, or "
        f"copy it again (rm -r templates/releases/{__version__}/project && cp -r "
        f"templates/project templates/releases/{__version__}/)"
    )


def test_the_shipped_release_renders_a_workspace_as_its_record_says(made: Path) -> None:
    """What a later version's upgrade reads of a workspace this version made: this release's
    shipped templates give every recorded file back (the configs aside: never rendered)."""
    from scaffolder.generated_record import merge_base, read_recorded, recorded_paths
    from scaffolder.reopen.workspace_edit import read_layout
    from scaffolder.reopen.workspace_generated import is_config, workspace_generated
    from scaffolder.template_source import shipped_releases

    listed = recorded_paths(made)
    rendered = workspace_generated(read_layout(made), listed, shipped_releases()[__version__]).files
    recorded = read_recorded(made, listed)
    assert set(rendered) == {path for path in recorded if not is_config(path)}
    for path, content in rendered.items():
        assert merge_base(recorded[path], content) == content, path


# --- workspaces made other ways -------------------------------------------------------------


@pytest.mark.parametrize(
    "steps",
    [
        [["add-context", "billing"]],
        [["remove-context", ORDERING]],
        [["add-database", "reports", "--provider", "postgresql", "--context", ORDERING]],
        [["set", "test.databases.default=sqlite", "--context", CATALOGUE]],
    ],
    ids=["add-context", "remove-context", "add-database", "set"],
)
def test_after_the_context_commands_this_version_has_nothing_to_upgrade(
    made: Path, cli, steps: list[list[str]]
) -> None:
    """What this version renders for the workspace from its records is what it wrote, after
    any context command: an upgrade to the same version changes nothing."""
    for step in steps:
        result = cli([*step, "--project", made])
        assert result.code == 0, result.err
    before = snapshot(made)
    result = cli("upgrade --project", made)
    assert result.code == 0, result.err
    assert f"Up to date with protean-init {__version__}" in result.out
    assert snapshot(made) == before


def test_a_project_grown_into_a_workspace_keeps_its_own_files_kind(
    tmp_path: Path, generated_projects: GeneratedProjects, cli, run_next
) -> None:
    """A single project that add-context made a workspace: its package, README and tests were
    written by the single project's templates. An upgrade to the same version changes
    nothing (the workspace's templates would give another README and domain module); to the
    next, they take only the workspace templates' change where it applies to them, and the
    added context takes every change."""
    root = generated_projects.copy(tmp_path / "shop", name="shop")
    readme = (root / "README.md").read_bytes()
    result = cli("add-context billing --project", root)
    assert result.code == 0, result.err
    before = snapshot(root)
    same = cli("upgrade --project", root)
    assert same.code == 0, same.err
    assert snapshot(root) == before

    run_next()
    result = cli("upgrade --project", root)

    assert result.code == 0, result.err
    # The workspace README template's change (none) is all it takes, not the single
    # project's (its install line naming 0.3.0): which one wrote it is not recorded.
    assert (root / "README.md").read_bytes() == readme
    for context in ("shop", "billing"):
        assert (root / f"tests/{context}/{_in_tests(ADDED)}").read_text() == ADDED_TEXT
        assert not (root / f"tests/{context}/{_in_tests(REMOVED)}").exists()
    assert DOMAIN_LINE[1] in (root / "src/billing/domain.py").read_text()
    assert "actions/checkout@v9" in (root / GITHUB_WORKFLOW).read_text()


def test_a_workspace_of_one_context_is_upgraded(
    tmp_path: Path, generated_projects: GeneratedProjects, cli, run_next
) -> None:
    root = generated_projects.copy(tmp_path / "shop", "--context", ORDERING)
    _append(root / f"src/{ORDERING}/domain.py", OUR_DOMAIN_NOTE)
    run_next()
    result = cli("upgrade --project", root)
    assert result.code == 0, result.err
    domain = (root / f"src/{ORDERING}/domain.py").read_text()
    assert DOMAIN_LINE[1] in domain and domain.endswith(OUR_DOMAIN_NOTE)
    assert "actions/checkout@v9" in (root / GITHUB_WORKFLOW).read_text()
    assert f"_template: protean-init {NEXT}\n" in (root / ANSWERS_FILE).read_text()


# --- random template edits x random user edits ----------------------------------------------

# The workspace template edited, and the files it renders that the user may edit.
RANDOM_TARGETS = {
    "workspace/domain.py.jinja": (f"src/{ORDERING}/domain.py", f"src/{CATALOGUE}/domain.py"),
    "workspace/README.md.jinja": ("README.md",),
}


_EDITS = st.lists(
    st.tuples(st.integers(0, 200), st.sampled_from(["replace", "insert", "delete"])), max_size=3
)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    template_edits=_EDITS,
    user_edits=_EDITS,
    which=st.sampled_from(sorted(RANDOM_TARGETS)),
    edited=st.integers(0, 1),
)
def test_random_template_edits_and_random_user_edits(
    generated_projects: GeneratedProjects, cli, template_edits, user_edits, which, edited
) -> None:
    """Whatever the edits, in whichever context: a conflict writes nothing; a clean upgrade
    holds every line the template changed in every file it renders and every line the user
    changed, a file the user did not edit becomes the new version's whole, and a second run
    is a no-op."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
        folder = Path(tmp)
        contexts = [arg for name in CONTEXTS for arg in ("--context", name)]
        root = generated_projects.copy(folder / "shop", *contexts)
        templates = next_version(folder, changes={})
        template = templates / which
        edit_template_lines(template, template_edits)
        targets = RANDOM_TARGETS[which]
        target = root / targets[edited % len(targets)]
        target.write_text(
            "".join(edit_lines(target.read_text().splitlines(keepends=True), user_edits, "U"))
        )
        yours = target.read_text()
        patch.setenv(TEST_TEMPLATES_ENV, str(templates))
        patch.setenv(TEST_VERSION_ENV, NEXT)
        before = snapshot(root)

        result = cli("upgrade --project", root)

        assert result.code in (0, 1), result.err
        if result.code == 1:
            assert "(conflict)" in result.err and target.name in result.err
            assert snapshot(root) == before
            return
        for relative in targets:
            theirs = (root / recorded_name(relative)).read_text()
            merged = (root / relative).read_text()
            for line in theirs.splitlines():
                if line.startswith("T-"):
                    assert line in merged.splitlines(), (relative, line, merged)
            if root / relative != target or not user_edits:
                assert merged == theirs, relative
        for line in yours.splitlines():
            if line.startswith("U-"):
                assert line in target.read_text().splitlines(), (line, target.read_text())
        after = snapshot(root)
        assert cli("upgrade --project", root).code == 0
        assert snapshot(root) == after


@pytest.mark.parametrize(
    ("planted", "said"),
    [
        ("../outside", "invalid context name"),
        ("src", "invalid context name"),
        ("ordering:\n    base.databases.default: mongodb", "mongodb"),
    ],
    ids=["path", "reserved", "provider"],
)
def test_a_planted_answers_record_is_refused_in_one_line(
    made: Path, cli, run_next, planted: str, said: str
) -> None:
    """The record's context names become folders and its choices a spec: a name that is no
    context's, or a choice no spec takes, is refused in one line naming it; nothing written."""
    record = made / ANSWERS_FILE
    text = record.read_text()
    if ":" in planted:
        text = text.replace("contexts:\n  ordering:\n", f"contexts:\n  {planted}\n", 1)
        text = text.replace("    base.databases.default: memory\n", "", 1)
    else:
        text = text.replace("contexts:\n", f"contexts:\n  {planted!r}: {{}}\n", 1)
    record.write_text(text)
    run_next()
    before = snapshot(made)
    result = cli("upgrade --project", made)
    assert result.code == 2, result.err
    assert said in result.err and len(result.err.strip().splitlines()) == 1, result.err
    assert snapshot(made) == before
    assert not (made.parent / "outside").exists()


def test_the_edit_menus_upgrade_in_a_context_is_the_whole_workspaces(made: Path, run_next) -> None:
    """The menu edits one context: its upgrade offer and proposal there are the workspace's
    (every context's files), and once written the same context is read again."""
    from scaffolder.reopen.menu import apply_proposal, propose_upgrade, upgrade_offer
    from scaffolder.reopen.project import open_project

    edit_as_a_user(made)
    run_next()
    project = open_project(made, ORDERING)
    assert upgrade_offer(project) == (__version__, NEXT)
    proposal = propose_upgrade(project)
    assert {f"src/{context}/domain.py" for context in CONTEXTS} <= set(proposal.paths)
    again = apply_proposal(proposal)
    assert again is not None and again.context is not None and again.context.name == ORDERING
    assert_template_changes_arrived(made)
    assert_user_edits_kept(made)
