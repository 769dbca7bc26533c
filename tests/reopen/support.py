"""Helpers for the reopen tests: running the CLI, snapshots, Protean's own loader."""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from scaffolder.catalog import PROVIDERS, Role
from scaffolder.config_tree import overlay_names, references
from scaffolder.spec.defaults import production_provider
from scaffolder.spec.environments import BASE
from scaffolder.spec.slots import Slot, default_local_url
from tests.support.protean_config import load_config

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "domain-toml"
ANSWERS = ".copier-answers.protean-init.yml"
COMPOSE = "docker-compose.yml"
GITHUB = ".github/workflows/ci.yml"
GITLAB = ".gitlab-ci.yml"
ENV_EXAMPLE = ".env.example"

Snapshot = dict[str, tuple[Any, ...]]


def snapshot(root: Path) -> Snapshot:
    """Every file's bytes, mtime and mode, and every folder, under `root`."""
    found: Snapshot = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        relative = path.relative_to(root).as_posix()
        if path.is_dir():
            found[relative] = ("dir", stat.S_IMODE(info.st_mode))
        else:
            found[relative] = (
                "file",
                path.read_bytes(),
                info.st_mtime_ns,
                stat.S_IMODE(info.st_mode),
            )
    return found


def contents(snap: Snapshot) -> dict[str, tuple[Any, ...]]:
    """A snapshot without mtimes: what a restored file must match."""
    return {k: (v[0], v[1], v[3]) if v[0] == "file" else v for k, v in snap.items()}


def changed_files(before: Snapshot, after: Snapshot) -> set[str]:
    """The project's files that changed; the record of what protean-init generated
    (.protean-init/, which follows the files it records) is left out: its own tests are in
    tests/reopen/test_upgrade.py."""
    from scaffolder.generated_record import is_record

    return {
        path
        for path in set(before) | set(after)
        if before.get(path, ("",))[:2] != after.get(path, ("",))[:2] and not is_record(path)
    }


def only_insertions(old: str, new: str) -> bool:
    """Every original line, with its line ending, survives in `new`, in order."""
    remaining = iter(new.split("\n"))
    old_lines = old.split("\n")
    for index, line in enumerate(old_lines):
        last = index == len(old_lines) - 1
        accepted = {line, line + "\r"} if last and line else {line}
        if not any(candidate in accepted for candidate in remaining):
            return False
    return True


def config_tree(path: Path) -> dict[str, Any]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if path.name == "pyproject.toml":
        data = data["tool"]["protean"]
    return data


def variable_names(tree: Mapping[str, Any]) -> set[str]:
    return {ref.name for ref in references(dict(tree))}


def expected_providers(
    overlays: Iterable[str], base: str, choices: Mapping[str, str]
) -> dict[str, str]:
    """Where the new database must resolve: asked for, else in memory in [memory], else base."""
    expected = {BASE: base}
    for env in overlays:
        if env in choices:
            expected[env] = choices[env]
        elif env == "memory":
            expected[env] = "memory"
        elif env == "production":
            # Never a local file in production: sqlite in base is postgresql there.
            expected[env] = production_provider(Role.DATABASE, base)
        else:
            expected[env] = base
    return expected


def assert_database_resolves(
    config_path: Path,
    name: str,
    base: str,
    choices: Mapping[str, str] | None = None,
    *,
    package: str,
) -> dict[str, str]:
    """Protean's loader resolves databases.NAME in every environment to the asked provider.

    Non-production environments run with every referenced variable unset, so the defaults in
    domain.toml apply; production runs with every variable set, as a deployment would.
    Returns {env: provider} as resolved.
    """
    tree = config_tree(config_path)
    names = variable_names(tree)
    overlays = overlay_names(tree)
    expected = expected_providers(overlays, base, choices or {})
    slot = Slot(Role.DATABASE, name)
    resolved = {}
    for env, provider_name in expected.items():
        provider = PROVIDERS[Role.DATABASE][provider_name]
        values = {n: f"value-of-{n}" for n in names} if env == "production" else {}
        config = load_config(config_path.parent, env, values, clear=names)
        table = config["databases"][name]
        resolved[env] = table["provider"]
        assert table["provider"] == provider_name, f"{env}: {table}"
        if provider.in_memory:
            continue
        if env == "production":
            url = f"value-of-{slot.variable}"
        else:
            url = default_local_url(slot, provider, package)
        assert table[provider.uri_key] == provider.uri_value(url), f"{env}: {table}"
    # Nothing else moved: the other databases resolve as they did (checked by the callers'
    # before/after comparison where it matters).
    return resolved


def resolved_databases(config_path: Path) -> dict[str, dict[str, Any]]:
    """{env: databases table} as Protean resolves it, production with variables set."""
    tree = config_tree(config_path)
    names = variable_names(tree)
    out = {}
    for env in [BASE, *overlay_names(tree)]:
        values = {n: f"value-of-{n}" for n in names} if env == "production" else {}
        config = load_config(config_path.parent, env, values, clear=names)
        out[env] = {k: dict(v) for k, v in config["databases"].items()}
    return out


def write(path: Path, text: str, *, newline: str = "\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.replace("\n", newline).encode())
    return path


def environ_without(names: Iterable[str]) -> dict[str, str]:
    drop = set(names)
    return {k: v for k, v in os.environ.items() if k not in drop}
