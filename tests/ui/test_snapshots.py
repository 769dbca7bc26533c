"""Snapshots of every wizard screen at 80x24 (the smallest supported) and 120x40.

Update after an intended change with `pytest tests/ui/test_snapshots.py --snapshot-update`,
then look at the SVGs in tests/ui/__snapshots__/ before committing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.spec import default_spec
from scaffolder.ui.wizard import WizardApp

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
WRITTEN = ["README.md", "docker-compose.yml", "domain.toml", "pyproject.toml"]


def app(write=None) -> WizardApp:
    # A relative target keeps machine paths out of the pictures.
    return WizardApp(default_spec("acme"), Path("acme"), write)


async def settle(pilot) -> None:
    """Wait for workers (the Review render, a write) and the screen after them."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def pressing(*keys: str, workers: bool = True):
    """A run_before that presses `keys`, then settles (snap_compare's press cannot wait).

    `workers=False` for a key that opens a choice list: its worker waits for the list.
    """

    async def run(pilot) -> None:
        for key in keys:
            await pilot.press(key)
            if workers:
                await settle(pilot)
        await pilot.pause()

    return run


STEPS = {
    "project": (),
    "providers": ("ctrl+n",),
    "connections": ("ctrl+n", "ctrl+n"),
    "review": ("ctrl+s",),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("step", STEPS)
def test_step(snap_compare, step, size):
    assert snap_compare(app(), terminal_size=SIZES[size], run_before=pressing(*STEPS[step]))


@pytest.mark.parametrize("size", SIZES)
def test_done(snap_compare, size):
    assert snap_compare(
        app(write=lambda outcome: WRITTEN),
        terminal_size=SIZES[size],
        run_before=pressing("ctrl+s", "enter"),
    )


def test_project_with_errors(snap_compare):
    async def bad_names(pilot):
        pilot.app.screen.query_one("#project-name").value = "9 lives"
        await pilot.pause()
        pilot.app.screen.query_one("#package-name").value = "class"
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()

    assert snap_compare(app(), run_before=bad_names)


def test_provider_choices(snap_compare):
    assert snap_compare(app(), run_before=pressing("ctrl+n", "right", "enter", workers=False))


def test_risky_review(snap_compare):
    async def risky(pilot):
        draft = pilot.app.draft
        draft.set_provider("production", draft.slots[0], "memory")
        draft.set_provider("memory", draft.slots[1], "redis")
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(app(), run_before=risky)


@pytest.mark.parametrize("step", ["providers", "review"])
def test_light_theme(snap_compare, step):
    async def light(pilot):
        pilot.app.theme = "textual-light"
        await pressing(*STEPS[step])(pilot)

    assert snap_compare(app(), run_before=light)
