"""A planted repository: a project folder whose files an attacker chose, beside a folder of
the user's (`outside/`, which a write must never reach) and with a `.git/` of its own.

Commands run in-process (the cli fixture's runner, tests.support.cli.protean_init: these
helpers are no test, and take no fixture), each on a fresh copy: what they print and return is
asserted with every byte of `outside/`, of `.git/` and of the project.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from scaffolder.transaction.journal import HEADER, PURPOSE
from scaffolder.transaction.names import JOURNAL_NAME
from scaffolder.transaction.seal import seal, user_key
from tests.support.cli import protean_init
from tests.support.projects import GeneratedProjects

from .transaction_support import State, make_project, state

OUTSIDE_FILES = {"bashrc": b"echo the user's own start-up file\n", "victim": b"precious\n"}
GIT_FILES = {
    "HEAD": b"ref: refs/heads/main\n",
    "config": b"[core]\n\trepositoryformatversion = 0\n",
    "hooks/pre-commit.sample": b"#!/bin/sh\nexit 0\n",
}


@dataclass
class Scenario:
    """A writing command on a project made by `setup` (commands run first, in order)."""

    name: str
    argv: list[str]
    kind: str = "generated"
    setup: list[list[str]] = field(default_factory=list)
    # `new --force` writes into a folder that is not a project yet.
    new_into: bool = False
    # Files deleted by hand after `setup` (derive makes them again).
    missing: tuple[str, ...] = ()

    def command(self, root: Path) -> list[str]:
        if self.new_into:
            return [*self.argv, str(root), "--ui", "none", "--defaults", "--force"]
        return [*self.argv, "--project", str(root)]


SCENARIOS = [
    Scenario("add-database", ["add-database", "reports", "--provider", "postgresql"]),
    Scenario("set", ["set", "production.caches.default=memory"]),
    Scenario("add-env", ["add-env", "production", "test", "memory"], kind="protean-new"),
    Scenario("ci-gitlab", ["ci", "--ci", "gitlab"]),
    Scenario("ci-github", ["ci", "--ci", "github"], setup=[["ci", "--ci", "gitlab"]]),
    Scenario("deploy-kubernetes", ["deploy", "kubernetes"]),
    Scenario(
        "deploy-docker", ["deploy", "docker"], setup=[["deploy", "kubernetes"], ["deploy", "none"]]
    ),
    Scenario(
        "remove-database",
        ["remove-database", "reports"],
        setup=[["add-database", "reports", "--provider", "postgresql"]],
    ),
    Scenario(
        "rename-database",
        ["rename-database", "reports", "analytics"],
        setup=[["add-database", "reports", "--provider", "postgresql"]],
    ),
    Scenario("derive", ["derive"], missing=(".env.example", ".github/workflows/ci.yml")),
    Scenario("new-force", ["new"], kind="folder", new_into=True),
]
BY_NAME = {s.name: s for s in SCENARIOS}


class Repository:
    """`base/outside/` (the user's), `base/shop/` (the planted project) and its `.git/`."""

    def __init__(
        self, base: Path, cache: Path, scenario: Scenario, projects: GeneratedProjects
    ) -> None:
        self.base = base
        self.outside = base / "outside"
        self.root = base / "shop"
        self.scenario = scenario
        self.outside.mkdir(parents=True)
        for name, data in OUTSIDE_FILES.items():
            (self.outside / name).write_bytes(data)
        ready = _prepared(cache, scenario, projects)
        shutil.copytree(ready, self.root, symlinks=True)
        for name, data in GIT_FILES.items():
            (self.root / ".git" / name).parent.mkdir(parents=True, exist_ok=True)
            (self.root / ".git" / name).write_bytes(data)

    def guarded(self) -> tuple[State, State]:
        return state(self.outside), state(self.root / ".git")

    def project(self) -> State:
        return state(self.root, ignore_ours=True)

    def command(self) -> list[str]:
        return self.scenario.command(self.root)


def _prepared(cache: Path, scenario: Scenario, projects: GeneratedProjects) -> Path:
    """The project of `scenario` before its command, made once per cache."""
    ready = cache / "prepared" / scenario.name
    if ready.exists():
        return ready
    if scenario.kind == "folder":
        ready.mkdir(parents=True)
        (ready / "notes.txt").write_text("a folder of the user's, not a project yet\n")
        return ready
    make_project(scenario.kind, ready, projects)
    for argv in scenario.setup:
        ran = protean_init([*argv, "--project", ready])
        assert ran.code == 0, (argv, ran.printed)
    for relative in scenario.missing:
        (ready / relative).unlink()
    return ready


def written_paths(
    cache: Path, scenario: Scenario, scratch: Path, projects: GeneratedProjects
) -> list[str]:
    """The files the scenario's command writes (made, changed or deleted), found by running
    it once on a copy and comparing every file."""
    repository = Repository(scratch, cache, scenario, projects)
    before = repository.project()
    ran = protean_init(repository.command())
    assert ran.code == 0, (scenario.name, ran.printed)
    after = repository.project()
    changed = {
        path
        for path in before.keys() | after.keys()
        if before.get(path) != after.get(path) and (after.get(path) or before[path])[0] == "file"
    }
    shutil.rmtree(scratch)
    return sorted(changed)


def folders_of(paths: list[str]) -> list[str]:
    """Every folder on the way to each path, below the project."""
    found: set[str] = set()
    for path in paths:
        parts = path.split("/")[:-1]
        found.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return sorted(found)


# ---------------------------------------------------------------- journals


def sealed_journal(root: Path, body: dict[str, object], *, key: bytes | None = None) -> bytes:
    """A journal as protean-init writes it for `root`: `key` None uses this user's key."""
    data = json.dumps(body, indent=1).encode()
    key = key if key is not None else user_key(create=True)
    assert key is not None
    return HEADER + seal(key, PURPOSE, Path(os.path.realpath(root)), data).encode() + b"\n" + data


def plant(root: Path, raw: bytes) -> None:
    (root / JOURNAL_NAME).write_bytes(raw)
