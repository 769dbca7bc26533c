"""The edit menu's deploy action (e), by key presses: add, change and stop a deployment; the
diff is shown before anything is written, and what is written is byte for byte what
`protean-init deploy KIND` writes (one function computes both)."""

from __future__ import annotations

import shutil

from textual.widgets import OptionList, Static

from scaffolder.reopen.project import open_project
from scaffolder.ui.common.choices import ChoiceModal
from scaffolder.ui.common.preview import ReportModal
from scaffolder.ui.edit_menu.app import EditApp

from .conftest import snapshot
from .helpers import modal_shown, until
from .test_edit import choose, diff_of, labels_of, settled

KUBERNETES = "deploy/kubernetes/base/deployment.yaml"


async def open_deploy(pilot) -> tuple[list[str], int | None]:
    await pilot.press("e")
    await modal_shown(pilot, ChoiceModal)
    options = pilot.app.screen.query_one(OptionList)
    return labels_of(options), options.highlighted


async def test_deploy_kubernetes_then_none_from_the_menu(cli, shop, tmp_path):
    by_command = tmp_path / "by-command"
    shutil.copytree(shop, by_command)
    app = EditApp(open_project(shop))
    async with app.run_test(size=(80, 24)) as pilot:
        labels, highlighted = await open_deploy(pilot)
        assert [label.split()[0] for label in labels] == ["docker", "kubernetes", "none"]
        assert highlighted == 0  # the project's own: new --defaults deploys docker
        await choose(pilot, "kubernetes")
        await modal_shown(pilot, ReportModal)
        modal = pilot.app.screen
        assert f"+++ b/{KUBERNETES}" in diff_of(modal)
        assert "+deploy: kubernetes" in diff_of(modal)
        assert not (shop / KUBERNETES).exists()  # shown, not written
        await pilot.press("enter")
        await settled(pilot)
        status = app.screen.query_one("#edit-status", Static)
        assert "Deploy: kubernetes" in str(status.render())
        await until(pilot, lambda: "(kubernetes)" in actions_text(app), "the action's new state")

        # none: the files it wrote, unchanged since, go in the same change (named in the
        # preview's note); cancelled here, so nothing is written.
        before = snapshot(shop)
        labels, highlighted = await open_deploy(pilot)
        assert highlighted == 1
        await choose(pilot, "none")
        await modal_shown(pilot, ReportModal)
        modal = pilot.app.screen
        assert "-deploy: kubernetes" in diff_of(modal) and "+deploy: none" in diff_of(modal)
        assert any(KUBERNETES in note and "removed" in note for note in modal.notes)
        await pilot.press("n")  # cancelled: nothing written
        await settled(pilot)
        assert snapshot(shop) == before
        await pilot.press("escape")

    assert cli("deploy kubernetes --project", by_command).code == 0
    assert snapshot(shop) == snapshot(by_command)


async def test_a_deploy_the_project_has_changes_nothing(shop):
    app = EditApp(open_project(shop))
    before = snapshot(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_deploy(pilot)
        await choose(pilot, "docker")
        await settled(pilot)
        assert not isinstance(pilot.app.screen, ReportModal)
        assert "nothing would change" in str(app.screen.query_one("#edit-status").render())
        await pilot.press("escape")
    assert snapshot(shop) == before


def actions_text(app) -> str:
    options = app.screen.query_one("#actions", OptionList)
    return "\n".join(labels_of(options))
