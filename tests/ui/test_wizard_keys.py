"""The wizard's keys and the state nothing may lose: defaults that follow the providers, typed
values that stay, leaving that asks first, Review that writes only on its Write action, the
command palette and the help screen. Every wait is on state (workers done, a screen shown)."""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from scaffolder.catalog import Role
from scaffolder.spec.slots import Slot
from scaffolder.ui.common.choices import QuitModal
from scaffolder.ui.wizard.screens.connections import ConnectionsScreen
from scaffolder.ui.wizard.screens.help import HelpScreen
from scaffolder.ui.wizard.screens.project import ProjectScreen
from scaffolder.ui.wizard.screens.providers import ProvidersScreen

from .conftest import snapshot
from .helpers import modal_shown, pick, shown_text, type_into, until
from .test_wizard import rendered

DATABASE = Slot(Role.DATABASE, "default")
REPORTS = Slot(Role.DATABASE, "reports")
TEST = 2


def never_write(outcome):
    pytest.fail("nothing may be written here")


async def shown(pilot, screen_type) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, screen_type), screen_type.__name__)
    await pilot.pause()


# --- defaults follow the provider; what the user typed stays theirs ---------------------------


async def test_a_default_follows_a_provider_changed_after_visiting_connections(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+n", "ctrl+n")
        await shown(pilot, ConnectionsScreen)
        url = app.screen.query_one("#url-databases-default", Input)
        assert url.value.startswith("postgresql://")
        await pilot.press("alt+left")
        await shown(pilot, ProvidersScreen)
        # Every non-memory environment to sqlite: the local default is sqlite's.
        await pick(pilot, "providers", 0, 1, "sqlite")
        await pick(pilot, "providers", 0, TEST, "sqlite")
        await pilot.press("ctrl+n")
        await shown(pilot, ConnectionsScreen)
        url = app.screen.query_one("#url-databases-default", Input)
        assert url.value.startswith("sqlite:///"), url.value
        assert not url.has_class("-users")
        await pilot.press("ctrl+s")
        domain = (await rendered(pilot)).files["domain.toml"].decode()
    assert "postgresql://" not in domain.split("[test.databases.default]")[1].split("[")[0]
    assert app.draft.local_urls == {}


async def test_the_stale_default_bug_review_pairs_sqlite_with_a_sqlite_url(make_app):
    """The issue's case: test database to sqlite after Connections was shown."""
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+n", "ctrl+n")
        await shown(pilot, ConnectionsScreen)
        await pilot.press("alt+left")
        await shown(pilot, ProvidersScreen)
        await pick(pilot, "providers", 0, TEST, "sqlite")
        # Straight to Review from Connections, where the stale value used to be synced.
        await pilot.press("ctrl+n")
        await shown(pilot, ConnectionsScreen)
        await pilot.press("ctrl+s")
        domain = (await rendered(pilot)).files["domain.toml"].decode()
    test_table = domain.split("[test.databases.default]")[1].split("\n[")[0]
    assert 'provider = "sqlite"' in test_table
    assert "postgresql" not in test_table, test_table


async def test_a_typed_default_survives_a_provider_change_and_is_marked(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+n", "ctrl+n")
        await shown(pilot, ConnectionsScreen)
        typed = "postgresql://me@db.local:5432/acme"
        await type_into(pilot, "#url-databases-default", typed)
        assert app.screen.query_one("#url-databases-default").has_class("-users")
        await pilot.press("alt+left")
        await shown(pilot, ProvidersScreen)
        await pick(pilot, "providers", 0, TEST, "mysql")
        await pilot.press("ctrl+n")
        await shown(pilot, ConnectionsScreen)
        url = app.screen.query_one("#url-databases-default", Input)
        assert url.value == typed
        assert url.has_class("-users")
        hint = str(app.screen.query_one("#hint-databases-default").render())
        assert "mysql" in hint  # the scheme does not match the provider now: said, not changed
        # Cleared, it follows the provider again.
        await type_into(pilot, "#url-databases-default", "")
        assert app.draft.local_urls == {}
    assert app.draft.local_url(DATABASE).startswith("mysql")


# --- leaving asks first; Review writes only on Write -----------------------------------------


async def test_escape_after_a_change_asks_and_writes_nothing(make_app, tmp_path):
    app = make_app(write=never_write)
    async with app.run_test() as pilot:
        await type_into(pilot, "#project-name", "shop")
        await pilot.press("escape")
        await shown(pilot, QuitModal)
        assert app.is_running
        # Stay: back on the step, the change kept.
        await pilot.press("tab", "enter")
        await shown(pilot, ProjectScreen)
        assert app.screen.query_one("#project-name", Input).value == "shop"
        # Escape, then Escape again, leaves.
        await pilot.press("escape")
        await shown(pilot, QuitModal)
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_value is None
    assert snapshot(tmp_path) == {}


@pytest.mark.parametrize("second", ["enter", "ctrl+c"])
async def test_ctrl_c_after_a_change_asks_then_enter_on_quit_leaves(make_app, tmp_path, second):
    app = make_app(write=never_write)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n")
        await shown(pilot, ProvidersScreen)
        await pick(pilot, "providers", 0, TEST, "sqlite")
        await pilot.press("ctrl+c")
        await shown(pilot, QuitModal)
        assert app.focused.id == "quit"
        await pilot.press(second)
        await pilot.pause()
    assert app.return_value is None
    assert snapshot(tmp_path) == {}


async def test_enter_in_the_review_tree_and_file_view_writes_nothing(make_app, tmp_path):
    app = make_app(write=never_write)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+s")
        screen = await rendered(pilot)
        assert app.focused.id == "files"
        await pilot.press("enter", "down", "enter", "enter", "space")
        app.screen.query_one("#preview").focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        assert not app.writing and not app.written
    assert snapshot(tmp_path) == {}


async def test_ctrl_s_on_review_writes_once(make_app):
    calls = []
    app = make_app(write=lambda outcome: calls.append(outcome) or ["domain.toml"])
    async with app.run_test() as pilot:
        await pilot.press("ctrl+s")
        await rendered(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(app.written), "written")
    assert len(calls) == 1


# --- the palette and help ---------------------------------------------------------------------


async def palette_titles(pilot) -> list[str]:
    await pilot.press("ctrl+p")
    await shown(pilot, CommandPalette)
    commands = pilot.app.screen.query_one(CommandList)
    await until(pilot, lambda: commands.option_count > 0, "the palette's commands")
    return [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]


async def test_the_palette_lists_the_wizards_commands(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+n")
        await shown(pilot, ProvidersScreen)
        titles = "\n".join(await palette_titles(pilot))
        for title in (
            "Step 1: Project",
            "Step 3: Connections",
            "Step 4: Deploy",
            "Step 5: Review",
            "Check",
            "Help",
            "Add db",
            "Remove",
            "Add a broker or cache",
            "Change",
            "Next",
            "Back",
            "Theme",
            "Keys",
        ):
            assert title in titles, (title, titles)
        # Choosing one runs it: type to filter, Enter.
        await pilot.press(*"Connections", "enter")
        await shown(pilot, ConnectionsScreen)


async def test_the_palette_quit_asks_first_after_a_change(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await type_into(pilot, "#project-name", "shop")
        await palette_titles(pilot)
        await pilot.press(*"Quit", "enter")
        await shown(pilot, QuitModal)
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_value is None


@pytest.mark.parametrize("key", ["question_mark", "f1"])
async def test_question_mark_and_f1_open_the_help(make_app, key):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+n")
        await shown(pilot, ProvidersScreen)
        await pilot.press(key)
        await shown(pilot, HelpScreen)
        text = shown_text(app.screen.query_one("#help-keys"))
        assert "ctrl+p" in text and "alt+←" in text
        steps = shown_text(app.screen.query_one("#help-steps"))
        assert "▸ 2 Providers" in steps and "the variable each connection reads" in steps
        await pilot.press("escape")
        await shown(pilot, ProvidersScreen)
        assert app.is_running


async def test_f1_opens_the_help_from_a_text_field_where_a_question_mark_is_text(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await shown(pilot, ProjectScreen)
        name = app.screen.query_one("#project-name", Input)
        assert app.focused is name
        before = name.value
        await pilot.press("f1")
        await shown(pilot, HelpScreen)
        assert "F1" in shown_text(app.screen.query_one("#help-keys"))
        await pilot.press("escape")
        await shown(pilot, ProjectScreen)
        assert app.focused is name
        await pilot.press("end", "question_mark")
        assert name.value == before + "?"
        assert isinstance(app.screen, ProjectScreen)


async def test_f1_opens_the_help_over_a_dialogs_name_field(make_app):
    from scaffolder.ui.common.choices import NameModal

    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+n")
        await shown(pilot, ProvidersScreen)
        await pilot.press("a")  # a worker waits on the dialog: wait on the screen stack
        await modal_shown(pilot, NameModal)
        await pilot.press("question_mark")
        dialog = app.screen
        assert dialog.query_one("#name", Input).value == "?"
        await pilot.press("f1")
        await modal_shown(pilot, HelpScreen)
        assert "▸ 2 Providers" in shown_text(app.screen.query_one("#help-steps"))
        await pilot.press("escape")
        await modal_shown(pilot, NameModal)
        assert app.screen is dialog and dialog.query_one("#name", Input).value == "?"


def type_ahead(app, *keys: str) -> None:
    """Keys in one burst, as a fast typist or a paste sends them: all queued before the app
    handles the first (Pilot's press would wait for each to be handled)."""
    from textual import events

    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def test_keys_typed_right_after_a_dialog_key_reach_the_dialog(make_app):
    from scaffolder.ui.common.choices import NameModal

    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+n", "a")
        await modal_shown(pilot, NameModal)
        await pilot.press(*"reports", "enter")
        await until(pilot, lambda: REPORTS in app.draft.slots, "reports added")
        slots = list(app.draft.slots)  # the grid's cursor is on reports now
        # Escape typed right after `a` closes the dialog `a` opens: it does not reach the
        # step below, where it would ask to quit.
        type_ahead(app, "a", "escape")
        await until(pilot, lambda: isinstance(app.screen, ProvidersScreen), "the dialog closed")
        await pilot.pause()
        assert isinstance(app.screen, ProvidersScreen) and app.is_running
        # `x` typed right after `a` is meant for the name dialog: on the grid below it would
        # remove reports.
        type_ahead(app, "a", "x")
        await modal_shown(pilot, NameModal)
        await pilot.pause()
        assert app.draft.slots == slots
        assert app.screen.query_one("#name", Input).value == "x"
        await pilot.press("escape")
        await shown(pilot, ProvidersScreen)
        assert app.draft.slots == slots
        # A name and its Enter typed in the same burst as `a`: the database is added.
        type_ahead(app, "a", *"audit", "enter")
        audit = Slot(Role.DATABASE, "audit")
        await until(pilot, lambda: audit in app.draft.slots, "audit added")
        await shown(pilot, ProvidersScreen)


async def test_a_question_mark_typed_in_a_field_is_text(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await type_into(pilot, "#target", "a?b")
        assert not isinstance(app.screen, HelpScreen)
        assert app.screen.query_one("#target", Input).value == "a?b"


# --- the footer: the keys the screen offers now, each a click away ----------------------------


def footer_text(app) -> str:
    from scaffolder.ui.common.widgets import KeyLine

    return str(app.screen.query_one(KeyLine).render())


async def test_the_footer_follows_focus_and_keeps_the_palette_key_in_view_at_80_columns(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, ProjectScreen)
        line = footer_text(app)
        assert line.startswith("^s Review ^n Next alt+← Back esc Quit f1 Help"), line
        assert line.endswith("^p palette") and len(line) == 80, line
        await pilot.press("ctrl+n")
        await shown(pilot, ProvidersScreen)
        # The grid is focused: its Enter is offered. What no longer fits gives way to the
        # palette's key, which stays at the right edge: alt+← Back, whole (its button is on
        # the screen), not the end of the line cut mid-key (`f1 …` hid the help key).
        line = footer_text(app)
        assert line.startswith("⏎ Change a Add db x Remove ^s Review ^n Next esc Quit f1 Help")
        assert "…" not in line and "Back" not in line, line
        assert line.endswith(" ^p palette") and len(line) == 80, line
        app.screen.query_one("#add-database").focus()
        await until(pilot, lambda: "Change" not in footer_text(app), "the footer without Change")


async def test_a_click_on_a_footer_key_presses_it_and_a_disabled_one_does_nothing(make_app):
    from scaffolder.ui.common.widgets import KeyLine

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await shown(pilot, ProjectScreen)
        content = app.screen.query_one(KeyLine).render()
        line = str(content)
        back = line.index("alt+←")
        dimmed = [span for span in content.spans if "dim" in str(span.style)]
        assert [line[span.start : span.end] for span in dimmed] == ["alt+← Back"]
        # Back is disabled on the first step: dimmed, and a click on it stays here.
        await pilot.click(KeyLine, offset=(back, 0))
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen)
        await pilot.click(KeyLine, offset=(line.index("^n"), 0))
        await shown(pilot, ProvidersScreen)


async def test_the_help_at_80_columns_wraps_each_description_in_its_column(make_app):
    """At 80x24 several descriptions take two lines: the second starts under the first's
    text, never back at the left edge where the keys are."""
    from scaffolder.ui.wizard.screens.help import KEYS

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await shown(pilot, HelpScreen)
        keys = app.screen.query_one("#help-keys")
        lines = shown_text(keys).splitlines()
        assert len(lines) > len(KEYS)  # some descriptions did wrap at this width
        column = max(len(key) for key, _ in KEYS) + 2
        for line in lines:
            if line.strip() and not line.startswith(tuple(key for key, _ in KEYS)):
                assert line[:column].strip() == "", f"wrapped to the left edge: {line!r}"


@pytest.mark.parametrize("dialog_key", ["enter", "a"])
async def test_under_an_open_dialog_the_footer_says_what_esc_does_there(make_app, dialog_key):
    """A picker (Enter on a cell) or the name dialog (a) covers the step's footer with its own
    keys: `esc Close`, not the step's `esc Quit` (Esc closes the dialog, it quits nothing)."""
    from scaffolder.ui.common.widgets import KeyLine

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await shown(pilot, ProvidersScreen)
        await pilot.press(dialog_key)
        await until(pilot, lambda: app.screen.query(KeyLine), "the dialog's footer")
        await pilot.pause()
        bottom, _ = app.screen.get_widget_at(5, 23)
        assert isinstance(bottom, KeyLine)
        line = shown_text(bottom)
        assert "esc Close" in line and "Quit" not in line, line
        await pilot.press("escape")
        await shown(pilot, ProvidersScreen)


async def test_the_help_dialogs_footer_names_esc_and_f1_as_its_close_keys(make_app):
    """The help's own footer says how it closes as the keys work: `esc/f1 Close` (it showed
    `f1 Close`, the key of its last binding, though Esc is the one a user tries first)."""
    from scaffolder.ui.common.widgets import KeyLine

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(pilot, ProjectScreen)
        await pilot.press("f1")
        await shown(pilot, HelpScreen)
        await until(pilot, lambda: app.screen.query(KeyLine), "the help's footer")
        await pilot.pause()
        bottom, _ = app.screen.get_widget_at(5, 23)
        assert isinstance(bottom, KeyLine)
        line = shown_text(bottom)
        assert "esc/f1 Close" in line, line
        await pilot.press("escape")
        await shown(pilot, ProjectScreen)
