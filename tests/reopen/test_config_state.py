"""ConfigState under another identity (an edit that changes the CI or the names, not the
config) hands on what reads the tree alone and works out the plan again."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from scaffolder.project_files import ConfigFile, ProjectIdentity
from scaffolder.reopen.config_state import ConfigState

TEXT = """\
[databases.default]
provider = "postgresql"
database_uri = "${DATABASE_URL|postgresql://postgres:postgres@localhost:5432/shop}"

[memory.databases.default]
provider = "memory"
"""


def _state() -> ConfigState:
    identity = ProjectIdentity(project_name="shop", package_name="shop")
    return ConfigState.read(TEXT, ConfigFile(Path("domain.toml"), ()), identity)


def test_the_same_identity_is_the_same_state() -> None:
    state = _state()
    assert state.named(replace(state.identity)) is state


def test_another_identity_shares_the_environments_and_snapshot_and_plans_anew() -> None:
    state = _state()
    snapshot = state.snapshot
    plan = state.plan
    renamed = state.named(replace(state.identity, ci="gitlab", package_name="shop2"))
    assert renamed.identity.ci == "gitlab"
    assert renamed.environments is state.environments
    assert renamed.snapshot is snapshot
    assert renamed.plan is not plan
    assert (renamed.plan.package_name, plan.package_name) == ("shop2", "shop")
    assert renamed.plan.environments == plan.environments


def test_a_snapshot_not_yet_taken_is_taken_by_the_state_that_asks() -> None:
    state = _state()
    renamed = state.named(replace(state.identity, ci="gitlab"))
    assert "snapshot" not in state.__dict__
    assert renamed.snapshot == state.snapshot
