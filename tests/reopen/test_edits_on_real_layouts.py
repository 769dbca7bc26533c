"""Every adding edit command on projects as people have them: `protean new`'s own (made here,
as it comes and with servers after add-env) and a hand-written config. Each: exit 0, only
lines inserted into the config (every comment kept), and the result resolved by Protean's own
loader in every environment the file has."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scaffolder.config_tree import environments

from .support import config_tree, load_config, only_insertions, variable_names, write
from .test_add_env_adopt import HAND_WRITTEN
from .test_adopt import protean_new

pytestmark = pytest.mark.slow

EDITS = [
    "add-database ledger --provider sqlite",
    "add-database archive --provider postgresql",
    "add-broker events --provider redis",
    "add-cache sessions --provider redis",
    "set base.debug=false",  # a value changed in place: its line only
]


@pytest.fixture(scope="module")
def protean_new_once(tmp_path_factory) -> Path:
    return protean_new(tmp_path_factory.mktemp("made"), "acme")


def layout(kind: str, tmp_path: Path, made: Path, cli) -> tuple[Path, Path]:
    """(project root, its config) for one layout."""
    if kind == "hand-written":
        root = tmp_path / "shop"
        return root, write(root / "domain.toml", HAND_WRITTEN)
    root = tmp_path / "acme"
    shutil.copytree(made, root)
    if kind == "protean new, with servers":
        assert cli("add-env production test memory --project", root).code == 0
    return root, root / "src" / "acme" / "domain.toml"


@pytest.mark.parametrize("edit", EDITS)
@pytest.mark.parametrize("kind", ["protean new", "protean new, with servers", "hand-written"])
def test_an_edit_inserts_only_and_protean_resolves_every_environment(
    tmp_path, protean_new_once, cli, kind, edit
):
    root, config = layout(kind, tmp_path, protean_new_once, cli)
    before = config.read_text()

    result = cli(edit, "--project", root)

    assert result.code == 0, result.err
    after = config.read_text()
    if edit.startswith("set "):
        old_lines, new_lines = before.splitlines(), after.splitlines()
        assert len(old_lines) == len(new_lines)
        changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
        assert changed == [("debug = true", "debug = false")], changed
    else:
        assert after != before and only_insertions(before, after)
    tree = config_tree(config)
    names = variable_names(tree)
    values = {name: f"postgresql://u:p@db.example/{name.lower()}" for name in names}
    for env in environments(tree):
        resolved = load_config(config.parent, env, values, names)
        assert resolved["databases"]["default"], (env, resolved)
    if edit.startswith("add-"):
        role, name = (
            {"database": "databases", "broker": "brokers", "cache": "caches"}[
                edit.split()[0].removeprefix("add-")
            ],
            edit.split()[1],
        )
        for env in environments(tree):
            assert name in load_config(config.parent, env, values, names)[role], env
