"""`protean-init set ENV.ROLE[.NAME]=PROVIDER`: one provider changes, every other byte stays."""

from __future__ import annotations

from tests.support.validators import assert_compose_valid, assert_github_workflow_valid

from .ci_shape import compose_services, github_integration
from .support import (
    ANSWERS,
    COMPOSE,
    ENV_EXAMPLE,
    FIXTURES,
    GITHUB,
    changed_files,
    load_config,
    only_insertions,
    resolved_databases,
    snapshot,
)

TEST_TABLE = """\
[test.databases.default]
provider = "postgresql"
database_uri = "${DATABASE_URL|postgresql://postgres:postgres@localhost:5432/shop}"
"""
COMMENTED_TABLE = """\
# my note: the test database
[test.databases.default]
provider = "postgresql"   # real postgres in tests
# the URL compose serves
database_uri = "${DATABASE_URL|postgresql://postgres:postgres@localhost:5432/shop}"
"""


def test_set_changes_one_provider_and_keeps_comments(generated, cli):
    root = generated()
    config = root / "domain.toml"
    text = config.read_text()
    assert TEST_TABLE in text
    config.write_text(text.replace(TEST_TABLE, COMMENTED_TABLE))
    old = config.read_text().splitlines(keepends=True)
    before_db = resolved_databases(config)
    before = snapshot(root)

    result = cli("set test.databases.default=sqlite --project", root)

    assert result.code == 0, result.err
    new = config.read_text().splitlines(keepends=True)
    assert len(new) == len(old)
    changed = {i: (a, b) for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b}
    assert [b for a, b in changed.values()] == [
        'provider = "sqlite"   # real postgres in tests\n',
        'database_uri = "${DATABASE_URL|sqlite:///shop.db}"\n',
    ]
    after_db = resolved_databases(config)
    assert after_db["test"]["default"] == {
        "provider": "sqlite",
        "database_uri": "sqlite:///shop.db",
    }
    assert {e: t for e, t in after_db.items() if e != "test"} == {
        e: t for e, t in before_db.items() if e != "test"
    }
    # Tests no longer need postgres in CI; production still does locally, in compose.
    # pyproject.toml: protean[sqlite] joins the requirement.
    expected = {"domain.toml", ANSWERS, ENV_EXAMPLE, GITHUB, "pyproject.toml"}
    assert changed_files(before, snapshot(root)) == expected
    services, env = github_integration(root)
    assert "postgres" not in services and "DATABASE_URL" not in env
    assert_github_workflow_valid(root / GITHUB)
    assert "postgres" in compose_services(root)
    assert_compose_valid(root / COMPOSE)


def test_set_to_the_same_provider_changes_no_byte(generated, cli):
    root = generated()
    before = snapshot(root)
    result = cli("set test.databases.default=postgresql --project", root)
    assert result.code == 0, result.err
    assert snapshot(root) == before


def test_set_keeps_a_connection_string_the_user_wrote(generated, cli):
    """Setting the provider a slot already has leaves the user's own URL alone."""
    root = generated()
    config = root / "domain.toml"
    custom = 'database_uri = "${DATABASE_URL|postgresql://me:secret@db.internal:5432/shop}"'
    config.write_text(config.read_text().replace(TEST_TABLE.splitlines()[2], custom))
    before = snapshot(root)
    assert cli("set test.databases.default=postgresql --project", root).code == 0
    assert snapshot(root)["domain.toml"] == before["domain.toml"]


def test_set_inserts_a_table_the_overlay_lacks(guide_project, cli):
    root = guide_project
    config = root / "domain.toml"
    old = config.read_text()

    result = cli("set test.databases.default=sqlite --project", root)

    assert result.code == 0, result.err
    assert only_insertions(old, config.read_text())
    resolved = resolved_databases(config)
    assert resolved["test"]["default"]["provider"] == "sqlite"
    assert resolved["base"]["default"]["provider"] == "memory"
    assert resolved["production"]["default"]["provider"] == "postgresql"


def test_set_base_provider(generated, cli):
    root = generated()
    result = cli("set base.databases.default=sqlite --project", root)
    assert result.code == 0, result.err
    resolved = resolved_databases(root / "domain.toml")
    assert resolved["base"]["default"]["provider"] == "sqlite"
    assert resolved["memory"]["default"]["provider"] == "memory"  # the overlay still wins


def test_set_on_crlf_keeps_crlf(tmp_path, cli):
    root = tmp_path / "crlf"
    root.mkdir()
    original = (FIXTURES / "guide.domain.toml").read_bytes().replace(b"\n", b"\r\n")
    (root / "domain.toml").write_bytes(original)

    result = cli("set production.databases.default=sqlite --project", root)

    assert result.code == 0, result.err
    new = (root / "domain.toml").read_bytes()
    assert new.count(b"\n") == new.count(b"\r\n") == original.count(b"\r\n")
    assert b'provider = "sqlite"\r\n' in new
    changed = [
        (a, b) for a, b in zip(original.split(b"\r\n"), new.split(b"\r\n"), strict=True) if a != b
    ]
    # production reads ${DATABASE_URL} for sqlite too: only the provider line changes.
    assert changed == [(b'provider = "postgresql"', b'provider = "sqlite"')]


def test_set_production_to_memory_needs_no_variable(generated, cli):
    root = generated()
    assert cli("set production.databases.default=memory --project", root).code == 0
    others = {"BROKER_URL": "redis://b", "EVENT_STORE_URL": "postgresql://e", "CACHE_URL": "r"}
    config = load_config(root, "production", others, clear=["DATABASE_URL"])
    assert config["databases"]["default"]["provider"] == "memory"
