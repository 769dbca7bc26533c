"""A planted workspace: the records, folders and configs of a workspace of several contexts
(`new --context`) chosen by an attacker, or left half-changed by hand.

Each case runs a real command on a fresh copy of a workspace protean-init made and asserts
what it may write: nothing outside the project, nothing for a context that is not on disk,
and, when it refuses, one line, exit 2 and no change.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from scaffolder.generated_record import RECORD_DIR
from scaffolder.project_files import ANSWERS_FILE
from scaffolder.template_source import TEST_VERSION_ENV
from tests.support.projects import GeneratedProjects
from tests.workspace.support import snapshot

CONTEXTS = ("ordering", "billing")
# A version after this one: `upgrade` then merges this version's record to its templates.
NEXT = "9.0.0"


@pytest.fixture
def made(tmp_path: Path, generated_projects: GeneratedProjects) -> Path:
    """A fresh copy of `new shop --defaults --context ordering --context billing`."""
    contexts = [arg for name in CONTEXTS for arg in ("--context", name)]
    return generated_projects.copy(tmp_path / "shop", *contexts)


def _claim(root: Path, context: str) -> None:
    """The answers record lists `context` among the workspace's, with choices of its own."""
    path = root / ANSWERS_FILE
    text = path.read_text()
    assert "\ncontexts:\n" in text
    path.write_text(
        text.replace(
            "\ncontexts:\n", f"\ncontexts:\n  {context}:\n    base.databases.default: memory\n"
        )
    )


@pytest.mark.parametrize("how", ["planted in the record", "context deleted by hand"])
def test_upgrade_writes_no_context_that_is_not_on_disk(
    cli, made: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """A context the record lists but the disk has not (its folder deleted by hand, or a
    name planted in the record) is no context: upgrade merges the contexts on disk, as every
    edit re-derives from them, and never writes the package and tests of a context that is
    not there."""
    if how == "planted in the record":
        _claim(made, "ghost")
        gone = "ghost"
    else:
        shutil.rmtree(made / "src" / "billing")
        shutil.rmtree(made / "tests" / "billing")
        gone = "billing"
    before = snapshot(made)
    monkeypatch.setenv(TEST_VERSION_ENV, NEXT)
    code, out, err = cli(["upgrade"], "--project", made)
    assert code == 0, out + err
    folders = (f"src/{gone}/", f"tests/{gone}/")
    written = [
        path
        for path, content in snapshot(made).items()
        if path.removeprefix(f"{RECORD_DIR}/").startswith(folders) and before.get(path) != content
    ]
    assert written == [], (written, out + err)


# PostgreSQL keeps the first 63 bytes of a database name and drops the rest without an error,
# on CREATE DATABASE and on connecting alike (checked on a real server: `psql -d
# shop_<58 a>_test` is in shop_<58 a>).
POSTGRES_NAME_BYTES = 63
LONG = "a" * 58  # shop_<LONG> is 63 bytes: its test database shop_<LONG>_test is cut to it.


@pytest.mark.parametrize(
    "argv",
    [
        ["new", "--context", LONG, "--context", "billing"],
        ["new", "--context", f"{LONG}x", "--context", f"{LONG}y"],
        ["new", "--context", "a" * 300, "--context", "billing"],
        ["add-context", LONG],
        ["add-context", "a" * 300],
    ],
    ids=["test-is-dev", "two-contexts-one-database", "300", "add-test-is-dev", "add-300"],
)
def test_a_context_whose_database_names_postgresql_would_cut_is_refused(
    cli, made: Path, tmp_path: Path, argv: list[str]
) -> None:
    """A context's databases are `<package>_<context>` and its test database
    `<package>_<context>_test`: past 63 bytes PostgreSQL cuts them, and the test suite (which
    empties its tables) would run in the developer's database, or two contexts would share
    one. Such a name is refused in one line naming it and its room; nothing written."""
    if argv[0] == "new":
        target = tmp_path / "fresh" / "shop"
        code, out, err = cli([*argv[:1], target, *argv[1:], "--ui", "none", "--defaults"])
        assert not target.exists()
    else:
        before = snapshot(made)
        code, out, err = cli(argv, "--project", made)
        assert snapshot(made) == before
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1, err
    assert "invalid context name" in err and str(POSTGRES_NAME_BYTES) in err, err


def test_the_longest_context_name_allowed_names_databases_postgresql_keeps(
    cli, tmp_path: Path
) -> None:
    """The limit is exact: one byte less than a refused name is a workspace whose test
    database keeps every byte."""
    longest = "a" * (POSTGRES_NAME_BYTES - len("shop_") - len("_test"))
    target = tmp_path / "shop"
    code, out, err = cli(
        ["new", target, "--context", longest, "--context", "billing"], "--ui", "none", "--defaults"
    )
    assert code == 0, out + err
    assert f"shop_{longest}_test" in (target / "src" / longest / "domain.toml").read_text()


# Cyrillic i (U+0456) for the Latin i: a Python identifier that reads as `billing`.
LOOK_ALIKE = "b\u0456lling"


def test_a_look_alike_context_folder_is_no_context(cli, made: Path) -> None:
    """A folder named like a context in other letters (`src/b\u0456lling` beside `src/billing`)
    is no context: no package protean-init names can have the name (context and package
    names are ASCII), and in every message and derived file it would read as the real one.
    An edit re-derives the workspace's shared files from the contexts alone."""
    shutil.copytree(made / "src" / "billing", made / "src" / LOOK_ALIKE)
    code, out, err = cli(
        ["set", "production.debug=false", "--context", "billing"], "--project", made
    )
    assert code == 0, out + err
    shared = [".env.example", "docker-compose.yml", ".github/workflows/ci.yml", ANSWERS_FILE]
    for path in shared:
        assert LOOK_ALIKE.upper() not in (made / path).read_text(), path
        assert LOOK_ALIKE not in (made / path).read_text(), path
    code, out, err = cli(["check"], "--project", made)
    assert LOOK_ALIKE not in out + err, out + err


def _no_file(path: Path, kind: str) -> None:
    """`path` made a `kind` that is no regular file."""
    path.unlink()
    if kind == "named pipe":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/null")
    elif kind == "folder":
        path.mkdir()
    else:
        path.symlink_to(path.parent / "nowhere")


@pytest.mark.parametrize("kind", ["named pipe", "device", "folder", "dangling link"])
@pytest.mark.parametrize(
    "argv",
    [
        ["set", "production.debug=false", "--context", "ordering"],
        ["deploy", "kubernetes"],
        ["check"],
    ],
    ids=" ".join,
)
def test_a_context_config_that_is_no_file_is_refused_not_dropped(
    cli, made: Path, kind: str, argv: list[str]
) -> None:
    """A context's domain.toml that is no regular file (a named pipe, a device, a folder, a
    link to nothing) is a config protean-init cannot read, not a context that is gone: an
    edit of another context re-derived the workspace's shared files and its record without
    it (its services, variables and CI jobs dropped), and check passed it over. One line
    naming it, exit 2, nothing written."""
    _no_file(made / "src" / "billing" / "domain.toml", kind)
    before = snapshot(made)
    code, out, err = cli(argv, "--project", made)
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1 and "src/billing/domain.toml" in err, err
    assert snapshot(made) == before


@pytest.mark.parametrize("kind", ["named pipe", "device", "folder", "dangling link"])
@pytest.mark.parametrize(
    "argv",
    [["set", "production.debug=false", "--context", "ordering"], ["derive"], ["upgrade"]],
    ids=" ".join,
)
def test_an_answers_record_that_is_no_file_is_refused_not_taken_for_none(
    cli, made: Path, kind: str, argv: list[str]
) -> None:
    """The answers record as no regular file (a named pipe, a device, a folder, a link to
    nothing) was taken for no record: an edit went on as in a hand-made workspace and wrote
    only the context's config. One line naming it, exit 2, nothing written."""
    _no_file(made / ANSWERS_FILE, kind)
    before = snapshot(made)
    code, out, err = cli(argv, "--project", made)
    assert code == 2, out + err
    said = {"dangling link": "link to nothing"}.get(kind, kind)
    assert len(err.strip().splitlines()) == 1 and ANSWERS_FILE in err and said in err, err
    assert snapshot(made) == before


@pytest.mark.parametrize(
    ("planted", "named"),
    [
        ("ci: bogus", "'bogus'"),
        ("deploy: ../../x", "'../../x'"),
        ("workers: -5", "-5"),
        ("replicas: [1]", "[1]"),
        ("compose: maybe", "'maybe'"),
    ],
)
@pytest.mark.parametrize(
    "argv",
    [["set", "production.caches.default=memory", "--context", "billing"], ["derive"]],
    ids=" ".join,
)
def test_a_planted_project_choice_in_the_record_is_refused(
    cli, made: Path, planted: str, named: str, argv: list[str]
) -> None:
    """The record's project-level choices (CI, compose, deployment, scale) are what every
    edit of a workspace re-derives its shared files with: `ci: bogus` had the CI workflow
    deleted as no longer derived, `replicas: [1]` crashed with a traceback. Each is read as
    `--set` reads it: one line naming the value and what is allowed, nothing written."""
    key = planted.partition(":")[0]
    path = made / ANSWERS_FILE
    lines = [line for line in path.read_text().splitlines() if not line.startswith(f"{key}:")]
    at = next(i for i, line in enumerate(lines) if line.startswith("package_name:")) + 1
    path.write_text("\n".join([*lines[:at], planted, *lines[at:]]) + "\n")
    before = snapshot(made)
    code, out, err = cli(argv, "--project", made)
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1, err
    assert ANSWERS_FILE in err and named in err and key in err, err
    assert snapshot(made) == before


@pytest.mark.parametrize(
    "argv",
    [
        ["set", "production.debug=true", "--context", "billing"],
        ["derive"],
        ["deploy", "kubernetes"],
        ["add-context", "pay"],
        ["upgrade", "--dry-run"],
    ],
    ids=" ".join,
)
def test_an_answers_record_linked_out_of_the_project_is_not_read(
    cli, made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    """The answers record as a link to a file of the user's (`.copier-answers...yml ->
    ~/private.yml`) is not read, as a config linked out is not: its values went into the
    workspace's identity and were quoted back in errors (`invalid value '<the user's line>'
    for ci`). One line naming the link and its target, nothing written."""
    private = tmp_path / "outside" / "private.yml"
    private.parent.mkdir()
    private.write_text(
        "project_name: shop\npackage_name: shop\nci: hunter2-private\ncontexts:\n"
        "  ordering: {}\n  billing: {}\n"
    )
    (made / ANSWERS_FILE).unlink()
    (made / ANSWERS_FILE).symlink_to(private)
    before = snapshot(made)
    if argv[0] == "upgrade":
        monkeypatch.setenv(TEST_VERSION_ENV, NEXT)
    code, out, err = cli(argv, "--project", made)
    assert code == 2, out + err
    assert "hunter2" not in out + err, out + err
    assert len(err.strip().splitlines()) == 1 and "outside the project" in err, err
    assert snapshot(made) == before


@pytest.mark.parametrize("kind", ["workspace", "single project"])
@pytest.mark.parametrize("linked", ["docker-compose.yml", ".github/workflows/ci.yml"])
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "write"])
def test_upgrade_reads_no_file_through_a_link_out_of_the_project(
    cli,
    made: Path,
    tmp_path: Path,
    generated_projects: GeneratedProjects,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    linked: str,
    dry_run: bool,
) -> None:
    """A file upgrade merges that is a link to a file of the user's (`docker-compose.yml ->
    ~/private`) is not read: upgrade merged the user's file with the new templates and
    printed it in its conflict report. One line naming the link, nothing written."""
    root = made if kind == "workspace" else generated_projects.copy(tmp_path / "one" / "shop")
    private = tmp_path / "outside" / "private"
    private.parent.mkdir()
    private.write_text("hunter2-private-line\n")
    (root / linked).unlink()
    (root / linked).symlink_to(private)
    before = snapshot(root)
    monkeypatch.setenv(TEST_VERSION_ENV, NEXT)
    code, out, err = cli(["upgrade", *(["--dry-run"] if dry_run else [])], "--project", root)
    assert "hunter2" not in out + err, out + err
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1 and "outside the project" in err, err
    assert snapshot(root) == before
    assert private.read_text() == "hunter2-private-line\n"


def test_deploy_names_a_context_with_a_line_break_on_one_line(cli, made: Path) -> None:
    """`deploy --context` at a workspace is refused (the deployment is every context's); the
    refusal quotes the value escaped, so a line break in it cannot split the error."""
    before = snapshot(made)
    code, out, err = cli(["deploy", "kubernetes", "--context", "billing\nx"], "--project", made)
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1 and "'billing\\nx'" in err, err
    assert snapshot(made) == before


def test_the_wizard_names_a_context_postgresql_would_cut_in_its_field() -> None:
    """The wizard's contexts field says what `new --context` refuses (its error is the
    field's, shown before the review), not a failure once every screen is filled in."""
    from scaffolder.spec.defaults import default_spec
    from scaffolder.ui.common.state import Draft

    draft = Draft.from_spec(default_spec("shop", "shop"), Path("shop"))
    draft.contexts_text = f"{LONG} billing"
    error = draft.project_errors().get("contexts", "")
    assert "invalid context name" in error and str(POSTGRES_NAME_BYTES) in error, error
    draft.contexts_text = f"{LONG[:52]} billing"
    assert "contexts" not in draft.project_errors()


@pytest.mark.parametrize(
    ("command", "variable"),
    [
        (["add-database", "log", "--provider", "postgresql"], "ORDERING_LOG_DATABASE_URL"),
        (["add-cache", "log", "--provider", "redis"], "ORDERING_LOG_CACHE_URL"),
    ],
    ids=["database", "cache"],
)
def test_a_named_slot_that_is_another_contexts_own_is_refused(
    cli, tmp_path: Path, generated_projects: GeneratedProjects, command: list[str], variable: str
) -> None:
    """Context `ordering`'s database `log` would read `ORDERING_LOG_DATABASE_URL` and live in
    `shop_ordering_log`(`_test`): context `ordering_log`'s own variable and databases, so one
    context's test suite would empty the other's. Refused in one line naming both; nothing
    written."""
    root = generated_projects.copy(
        tmp_path / "shop", "--context", "ordering", "--context", "ordering_log"
    )
    before = snapshot(root)
    code, out, err = cli([*command, "--context", "ordering"], "--project", root)
    assert snapshot(root) == before
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1, err
    assert "'log'" in err and "'ordering_log'" in err and variable in err, err
    assert "another name" in err, err


def test_a_new_context_named_as_another_contexts_slot_is_refused(cli, made: Path) -> None:
    """The other way round: context `ordering` has database `log` (ORDERING_LOG_DATABASE_URL,
    shop_ordering_log), then a context `ordering_log` would take them as its own."""
    code, out, err = cli(
        ["add-database", "log", "--provider", "postgresql", "--context", "ordering"],
        "--project",
        made,
    )
    assert code == 0, out + err
    before = snapshot(made)
    code, out, err = cli(["add-context", "ordering_log"], "--project", made)
    assert snapshot(made) == before
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1, err
    assert "'ordering_log'" in err and "ORDERING_LOG_DATABASE_URL" in err, err
    assert "'ordering'" in err and "another name" in err, err


def test_a_new_workspace_whose_context_is_another_contexts_slot_is_refused(
    cli, tmp_path: Path
) -> None:
    """`new` with context `ordering`'s database `log` and a context `ordering_log`: refused
    as add-context refuses it, before anything is written."""
    target = tmp_path / "shop"
    argv = ["new", target, "--context", "ordering", "--context", "ordering_log"]
    code, out, err = cli(
        [*argv, "--set", "ordering:base.databases.log=postgresql"], "--ui", "none", "--defaults"
    )
    assert not target.exists()
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1, err
    assert "'ordering_log'" in err and "ORDERING_LOG_DATABASE_URL" in err, err
    assert "'ordering'" in err and "another name" in err, err


@pytest.mark.parametrize("host", ["127.0.0.2", "0.0.0.0", "[::1]", "LOCALHOST"])
def test_another_contexts_database_on_another_name_of_this_machine_is_taken(
    cli, made: Path, host: str
) -> None:
    """Context billing's test database, edited by hand to `shop_ordering_log_test` on
    `127.0.0.2:5432` (or 0.0.0.0, [::1]), is the one `ordering`'s database `log` would open
    on `localhost:5432`: a server on this machine answers on each of its names (a server
    bound to every address, as PostgreSQL listening on '*' and a compose port without an
    address are), and which one it is cannot be told from the config. Every name of this
    machine is one (connection_target.is_local_host): refused as on `localhost`, where
    127.0.0.2 and 0.0.0.0 were taken for another machine and both wrote."""
    config = made / "src" / "billing" / "domain.toml"
    text = config.read_text()
    old = "@localhost:5432/shop_billing_test}"
    assert old in text
    config.write_text(text.replace(old, f"@{host}:5432/shop_ordering_log_test}}"))
    before = snapshot(made)
    code, out, err = cli(
        ["add-database", "log", "--provider", "postgresql", "--context", "ordering"],
        "--project",
        made,
    )
    assert snapshot(made) == before
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1, err
    assert "'billing'" in err and "shop_ordering_log_test" in err, err


def test_another_contexts_database_on_another_machine_is_not_taken(cli, made: Path) -> None:
    """The control: the same database name on a server elsewhere is not this machine's."""
    config = made / "src" / "billing" / "domain.toml"
    text = config.read_text()
    config.write_text(
        text.replace(
            "@localhost:5432/shop_billing_test}", "@127.example.com:5432/shop_ordering_log_test}"
        )
    )
    code, out, err = cli(
        ["add-database", "log", "--provider", "postgresql", "--context", "ordering"],
        "--project",
        made,
    )
    assert code == 0, out + err


UPPER = "Billing"


@pytest.mark.parametrize("made_by", ["new --context", "hand"])
@pytest.mark.parametrize(
    ("argv", "where"),
    [
        (["set", "production.debug=false", "--context", "ordering"], "root"),
        (["set", "production.debug=false", "--context", UPPER], "root"),
        (["set", "production.debug=false"], "inside"),
        (["add-database", "reports", "--provider", "postgresql", "--context", "ordering"], "root"),
        (["derive"], "root"),
        (["deploy", "kubernetes"], "root"),
        (["upgrade"], "root"),
        (["add-context", "shipping"], "root"),
        (["remove-context", "ordering"], "root"),
        (["check"], "root"),
        (["check", "--context", "ordering"], "root"),
        (["edit", "--ui", "none"], "root"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else value,
)
def test_an_upper_case_context_folder_is_refused_by_every_command(
    cli,
    made: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    made_by: str,
    argv: list[str],
    where: str,
) -> None:
    """A context's name is its folder's, and a context name is a lower-case ASCII identifier:
    `src/Billing` (renamed by hand, or made so in a hand-made workspace) would name databases
    PostgreSQL folds (`CREATE DATABASE Billing_x` makes billing_x, the URL names Billing_x),
    Kubernetes objects it refuses, and `--context Billing` beside add-context's refusal of
    that name. Every command refuses it the same way: one line naming the folder and what a
    context's name may be, exit 2, nothing written."""
    if made_by == "hand":
        from tests.workspace.layouts import workspace

        root = workspace(tmp_path / "hand", ("ordering", "billing"))
    else:
        root = made
    (root / "src" / "billing").rename(root / "src" / UPPER)
    before = snapshot(root)
    if where == "inside":
        monkeypatch.chdir(root / "src" / UPPER)
        code, out, err = cli(argv)
    else:
        code, out, err = cli(argv, "--project", root)
    assert snapshot(root) == before
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1, err
    assert f"src/{UPPER}" in err and "lower-case" in err, err


def test_an_upper_case_package_of_a_single_project_is_no_workspace(cli, tmp_path: Path) -> None:
    """One config under `src/Acme/` is a project of one package, as Python allows any case:
    not refused."""
    root = tmp_path / "acme"
    (root / "src" / "Acme").mkdir(parents=True)
    (root / "src" / "Acme" / "domain.toml").write_text('[databases.default]\nprovider = "memory"\n')
    (root / "pyproject.toml").write_text('[project]\nname = "acme"\nversion = "0.1.0"\n')
    code, out, err = cli(["check"], "--project", root)
    assert code in (0, 1), out + err


def test_a_single_project_of_an_upper_case_package_becomes_no_workspace(
    cli, tmp_path: Path
) -> None:
    """`new --package Acme` is a project of one package, as Python allows; `add-context`
    would make `src/Acme` a context of two, which every command then refuses: refused
    before, in the same line, with nothing written."""
    root = tmp_path / "up"
    code, out, err = cli(["new", root, "--package", "Acme"], "--ui", "none", "--defaults")
    assert code == 0, out + err
    before = snapshot(root)
    code, out, err = cli(["add-context", "billing"], "--project", root)
    assert snapshot(root) == before
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1, err
    assert "src/Acme" in err and "lower-case" in err, err


def _planted(path: Path, kind: str) -> None:
    """`path` (there or not) made a `kind` that is no regular file."""
    if path.exists() or path.is_symlink():
        path.unlink()
    if kind == "named pipe":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/null")
    else:
        path.symlink_to(path.parent / "nowhere")


@pytest.mark.parametrize("kind", ["named pipe", "device", "dangling link"])
@pytest.mark.parametrize(
    "argv",
    [["check"], ["add-database", "reports", "--provider", "postgresql", "--context", "ordering"]],
    ids=" ".join,
)
def test_an_init_script_that_is_no_file_is_reported_not_skipped(
    cli, tmp_path: Path, kind: str, argv: list[str]
) -> None:
    """The script compose's PostgreSQL runs at its first start (ops/initdb/10-databases.sh,
    mounted at /docker-entrypoint-initdb.d) as a named pipe, a device or a link to nothing:
    it was passed over, so check reported every context's database as not created and the
    edit named a `createdb` for each, as if the script created none. One line naming it,
    exit 2, nothing written."""
    from tests.workspace.layouts import workspace

    root = workspace(tmp_path / "hand")
    _planted(root / "ops" / "initdb" / "10-databases.sh", kind)
    before = snapshot(root)
    code, out, err = cli(argv, "--project", root)
    assert snapshot(root) == before
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1, err
    assert "ops/initdb/10-databases.sh" in err, err


def test_a_folder_in_the_init_folder_is_no_script(cli, tmp_path: Path) -> None:
    """The control: a folder beside the init scripts is none (the image runs files only)."""
    from tests.workspace.layouts import workspace

    root = workspace(tmp_path / "hand")
    (root / "ops" / "initdb" / "lib").mkdir()
    code, out, err = cli(["check"], "--project", root)
    assert code == 0, out + err


@pytest.mark.parametrize("kind", ["named pipe", "device"])
def test_a_context_module_that_is_no_file_is_reported_not_skipped(
    cli, tmp_path: Path, kind: str
) -> None:
    """A context's module (src/payments/handlers.py) as a named pipe or a device: its event
    handlers were passed over and check told which contexts exchange events without it
    (read where the contexts' event stores differ, as here). One line naming it, exit 2."""
    from tests.workspace.layouts import workspace

    root = workspace(tmp_path / "hand")
    config = root / "src" / "payments" / "domain.toml"
    assert "@localhost:15433/message_store" in config.read_text()
    config.write_text(
        config.read_text().replace("@localhost:15433/message_store", "@localhost:15434/es")
    )
    module = root / "src" / "payments" / "handlers.py"
    module.write_text("")
    _planted(module, kind)
    code, out, err = cli(["check"], "--project", root)
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1, err
    assert "src/payments/handlers.py" in err, err


@pytest.mark.parametrize("how", ["add-database", "new --set"])
def test_a_contexts_named_database_postgresql_would_cut_is_refused(
    cli, tmp_path: Path, how: str
) -> None:
    """Context `<50 a>` fits (`shop_<50 a>_test` is 60 bytes), its database `reports` does not
    (`shop_<50 a>_reports_test`, 68): refused naming `reports` and 63, nothing written."""
    context = "a" * 50
    root = tmp_path / "shop"
    argv = ["new", root, "--context", context, "--context", "billing"]
    if how == "add-database":
        code, out, err = cli(argv, "--ui", "none", "--defaults")
        assert code == 0, out + err
        before = snapshot(root)
        code, out, err = cli(
            ["add-database", "reports", "--provider", "postgresql", "--context", context],
            "--project",
            root,
        )
        assert snapshot(root) == before
    else:
        code, out, err = cli(
            [*argv, "--set", f"{context}:base.databases.reports=postgresql"],
            "--ui",
            "none",
            "--defaults",
        )
        assert not root.exists()
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1, err
    assert "'reports'" in err and f"{POSTGRES_NAME_BYTES}" in err, err
