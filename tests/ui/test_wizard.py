"""The Textual wizard, driven by key presses through Pilot: each step, going back, bad input."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Checkbox, Input, Static, Tree

from scaffolder.catalog import Role
from scaffolder.errors import ScaffolderError
from scaffolder.spec.environments import INHERIT
from scaffolder.spec.slots import Slot
from scaffolder.ui.common.choices import ChoiceGrid, ChoiceModal, NameModal
from scaffolder.ui.common.widgets import ChoiceRow, FieldRow, Hint
from scaffolder.ui.wizard.screens.connections import ConnectionsScreen
from scaffolder.ui.wizard.screens.deploy import DeployScreen
from scaffolder.ui.wizard.screens.done import DoneScreen
from scaffolder.ui.wizard.screens.project import ProjectScreen
from scaffolder.ui.wizard.screens.providers import ProvidersScreen
from scaffolder.ui.wizard.screens.review import ReviewScreen

from .helpers import modal_shown, move_to, pick, step_ready, type_into, until

DATABASE = Slot(Role.DATABASE, "default")
REPORTS = Slot(Role.DATABASE, "reports")
BROKER = Slot(Role.BROKER, "default")
CACHE = Slot(Role.CACHE, "default")
BASE, PRODUCTION, TEST, MEMORY = range(4)


def hint(app, widget_id: str) -> FieldRow | Hint:
    """What shows a field's hint: its row (the line under the field) or a Hint beside it."""
    shown = app.screen.query_one(f"#{widget_id}")
    assert isinstance(shown, FieldRow | Hint), shown
    return shown


async def rendered(pilot) -> ReviewScreen:
    """Wait for the Review step and its render worker, then for the screen to settle."""

    def done() -> bool:
        screen = pilot.app.screen
        # spec is None until the step has resumed: both None is not "rendered".
        return (
            isinstance(screen, ReviewScreen)
            and screen.spec is not None
            and screen.rendered_for == screen.spec
        )

    await until(pilot, done, "the Review step rendered")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReviewScreen)
    assert pilot.app.screen.files
    return pilot.app.screen


# --- start-up and leaving ---------------------------------------------------------------------


async def test_the_first_screen_opens_on_the_project_name(make_app):
    # How fast is bench/'s question (bench/tui_probe.py); here only what is shown and focused.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen)
        assert app.focused is app.screen.query_one("#project-name", Input)


@pytest.mark.parametrize("key", ["escape", "ctrl+c", "ctrl+q"])
async def test_escape_and_ctrl_c_cancel_from_any_step(make_app, key):
    app = make_app(write=lambda outcome: pytest.fail("cancel must not write"))
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ProvidersScreen)
        await pilot.press(key)
        await pilot.pause()
    assert app.return_value is None


async def test_escape_in_a_choice_list_closes_the_list_only(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n", "enter")
        await modal_shown(pilot, ChoiceModal)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ProvidersScreen)
        assert app.is_running


async def test_two_keys_from_defaults_to_an_outcome(make_app, initial, tmp_path):
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+s")
        await rendered(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.return_value is not None
    assert app.return_value.spec == initial
    assert app.return_value.target == tmp_path / "acme"


# --- step 1: project --------------------------------------------------------------------------


async def test_project_name_derives_package_and_folder(make_app, tmp_path):
    app = make_app()
    async with app.run_test() as pilot:
        await type_into(pilot, "#project-name", "Shop-API")
        assert app.screen.query_one("#package-name", Input).value == "shop_api"
        assert app.screen.query_one("#target", Input).value == str(tmp_path / "Shop-API")
        assert app.draft.package_name == "shop_api"


async def test_an_edited_package_name_stops_following(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await type_into(pilot, "#package-name", "core")
        await type_into(pilot, "#project-name", "billing")
        assert app.screen.query_one("#package-name", Input).value == "core"
        assert app.draft.package_name == "core"


async def test_bad_names_show_errors_as_typed_and_block_next(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await type_into(pilot, "#project-name", "9lives")
        assert hint(app, "project-name-row").has_class("-error")
        assert "invalid project name" in str(hint(app, "project-name-row").render())
        await type_into(pilot, "#package-name", "class")
        assert "keyword" in str(hint(app, "package-name-row").render())
        # Next and the review key both stay here, on the first bad field.
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen)
        assert app.focused.id == "project-name"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen)
        await type_into(pilot, "#project-name", "lives")
        assert not hint(app, "project-name-row").has_class("-error")
        await type_into(pilot, "#package-name", "lives")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ProvidersScreen)


async def test_an_empty_folder_is_an_error_and_a_full_one_a_warning(make_app, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    app = make_app()
    async with app.run_test() as pilot:
        await type_into(pilot, "#target", "")
        assert hint(app, "target-row").has_class("-error")
        await type_into(pilot, "#target", str(tmp_path / "full"))
        assert hint(app, "target-row").has_class("-warning")
        # The row is wrapped to the screen: where depends on the folder's length (tmp_path's).
        shown = " ".join(str(hint(app, "target-row").render()).split())
        assert "not empty" in shown, shown


async def test_enter_moves_through_the_fields_then_ci_and_compose(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("enter")
        assert app.focused.id == "package-name"
        await pilot.press("enter")  # the contexts, beside the package (a workspace's)
        assert app.focused.id == "contexts"
        await pilot.press("enter")
        assert app.focused.id == "target"
        await pilot.press("enter")
        assert app.focused.id == "ci"
        # In the radio set: move to GitLab and choose it; then Tab past the installer to
        # compose and toggle it.
        await pilot.press("right", "enter")
        assert app.draft.ci == "gitlab"
        await pilot.press("tab", "tab", "space")
        assert app.screen.query_one("#compose", Checkbox).value is False
        assert app.draft.compose is False
        assert "no compose file" in str(hint(app, "compose-row").render())


async def test_the_installer_is_chosen_on_the_project_step_at_80x24(make_app):
    """pip or uv on step 1, pip first (as --defaults): uv reaches the spec, the hint beside it
    says what it needs, the six fields fit 80x24 unscrolled, and Done says `uv sync`."""
    from .helpers import shown_text

    written = []
    app = make_app(write=lambda outcome: written.append(outcome) or ["pyproject.toml"])
    async with app.run_test(size=(80, 24)) as pilot:
        await step_ready(pilot, ProjectScreen)
        assert app.draft.installer == "pip"
        body = app.screen.query_one("#body")
        assert body.max_scroll_y == 0, "step 1 scrolls at 80x24"
        assert "needs only Python" in shown_text(hint(app, "installer-hint"))
        app.screen.query_one("#installer").focus()
        await pilot.press("right", "enter")
        assert app.draft.installer == "uv"
        assert "needs uv" in shown_text(hint(app, "installer-hint"))
        await pilot.press("ctrl+s")
        await rendered(pilot)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        assert "uv sync --extra test" in shown_text(app.screen.query_one("#next-steps", Static))
    assert written[0].spec.installer == "uv"


# --- step 2: providers ------------------------------------------------------------------------


async def test_a_cell_offers_the_roles_providers_and_inherit(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n")
        await pick(pilot, "providers", 0, TEST, "sqlite")
        assert app.draft.choice("test", DATABASE) == "sqlite"
        await pick(pilot, "providers", 0, TEST, "inherit")
        assert app.draft.choice("test", DATABASE) == INHERIT
        grid = app.screen.query_one("#providers", ChoiceGrid)
        cell = grid.cell(0, TEST)
        # The effective value after inheritance is visible, and marked as inherited.
        assert str(cell.render()) == "↑ memory"
        assert cell.has_class("-inherit")
        # Changing base changes what the inheriting cell shows.
        await pick(pilot, "providers", 0, BASE, "sqlite")
        assert str(grid.cell(0, TEST).render()) == "↑ sqlite"


async def test_base_offers_no_inherit_and_brokers_offer_brokers(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n")
        await move_to(pilot, "providers", 1, BASE)
        await pilot.press("enter")
        await pilot.pause()
        labels = [str(o.prompt).split()[0] for o in app.screen.query_one("OptionList").options]
        assert labels == ["inline", "redis", "redis_pubsub"]
        await pilot.press("escape")


async def test_risky_cells_are_marked(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n")
        await pick(pilot, "providers", 2, PRODUCTION, "memory")
        grid = app.screen.query_one("#providers", ChoiceGrid)
        assert grid.cell(2, PRODUCTION).has_class("-risky")
        detail = str(app.screen.query_one("#providers-detail", Static).render())
        assert "lost on restart" in detail


async def test_add_and_remove_a_named_database(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n", "a")
        await modal_shown(pilot, NameModal)  # a worker opens it
        await pilot.press(*"Bad Name")
        assert app.screen.query_one("#name-hint", Hint).has_class("-error")
        await pilot.press("enter")
        assert isinstance(app.screen, NameModal)  # refused
        await pilot.press("ctrl+u", *"default", "enter")
        assert "already" in str(app.screen.query_one("#name-hint", Hint).render())
        await pilot.press("ctrl+u", *"reports", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ProvidersScreen)
        assert app.draft.slots[1] == REPORTS
        # It starts as databases.default is, in every environment.
        assert app.draft.effective("production", REPORTS) == "postgresql"
        grid = app.screen.query_one("#providers", ChoiceGrid)
        assert grid.rows[1] == "databases.reports"
        assert grid.cursor == (1, 0)
        # x on databases.default refuses; on reports removes.
        await move_to(pilot, "providers", 0, BASE)
        await pilot.press("x")
        assert DATABASE in app.draft.slots
        await move_to(pilot, "providers", 1, BASE)
        await pilot.press("x")
        await pilot.pause()
        assert REPORTS not in app.draft.slots
        assert grid.rows == [s.key for s in app.draft.slots]
        assert len(grid.rows) == 4


async def test_settings_per_environment(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n")
        # Row 2 is event processing; test inherits sync from base, then sets async.
        await pick(pilot, "settings", 2, TEST, "async")
        assert app.draft.setting("test", "event_processing") == "async"
        await pick(pilot, "settings", 0, PRODUCTION, "inherit")
        assert app.draft.setting("production", "debug") is None
        grid = app.screen.query_one("#settings", ChoiceGrid)
        assert str(grid.cell(0, PRODUCTION).render()) == "↑ true"
        spec = app.draft.build()
        assert spec.environments["test"].event_processing == "async"
        assert spec.environments["production"].debug is None


async def test_clicking_a_cell_opens_its_choices(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n")
        grid = app.screen.query_one("#providers", ChoiceGrid)
        await pilot.click(grid.cell(1, MEMORY))
        # The list opens from a worker: wait for it, not for a fixed time.
        await modal_shown(pilot, ChoiceModal)
        assert grid.cursor == (1, MEMORY)


# --- step 3: connections ----------------------------------------------------------------------


async def test_connections_are_prefilled_and_validated(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+n", "ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ConnectionsScreen)
        variable = app.screen.query_one("#variable-databases-default", Input)
        url = app.screen.query_one("#url-databases-default", Input)
        assert variable.value == "DATABASE_URL"
        assert url.value == "postgresql://postgres:postgres@localhost:5432/acme"
        assert app.focused is variable
        await type_into(pilot, "#variable-databases-default", "bad-name")
        assert hint(app, "hint-databases-default").has_class("-error")
        await type_into(pilot, "#variable-databases-default", "BROKER_URL")
        assert "brokers.default" in str(hint(app, "hint-databases-default").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConnectionsScreen)
        await type_into(pilot, "#variable-databases-default", "PG_URL")
        await type_into(pilot, "#url-databases-default", "localhost")
        assert "not a URL" in str(hint(app, "hint-databases-default").render())
        await type_into(pilot, "#url-databases-default", "postgresql://me@localhost/shop")
        await pilot.press("ctrl+s")
        screen = await rendered(pilot)
        assert "${PG_URL}" in screen.files["domain.toml"].decode()
        assert "${PG_URL|postgresql://me@localhost/shop}" in screen.files["domain.toml"].decode()


async def test_an_all_memory_project_has_no_connections(make_app, initial):
    memory = initial.environments["memory"]
    spec = initial.with_environment("production", memory).with_environment("test", memory)
    app = make_app(spec=spec)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n", "ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ConnectionsScreen)
        assert "no connections" in str(app.screen.query_one(".empty", Static).render())


async def test_connections_follow_a_new_database_and_the_package_name(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await type_into(pilot, "#project-name", "shop")
        await pilot.press("ctrl+n", "a")
        # The dialog is opened by a worker: keys sent before it is up would reach the grid.
        await modal_shown(pilot, NameModal)
        await pilot.press(*"reports", "enter")
        await until(pilot, lambda: REPORTS in app.draft.slots, "reports added")
        await pilot.press("ctrl+n")
        await step_ready(pilot, ConnectionsScreen)
        url = app.screen.query_one("#url-databases-reports", Input)
        # The database name follows the package ("shop", or "shop_reports" where a named
        # database has storage of its own).
        assert url.value.rsplit("/", 1)[1].split("_")[0] == "shop", url.value
        variable = app.screen.query_one("#variable-databases-reports", Input)
        assert variable.value == "REPORTS_DATABASE_URL"


# --- going back -------------------------------------------------------------------------------


async def test_going_back_keeps_every_choice(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await type_into(pilot, "#project-name", "shop")
        await pilot.press("ctrl+n")
        await pick(pilot, "providers", 0, TEST, "sqlite")
        await pilot.press("ctrl+n")
        await pilot.pause()
        await type_into(pilot, "#url-databases-default", "sqlite:///tmp/shop.db")
        await pilot.press("alt+left", "alt+left")
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen)
        assert app.screen.query_one("#project-name", Input).value == "shop"
        # Back is dimmed on the first step, not an error.
        await pilot.press("alt+left")
        assert isinstance(app.screen, ProjectScreen)
        await pilot.press("ctrl+n")
        await pilot.pause()
        grid = app.screen.query_one("#providers", ChoiceGrid)
        assert str(grid.cell(0, TEST).render()) == "sqlite"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen.query_one("#url-databases-default", Input).value == (
            "sqlite:///tmp/shop.db"
        )


async def test_back_and_next_buttons_and_step_bar_work_with_the_mouse(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.click("#nav #next")
        await pilot.pause()
        assert isinstance(app.screen, ProvidersScreen)
        await pilot.click("#nav #back")
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen)
        await pilot.click("#nav #next")
        await pilot.click("#nav #next")
        await pilot.pause()
        assert isinstance(app.screen, ConnectionsScreen)
        app.action_goto_step(0)  # what clicking "1 Project" in the step bar runs
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen)


# --- step 4 and 5: review, write, done --------------------------------------------------------


async def test_review_shows_the_tree_key_files_and_findings(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+n")
        await pick(pilot, "providers", 0, PRODUCTION, "memory")
        await pick(pilot, "providers", 3, MEMORY, "redis")
        await pilot.press("ctrl+s")
        screen = await rendered(pilot)
        findings = str(screen.query_one("#findings", Static).render())
        assert "production uses the in-memory database" in findings
        assert "memory overlay leaves caches.default on 'redis'" in findings
        assert screen.shown == "domain.toml"
        assert "docker-compose.yml" in screen.files
        await pilot.press("2")
        assert screen.shown == "docker-compose.yml"
        await pilot.press("3")
        assert screen.shown == ".github/workflows/ci.yml"
        # Moving in the tree previews any file.
        await pilot.press("home")
        await pilot.press("down")
        await pilot.pause()
        assert screen.shown is not None


async def test_review_tree_opens_at_its_top_and_opens_the_shown_files_folders(make_app):
    """At 80x24 the tree opens with its folders closed and scrolled to its top, domain.toml
    shown and under the cursor; a key file in a folder opens that folder and stays shown
    (opening it shifts the lines the cursor was on)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+s")
        screen = await rendered(pilot)
        tree = screen.query_one("#files", Tree)
        await until(pilot, lambda: tree.cursor_node is screen.node_for("domain.toml"), "cursor")
        assert tree.scroll_y == 0
        assert tree.cursor_line < tree.scrollable_content_region.height
        assert not screen.node_for(".github/workflows/ci.yml").parent.is_expanded
        await pilot.press("3")
        ci = screen.node_for(".github/workflows/ci.yml")
        await until(pilot, lambda: tree.cursor_node is ci, "the cursor on ci.yml")
        await pilot.pause()
        assert ci.parent.is_expanded and ci.parent.parent.is_expanded
        assert screen.shown == ".github/workflows/ci.yml"
        syntax = screen.query_one("#preview-body", Static).content
        assert "name: CI" in getattr(syntax, "code", "")


async def test_review_follows_changes_made_after_going_back(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+s")
        screen = await rendered(pilot)
        assert ".github/workflows/ci.yml" in screen.files
        await pilot.press("alt+left", "alt+left", "alt+left", "alt+left")
        await pilot.pause()
        app.screen.query_one("#ci", ChoiceRow).value = "gitlab"
        await pilot.pause()
        await pilot.press("ctrl+s")
        screen = await rendered(pilot)
        assert ".gitlab-ci.yml" in screen.files
        assert ".github/workflows/ci.yml" not in screen.files


async def test_enter_in_review_writes_through_the_callback_then_done(make_app, tmp_path):
    calls = []

    def write(outcome):
        calls.append(outcome)
        return ["domain.toml", "docker-compose.yml", "pyproject.toml"]

    app = make_app(write=write)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+s")
        await rendered(pilot)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        text = str(app.screen.query_one("#next-steps", Static).render())
        assert "docker compose up -d" in text
        assert "pytest --protean-env memory" in text
        assert "domain.toml" in str(app.screen.query_one("#written", Static).render())
        # Going back is over once the project is written.
        await pilot.press("alt+left")
        assert isinstance(app.screen, DoneScreen)
        await pilot.press("q")
        await pilot.pause()
    assert len(calls) == 1
    assert app.return_value == calls[0]
    assert app.return_value.target == tmp_path / "acme"


async def test_done_at_80x24_shows_each_command_on_its_own_lines(make_app, tmp_path, monkeypatch):
    """The pip line (`python -m venv .venv && . .venv/bin/activate && pip install -e ...`)
    is wider than 80 columns: it is shown as its three commands, one `$` a line, not wrapped
    with `".[test]"` alone on the next line. (The folder as a user names it: `cd acme`, not
    the long temporary path, which is one command that cannot be split.)"""
    from .helpers import shown_text

    monkeypatch.chdir(tmp_path)
    written = ["domain.toml", "docker-compose.yml", "pyproject.toml"]
    app = make_app(write=lambda outcome: written, target=Path("acme"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+s")
        await rendered(pilot)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        lines = shown_text(app.screen.query_one("#next-steps", Static)).splitlines()
        commands = [line.strip() for line in lines if line.strip()]
        assert commands[0] == "Next:"
        assert all(line.startswith("$ ") for line in commands[1:]), lines
        assert "$ python -m venv .venv" in commands
        assert "$ . .venv/bin/activate" in commands
        assert '$ pip install -e ".[test]"' in commands


async def test_a_failed_write_is_shown_and_the_user_can_go_back(make_app):
    def write(outcome):
        raise ScaffolderError(f"{outcome.target} exists and is not empty")

    app = make_app(write=write)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+s")
        await rendered(pilot)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        status = app.screen.query_one("#nav-status", Static)
        assert status.has_class("-error")
        assert "not empty" in str(status.render())
        await pilot.press("alt+left")
        await pilot.pause()
        assert isinstance(app.screen, DeployScreen)


async def test_after_writing_ctrl_c_and_escape_leave_with_the_outcome(make_app):
    app = make_app(write=lambda outcome: ["domain.toml"])
    async with app.run_test() as pilot:
        await pilot.press("ctrl+s")
        await rendered(pilot)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert app.return_value is not None


async def test_cancel_waits_while_the_project_is_being_written(make_app):
    release = threading.Event()

    def slow_write(outcome):
        # Held until the test has pressed Escape; the bound only frees the thread of a test
        # that failed before releasing it (5 s, the former bound, is within reach of the
        # key presses before the release on a loaded machine).
        release.wait(120)
        return ["domain.toml"]

    app = make_app(write=slow_write)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+s")
        await rendered(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_value is not None


async def test_keys_typed_ahead_of_ctrl_s_all_count(make_app):
    # As a terminal delivers a paste or a fast typist's keys and then Ctrl-S: in one burst,
    # with no pause for the field's Changed messages before the binding runs.
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n", "ctrl+n")
        await step_ready(pilot, ConnectionsScreen)
        await type_into(pilot, "#variable-databases-default", "")
        for key in [*"PG", "underscore", *"URL", "ctrl+s"]:
            event = events.Key(
                key, "_" if key == "underscore" else key[:1] if len(key) == 1 else None
            )
            event.set_sender(app)
            app._driver.send_message(event)
        screen = await rendered(pilot)
        assert "${PG_URL}" in screen.files["domain.toml"].decode()


async def test_a_failed_preview_is_shown_not_raised(make_app, monkeypatch):
    import scaffolder.render

    def broken(spec):
        raise RuntimeError("template missing")

    monkeypatch.setattr(scaffolder.render, "render_project", broken)
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "template missing" in str(app.screen.query_one("#nav-status", Static).render())
        await pilot.press("alt+left")
        await pilot.pause()
        assert isinstance(app.screen, DeployScreen)


async def test_a_first_letter_moves_in_a_choice_list(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n")
        await move_to(pilot, "providers", 0, TEST)
        await pilot.press("enter", "s", "enter")  # postgresql -> sqlite
        await pilot.pause()
        assert app.draft.choice("test", DATABASE) == "sqlite"
        # On sqlite, m goes to the first m (memory), not the next one below the highlight;
        # m again goes on to mysql, then mssql.
        await pilot.press("enter", "m", "enter")
        await pilot.pause()
        assert app.draft.choice("test", DATABASE) == "memory"
        await pilot.press("enter", "m", "m", "enter")  # on memory: mysql, then mssql
        await pilot.pause()
        assert app.draft.choice("test", DATABASE) == "mssql"
        await pilot.press("enter", "s", "enter")  # sqlite, from mssql: the first s
        await pilot.pause()
        assert app.draft.choice("test", DATABASE) == "sqlite"


async def test_review_key_sends_the_user_to_a_bad_connection(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+n", "ctrl+n")
        await pilot.pause()
        await type_into(pilot, "#variable-brokers-default", "bad name")
        await pilot.press("alt+left")
        await pilot.pause()
        assert isinstance(app.screen, ProvidersScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConnectionsScreen)
        assert app.focused.id == "variable-brokers-default"
        assert hint(app, "hint-brokers-default").has_class("-error")


async def test_a_name_typed_in_an_empty_current_folder_keeps_the_project_there(
    make_app, tmp_path, monkeypatch
):
    """`protean-init` in an empty folder writes into it (README): renaming the project on the
    Project step keeps that folder, as the prompts do; it never moves beside it."""
    here = tmp_path / "acme"
    here.mkdir()
    monkeypatch.chdir(here)
    app = make_app(target=Path.cwd())
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into(pilot, "#project-name", "acme-reports")
        assert app.screen.query_one("#target", Input).value == str(here)
        assert app.draft.target == here
        assert app.draft.package_name == "acme_reports"


async def test_a_named_databases_label_is_shown_whole_at_80x24(make_app, initial):
    """`databases.analytics` is wider than the grid's usual label column: the column widens
    for it (the provider columns keep room for `↑ postgresql`) rather than cut it."""
    from scaffolder.answers import build_spec

    from .helpers import shown_text

    spec = build_spec(initial, sets=["base.databases.analytics_2=postgresql"])
    app = make_app(spec=spec)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        screen = await step_ready(pilot, ProvidersScreen)
        await pilot.pause()
        grid = screen.query_one("#providers", ChoiceGrid)
        row = grid.rows.index("databases.analytics_2")
        assert shown_text(grid.cell(row, -1)).strip() == "databases.analytics_2"
        for column in range(4):
            assert "…" not in shown_text(grid.cell(row, column))


async def test_a_name_too_long_for_the_label_column_is_shown_whole_at_80x24(make_app, initial):
    """`databases.analytics_reporting` does not fit beside four provider columns at 80
    columns: the row shows the name whole, after an ellipsis for its role
    (`…analytics_reporting`), not `databases.analytics_re…`, which hid which one it is."""
    from scaffolder.answers import build_spec

    from .helpers import shown_text

    spec = build_spec(initial, sets=["base.databases.analytics_reporting=postgresql"])
    app = make_app(spec=spec)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        screen = await step_ready(pilot, ProvidersScreen)
        await pilot.pause()
        grid = screen.query_one("#providers", ChoiceGrid)
        row = grid.rows.index("databases.analytics_reporting")
        assert shown_text(grid.cell(row, -1)).strip() == "…analytics_reporting"
        assert shown_text(grid.cell(0, -1)).strip() == "databases.default"
        for column in range(4):
            assert "…" not in shown_text(grid.cell(row, column))


@pytest.mark.parametrize("where", ["cwd", "far"])
async def test_review_names_the_folder_it_writes_to_at_80x24(
    make_app, tmp_path, monkeypatch, where
):
    """The status line beside Write is one line: the folder is in it, shortened from the left
    when long, never wrapped out of sight ("ctrl+s writes 25 files to" and nothing)."""
    from .helpers import shown_text

    deep = tmp_path / "a-folder-with-a-long-name" / "and-another-one-below-it" / "acme"
    deep.mkdir(parents=True)
    here = deep if where == "cwd" else tmp_path
    monkeypatch.chdir(here)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # the path is not under it
    app = make_app(target=deep)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+s")
        screen = await rendered(pilot)
        line = shown_text(screen.query_one("#nav-status")).rstrip()
        assert "files to " in line and line.endswith("acme/"), line
        if where == "cwd":
            assert line.endswith("files to this folder, acme/"), line
        else:
            assert "…" in line  # too long for the line: cut from the left


async def test_the_added_database_status_fits_and_is_gone_when_the_step_is_left(make_app):
    from .helpers import shown_text

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        screen = await step_ready(pilot, ProvidersScreen)
        await pilot.press("a")
        await modal_shown(pilot, NameModal)
        await pilot.press(*"analytics", "enter")
        await until(pilot, lambda: "Added" in shown_text(screen.query_one("#nav-status")), "news")
        line = shown_text(screen.query_one("#nav-status")).strip()
        assert line == "Added databases.analytics (connection: next step)", line
        await pilot.press("ctrl+n")
        await step_ready(pilot, ConnectionsScreen)
        await pilot.press("alt+left")
        await step_ready(pilot, ProvidersScreen)
        await pilot.pause()
        assert "Added" not in shown_text(screen.query_one("#nav-status"))


async def test_a_named_broker_and_cache_from_the_palette_and_b_reach_the_spec(make_app):
    """The wizard adds a named broker or cache as the edit menu does (b): found in the
    palette by "broker" or "cache" too; each starts as the role's default slot, gets its
    own connection, and x removes it again."""
    from textual.command import CommandPalette

    events = Slot(Role.BROKER, "events")
    sessions = Slot(Role.CACHE, "sessions")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await step_ready(pilot, ProvidersScreen)
        await pilot.press("ctrl+p")
        await modal_shown(pilot, CommandPalette)
        await pilot.press(*"broker")
        await until(pilot, lambda: "broker" in palette_first(app), "a broker command")
        await pilot.press("enter")
        await modal_shown(pilot, ChoiceModal)
        await pilot.press("enter")  # broker
        await modal_shown(pilot, NameModal)
        await pilot.press(*"events", "enter")
        await until(pilot, lambda: events in app.draft.slots, "brokers.events added")
        assert isinstance(app.screen, ProvidersScreen)
        await pilot.press("b")
        await modal_shown(pilot, ChoiceModal)
        await pilot.press("c", "enter")  # cache, by its first letter
        await modal_shown(pilot, NameModal)
        await pilot.press(*"sessions", "enter")
        await until(pilot, lambda: sessions in app.draft.slots, "caches.sessions added")
        assert app.draft.effective("production", events) == "redis"
        assert app.draft.effective("production", sessions) == "redis"
        rows = app.screen.query_one("#providers", ChoiceGrid).rows
        assert rows.index("brokers.events") == rows.index("brokers.default") + 1
        assert events in app.draft.server_slots() and sessions in app.draft.server_slots()
        spec = app.draft.build()
        assert spec.provider("test", events).name == "redis" and events in spec.slots
        await move_to(pilot, "providers", rows.index("caches.sessions"), BASE)
        await pilot.press("x")
        await until(pilot, lambda: sessions not in app.draft.slots, "caches.sessions removed")


def palette_first(app) -> str:
    from textual.command import CommandList

    commands = app.screen.query_one(CommandList)
    if not commands.option_count:
        return ""
    return str(commands.get_option_at_index(0).prompt).lower()
