"""Snapshots of the edit menu at 80x24 (the smallest supported) and 120x40, and its dialogs.

Update after an intended change with `pytest tests/ui/test_edit_snapshots.py --snapshot-update`,
then look at the SVGs in tests/ui/__snapshots__/ before committing them.
"""

from __future__ import annotations

import pytest

from scaffolder.reopen.project import open_project
from scaffolder.ui.common.choices import ChoiceModal, NameModal, PickManyModal
from scaffolder.ui.common.preview import ReportModal
from scaffolder.ui.edit_menu.app import EditApp

from .helpers import modal_shown
from .test_snapshots import SIZES


def app(root) -> EditApp:
    return EditApp(open_project(root))


async def checked(pilot) -> None:
    """Wait for the check (a thread worker) and the screen after it.

    Only the check's workers: an action that waits for a dialog runs as a worker too, and
    waiting for it would wait for the dialog to be answered."""
    checks = [worker for worker in pilot.app.workers if worker.group == "check"]
    if checks:  # an empty list would mean "every worker" to wait_for_complete
        await pilot.app.workers.wait_for_complete(checks)
    await pilot.pause()


def pressing(*steps: str | type):
    """A run_before that presses the keys in `steps`; a dialog class among them waits for a
    new dialog of that class (the action's worker opens it: keys sent before it is up would
    reach the menu, as a terminal's typed-ahead keys would)."""

    async def run(pilot) -> None:
        await checked(pilot)
        below = pilot.app.screen
        for step in steps:
            if isinstance(step, type):
                await modal_shown(pilot, step, other_than=below)
                continue
            below = pilot.app.screen
            await pilot.press(step)
            # A key may start a worker (applying an edit re-runs check in a thread): the
            # picture is of the screen after it, not a race with it.
            await checked(pilot)
        await pilot.pause()

    return run


@pytest.mark.parametrize("size", SIZES)
def test_menu(snap_compare, shop, size):
    assert snap_compare(app(shop), terminal_size=SIZES[size], run_before=pressing())


def test_add_database_preview(snap_compare, shop):
    # The name, then a provider for each of four environments, then the plan's preview.
    each_env = ("enter", ChoiceModal) * 4
    keys = ("a", NameModal, *"reports", *each_env, "enter", ReportModal)
    assert snap_compare(app(shop), terminal_size=(80, 24), run_before=pressing(*keys))


def test_add_database_name_error(snap_compare, shop):
    keys = ("a", NameModal, *"default")
    assert snap_compare(app(shop), terminal_size=(80, 24), run_before=pressing(*keys))


def test_adopting_offers_the_missing_overlays(snap_compare, adopted):
    assert snap_compare(app(adopted), terminal_size=(80, 24), run_before=pressing("o"))


def test_adopted_with_overlays_marks_what_check_finds(snap_compare, adopted):
    # Every overlay, then apply the plan; each dialog is up before its key.
    keys = ("o", PickManyModal, "enter", ReportModal, "enter")
    assert snap_compare(app(adopted), terminal_size=(80, 24), run_before=pressing(*keys))


def test_check_findings(snap_compare, shop):
    config = shop / "domain.toml"
    config.write_text(
        config.read_text().replace(
            '[production.caches.default]\nprovider = "redis"\nURI = "${CACHE_URL}"',
            '[production.caches.default]\nprovider = "memory"',
        )
    )

    async def check(pilot) -> None:
        await checked(pilot)
        await pilot.press("c")
        await modal_shown(pilot, ReportModal)  # the check runs in a thread, then opens it
        await pilot.pause()

    assert snap_compare(app(shop), terminal_size=(80, 24), run_before=check)


@pytest.mark.parametrize("size", SIZES)
def test_workspace_root_lists_the_contexts(snap_compare, tmp_path, cli, size):
    from scaffolder.ui.edit_menu.session import WorkspaceRoot

    root = tmp_path / "shop"
    argv = ["new", str(root), "--defaults", "--context", "ordering", "--context", "catalogue"]
    code, _, err = cli(argv)
    assert code == 0, err
    names = ("ordering", "catalogue")
    menu = EditApp(open_project(root, names[0]), WorkspaceRoot(root, names, names[0]))
    assert snap_compare(menu, terminal_size=SIZES[size], run_before=pressing())
