"""Edits of one context in a hand-made workspace: poetry, one compose for every context with
PostgreSQL on a remapped port (15432:5432), an init script creating every context's
databases. The edit inserts only, reuses the user's PostgreSQL (never a second one), and
creates a new database the way the workspace creates the others, or names it in one line."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.check import run_check
from scaffolder.database_creation import created_databases
from tests.reopen.support import only_insertions
from tests.workspace.layouts import EIGHT, init_script, workspace
from tests.workspace.support import snapshot

SCRIPT = "ops/initdb/10-databases.sh"
ADD = ["add-database", "reports", "--provider", "postgresql"]


def reports_databases(context: str) -> set[str]:
    """The databases `reports` gets in a context of the hand-made workspace: named as its
    default's (`<context>_local`, `<context>_test`), the name before the environment's end."""
    return {f"{context}_reports_local", f"{context}_reports_test"}


def _changed(before: dict[str, bytes], after: dict[str, bytes]) -> dict[str, tuple[str, str]]:
    return {
        path: (before.get(path, b"").decode(), data.decode())
        for path, data in after.items()
        if before.get(path) != data
    }


def test_add_database_inserts_only_and_creates_it_as_the_workspace_does(
    cli, tmp_path: Path
) -> None:
    root = workspace(tmp_path / "shop")
    before = snapshot(root)
    code, out, err = cli([*ADD, "--context", "ordering", "--project", str(root)])
    assert code == 0, out + err
    after = snapshot(root)
    changed = _changed(before, after)
    assert set(changed) == {"src/ordering/domain.toml", SCRIPT}
    for old, new in changed.values():
        assert only_insertions(old, new)
    config = after["src/ordering/domain.toml"].decode()
    # The user's PostgreSQL on its remapped port: no second server, none on 5432. Named as
    # the context's own databases are (ordering_local, ordering_test: the name before the
    # environment's end), its test database read from a variable named as the default's.
    pg = "postgresql://postgres:postgres@localhost:15432"
    assert f"${{ORDERING_REPORTS_DATABASE_URL|{pg}/ordering_reports_local}}" in config
    assert f"${{TEST_ORDERING_REPORTS_DATABASE_URL|{pg}/ordering_reports_test}}" in config
    assert after["docker-compose.yml"] == before["docker-compose.yml"]
    old_script, new_script = changed[SCRIPT]
    added = [line for line in new_script.splitlines() if line not in old_script.splitlines()]
    assert added == [
        "    CREATE DATABASE ordering_reports_local;",
        "    CREATE DATABASE ordering_reports_test;",
    ]
    expected = created_databases(old_script) | reports_databases("ordering")
    assert created_databases(new_script) == expected
    # One line each says where it was added and how to create it on the running server.
    for database in reports_databases("ordering"):
        assert f"docker compose exec postgres createdb -U postgres {database}`" in err
    assert SCRIPT in err
    # Nothing said of the databases the script already creates.
    assert "ordering_local" not in err and "ordering_test" not in err
    # No CI or .env.example made from one context's config; no record of one config.
    assert not (root / ".github").exists() and not (root / ".env.example").exists()
    assert not (root / ".copier-answers.protean-init.yml").exists()
    assert run_check(root, environ={}).findings == []


def test_without_an_init_script_the_database_is_named_in_one_line(cli, tmp_path: Path) -> None:
    root = workspace(tmp_path / "shop")
    compose = root / "docker-compose.yml"
    compose.write_text(
        compose.read_text()
        .replace("      - ./ops/initdb:/docker-entrypoint-initdb.d\n", "")
        .replace("    volumes:\n    healthcheck", "    healthcheck")
    )
    before = snapshot(root)
    code, out, err = cli([*ADD, "--context", "payments", "--project", str(root)])
    assert code == 0, out + err
    changed = _changed(before, snapshot(root))
    assert set(changed) == {"src/payments/domain.toml"}
    for database in reports_databases("payments"):
        said = [line for line in err.splitlines() if f"'{database}'" in line]
        assert len(said) == 1, err
        assert f"docker compose exec postgres createdb -U postgres {database}`" in said[0]


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("createdb -U postgres {db}\n", "createdb -U postgres {db}"),
        ('psql -c "CREATE DATABASE {db}"\n', 'psql -c "CREATE DATABASE {db}"'),
        ("CREATE DATABASE IF NOT EXISTS {db};\n", "CREATE DATABASE IF NOT EXISTS {db};"),
        ('\tCREATE DATABASE "{db}";\r\n', '\tCREATE DATABASE "{db}";'),
    ],
    ids=["createdb", "psql -c", "if not exists", "tab crlf quoted"],
)
def test_the_new_line_copies_the_scripts_own(
    cli, tmp_path: Path, style: str, expected: str
) -> None:
    root = workspace(tmp_path / "shop")
    names = ["ordering_local", "ordering_test", "payments_local", "payments_test"]
    text = "#!/bin/sh\nset -e\n" + "".join(style.format(db=n) for n in names) + "echo done\n"
    (root / SCRIPT).write_bytes(text.encode())
    code, out, err = cli([*ADD, "--context", "payments", "--project", str(root)])
    assert code == 0, out + err
    new = (root / SCRIPT).read_bytes().decode()
    assert only_insertions(text, new)
    lines = new.splitlines()
    local = lines.index(expected.format(db="payments_reports_local"))
    assert lines[local - 1] == style.format(db="payments_test").rstrip("\r\n")
    assert lines[local + 1] == expected.format(db="payments_reports_test")
    assert created_databases(new) == set(names) | reports_databases("payments")


def test_each_context_edited_in_turn_keeps_the_others_lines(cli, tmp_path: Path) -> None:
    """No record of one context's config is the base of the next context's merge: the
    second edit inserts as the first did, and takes nothing of the first's away."""
    root = workspace(tmp_path / "shop", EIGHT)
    (root / ".env.example").write_text("# the team's own\nSECRET_KEY=change-me\n")
    for name in EIGHT:
        before = snapshot(root)
        code, out, err = cli([*ADD, "--context", name, "--project", str(root)])
        assert code == 0, out + err
        for old, new in _changed(before, snapshot(root)).values():
            assert only_insertions(old, new)
    script = (root / SCRIPT).read_text()
    assert created_databases(script) >= {db for n in EIGHT for db in reports_databases(n)}
    env_example = (root / ".env.example").read_text()
    for name in EIGHT:
        assert f"{name.upper()}_REPORTS_DATABASE_URL" in env_example
    assert run_check(root, environ={}).findings == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    indent=st.sampled_from(["", "  ", "    ", "\t"]),
    keyword=st.sampled_from(["CREATE DATABASE", "create database", "Create Database"]),
    terminator=st.sampled_from([";", "", " ;"]),
    trailing=st.sampled_from(["", "\n-- end\n", "\nEOSQL\n"]),
)
def test_any_script_style_gains_exactly_one_line_per_database(
    cli, indent: str, keyword: str, terminator: str, trailing: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = workspace(Path(folder) / "shop")
        names = ["ordering_test", "payments_local", "payments_test"]
        lines = "".join(f"{indent}{keyword} {n}{terminator}\n" for n in names)
        text = f"-- made by hand\n{lines}{trailing}"
        script = root / "ops" / "initdb" / "10-databases.sh"
        script.unlink()
        (root / "ops" / "initdb" / "20-more.sql").write_text(text)
        assert cli(ADD, "--context ordering --project", root).code == 0
        new = (root / "ops" / "initdb" / "20-more.sql").read_text()
    assert only_insertions(text, new)
    assert new.count("\n") == text.count("\n") + 2
    for database in reports_databases("ordering"):
        assert f"{indent}{keyword} {database}{terminator}\n" in new
    assert created_databases(new) == set(names) | reports_databases("ordering")


def test_init_script_fixture_creates_what_it_says() -> None:
    assert created_databases(init_script(["a_local", "b_test"])) == {"a_local", "b_test"}
