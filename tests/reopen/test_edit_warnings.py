"""An edit that leaves a warning `check` will give says so when it writes."""

from __future__ import annotations

import shlex

from scaffolder.check import check_project


def _memory_warnings(root) -> list[str]:
    return [f.message for f in check_project(root, ()) if f.code == "memory-in-production"]


def test_a_database_left_in_memory_in_production_is_warned_about_when_written(generated, cli):
    root = generated()
    result = cli("add-database scratch --provider memory --project", root)
    assert result.code == 0, result.err
    # check warns; the edit said so, and named the fix, which works.
    assert any("databases.scratch" in m for m in _memory_warnings(root))
    assert "warning: production keeps databases.scratch in memory" in result.err
    fix = result.err.split("give production a server: ")[1].strip()
    assert cli(*shlex.split(fix.removeprefix("protean-init ")), "--project", root).code == 0
    assert not _memory_warnings(root)


def test_no_warning_when_production_gets_a_server_or_the_slot_is_memory_by_name(generated, cli):
    root = generated()
    result = cli(
        "add-database scratch --provider memory --env production=postgresql --project", root
    )
    assert result.code == 0 and "warning" not in result.err, result.err
    result = cli("add-cache memory --provider memory --project", root)
    assert result.code == 0 and "warning" not in result.err, result.err
    assert not _memory_warnings(root)
