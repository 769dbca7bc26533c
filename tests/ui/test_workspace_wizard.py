"""The wizard makes a workspace: contexts on the Project step, a grid per context with "same as",
and the files written by the one writer `new --context` uses, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static, Tabs

from scaffolder.catalog import Role
from scaffolder.spec.environments import ENVIRONMENTS
from scaffolder.spec.slots import Slot
from scaffolder.ui.common.choices import ChoiceModal
from scaffolder.ui.common.widgets import FieldRow
from scaffolder.ui.wizard.screens.connections import ConnectionsScreen
from scaffolder.ui.wizard.screens.done import DoneScreen
from scaffolder.ui.wizard.screens.project import ProjectScreen
from scaffolder.ui.wizard.screens.providers import ProvidersScreen
from scaffolder.ui.wizard.screens.review import ReviewScreen
from tests.support.protean_config import load_config

from .conftest import snapshot
from .helpers import modal_shown, pick, shown_text, step_ready, type_into, until

DATABASE = Slot(Role.DATABASE, "default")
BASE, PRODUCTION, TEST, MEMORY = range(4)
CONTEXTS = ("ordering", "catalogue")
# What `new --context` takes for the choices the wizard makes below: MySQL in ordering's
# production, and catalogue the same as ordering.
CLI_SETS = [
    "--set",
    "ordering:production.databases.default=mysql",
    "--set",
    "catalogue:production.databases.default=mysql",
]


def writer():
    """The writer `protean-init new` hands the wizard (scaffolder.commands.new._ask)."""
    from scaffolder.commands.new import write_chosen

    return lambda outcome: write_chosen(outcome, force=False)


async def reviewed(pilot) -> ReviewScreen:
    def done() -> bool:
        screen = pilot.app.screen
        return (
            isinstance(screen, ReviewScreen)
            and screen.chosen is not None
            and screen.rendered_for == screen.chosen
        )

    await until(pilot, done, "the Review step rendered")
    assert isinstance(pilot.app.screen, ReviewScreen)
    return pilot.app.screen


async def choose_same_as(pilot, label: str) -> None:
    """`s`, then the option of the "same as" dialog that starts with `label`."""
    await pilot.press("s")
    await modal_shown(pilot, ChoiceModal)
    options = pilot.app.screen.query_one(OptionList)
    labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    index = next(i for i, text in enumerate(labels) if text.startswith(label))
    current = options.highlighted or 0
    await pilot.press(*["down" if index > current else "up"] * abs(index - current), "enter")
    await pilot.pause()


async def make_workspace(pilot, size_note: str = "") -> None:
    """Name two contexts, MySQL in ordering's production, catalogue the same as ordering."""
    await type_into(pilot, "#contexts", "ordering catalogue")
    hint = pilot.app.screen.query_one("#package-name-row", FieldRow)
    assert "a workspace of 2 contexts: src/ordering, src/catalogue" in shown_text(hint)
    await pilot.press("ctrl+n")
    screen = await step_ready(pilot, ProvidersScreen)
    tabs = screen.query_one("#contexts", Tabs)
    assert [str(tab.label) for tab in tabs.query("Tab")] == list(CONTEXTS)
    assert screen.context == "ordering"
    await pick(pilot, "providers", 0, PRODUCTION, "mysql")
    await pilot.press("t")  # the next context's tab
    await until(pilot, lambda: screen.context == "catalogue", "catalogue's grid")
    await choose_same_as(pilot, "same as ordering")
    assert screen.draft is pilot.app.draft.grid("ordering")
    line = shown_text(screen.query_one("#same-as-line", Static))
    assert "catalogue: same as ordering" in line


async def test_two_contexts_one_same_as_write_what_new_context_writes(
    make_app, tmp_path, cli
) -> None:
    app = make_app(write=writer(), target=tmp_path / "wizard" / "acme")
    async with app.run_test(size=(120, 40)) as pilot:
        await make_workspace(pilot)
        await pilot.press("ctrl+s")
        review = await reviewed(pilot)
        findings = shown_text(review.query_one("#findings", Static))
        assert "Workspace of 2 contexts: ordering, catalogue (same as ordering)" in findings
        assert "src/ordering/domain.toml" in review.files
        assert "src/catalogue/domain.toml" in review.files
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, DoneScreen), "the Done step")
        done = shown_text(app.screen.query_one("#done-title", Static))
        assert "a workspace of ordering, catalogue" in done
    written = tmp_path / "wizard" / "acme"
    code, _, err = cli(
        ["new", str(tmp_path / "cli" / "acme"), "--defaults"]
        + [arg for name in CONTEXTS for arg in ("--context", name)]
        + CLI_SETS
    )
    assert code == 0, err
    by_cli = snapshot(tmp_path / "cli" / "acme")
    by_wizard = snapshot(written)
    assert sorted(by_wizard) == sorted(by_cli)
    assert [path for path in by_cli if by_cli[path] != by_wizard[path]] == []
    # Protean's own loader resolves each context's config in every environment: MySQL in
    # production for both (catalogue followed ordering), each read from its own variable.
    for context in CONTEXTS:
        own = f"{context.upper()}_DATABASE_URL"
        production = {
            own: f"mysql://u:p@db.example/{context}",
            f"{context.upper()}_CACHE_URL": "redis://cache.example/0",
            "BROKER_URL": "redis://broker.example/0",
            "EVENT_STORE_URL": "postgresql://u:p@es.example/events",
        }
        for env in ENVIRONMENTS:
            variables = production if env == "production" else {}
            config = load_config(written / "src" / context, env, variables, clear=production)
            database = config["databases"]["default"]
            if env == "production":
                assert database["database_uri"] == production[own], context
                assert database["provider"] == "mysql"
            elif env == "test":
                assert f"acme_{context}" in database["database_uri"], context
            else:
                assert database["provider"] == "memory", (context, env)


async def test_a_change_to_a_context_that_followed_another_makes_it_a_copy(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await make_workspace(pilot)
        screen = app.screen
        assert isinstance(screen, ProvidersScreen)
        await pick(pilot, "providers", 0, TEST, "sqlite")
        draft = app.draft
        assert "catalogue" not in draft.same_as
        assert draft.grid("catalogue").effective("test", DATABASE) == "sqlite"
        assert draft.grid("ordering").effective("test", DATABASE) == "postgresql"
        # It kept what it followed: MySQL in production.
        assert draft.grid("catalogue").effective("production", DATABASE) == "mysql"
        status = shown_text(screen.query_one("#nav-status", Static))
        assert "catalogue has its own choices now, a copy of ordering's" in status


async def test_one_context_is_a_single_project_as_without_the_field(make_app, initial) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await type_into(pilot, "#contexts", "ordering")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen), "Review")
        review = await reviewed(pilot)
        assert review.workspace is None
        assert "domain.toml" in review.files
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.return_value is not None
    assert app.return_value.workspace is None
    assert app.return_value.spec == initial


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ordering Catalogue", "invalid context name 'Catalogue': use lower case"),
        ("ordering src", "invalid context name 'src': reserved for the workspace's own"),
        ("ordering, ordering", "context 'ordering' is named twice; name each context once"),
    ],
)
async def test_a_bad_context_name_is_named_and_blocks_next(make_app, text, message) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, "#contexts", text)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen)
        assert app.screen.focused is app.screen.query_one("#contexts", Input)
        assert message in shown_text(app.screen.query_one("#package-name-row", FieldRow))
        assert message in shown_text(app.screen.query_one("#nav-status", Static))


async def test_connections_of_a_workspace_are_each_contexts_own(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await make_workspace(pilot)
        await pilot.press("ctrl+n")
        screen = await step_ready(pilot, ConnectionsScreen)
        text = "\n".join(shown_text(w) for w in screen.query("#connections .connection"))
        assert "${ORDERING_DATABASE_URL}" in text
        assert "${CATALOGUE_DATABASE_URL}" in text
        assert "acme_catalogue" in text


def test_the_grid_of_a_context_no_longer_named_is_dropped(initial) -> None:
    from scaffolder.ui.common.state import Draft

    draft = Draft.from_spec(initial, Path("acme"))
    draft.set_contexts("a b c")
    draft.set_same_as("c", "b")
    draft.own_grid("b")[0].set_provider("test", DATABASE, "sqlite")
    assert draft.grid("c") is draft.grid("b")
    draft.set_contexts("a c")  # b gone: c keeps what it showed, as its own
    assert "c" not in draft.same_as
    assert "b" not in draft.context_grids
    assert draft.grid("c").effective("test", DATABASE) == "sqlite"


async def test_the_added_line_is_said_in_full_at_80_columns(make_app) -> None:
    """It was cut to "Added databases.analytics_archive to ordering (connec…"."""
    from scaffolder.ui.common.choices import NameModal

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into(pilot, "#contexts", "ordering catalogue")
        await pilot.press("ctrl+n")
        screen = await step_ready(pilot, ProvidersScreen)
        await pilot.press("a")
        await modal_shown(pilot, NameModal)
        await pilot.press(*"analytics_archive", "enter")
        status = screen.query_one("#nav-status", Static)
        await until(pilot, lambda: "Added" in shown_text(status), "the news")
        assert shown_text(status).strip() == "Added databases.analytics_archive to ordering"
        grid = app.draft.grid("ordering")
        assert Slot(Role.DATABASE, "analytics_archive") in grid.slots
        assert Slot(Role.DATABASE, "analytics_archive") not in app.draft.grid("catalogue").slots


async def test_new_context_in_a_terminal_opens_the_wizard_on_its_contexts(tmp_path, cli) -> None:
    """`new DIR --context ... --set ctx:KEY=VALUE` in a terminal: the wizard opens on those
    contexts and choices (each grid its context's), and Enter-Enter writes what --defaults
    would have written."""
    import argparse

    from scaffolder.commands.new_workspace import workspace_spec
    from scaffolder.ui.wizard.app import WizardApp

    sets = [
        "payments:production.databases.default=mysql",
        "reviews:base.databases.reports=sqlite",
        "shipping:production.server.default_subscription_type=stream",
    ]
    names = ["ordering", "payments", "reviews", "shipping"]
    args = argparse.Namespace(
        contexts=names, sets=sets, name=None, package=None, ci=None, compose=None,
        deploy=None, defaults=False, answers=None,
    )  # fmt: skip
    workspace = workspace_spec(args, "acme", "tui", None)
    target = tmp_path / "wizard" / "acme"
    app = WizardApp(workspace.project, target, writer(), workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await step_ready(pilot, ProjectScreen)
        assert app.screen.query_one("#contexts", Input).value == " ".join(names)
        await pilot.press("ctrl+n")
        screen = await step_ready(pilot, ProvidersScreen)
        await pilot.press("t")  # payments
        await until(pilot, lambda: screen.context == "payments", "payments' grid")
        assert screen.draft.effective("production", DATABASE) == "mysql"
        await pilot.press("ctrl+s")
        await reviewed(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, DoneScreen), "the Done step")
    code, _, err = cli(
        ["new", str(tmp_path / "cli" / "acme"), "--defaults"]
        + [arg for name in names for arg in ("--context", name)]
        + [arg for item in sets for arg in ("--set", item)]
    )
    assert code == 0, err
    assert snapshot(target) == snapshot(tmp_path / "cli" / "acme")
