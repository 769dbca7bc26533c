"""The answers record's `spec:` block stays true to domain.toml through every edit command:
after each edit of a random sequence (add, remove, rename a database; set a provider, a
setting, a variable, a local default; add a broker), `new --answers <the record>` in a fresh
folder gives a domain.toml that Protean's own loader resolves, in every environment, exactly
as the edited one. And an edit rewrites only the `spec:` lines it is about."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from scaffolder.config_tree import environments

from .support import ANSWERS, config_tree, load_config, variable_names

KEYS = ("databases", "brokers", "caches", "event_store")
SETTINGS = ("debug", "testing", "event_processing", "command_processing")
PROVIDERS = ("postgresql", "sqlite", "memory")


def resolved(root: Path) -> dict[str, dict]:
    """Every environment as Protean loads it: defaults in effect, production's variables set."""
    tree = config_tree(root / "domain.toml")
    names = variable_names(tree)
    out = {}
    for env in environments(tree):
        given = {n: f"set-{n}" for n in names} if env == "production" else {}
        config = load_config(root, env, given, clear=names)
        out[env] = {k: config[k] for k in (*KEYS, *SETTINGS) if k in config}
    return out


def edits(rng: random.Random, names: list[str]) -> str:
    """One edit command (without --project), given the named databases so far."""
    kinds = ["add", "set-provider", "setting", "variable", "local-url", "broker"]
    if names:
        kinds += ["remove", "rename"]
    kind = rng.choice(kinds)
    fresh = rng.choice(["reports", "ledger", "audit", "archive"])
    if kind == "add" or (kind in {"set-provider", "variable", "local-url"} and not names):
        if fresh in names:
            fresh = f"{fresh}{len(names)}"
        names.append(fresh)
        return f"add-database {fresh} --provider {rng.choice(PROVIDERS)}"
    if kind == "remove":
        return f"remove-database {names.pop(rng.randrange(len(names)))}"
    if kind == "rename":
        old = names.pop(rng.randrange(len(names)))
        new = f"{old}_v2"
        names.append(new)
        return f"rename-database {old} {new}"
    name = rng.choice(names) if names else "default"
    if kind == "set-provider":
        env = rng.choice(["test", "base"])
        return f"set {env}.databases.{name}={rng.choice(PROVIDERS)}"
    if kind == "setting":
        return rng.choice(
            ["set base.debug=false", "set test.event_processing=async", "set memory.testing=true"]
        )
    if kind == "variable":
        return f"set variables.databases.{name}={name.upper()}_DB_URL"
    if kind == "local-url":
        return f"set local_urls.databases.{name}=sqlite:///{name}-local.db"
    return "add-broker events --provider redis"


@pytest.mark.parametrize("seed", range(4))
def test_the_record_rebuilds_the_edited_project(tmp_path, cli, generated_projects, seed):
    rng = random.Random(seed)
    root = generated_projects.copy(tmp_path / "shop")
    names: list[str] = []
    done = []
    for step in range(3):
        command = edits(rng, names)
        result = cli(f"{command} --project", root)
        done.append(command)
        if result.code != 0:
            # Refused (e.g. a provider the slot cannot take there): nothing changed.
            assert result.code == 2, (done, result.err)
            continue
        again = tmp_path / f"again-{step}" / "shop"
        argv = ["new", str(again), "--ui", "none", "--answers", str(root / ANSWERS)]
        rebuilt = cli(*argv)
        assert rebuilt.code == 0, (done, rebuilt.err)
        assert resolved(again) == resolved(root), done


def test_an_edit_rewrites_only_the_spec_lines_it_is_about(generated, cli):
    root = generated()
    before = (root / ANSWERS).read_text()
    assert cli("add-database reports --provider sqlite --project", root).code == 0
    after = (root / ANSWERS).read_text()
    spec_before = yaml.safe_load(before)["spec"]
    spec_after = yaml.safe_load(after)["spec"]
    for env, entry in spec_after["environments"].items():
        extra = {k: v for k, v in entry.items() if k not in spec_before["environments"][env]}
        assert set(extra) <= {"databases.reports"}, (env, extra)
        assert {k: v for k, v in entry.items() if k in spec_before["environments"][env]} == (
            spec_before["environments"][env]
        )
    # Lines before `spec:` stay as written; the block gains lines, none re-wrapped.
    assert after[: after.index("spec:")] == before[: before.index("spec:")]
    block = before[before.index("spec:") : before.index("generated_from:")]
    new_block = after[after.index("spec:") : after.index("generated_from:")]
    assert set(block.splitlines()) <= set(new_block.splitlines())


def test_a_new_project_and_an_edit_record_the_spec_in_one_format() -> None:
    """`new` records the spec it was given, an edit what domain.toml says: one producer
    (scaffolder.answers.answers_spec) writes both, so where they hold the same choices the
    blocks are the same, variables and local URLs included."""
    from scaffolder.answers import build_spec, record_spec, spec_answers
    from scaffolder.domain_toml import config_tree as spec_tree
    from scaffolder.spec.defaults import default_spec

    spec = build_spec(
        default_spec("shop"),
        sets=[
            "variables.caches.default=SESSION_CACHE",
            "local_urls.databases.default=postgresql://app:secret@localhost:5432/shop",
        ],
    )
    recorded = record_spec(spec_tree(spec), spec.package_name, spec.deploy)
    assert yaml.safe_dump(recorded) == yaml.safe_dump(spec_answers(spec))
    # A local server's password is a documented local default, recorded as written
    # (scaffolder.redact); a remote one would be masked.
    assert recorded["local_urls"] == {
        "databases.default": "postgresql://app:secret@localhost:5432/shop"
    }
