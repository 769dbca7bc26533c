"""The edit menu marks what it cannot name: a provider Protean does not know is shown as such,
not as an absent slot; and leaving without a change is a normal end (exit 0)."""

from __future__ import annotations

from textual.widgets import Static

from scaffolder.reopen.project import open_project
from scaffolder.ui.common.choices import ChoiceGrid
from scaffolder.ui.edit_menu.app import EditApp

TEST = 2


async def test_an_unknown_provider_is_marked_with_what_is_allowed(shop):
    path = shop / "domain.toml"
    text = path.read_text()
    table = text.index("[test.databases.default]")
    start = text.index('provider = "postgresql"', table)
    path.write_text(text[:start] + 'provider = "postgress"' + text[start + 23 :])
    app = EditApp(open_project(shop))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        grid = app.screen.query_one("#providers", ChoiceGrid)
        cell = grid.cell(0, TEST)
        assert str(cell.render()) == "? postgress"
        assert cell.has_class("-risky")
        grid.cursor = (0, TEST)
        await pilot.pause()
        detail = "".join(str(w.render()) for w in app.screen.query(Static))
        assert "not a database provider Protean knows" in detail
        assert "postgresql" in detail


def test_leaving_the_edit_menu_unchanged_exits_0(shop, capsys):
    from scaffolder.ui.edit_menu.run import report

    assert report([]) == 0
    assert "nothing was changed" in capsys.readouterr().err


async def test_the_edit_menus_palette_lists_every_action(shop):
    from textual.command import CommandList, CommandPalette

    from .helpers import until

    app = EditApp(open_project(shop))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        commands = app.screen.query_one(CommandList)
        await until(pilot, lambda: commands.option_count > 0, "the palette's commands")
        titles = [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]
        text = "\n".join(titles)
        for title in ("Add db", "Provider", "Overlays", "CI", "Theme", "Keys"):
            assert title in text, (title, text)
        assert "Up" not in [t.split("\n")[0] for t in titles]
