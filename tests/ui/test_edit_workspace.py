"""The edit menu at a workspace's root: its contexts first (and what acts on all of them);
picking one edits that context only, and Escape comes back to the list."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from scaffolder.reopen.project import open_project
from scaffolder.ui.common.preview import ReportModal
from scaffolder.ui.edit_menu.app import EditApp
from scaffolder.ui.edit_menu.contexts import ContextEditScreen, ContextPickerScreen
from scaffolder.ui.edit_menu.session import WorkspaceRoot

from .conftest import snapshot
from .helpers import modal_shown, move_to, shown_text, until
from .test_edit import choose, diff_of, preview, settled

TEST = 2
CONTEXTS = ("ordering", "catalogue")


@pytest.fixture
def made(tmp_path: Path, cli) -> Path:
    """`new shop --defaults --context ordering --context catalogue`: a recorded workspace."""
    root = tmp_path / "shop"
    code, _, err = cli(
        ["new", str(root), "--defaults", "--context", "ordering", "--context", "catalogue"]
    )
    assert code == 0, err
    return root


def app_at_root(root: Path, whole: str | None = "ordering") -> EditApp:
    return EditApp(open_project(root, CONTEXTS[0]), WorkspaceRoot(root, CONTEXTS, whole))


def picker_options(app) -> list[str]:
    options = app.screen.query_one("#contexts", OptionList)
    return [options.get_option_at_index(i).id or "" for i in range(options.option_count)]


async def open_option(pilot, option_id: str) -> None:
    options = pilot.app.screen.query_one("#contexts", OptionList)
    ids = picker_options(pilot.app)
    options.focus()
    target, current = ids.index(option_id), options.highlighted or 0
    await pilot.press(*["down" if target > current else "up"] * abs(target - current))
    await pilot.press("enter")
    await pilot.pause()


async def test_the_root_lists_the_contexts_and_the_whole_workspace_actions(made) -> None:
    app = app_at_root(made)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ContextPickerScreen), "the picker")
        assert picker_options(app) == [
            "context-ordering",
            "context-catalogue",
            "whole-check",
            "whole-ci",
            "whole-derive",
        ]
        title = shown_text(app.screen.query_one("#picker-title", Static))
        assert "workspace shop (2 contexts)" in title


async def test_a_hand_made_workspace_offers_no_ci_or_derive_at_the_root(made) -> None:
    app = app_at_root(made, whole=None)
    async with app.run_test() as pilot:
        await until(pilot, lambda: isinstance(app.screen, ContextPickerScreen), "the picker")
        assert picker_options(app) == ["context-ordering", "context-catalogue", "whole-check"]


async def test_a_picked_context_is_edited_alone_and_escape_comes_back(made) -> None:
    ordering_before = (made / "src" / "ordering" / "domain.toml").read_bytes()
    app = app_at_root(made)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ContextPickerScreen), "the picker")
        await open_option(pilot, "context-catalogue")
        await until(pilot, lambda: isinstance(app.screen, ContextEditScreen), "its menu")
        assert "src/catalogue/domain.toml" in shown_text(app.screen.query_one("#edit-title"))
        status = app.screen.query_one("#edit-status", Static)
        await until(pilot, lambda: "Esc: the contexts" in shown_text(status), "its line")
        await move_to(pilot, "providers", 0, TEST)  # databases.default in test
        await pilot.press("enter")
        await pilot.pause()
        await choose(pilot, "sqlite")
        modal = await preview(pilot)
        assert "src/catalogue/domain.toml" in modal.summary
        assert "src/ordering/domain.toml" not in modal.summary
        assert "sqlite" in diff_of(modal)
        await pilot.press("enter")
        await settled(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ContextPickerScreen), "back")
        status = shown_text(app.screen.query_one("#picker-status", Static))
        assert "1 change written so far" in status
        # The other context opens as it is now, read from disk.
        await open_option(pilot, "context-ordering")
        await until(pilot, lambda: isinstance(app.screen, ContextEditScreen), "ordering")
        assert app.project.context is not None and app.project.context.name == "ordering"
        await pilot.press("q")
    assert len(app.applied) == 1
    assert (made / "src" / "ordering" / "domain.toml").read_bytes() == ordering_before
    catalogue = open_project(made, "catalogue")
    assert catalogue.tree["test"]["databases"]["default"]["provider"] == "sqlite"


async def test_check_every_context_from_the_root_writes_nothing(made) -> None:
    before = snapshot(made)
    app = app_at_root(made)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ContextPickerScreen), "the picker")
        await open_option(pilot, "whole-check")
        await modal_shown(pilot, ReportModal)
        assert "protean-init check, every context" in app.screen.title_text
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("q")
    assert snapshot(made) == before


async def test_derive_from_the_root_is_every_contexts(made) -> None:
    """derive at the root of a recorded workspace: up to date after new, so nothing to write
    (the menu says so), and nothing is written."""
    before = snapshot(made)
    app = app_at_root(made)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ContextPickerScreen), "the picker")
        await open_option(pilot, "whole-derive")
        await until(pilot, lambda: isinstance(app.screen, ContextEditScreen), "the menu")
        await settled(pilot)
        status = app.screen.query_one("#edit-status", Static)
        await until(pilot, lambda: "nothing would change" in shown_text(status), "derive ran")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ContextPickerScreen), "back")
        await pilot.press("q")
    assert snapshot(made) == before


def test_the_prompts_ask_which_context_first(made) -> None:
    import io

    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.plain_text import PlainTextOutput

    from scaffolder.ui.edit_menu.prompts import pick_context

    workspace = WorkspaceRoot(made, CONTEXTS, CONTEXTS[0])
    screen = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("\x1b[B\r")  # the second: catalogue
        picked = pick_context(workspace, input=pipe, output=PlainTextOutput(screen))
    assert picked is not None and picked.context is not None
    assert picked.context.name == "catalogue"
    assert "shop is a workspace of 2 contexts" in screen.getvalue()
    with create_pipe_input() as pipe:
        pipe.send_text("\x1b[B\x1b[B\r")  # leave
        assert pick_context(workspace, input=pipe, output=PlainTextOutput(io.StringIO())) is None


def test_a_recorded_workspaces_shared_files_are_shown_as_protean_inits(made) -> None:
    """A context's overview of a workspace protean-init made: compose, CI and .env.example
    are re-derived from every context on each edit, so none is marked "yours: only added to"
    (every one was, freshly made). In a hand-made workspace (no record) they are the user's."""
    from scaffolder.project_files import ANSWERS_FILE
    from scaffolder.reopen.menu import overview

    derived = overview(open_project(made, "ordering")).derived
    assert [path for path, _ in derived] == [
        "docker-compose.yml",
        ".github/workflows/ci.yml",
        ".env.example",
    ]
    assert all(ours for _, ours in derived), derived
    (made / ANSWERS_FILE).unlink()  # no record: a workspace laid out by hand
    assert not any(ours for _, ours in overview(open_project(made, "ordering")).derived)
