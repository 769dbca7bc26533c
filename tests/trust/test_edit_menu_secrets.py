"""The edit menu's screens are a channel like check's findings: a secret domain.toml holds is
never drawn. A provider value the catalog does not know is shown as written (`? value`, so
the user sees the typo), and one that is a pasted connection URL
(`provider = "postgresql://u:PASSWORD@db.example.com/x"`) drew the password in the grid and
the cell's detail, where check masks it. (The attack round of the thirteenth stop.)
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from scaffolder.reopen.project import open_project
from scaffolder.ui.common.choices import ChoiceGrid
from scaffolder.ui.edit_menu.app import EditApp
from tests.support.projects import GeneratedProjects

PASSWORD = "hunter2-remote"
PLANTED = f"""
[databases.reports]
provider = "sqlite"
database_uri = "sqlite:///reports.db"

[production.databases.reports]
provider = "postgresql://u:{PASSWORD}@db.example.com/x"

[test.databases.reports]
provider = "postgres\\u001b[2J"
"""


async def _every_cell_drawn(root: Path) -> list[str]:
    """The screen as drawn with the cursor on each cell of the grid."""
    app = EditApp(open_project(root))
    drawn = []
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        grid = app.screen.query_one("#providers", ChoiceGrid)
        grid.focus()
        rows, columns = len(app.screen.overview.slots), len(app.screen.overview.environments)
        for row in range(rows):
            for column in range(columns):
                grid.cursor = (row, column)
                await pilot.pause()
                drawn.append(app.export_screenshot())
    return drawn


def test_no_password_is_drawn(generated_projects: GeneratedProjects, tmp_path: Path) -> None:
    root = generated_projects.copy(tmp_path / "shop")
    with (root / "domain.toml").open("a") as config:
        config.write(PLANTED)
    drawn = asyncio.run(_every_cell_drawn(root))
    assert any("db.example.com" in screen for screen in drawn)  # the value is shown...
    assert not any(PASSWORD in screen for screen in drawn)  # ...its password is not
    assert not any("\x1b" in screen for screen in drawn)
