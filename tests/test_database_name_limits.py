"""A database name the server would not keep is refused before anything is written: each
server's limit counted as it counts (catalog.NameLimit, checked by
spec.slots.refuse_cut_database at `new`, `set`, `add-database` and a workspace context's named
databases). PostgreSQL's 63 bytes are tested in tests/trust/test_names.py and
tests/trust/test_planted_workspace.py; here MySQL's (and MariaDB's) 64 characters: the
reference manual's "Identifier Length Limits" gives a database name at most 64 characters,
counted in characters (a multibyte one is one), and CREATE DATABASE refuses a longer one, so
the compose service and the CI step that create it would fail.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scaffolder.catalog import MYSQL, POSTGRES, PROVIDERS, Role
from scaffolder.errors import UsageError
from scaffolder.spec.slots import Slot, refuse_cut_database
from tests.workspace.support import snapshot

MYSQL_NAME_CHARACTERS = 64
MYSQL_URL = "mysql+pymysql://root:mysql@localhost:3306/"


def new(cli, target: Path, *argv: str):
    return cli(["new", target, *argv], "--ui", "none", "--defaults")


def assert_refused(result, bad: str, size: int) -> None:
    code, out, err = result
    assert code == 2, out + err
    (line,) = err.strip().splitlines()
    assert bad in line and "MySQL" in line, line
    assert f"{size} characters" in line and str(MYSQL_NAME_CHARACTERS) in line, line


def test_the_limit_is_the_manuals() -> None:
    assert MYSQL.database_name_limit is not None and POSTGRES.database_name_limit is not None
    assert MYSQL.database_name_limit.most == MYSQL_NAME_CHARACTERS
    assert MYSQL.database_name_limit.unit == "characters"
    assert POSTGRES.database_name_limit.unit == "bytes"


@pytest.mark.parametrize(("name", "length"), [("reportx", 64), ("reportxy", 65)])
def test_new_holds_a_named_mysql_database_to_64_characters(cli, tmp_path, name, length) -> None:
    """`<package>_<name>` on MySQL beside a PostgreSQL default (56 bytes: kept by it)."""
    target = tmp_path / "shop"
    result = new(cli, target, "--package", "a" * 56, "--set", f"base.databases.{name}=mysql")
    assert len(f"{'a' * 56}_{name}") == length
    if length == MYSQL_NAME_CHARACTERS:
        assert result.code == 0, result.out + result.err
        assert f"3306/{'a' * 56}_{name}" in (target / "domain.toml").read_text()
    else:
        assert_refused(result, repr(name), length)
        assert not target.exists()


@pytest.mark.parametrize(
    "argv",
    [["set", "base.databases.reports=mysql"], ["add-database", "reports", "--provider", "mysql"]],
    ids=" ".join,
)
@pytest.mark.parametrize("package", [56, 57])
def test_an_edit_holds_a_mysql_database_to_64_characters(cli, tmp_path, argv, package) -> None:
    """`<package>_reports`: 64 characters with a package of 56, written; 65 with one of 57,
    refused in one line, no byte changed."""
    root = tmp_path / "shop"
    assert new(cli, root, "--package", "a" * package).code == 0
    before = snapshot(root)
    result = cli(argv, "--project", root)
    if package == 56:
        assert result.code == 0, result.out + result.err
        assert f"3306/{'a' * 56}_reports" in (root / "domain.toml").read_text()
    else:
        assert_refused(result, "'reports'", 65)
        assert snapshot(root) == before


@pytest.mark.parametrize("length", [56, 57])
def test_a_context_counts_a_multibyte_mysql_name_in_characters(cli, tmp_path, length) -> None:
    """A workspace context whose default database (its own local URL) is named with a
    two-byte letter: a database added beside it is `<that name>_reports`, 64 characters (120
    bytes) kept, as MySQL counts; 65 refused. PostgreSQL's byte count would refuse both."""
    root = tmp_path / "ws"
    made = new(cli, root, "--context", "ordering", "--context", "billing")
    assert made.code == 0, made.out + made.err
    default = "é" * length
    for key in (
        "base.databases.default=mysql",
        f"local_urls.databases.default={MYSQL_URL}{default}",
    ):
        ran = cli(["set", "--context", "ordering", key], "--project", root)
        assert ran.code == 0, ran.out + ran.err
    before = snapshot(root)
    result = cli(
        ["add-database", "--context", "ordering", "reports", "--provider", "mysql"],
        "--project",
        root,
    )
    config = root / "src" / "ordering" / "domain.toml"
    if length == 56:
        assert result.code == 0, result.out + result.err
        assert f"3306/{default}_reports" in config.read_text()
        assert len(f"{default}_reports".encode()) > 63
    else:
        assert_refused(result, "'reports'", 65)
        assert snapshot(root) == before


@settings(max_examples=500)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=80))
def test_each_server_counts_as_it_counts(name: str) -> None:
    """Over any name: MySQL refuses it past 64 characters, whatever its bytes; PostgreSQL past
    63 bytes of UTF-8, whatever its characters."""
    slot = Slot(Role.DATABASE, "default")
    for provider, url, fits in (
        (PROVIDERS[Role.DATABASE]["mysql"], MYSQL_URL, len(name) <= 64),
        (
            PROVIDERS[Role.DATABASE]["postgresql"],
            "postgresql://localhost:5432/",
            len(name.encode()) <= 63,
        ),
    ):
        try:
            refuse_cut_database(slot, provider, url + name.replace("/", "_"), "shop")
        except UsageError:
            assert not fits, (provider.name, name)
        else:
            assert fits, (provider.name, name)


ALL_MYSQL = [f"--set={env}.databases.default=mysql" for env in ("base", "production", "test")]


@pytest.mark.parametrize("length", [64, 65])
def test_new_defaults_holds_an_all_mysql_default_database_to_mysqls_limit(
    cli, tmp_path, length
) -> None:
    """`new --defaults` with every environment on MySQL: the default database is the package
    itself, so a 64-character package is kept and 65 refused, by MySQL's limit. The defaults
    (PostgreSQL in test and production) are where `--set` starts, not a spec checked on their
    own: PostgreSQL's 63 bytes refused the 64 before the flags moved every database off it."""
    target = tmp_path / "shop"
    package = "a" * length
    result = new(cli, target, "--package", package, *ALL_MYSQL)
    if length == MYSQL_NAME_CHARACTERS:
        assert result.code == 0, result.out + result.err
        config = tomllib.loads((target / "domain.toml").read_text())
        assert f"3306/{package}}}" in config["databases"]["default"]["database_uri"]
        for env in ("production", "test"):  # its own table, or base's inherited
            databases = config[env].get("databases", config["databases"])
            assert databases["default"]["provider"] == "mysql", env
    else:
        assert_refused(result, repr(package), length)
        assert not target.exists()


def test_new_defaults_holds_a_postgresql_test_database_to_63_bytes(cli, tmp_path) -> None:
    """The same 64-character package with test left on PostgreSQL (the defaults'): refused by
    PostgreSQL's 63 bytes, one line naming the package, nothing written."""
    target = tmp_path / "shop"
    package = "a" * MYSQL_NAME_CHARACTERS
    sets = [f"--set={env}.databases.default=mysql" for env in ("base", "production")]
    code, out, err = new(cli, target, "--package", package, *sets)
    assert code == 2, out + err
    (line,) = err.strip().splitlines()
    assert repr(package) in line and "PostgreSQL" in line, line
    assert "64 bytes" in line and "63" in line, line
    assert not target.exists()
