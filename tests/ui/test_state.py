"""The Draft both front ends fill: what it keeps, what it derives, what it refuses."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from scaffolder.catalog import Role
from scaffolder.errors import UsageError
from scaffolder.spec.environments import INHERIT
from scaffolder.spec.slots import Slot
from scaffolder.ui.common.state import Draft

DATABASE = Slot(Role.DATABASE, "default")
REPORTS = Slot(Role.DATABASE, "reports")
BROKER = Slot(Role.BROKER, "default")
CACHE = Slot(Role.CACHE, "default")


@pytest.fixture
def draft(initial):
    return Draft.from_spec(initial, Path("work/acme"))


def test_an_untouched_draft_builds_the_spec_it_came_from(draft, initial):
    assert draft.build() == initial
    assert draft.outcome().target == Path("work/acme")


def test_a_spec_with_named_databases_and_overrides_round_trips(initial):
    draft = Draft.from_spec(initial, Path("acme"))
    draft.add_database("reports")
    draft.set_variable(REPORTS, "REPORTS_URL")
    draft.set_local_url(DATABASE, "postgresql://me@localhost/acme")
    spec = draft.build()
    assert Draft.from_spec(spec, Path("acme")).build() == spec
    assert spec.slots == (DATABASE, REPORTS, BROKER, Slot(Role.EVENT_STORE), CACHE)


def test_the_package_and_folder_follow_the_name_until_edited(draft):
    draft.set_project_name("Shop-API")
    assert (draft.package_name, draft.target) == ("shop_api", Path("work/Shop-API"))
    draft.set_package_name("core")
    draft.set_target("elsewhere")
    draft.set_project_name("billing")
    assert (draft.package_name, draft.target) == ("core", Path("elsewhere"))


def test_a_folder_not_named_after_the_project_does_not_follow(initial):
    draft = Draft.from_spec(initial, Path("."))
    draft.set_project_name("shop")
    assert draft.target == Path(".")


def test_project_errors(draft, tmp_path):
    draft.set_project_name("")
    draft.set_target("")
    errors = draft.project_errors()
    assert set(errors) == {"project-name", "package-name", "target"}
    (tmp_path / "file").write_text("")
    draft.set_target(str(tmp_path / "file"))
    assert "is a file" in draft.project_errors()["target"]


def test_inherit_is_the_absence_of_a_choice(draft):
    draft.set_provider("test", DATABASE, INHERIT)
    assert draft.choice("test", DATABASE) == INHERIT
    assert draft.effective("test", DATABASE) == "memory"
    assert DATABASE not in draft.build().environments["test"].providers
    with pytest.raises(UsageError):
        draft.set_provider("base", DATABASE, INHERIT)
    with pytest.raises(UsageError):
        draft.set_provider("test", DATABASE, "redis")


def test_only_overrides_of_connections_are_kept(draft):
    draft.set_variable(DATABASE, "DATABASE_URL")
    draft.set_local_url(DATABASE, draft.default_local_url(DATABASE))
    assert draft.variables == {} and draft.local_urls == {}
    draft.set_variable(DATABASE, "PG_URL")
    assert draft.build().variables == {DATABASE: "PG_URL"}


def test_overrides_of_a_slot_gone_in_memory_are_dropped(draft):
    draft.set_variable(CACHE, "REDIS_CACHE")
    for env in ("production", "test"):
        draft.set_provider(env, CACHE, "memory")
    assert CACHE not in draft.server_slots()
    assert draft.build().variables == {}


def test_connection_errors(draft):
    draft.set_variable(DATABASE, "BROKER_URL")
    assert "brokers.default's variable too" in draft.variable_error(DATABASE)
    draft.set_variable(DATABASE, "9X")
    assert "not a variable name" in draft.variable_error(DATABASE)
    draft.set_local_url(DATABASE, "localhost:5432")
    assert "not a URL" in draft.local_url_error(DATABASE)
    draft.set_local_url(DATABASE, "postgresql://x/{y}")
    assert "braces" in draft.local_url_error(DATABASE)
    with pytest.raises(UsageError):
        draft.build()


def test_production_only_slots_have_no_local_default(draft):
    draft.set_provider("test", BROKER, "inline")
    assert draft.local_envs(BROKER) == []
    assert draft.default_local_url(BROKER) is None
    assert draft.local_url_error(BROKER) is None


def test_a_new_database_copies_the_default_one_everywhere(draft):
    draft.set_provider("test", DATABASE, "sqlite")
    draft.add_database("reports")
    assert [draft.choice(env, REPORTS) for env in ("base", "production", "test", "memory")] == [
        "memory",
        "postgresql",
        "sqlite",
        "memory",
    ]
    assert draft.database_error("reports") == "there is a database named 'reports' already"
    assert "invalid name" in draft.database_error("Reports")
    draft.remove_database(REPORTS)
    assert REPORTS not in draft.slots
    with pytest.raises(UsageError):
        draft.remove_database(DATABASE)


def test_settings_inherit_and_unset(draft):
    assert draft.effective_setting("test", "debug") is True
    draft.set_setting("base", "debug", None)
    assert draft.effective_setting("test", "debug") is None
    draft.set_setting("test", "event_processing", "async")
    assert draft.build().environments["test"].event_processing == "async"
    with pytest.raises(UsageError):
        draft.set_setting("test", "event_processing", "later")


def test_an_overlay_missing_from_the_spec_appears_once_it_sets_something(initial):
    spec = replace(initial, environments={"base": initial.base})
    draft = Draft.from_spec(spec, Path("acme"))
    assert list(draft.build().environments) == ["base"]
    draft.set_provider("test", DATABASE, "sqlite")
    assert list(draft.build().environments) == ["base", "test"]
