"""add-env on projects as people have them: a slot kept in memory on purpose stays there,
and overlays already present are kept while the missing ones are added."""

from __future__ import annotations

from .support import (
    config_tree,
    load_config,
    only_insertions,
    snapshot,
    variable_names,
    write,
)

HAND_WRITTEN = """\
# Our service
debug = true

[databases.default]
provider = "sqlite"
database_uri = "sqlite:///shop.db"

[databases.memory]  # scratch space, never persisted
provider = "memory"

[databases.inline]
provider = "sqlite"
database_uri = "sqlite:///inline.db"

[brokers.inline]
provider = "inline"

[caches.scratch]
provider = "memory"
"""


def test_in_memory_slots_named_for_it_stay_in_memory(tmp_path, cli):
    root = tmp_path / "shop"
    config = write(root / "domain.toml", HAND_WRITTEN)

    result = cli("add-env production test memory --project", root)

    assert result.code == 0, result.err
    assert only_insertions(HAND_WRITTEN, config.read_text())
    tree = config_tree(config)
    names = variable_names(tree)
    assert not {"MEMORY_DATABASE_URL", "INLINE_BROKER_URL"} & names
    for file in (".env.example", "docker-compose.yml"):
        text = (root / file).read_text()
        assert "MEMORY_DATABASE" not in text and "INLINE_BROKER" not in text, file
    values = {name: f"value-of-{name}" for name in names}
    for env in ("production", "test", "memory"):
        resolved = load_config(root, env, values, names)
        assert resolved["databases"]["memory"]["provider"] == "memory", env
        assert resolved["brokers"]["inline"]["provider"] == "inline", env
    production = load_config(root, "production", values, names)
    # Named for memory but on a file: a real database, repointed as any other.
    assert production["databases"]["inline"]["provider"] == "postgresql"
    # In memory but not named for it: moved to a server as before.
    assert production["caches"]["scratch"]["provider"] == "redis"
    assert production["databases"]["default"]["provider"] == "postgresql"
    # check does not ask production to move them either.
    result = cli("check --project", root)
    assert "memory-in-production" not in result.out, result.out
    assert "database-not-overridden" not in result.out, result.out


def test_add_env_adds_the_missing_overlays_and_keeps_the_present_one(tmp_path, cli):
    root = tmp_path / "shop"
    config = write(root / "domain.toml", HAND_WRITTEN)
    assert cli("add-env production --project", root).code == 0
    with_production = config.read_text()

    result = cli("add-env production test memory --project", root)

    assert result.code == 0, result.err
    assert "Added [test], [memory] ([production] already there, kept as it is)" in result.out
    after = config.read_text()
    assert only_insertions(with_production, after)
    tree = config_tree(config)
    assert {"production", "test", "memory"} <= set(tree)
    # [production] is as it was: no table of it was added again.
    assert after.count("\n[production]\n") == 1
    assert after.split("\n[test]\n")[0].rstrip("\n") == with_production.rstrip("\n")

    # All present: nothing to add, exit 0, not a byte changed.
    before = snapshot(root)
    result = cli("add-env test memory --project", root)
    assert result.code == 0, result.err
    assert "already has [test], [memory]: nothing to add" in result.out
    assert snapshot(root) == before
