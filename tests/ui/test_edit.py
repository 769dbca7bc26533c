"""The edit menu, driven by key presses through Pilot: each action previews, applies on
confirm, refuses bad input and conflicts with nothing written, and the picture follows."""

from __future__ import annotations

import time

import pytest
from textual.widgets import OptionList, Static

from scaffolder.check import check_project
from scaffolder.reopen.project import open_project
from scaffolder.ui.common.choices import ChoiceGrid, ChoiceModal, NameModal, PickManyModal
from scaffolder.ui.common.preview import ReportModal
from scaffolder.ui.common.widgets import Hint
from scaffolder.ui.edit_menu.app import EditApp
from scaffolder.ui.edit_menu.run import report
from scaffolder.ui.edit_menu.screen import EditScreen

from .conftest import snapshot
from .helpers import modal_shown, move_to, shown_text, until

GITHUB = ".github/workflows/ci.yml"
BASE, PRODUCTION, TEST, MEMORY = range(4)


def grid(app) -> ChoiceGrid:
    return app.screen.query_one("#providers", ChoiceGrid)


def status(app) -> Static:
    return app.screen.query_one("#edit-status", Static)


async def settled(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def choose(pilot, label: str) -> None:
    """In the open choice list, move to the option whose first word is `label`, and take it."""
    modal = pilot.app.screen
    assert isinstance(modal, ChoiceModal), modal
    options = modal.query_one(OptionList)
    target = [text.split()[0] for text in labels_of(options)].index(label)
    current = options.highlighted or 0
    for _ in range(abs(target - current)):
        await pilot.press("down" if target > current else "up")
    await pilot.press("enter")
    await pilot.pause()


def labels_of(options: OptionList) -> list[str]:
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def preview(pilot) -> ReportModal:
    await modal_shown(pilot, ReportModal)  # the plan is made in a worker, then shown
    modal = pilot.app.screen
    assert isinstance(modal, ReportModal), modal
    return modal


def diff_of(modal: ReportModal) -> str:
    return modal.body.code  # the Syntax's text: the unified diff


# --- start-up and leaving ---------------------------------------------------------------------


async def test_the_menu_shows_the_project_quickly(shop):
    project = open_project(shop)
    app = EditApp(project)
    started = time.perf_counter()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        elapsed = time.perf_counter() - started
        assert isinstance(app.screen, EditScreen)
        assert app.focused is grid(app)
        # How fast is bench/'s question: no wall-clock assert here (it fails on a loaded machine).
        print(f"edit menu start-up to a focused grid: {elapsed * 1000:.0f} ms")
        # The same picture as `protean-init edit --ui none` prints.
        assert grid(app).columns == ["base", "production", "test", "memory"]
        assert grid(app).rows == [
            "databases.default",
            "brokers.default",
            "event_store",
            "caches.default",
        ]
        assert str(grid(app).cell(0, TEST).render()) == "postgresql"
        derived = str(app.screen.query_one("#derived", Static).render())
        assert "docker-compose.yml" in derived and GITHUB in derived
        assert "postgres, message-db, redis" in derived
        await settled(pilot)
        actions = labels_of(app.screen.query_one("#actions", OptionList))
        assert actions[-1].endswith("Check the configuration: no findings")
        await pilot.press("escape")
    assert app.return_value == 130


@pytest.mark.parametrize("key", ["escape", "ctrl+c"])
async def test_leaving_from_a_dialog(shop, key):
    before = snapshot(shop)
    app = EditApp(open_project(shop))
    async with app.run_test() as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, NameModal)
        await pilot.press(key)
        await pilot.pause()
        if key == "escape":  # closes the dialog only
            assert isinstance(app.screen, EditScreen)
            await pilot.press("escape")
    assert app.return_value == 130
    assert snapshot(shop) == before


# --- add a database ---------------------------------------------------------------------------


async def test_a_name_typed_in_the_same_burst_as_a_reaches_the_dialog(shop):
    """`a`, the name and Enter faster than a frame (a fast typist, a paste): every key after
    `a` went through the menu before the dialog opened, and still lands in it."""
    from .test_wizard_keys import type_ahead

    app = EditApp(open_project(shop))
    async with app.run_test(size=(80, 24)) as pilot:
        type_ahead(app, "a", *"reports", "enter")
        await modal_shown(pilot, ChoiceModal)
        assert app.screen.title_text == "databases.reports in base"
        await pilot.press("escape")


async def test_add_a_database_with_enter_for_every_default(shop):
    app = EditApp(open_project(shop))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a", *"reports", "enter")
        await pilot.pause()
        titles = []
        for _ in range(4):  # base, production, test, memory: each starts as databases.default
            assert isinstance(app.screen, ChoiceModal)
            titles.append(app.screen.title_text)
            await pilot.press("enter")
            await pilot.pause()
        assert titles == [
            f"databases.reports in {env}" for env in ("base", "production", "test", "memory")
        ]
        modal = await preview(pilot)
        diff = diff_of(modal)
        assert "+[databases.reports]" in diff
        assert '+database_uri = "${REPORTS_DATABASE_URL}"' in diff  # production: no default
        assert "+# REPORTS_DATABASE_URL=" in diff  # .env.example follows
        assert not (shop / "domain.toml").read_text().count("reports")  # nothing yet
        await pilot.press("enter")
        await settled(pilot)
        assert isinstance(app.screen, EditScreen)
        text = (shop / "domain.toml").read_text()
        assert "[databases.reports]" in text and "[memory.databases.reports]" in text
        assert "[production.databases.reports]" in text
        # The picture is read again from disk.
        assert grid(app).rows[1] == "databases.reports"
        assert str(grid(app).cell(1, PRODUCTION).render()) == "postgresql"
        assert "Add databases.reports" in str(status(app).render())
        await pilot.press("escape")
    assert app.return_value == 0
    assert app.applied[0].startswith("Add databases.reports: ")
    assert "domain.toml" in app.applied[0]


async def test_enter_for_every_default_adds_what_add_database_adds(
    generated_projects, tmp_path, cli
):
    """A second database most often lives where the first does: with the default database on
    sqlite in base and mysql in test, Enter on each picker of `a` writes domain.toml byte for
    byte as `protean-init add-database reports` (no --provider: the default database's)."""
    layout = ("--set", "base.databases.default=sqlite", "--set", "test.databases.default=mysql")
    menu_made = generated_projects.copy(tmp_path / "menu" / "shop", *layout)
    cli_made = generated_projects.copy(tmp_path / "cli" / "shop", *layout)
    app = EditApp(open_project(menu_made))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a", *"reports", "enter")
        await pilot.pause()
        started = []
        for _ in range(4):  # base, production, test, memory
            modal = app.screen
            assert isinstance(modal, ChoiceModal)
            options = modal.query_one(OptionList)
            started.append(labels_of(options)[options.highlighted or 0].split()[0])
            await pilot.press("enter")
            await pilot.pause()
        assert started == ["sqlite", "postgresql", "mysql", "memory"]
        await preview(pilot)
        await pilot.press("enter")
        await settled(pilot)
        await pilot.press("escape")
    assert cli("add-database reports --project", cli_made).code == 0
    written = (menu_made / "domain.toml").read_text()
    assert written == (cli_made / "domain.toml").read_text()
    assert open_project(menu_made).tree["databases"]["reports"]["provider"] == "sqlite"


async def test_a_bad_or_existing_name_is_refused_as_typed(shop):
    before = snapshot(shop)
    app = EditApp(open_project(shop))
    async with app.run_test() as pilot:
        await pilot.press("a", *"Bad Name")
        await pilot.pause()
        hint = app.screen.query_one("#name-hint", Hint)
        assert hint.has_class("-error")
        await pilot.press("enter")
        assert isinstance(app.screen, NameModal)  # refused
        await pilot.press("ctrl+u", *"default")
        await pilot.pause()
        assert "already" in str(hint.render())
        await pilot.press("enter")
        assert isinstance(app.screen, NameModal)
        await pilot.press("ctrl+u", *"reports")
        await pilot.pause()
        assert not hint.has_class("-error")
        await pilot.press("escape", "escape")
    assert snapshot(shop) == before


async def test_a_choice_per_overlay_reaches_the_file(shop):
    app = EditApp(open_project(shop))
    async with app.run_test() as pilot:
        await pilot.press("a", *"audit", "enter")
        await pilot.pause()
        await choose(pilot, "sqlite")  # base
        await choose(pilot, "automatic")  # production: a server from a variable, no default
        await choose(pilot, "inherit")  # test
        await choose(pilot, "automatic")  # memory stays in memory
        await preview(pilot)
        await pilot.press("y")
        await settled(pilot)
    tree = open_project(shop).tree
    assert tree["databases"]["audit"]["provider"] == "sqlite"
    # Never a file path in production: the recommended server (issue 11).
    assert tree["production"]["databases"]["audit"]["provider"] == "postgresql"
    assert "audit" not in tree["test"]["databases"]
    assert tree["memory"]["databases"]["audit"]["provider"] == "memory"


# --- change a provider ------------------------------------------------------------------------


async def test_change_a_provider_cancel_then_apply(shop):
    before = snapshot(shop)
    app = EditApp(open_project(shop))
    async with app.run_test() as pilot:
        await move_to(pilot, "providers", 0, TEST)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.title_text == "databases.default in test"
        await choose(pilot, "sqlite")
        modal = await preview(pilot)
        assert '+provider = "sqlite"' in diff_of(modal)
        assert "pyproject.toml" in modal.summary  # the sqlite extra
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, EditScreen)
        assert snapshot(shop) == before
        assert "cancelled" in str(status(app).render())
        await pilot.press("p")  # the same, from the menu's key
        await pilot.pause()
        await choose(pilot, "sqlite")
        await preview(pilot)
        await pilot.press("enter")
        await settled(pilot)
        assert str(grid(app).cell(0, TEST).render()) == "sqlite"
        assert grid(app).cursor == (0, TEST)
        await pilot.press("escape")
    assert app.return_value == 0
    assert open_project(shop).tree["test"]["databases"]["default"]["provider"] == "sqlite"


async def test_a_conflict_is_shown_and_nothing_written(shop):
    workflow = shop / GITHUB
    workflow.write_text(workflow.read_text().replace('5432/shop"', '5432/shop_ci"', 1))
    before = snapshot(shop)
    app = EditApp(open_project(shop))
    async with app.run_test() as pilot:
        await move_to(pilot, "providers", 0, TEST)
        await pilot.press("enter")
        await pilot.pause()
        await choose(pilot, "sqlite")
        modal = await preview(pilot)
        assert modal.has_class("-error")
        assert "conflict" in modal.title_text
        assert "<<<<<<< yours" in diff_of(modal) and "shop_ci" in diff_of(modal)
        await pilot.press("enter")  # closes: there is nothing to apply
        await pilot.pause()
        assert isinstance(app.screen, EditScreen)
        assert status(app).has_class("-error")
        assert "nothing written" in str(status(app).render())
        await pilot.press("escape")
    assert app.return_value == 130
    assert snapshot(shop) == before


async def test_a_file_changed_after_the_preview_is_not_overwritten(shop):
    app = EditApp(open_project(shop))
    async with app.run_test() as pilot:
        await move_to(pilot, "providers", 2, PRODUCTION)
        await pilot.press("enter")
        await pilot.pause()
        await choose(pilot, "memory")
        await preview(pilot)
        config = shop / "domain.toml"
        config.write_text(config.read_text() + "\n# edited meanwhile\n")
        before = snapshot(shop)
        await pilot.press("enter")
        await settled(pilot)
        assert "changed since the preview" in str(status(app).render())
        assert snapshot(shop) == before


# --- overlays, CI, check ----------------------------------------------------------------------


async def test_adopting_a_protean_new_project_adds_the_overlays_picked(adopted):
    app = EditApp(open_project(adopted))
    async with app.run_test(size=(100, 30)) as pilot:
        assert grid(app).columns == ["base"]
        assert "src/acme/domain.toml" in str(app.screen.query_one("#edit-title", Static).render())
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, PickManyModal)
        await pilot.press("down", "down", "space", "enter")  # untick memory
        modal = await preview(pilot)
        assert "+[production]" in diff_of(modal) and "+[test]" in diff_of(modal)
        assert "+[memory]" not in diff_of(modal)
        await pilot.press("enter")
        await settled(pilot)
        assert grid(app).columns == ["base", "production", "test"]
        actions = labels_of(app.screen.query_one("#actions", OptionList))
        assert any("Add overlays: memory" in action for action in actions)
    text = (adopted / "src" / "acme" / "domain.toml").read_text()
    assert "[production]" in text and "[memory]" not in text
    assert text.startswith("debug = true\ntesting = false\n")  # the user's lines stay


async def test_no_overlay_missing_says_so(shop):
    app = EditApp(open_project(shop))
    async with app.run_test() as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, EditScreen)
        assert any("already" in str(n.message) for n in app._notifications)


async def test_regenerate_ci_up_to_date_then_switch_to_gitlab(shop):
    before = snapshot(shop)
    app = EditApp(open_project(shop))
    async with app.run_test() as pilot:
        await pilot.press("r")
        await pilot.pause()
        await choose(pilot, "GitHub")
        assert isinstance(app.screen, EditScreen)
        assert "nothing would change" in str(status(app).render())
        assert snapshot(shop) == before
        await pilot.press("r")
        await pilot.pause()
        await choose(pilot, "GitLab")
        modal = await preview(pilot)
        assert "--- /dev/null" in diff_of(modal) and "+++ b/.gitlab-ci.yml" in diff_of(modal)
        # The GitHub workflow protean-init wrote is removed in the same change, shown.
        assert "+++ /dev/null" in diff_of(modal) and "--- a/.github/workflows/ci.yml" in diff_of(
            modal
        )
        await pilot.press("enter")
        await settled(pilot)
    assert (shop / ".gitlab-ci.yml").is_file()
    assert not (shop / ".github/workflows/ci.yml").exists()
    assert "ci: gitlab" in (shop / ".copier-answers.protean-init.yml").read_text()


async def test_check_shows_what_protean_init_check_finds(shop):
    config = shop / "domain.toml"
    config.write_text(
        config.read_text().replace(
            '[production.caches.default]\nprovider = "redis"\nURI = "${CACHE_URL}"',
            '[production.caches.default]\nprovider = "memory"',
        )
    )
    expected = check_project(shop)
    assert expected  # a memory cache in production, and compose keeps a service for it
    app = EditApp(open_project(shop))
    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
        # The cell the finding is about is marked, and says why under the grid.
        cell = grid(app).cell(3, PRODUCTION)
        assert cell.has_class("-risky") and str(cell.render()) == "memory !"
        assert not grid(app).cell(3, TEST).has_class("-risky")
        await move_to(pilot, "providers", 3, PRODUCTION)
        detail = str(app.screen.query_one("#cell-detail", Static).render())
        assert "! production uses the in-memory cache" in detail
        await pilot.press("c")
        await modal_shown(pilot, ReportModal)  # the check runs in a thread, then opens it
        modal = app.screen
        assert isinstance(modal, ReportModal)
        # Under the dialog, the status line says what the check found ("Checking ..." before).
        status = str(app.screen_stack[-2].query_one("#edit-status", Static).render())
        assert status.startswith("protean-init check: ") and "warning" in status, status
        body = modal.body.plain
        for finding in expected:
            assert finding.message in body
            assert finding.location in body
        assert modal.title_text.startswith("protean-init check: ")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, EditScreen)


# --- after the full screen --------------------------------------------------------------------


def test_what_changed_is_printed_and_the_exit_code(capsys):
    assert report(["Add databases.reports: domain.toml"]) == 0
    assert "Add databases.reports: domain.toml" in capsys.readouterr().out
    assert report([]) == 0  # looking, then leaving, is no error
    assert "nothing was changed" in capsys.readouterr().err


async def test_escape_typed_right_after_a_dialog_key_closes_that_dialog(shop):
    """Keys in one burst, as a fast typist sends them: Escape right after `a` is meant for the
    name dialog `a` opens, not for the menu below (where it would leave the edit menu)."""
    from textual import events

    app = EditApp(open_project(shop))
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        for key in ("a", "escape"):
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await settled(pilot)
        assert app.is_running and isinstance(app.screen, EditScreen)
        # The same for a dialog that asks for text: the typed-ahead key is no menu action.
        for key in ("k", "escape"):
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await settled(pilot)
        assert app.is_running and isinstance(app.screen, EditScreen)
        assert not app.applied


async def test_escape_in_a_later_environment_cancels_the_add_and_says_so(shop):
    """The add asks base, then each overlay: Esc there cancels the whole add, as the picker's
    help line says (not "keep as is"), and the status line tells what happened."""
    before = snapshot(shop)
    app = EditApp(open_project(shop))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a", *"reports", "enter")
        await modal_shown(pilot, ChoiceModal)
        first = app.screen
        assert "Esc cancel the add" in shown_text(first.query_one(".modal-help"))
        await pilot.press("enter")  # base: as databases.default
        await modal_shown(pilot, ChoiceModal, other_than=first)
        assert app.screen.title_text == "databases.reports in production"
        assert "keep as is" not in shown_text(app.screen.query_one(".modal-help"))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, EditScreen), "the menu again")
        assert str(status(app).render()) == "Adding databases.reports cancelled; nothing written."
        await pilot.press("escape")
    assert snapshot(shop) == before


async def test_a_named_databases_label_is_shown_whole_in_the_menu_at_80x24(cli, shop):
    assert cli("add-database analytics --provider memory --project", shop).code == 0
    app = EditApp(open_project(shop))
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        row = grid(app).rows.index("databases.analytics")
        assert shown_text(grid(app).cell(row, -1)).strip() == "databases.analytics"
        for column in range(4):
            assert "…" not in shown_text(grid(app).cell(row, column))
        await pilot.press("escape")
