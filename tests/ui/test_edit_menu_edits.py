"""The edit menu's edits of issue 11, by key presses: `inherit` in the provider picker, remove
(d) and rename (m) the highlighted named slot, a setting (s), any key (k), re-derive (g); each
previews its diff and writes only on confirm."""

from __future__ import annotations

import pytest
from textual.binding import Binding

from scaffolder.reopen.project import open_project
from scaffolder.ui.common.choices import NameModal
from scaffolder.ui.edit_menu.app import EditApp
from scaffolder.ui.edit_menu.screen import EditScreen

from .conftest import snapshot
from .helpers import modal_shown, move_to
from .test_edit import choose, diff_of, grid, preview, settled

BASE, PRODUCTION, TEST, MEMORY = range(4)


async def test_inherit_in_the_picker_drops_the_overlay_table(shop):
    app = EditApp(open_project(shop))
    async with app.run_test() as pilot:
        await move_to(pilot, "providers", 0, TEST)  # databases.default in test: postgresql
        await pilot.press("enter")
        await pilot.pause()
        await choose(pilot, "inherit")
        modal = await preview(pilot)
        assert "-[test.databases.default]" in diff_of(modal)
        await pilot.press("enter")
        await settled(pilot)
        assert str(grid(app).cell(0, TEST).render()) == "↑ memory"
        await pilot.press("escape")
    assert "databases" not in open_project(shop).tree["test"]


async def test_add_a_cache_then_rename_and_remove_it(shop):
    app = EditApp(open_project(shop))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("b")
        await pilot.pause()
        await choose(pilot, "cache")
        await pilot.press(*"sessions", "enter")
        await pilot.pause()
        await choose(pilot, "redis")  # base; then each overlay as caches.default is there
        for _ in ("production", "test", "memory"):
            await pilot.press("enter")
            await pilot.pause()
        await preview(pilot)
        await pilot.press("enter")
        await settled(pilot)
        rows = grid(app).rows
        assert "caches.sessions" in rows
        await move_to(pilot, "providers", rows.index("caches.sessions"), BASE)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"carts", "enter")
        modal = await preview(pilot)
        assert "+[caches.carts]" in diff_of(modal) and "-[caches.sessions]" in diff_of(modal)
        await pilot.press("enter")
        await settled(pilot)
        assert "caches.carts" in grid(app).rows
        before = snapshot(shop)
        await pilot.press("d")
        modal = await preview(pilot)
        assert "-[caches.carts]" in diff_of(modal)
        await pilot.press("n")  # cancelled: nothing written
        await pilot.pause()
        assert snapshot(shop) == before
        await pilot.press("d")
        await preview(pilot)
        await pilot.press("enter")
        await settled(pilot)
        assert "caches.carts" not in grid(app).rows
        await pilot.press("escape")
    tree = open_project(shop).tree
    assert set(tree["caches"]) == {"default"}


def notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


@pytest.mark.parametrize(
    ("role", "layout", "expected"),
    [
        ("broker", (), ["inline", "redis", "redis", "inline"]),
        ("cache", ("--set", "base.caches.default=redis"), ["redis", "redis", "redis", "memory"]),
    ],
)
async def test_b_starts_each_picker_where_the_default_slot_is(
    generated_projects, tmp_path, role, layout, expected
):
    """b, as a: Enter on every picker puts the new broker or cache where brokers.default or
    caches.default is in each environment (a production broker on redis, not inline: it
    asked base alone, and production inherited the in-memory one)."""
    from textual.widgets import OptionList

    from scaffolder.ui.common.choices import ChoiceModal

    shop = generated_projects.copy(tmp_path / "shop", *layout)
    app = EditApp(open_project(shop))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b")
        await pilot.pause()
        await choose(pilot, role)
        await pilot.press(*"extra", "enter")
        await pilot.pause()
        started = []
        for _ in expected:
            modal = app.screen
            assert isinstance(modal, ChoiceModal)
            options = modal.query_one(OptionList)
            started.append(str(options.get_option_at_index(options.highlighted or 0).prompt))
            await pilot.press("enter")
            await pilot.pause()
        await preview(pilot)
        await pilot.press("enter")
        await settled(pilot)
        await pilot.press("escape")
    tree = open_project(shop).tree
    section = f"{role}s" if role == "broker" else "caches"
    base = tree[section]["extra"]["provider"]
    # Each environment's provider for it: the overlay's own, else base's (inherited).
    resolved = [base] + [
        tree[env].get(section, {}).get("extra", {}).get("provider", base)
        for env in ("production", "test", "memory")
    ]
    assert resolved == expected
    assert started[0].split()[0] == expected[0]


async def test_remove_refuses_a_default_slot(shop):
    """d and m on a default slot say what they cannot do and what to do instead: where the
    named ones are, or how to add one when there is none (not "move to" a row not there)."""
    app = EditApp(open_project(shop))
    async with app.run_test() as pilot:
        await move_to(pilot, "providers", 0, BASE)
        before = snapshot(shop)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, EditScreen)
        assert notes(app)[-1] == (
            "databases.default cannot be removed: there is no named database, broker or cache "
            "yet (a or b adds one)"
        )
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, EditScreen)
        assert notes(app)[-1].startswith("databases.default cannot be renamed: ")
        assert snapshot(shop) == before
        await pilot.press("escape")


async def test_remove_on_a_default_slot_names_the_named_ones(generated_projects, tmp_path):
    shop = generated_projects.copy(
        tmp_path / "shop", "--set", "base.databases.reports=sqlite", "--set", "base.caches.s=memory"
    )
    app = EditApp(open_project(shop))
    async with app.run_test(size=(120, 40)) as pilot:
        await move_to(pilot, "providers", 0, BASE)
        await pilot.press("d")
        await pilot.pause()
        assert notes(app)[-1] == (
            "databases.default cannot be removed: move the cursor to databases.reports, caches.s"
        )
        await pilot.press("escape")


async def test_a_setting_and_a_key(shop):
    app = EditApp(open_project(shop))
    async with app.run_test() as pilot:
        await move_to(pilot, "providers", 0, TEST)
        await pilot.press("s")
        await pilot.pause()
        await choose(pilot, "test")
        await choose(pilot, "debug")
        await choose(pilot, "true")
        modal = await preview(pilot)
        assert "+debug = true" in diff_of(modal)
        await pilot.press("enter")
        await settled(pilot)
        await pilot.press("k")
        # A worker opens the dialog: keys typed before it is up reach the menu's own keys
        # (s, d, e are actions).
        await modal_shown(pilot, NameModal)
        await pilot.press(*"test.debug=inherit", "enter")
        modal = await preview(pilot)
        assert "-debug = true" in diff_of(modal)
        await pilot.press("enter")
        await settled(pilot)
        await pilot.press("escape")
    assert "debug" not in open_project(shop).tree["test"]


async def test_the_rename_dialog_says_rename_and_speaks_in_sentences(shop):
    """Rename (m) is not the add dialog: its button renames, its field asks for the new name
    of this slot, its hint is a whole sentence; Escape leaves the files as they were."""
    from textual.widgets import Button, Input

    app = EditApp(open_project(shop))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b")
        await pilot.pause()
        await choose(pilot, "cache")
        await pilot.press(*"sessions", "enter")
        await pilot.pause()
        await choose(pilot, "redis")  # base; then each overlay as caches.default is there
        for _ in ("production", "test", "memory"):
            await pilot.press("enter")
            await pilot.pause()
        await preview(pilot)
        await pilot.press("enter")
        await settled(pilot)
        before = snapshot(shop)
        await move_to(pilot, "providers", grid(app).rows.index("caches.sessions"), BASE)
        await pilot.press("m")
        await modal_shown(pilot, NameModal)
        dialog = app.screen
        assert str(dialog.query_one("#add", Button).label) == "Rename"
        placeholder = dialog.query_one("#name", Input).placeholder
        assert "sessions" in placeholder and "reports" not in placeholder
        hint = str(dialog.query_one("#name-hint").render())
        assert hint[0].isupper() and hint.endswith("."), hint
        # What is renamed is the cache's section of the config: not "tables", a database's word.
        assert "[caches.sessions]" in hint and "tables" not in hint, hint
        await pilot.press("escape")
        await pilot.pause()
        assert snapshot(shop) == before


async def test_the_set_key_dialog_fits_80x24_with_its_field_hint_and_buttons(shop):
    """k's dialog on the smallest full screen: its field, every line of the hint (the keys it
    takes) and both buttons are on the screen, none cut off by the dialog's height."""
    from textual.widget import Widget
    from textual.widgets import Button, Input

    from scaffolder.ui.common.widgets import Hint

    app = EditApp(open_project(shop))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("k")
        await modal_shown(pilot, NameModal)
        dialog = app.screen
        screen = dialog.region
        hint = dialog.query_one("#name-hint", Hint)
        for widget in (dialog.query_one(Input), hint, *dialog.query(Button)):
            shown = widget.region.intersection(screen)
            assert shown == widget.region and widget.region.area > 0, widget
        container = hint.parent
        assert isinstance(container, Widget)
        assert container.max_scroll_y == 0  # nothing scrolled out of the dialog
        assert hint.region.height == hint.virtual_region.height
        assert "installer=pip or uv" in str(hint.render())
        await pilot.press("escape", "escape")


def test_what_derive_says_it_writes_names_every_kind_it_writes(generated_projects, tmp_path, cli):
    """`derive --help`, the menu's g (full screen and prompts) and the preview's title name
    each kind of file derive writes: with every derived file of a Kubernetes project gone,
    derive writes compose, CI, .env.example and the deployment files back."""
    from scaffolder.deployment import DEPLOY_FILES
    from scaffolder.reopen.menu import CI_FILES, propose_derive
    from scaffolder.ui.edit_menu import prompts, screen

    root = generated_projects.copy(tmp_path / "shop", "--deploy", "kubernetes")
    derived = ["docker-compose.yml", ".env.example", *CI_FILES.values(), *DEPLOY_FILES]
    for path in derived:
        (root / path).unlink(missing_ok=True)

    def kind(path: str) -> str | None:
        if path in DEPLOY_FILES:
            return "deployment"
        if path in CI_FILES.values():
            return "CI"
        return {"docker-compose.yml": "compose", ".env.example": ".env.example"}.get(path)

    proposal = propose_derive(open_project(root))
    kinds = {found for found in map(kind, proposal.paths) if found is not None}
    assert kinds == {"deployment", "CI", "compose", ".env.example"}
    code, help_text, _ = cli("derive --help")
    assert code == 0
    labels = {
        "derive --help": " ".join(help_text.split()),
        "g": next(label for action, _, label in screen.ACTIONS if action == "derive"),
        "prompts": next(label for label, action in prompts.ACTIONS if action == "derive"),
        "preview": proposal.title,
    }
    for where, text in labels.items():
        assert all(word in text for word in kinds), (where, text)


@pytest.mark.parametrize("key", ["f1", "question_mark"])
async def test_f1_or_question_mark_shows_every_key_of_the_menu(shop, key):
    """F1 and ? open the menu's keys, as they open the wizard's help (they did nothing): each
    action key the screen binds is named there, with what it does; Escape closes it."""
    from scaffolder.ui.common.preview import ReportModal
    from scaffolder.ui.edit_menu.model import help_lines
    from scaffolder.ui.edit_menu.screen import ACTIONS

    app = EditApp(open_project(shop))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(key)
        await modal_shown(pilot, ReportModal)
        modal = app.screen
        assert isinstance(modal, ReportModal)
        assert "keys" in modal.title_text
        named = {part.strip() for keys, _ in help_lines(ACTIONS) for part in keys.split(",")}
        bound = {
            binding.key
            for binding in EditScreen.BINDINGS
            if isinstance(binding, Binding) and binding.action not in ("help", "app.leave")
        }
        assert bound <= named, bound - named
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, EditScreen)
        await pilot.press("escape")
