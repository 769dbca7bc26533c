"""The edit menu offers `upgrade` for a project an older protean-init generated: a line in
its overview, and the u key, which previews the upgrade and writes it on confirm."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Static

from scaffolder import __version__
from scaffolder.project_files import ANSWERS_FILE
from scaffolder.reopen.project import open_project
from scaffolder.ui.edit_menu.app import EditApp

from .conftest import snapshot
from .test_edit import diff_of, preview, settled

RELEASE_0_1_0 = Path(__file__).resolve().parents[1] / "fixtures/releases/protean-init-0.1.0.json"


def made_by_0_1_0(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    for relative, text in json.loads(RELEASE_0_1_0.read_text())["shop"].items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def overview_text(app) -> str:
    return str(app.screen.query_one("#derived", Static).render())


async def test_u_upgrades_a_project_an_older_version_made(tmp_path: Path):
    root = made_by_0_1_0(tmp_path)
    app = EditApp(open_project(root))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert f"made by protean-init 0.1.0; u upgrades it to {__version__}" in overview_text(app)
        before = snapshot(root)
        await pilot.press("u")
        modal = await preview(pilot)
        assert f"+_template: protean-init {__version__}" in diff_of(modal)
        assert ".protean-init/generated" not in diff_of(modal)  # the record follows, unshown
        await pilot.press("escape")  # cancelled: nothing written
        await settled(pilot)
        assert snapshot(root) == before
        await pilot.press("u")
        await preview(pilot)
        await pilot.press("enter")
        await settled(pilot)
        assert "Upgrade" not in overview_text(app)
        await pilot.press("escape")
    assert f"_template: protean-init {__version__}\n" in (root / ANSWERS_FILE).read_text()
    assert (root / ".protean-init/generated/docker-compose.yml").is_file()


async def test_a_project_of_this_version_is_offered_no_upgrade(shop):
    app = EditApp(open_project(shop))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "Upgrade" not in overview_text(app)
        await pilot.press("escape")
