"""The command palette's own commands (ctrl+p): every key binding the screen offers, by name.

Built from the active bindings each time the palette opens, not from a list kept here, so an
action a screen gains (a new edit-menu action, a new step) is in the palette with no edit. The
app adds its step commands; Textual adds Theme and Keys. Imported only when the palette opens.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.screen import Screen

# Bindings that are not commands: moving inside a widget, or Textual's own entries.
_SKIP_ACTIONS = {"command_palette", "focus_next", "focus_previous", "quit", "help_quit"}


# `show` switches what a screen shows (Review's tabs, 1-4, labelled with their keys on screen):
# a view, not a command, and its name would stand beside the command of the same name (Review's
# `4`, the Dockerfile or deployment tab, beside "Step 4: Deploy": "Deploy" twice).
_MOVES = (
    "cursor",
    "scroll",
    "move",
    "edge",
    "page",
    "select",
    "copy",
    "cut",
    "paste",
    "focus",
    "show",
)


def binding_commands(app: App, screen: Screen, shown_only: bool = True) -> Iterable[SystemCommand]:
    """One command per enabled, described binding of `screen` (and its focused widget).

    `shown_only`: only the footer's keys and the screen's own (the wizard: a step keeps some
    of its actions out of a full footer, as Providers' `b`). Without it, every action key too
    (the edit menu keeps most of its actions out of the footer), but never a cursor movement."""
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        description = binding.description or binding.tooltip
        action = binding.action.split(".")[-1].split("(")[0]
        # Not a field's or the app's hidden keys: moving a cursor or copying text is no command.
        hidden = not binding.show and active.node is not screen
        if (shown_only and hidden) or not description or not active.enabled:
            continue
        if action in _SKIP_ACTIONS or action.startswith(_MOVES):
            continue
        if description in seen:
            continue
        seen.add(description)
        keys = app.get_key_display(binding)
        yield SystemCommand(
            description,
            f"key: {keys}",
            partial(app.run_action, binding.action, active.node),
        )
