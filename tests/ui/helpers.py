"""Keyboard helpers for Pilot-driven tests: every move goes through real key presses."""

from __future__ import annotations

import time

from textual import events
from textual.pilot import Pilot
from textual.widgets import OptionList

from scaffolder.ui.common.choices import ChoiceGrid, ChoiceModal
from scaffolder.ui.common.widgets import ChoiceRow


async def step_ready(pilot: Pilot, screen_type: type | None = None):
    """The screen on top once it is `screen_type` (any, if None) and has built its fields.

    A step is on top as soon as Next is handled, but it builds its fields in its resume
    handler (Connections awaits their mounts, and says `ready` when done): a query before
    that finds no field. Waits on that state, not on time."""

    def holds() -> bool:
        screen = pilot.app.screen
        if screen_type is not None and not isinstance(screen, screen_type):
            return False
        return screen.is_mounted and getattr(screen, "ready", True)

    await until(pilot, holds, f"{getattr(screen_type, '__name__', 'the step')} ready")
    return pilot.app.screen


async def move_to(pilot: Pilot, grid_id: str, row: int, column: int) -> ChoiceGrid:
    """Focus the grid with Tab/Shift-Tab-free means (a click-free focus) and arrow to a cell."""
    await step_ready(pilot)
    grid = pilot.app.screen.query_one(f"#{grid_id}", ChoiceGrid)
    if not grid.has_focus:
        grid.focus()
        await pilot.pause()
    current_row, current_column = grid.cursor
    for _ in range(abs(row - current_row)):
        await pilot.press("down" if row > current_row else "up")
    for _ in range(abs(column - current_column)):
        await pilot.press("right" if column > current_column else "left")
    assert grid.cursor == (row, column)
    return grid


async def pick(pilot: Pilot, grid_id: str, row: int, column: int, label: str) -> None:
    """Open the cell's choice list with Enter and choose the option whose text starts `label`."""
    await move_to(pilot, grid_id, row, column)
    await pilot.press("enter")
    await modal_shown(pilot, ChoiceModal)
    modal = pilot.app.screen
    assert isinstance(modal, ChoiceModal), modal
    options = modal.query_one(OptionList)
    labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    target = next(i for i, text in enumerate(labels) if text.split()[0] == label)
    current = options.highlighted or 0
    for _ in range(abs(target - current)):
        await pilot.press("down" if target > current else "up")
    await pilot.press("enter")
    await pilot.pause()


async def type_into(pilot: Pilot, selector: str, text: str) -> None:
    """Focus an Input, clear it with Ctrl-U, and type `text` key by key.

    Pilot takes ~60 ms a key, so text longer than a dozen characters is pasted (a bracketed
    paste, as a terminal sends it) but for its last character, which is typed.
    """
    await step_ready(pilot)
    widget = pilot.app.screen.query_one(selector)
    widget.focus()
    await pilot.pause()
    await pilot.press("end", "ctrl+u")
    if len(text) > 12:
        widget.post_message(events.Paste(text[:-1]))
        await pilot.pause()
        text = text[-1]
    if text:
        await pilot.press(*text)
    await pilot.pause()


async def until(pilot: Pilot, predicate, what: str, rounds: int = 500) -> None:
    """Wait on explicit state, not on time: let workers finish and messages be handled, round
    after round, until `predicate()` holds. A round waits as long as the work takes, so a slow
    or loaded machine needs no more rounds; `rounds` only stops a state that never comes."""
    for _ in range(rounds):
        if predicate():
            return
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    raise AssertionError(f"never reached: {what}")


async def modal_shown(
    pilot: Pilot, modal_type: type, limit: float = 120.0, other_than=None
) -> None:
    """Wait for a dialog a worker pushes and then waits on (waiting for that worker would wait
    for the dialog to close): poll the screen stack until the dialog is on top (a new one:
    not `other_than`, the screen on top before the key that asks for the next dialog).

    Counting rounds is no bound here: a thread worker (check, a plan) can take seconds on a
    loaded machine while the loop, idle, runs hundreds of empty rounds. `limit` only stops a
    dialog that never comes; it is no timing assert."""
    started = time.monotonic()
    while not isinstance(pilot.app.screen, modal_type) or pilot.app.screen is other_than:
        if time.monotonic() - started > limit:
            raise AssertionError(f"{modal_type.__name__} never opened: {pilot.app.screen!r}")
        await pilot.pause(0.01)


def shown_text(widget) -> str:
    """The lines a widget draws on screen now, as text (wrapped as the user sees them)."""
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))


def option_offset(pilot: Pilot, selector: str, key: str) -> tuple[ChoiceRow, tuple[int, int]]:
    """A ChoiceRow and where its option `key` is drawn in it (the option's first cell)."""
    row = pilot.app.screen.query_one(selector, ChoiceRow)
    return row, (row.option_x(key), 0)


async def click_option(pilot: Pilot, selector: str, key: str) -> None:
    """Click option `key` of the ChoiceRow `selector` where it is drawn, as a user does."""
    row, offset = option_offset(pilot, selector, key)
    await pilot.click(row, offset=offset)
    await pilot.pause()


async def hover_option(pilot: Pilot, selector: str, key: str) -> None:
    """Move the mouse over option `key` of the ChoiceRow `selector`."""
    row, offset = option_offset(pilot, selector, key)
    await pilot.hover(row, offset=offset)
    await pilot.pause()
