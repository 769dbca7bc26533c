"""Snapshots of every wizard screen at 80x24 (the smallest supported) and 120x40.

Update after an intended change with `pytest tests/ui/test_snapshots.py --snapshot-update`,
then look at the SVGs in tests/ui/__snapshots__/ before committing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.answers import build_spec
from scaffolder.spec.defaults import default_spec
from scaffolder.ui.common.choices import ChoiceModal
from scaffolder.ui.wizard.app import WizardApp

from .helpers import modal_shown, step_ready, until

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
WRITTEN = ["README.md", "docker-compose.yml", "domain.toml", "pyproject.toml"]


# Four named databases: more connections than 24 lines hold, so Connections must scroll.
FOUR = ["reports", "audit", "search", "archive"]


def app(write=None, databases: tuple[str, ...] = ()) -> WizardApp:
    # A relative target keeps machine paths out of the pictures.
    spec = default_spec("acme")
    if databases:
        spec = build_spec(spec, sets=[f"base.databases.{name}=postgresql" for name in databases])
    return WizardApp(spec, Path("acme"), write)


async def settle(pilot) -> None:
    """Wait for workers (the Review render, a write) and the screen after them."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def steady_compare(snap_compare, app, run_before=None, **kwargs):
    """snap_compare with the text cursor held visible: it blinks every 0.5 s, so on a loaded
    machine the picture would catch either phase."""

    async def run(pilot) -> None:
        if run_before is not None:
            await run_before(pilot)
        from textual.widgets import Input

        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
            field._cursor_visible = True
        await pilot.pause()

    return snap_compare(app, run_before=run, **kwargs)


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
    assert steady_compare(
        snap_compare, app(), terminal_size=SIZES[size], run_before=pressing(*STEPS[step])
    )


@pytest.mark.parametrize("size", SIZES)
def test_done(snap_compare, size):
    assert steady_compare(
        snap_compare,
        app(write=lambda outcome: WRITTEN),
        terminal_size=SIZES[size],
        run_before=pressing("ctrl+s", "ctrl+s"),
    )


def test_project_with_errors(snap_compare):
    async def bad_names(pilot):
        pilot.app.screen.query_one("#project-name").value = "9 lives"
        await pilot.pause()
        pilot.app.screen.query_one("#package-name").value = "class"
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()

    assert steady_compare(snap_compare, app(), run_before=bad_names)


def test_provider_choices(snap_compare):
    async def run(pilot) -> None:
        await pressing("ctrl+n", "right", "enter", workers=False)(pilot)
        # Enter starts a worker that opens the list: the picture is of the list, once up.
        await modal_shown(pilot, ChoiceModal)
        await pilot.pause()

    assert steady_compare(snap_compare, app(), run_before=run)


def test_risky_review(snap_compare):
    async def risky(pilot):
        draft = pilot.app.draft
        draft.set_provider("production", draft.slots[0], "memory")
        draft.set_provider("memory", draft.slots[1], "redis")
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert steady_compare(snap_compare, app(), run_before=risky)


@pytest.mark.parametrize("step", ["providers", "review"])
def test_light_theme(snap_compare, step):
    async def light(pilot):
        pilot.app.theme = "textual-light"
        await pressing(*STEPS[step])(pilot)

    assert steady_compare(snap_compare, app(), run_before=light)


# --- 80x24 with four named databases: every step, the last field focused and in view ---------


async def tab_to_last_field(pilot) -> None:
    """Tab (a key at a time) until the last field before Back/Next has the focus, then wait
    for the scroll that keeps it in view (run after the next refresh) to have happened."""
    await step_ready(pilot)  # Connections builds its fields after it is on top
    chain = [w for w in pilot.app.screen.focus_chain if w.id not in ("back", "next")]
    last = chain[-1]
    for _ in range(len(pilot.app.screen.focus_chain)):
        if pilot.app.focused is last:
            break
        await pilot.press("tab")
        await pilot.pause()
    assert pilot.app.focused is last, pilot.app.focused
    await settle(pilot)
    body = pilot.app.screen.query_one("#body")
    await until(
        pilot,
        lambda: pilot.app.screen.find_widget(last).region.bottom <= body.region.bottom,
        "the last field scrolled into view",
    )
    await settle(pilot)


@pytest.mark.parametrize("step", STEPS)
def test_four_databases_last_field_in_view(snap_compare, step):
    async def run(pilot):
        await pressing(*STEPS[step])(pilot)
        await tab_to_last_field(pilot)
        focused = pilot.app.focused
        # The focused field is inside the window (the picture shows it; this says why).
        assert pilot.app.screen.find_widget(focused).region.y < 22

    assert steady_compare(
        snap_compare, app(databases=tuple(FOUR)), terminal_size=(80, 24), run_before=run
    )


def test_four_databases_done(snap_compare):
    assert steady_compare(
        snap_compare,
        app(write=lambda outcome: WRITTEN, databases=tuple(FOUR)),
        terminal_size=(80, 24),
        run_before=pressing("ctrl+s", "ctrl+s"),
    )


def test_an_error_below_the_fold_is_named_and_scrolled_to(snap_compare):
    async def run(pilot):
        await pressing("ctrl+n", "ctrl+n")(pilot)
        screen = pilot.app.screen
        field = screen.query_one("#variable-caches-default")
        field.focus()
        await pilot.pause()
        await pilot.press("ctrl+u", *"zzz")
        # Back to the top: the bad field is below the fold when Next is pressed.
        screen.query_one("#variable-databases-default").focus()
        screen.query_one("#body").scroll_home(animate=False)
        await pilot.pause()
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert pilot.app.focused is field
        assert "caches.default variable" in str(screen.query_one("#nav-status").render())

    assert steady_compare(
        snap_compare, app(databases=tuple(FOUR)), terminal_size=(80, 24), run_before=run
    )


# --- a workspace ------------------------------------------------------------------------------


def workspace_app() -> WizardApp:
    """The wizard with two contexts named, catalogue the same as ordering."""
    wizard = app()
    wizard.draft.set_contexts("ordering catalogue")
    wizard.draft.set_same_as("catalogue", "ordering")
    return wizard


WORKSPACE_STEPS = {
    "project": (),
    "providers": ("ctrl+n",),
    "providers-same-as": ("ctrl+n", "t"),
    "connections": ("ctrl+n", "ctrl+n"),
    "review": ("ctrl+s",),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("step", WORKSPACE_STEPS)
def test_workspace_step(snap_compare, step, size):
    assert steady_compare(
        snap_compare,
        workspace_app(),
        terminal_size=SIZES[size],
        run_before=pressing(*WORKSPACE_STEPS[step]),
    )
