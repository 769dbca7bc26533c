"""A project made inside another one (`new` in its src/): each command edits the config
nearest to where it runs, as Protean's own search finds it, and `new` says so."""

from __future__ import annotations

import os

from .support import config_tree, load_config, only_insertions, snapshot


def test_the_outer_project_edits_its_own_config_not_the_inner_one(generated, cli):
    outer = generated()
    assert cli("add-database archive --provider postgresql --project", outer).code == 0
    inner = outer / "src" / "inner"
    result = cli("new", inner, "--defaults", "--ui", "none")
    assert result.code == 0, result.err
    assert f"is inside the Protean project {outer.resolve()}" in result.err
    inner_before = snapshot(inner)
    outer_config = (outer / "domain.toml").read_text()

    result = cli("add-cache sessions --provider redis --project", outer)

    assert result.code == 0, result.err
    assert snapshot(inner) == inner_before
    assert only_insertions(outer_config, (outer / "domain.toml").read_text())
    # The outer named database's variables stay in the files derived from its config.
    for derived in (".env.example", ".github/workflows/ci.yml"):
        assert "ARCHIVE_DATABASE_URL" in (outer / derived).read_text(), derived
    tree = config_tree(outer / "domain.toml")
    names = {"CACHE_URL", "SESSIONS_CACHE_URL", "ARCHIVE_DATABASE_URL"}
    resolved = load_config(outer, "test", {}, names)
    assert resolved["caches"]["sessions"]["provider"] == "redis"
    assert "archive" in tree["databases"]


def test_a_command_run_inside_the_inner_project_edits_the_inner_one(generated, cli):
    outer = generated()
    inner = outer / "src" / "inner"
    assert cli("new", inner, "--defaults", "--ui", "none").code == 0
    outer_before = {p: v for p, v in snapshot(outer).items() if not p.startswith("src/inner")}
    here = os.getcwd()
    os.chdir(inner / "src")
    try:
        result = cli("add-database ledger --provider sqlite")
    finally:
        os.chdir(here)
    assert result.code == 0, result.err
    assert "ledger" in config_tree(inner / "domain.toml")["databases"]
    after = {p: v for p, v in snapshot(outer).items() if not p.startswith("src/inner")}
    assert after == outer_before
