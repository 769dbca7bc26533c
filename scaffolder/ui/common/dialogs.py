"""What every dialog shares: the frame (a bordered box in the middle of the screen), its title and
help lines, F1 for the help, and keys typed while it was opening.

The dialogs themselves are `Dialog` subclasses: the choice and name dialogs and Quit?
(scaffolder.ui.common.choices), the wizard's help (wizard/screens/help.py), the diff or report
(common/preview.py).
Each sets only its width and what is inside the frame; the frame's CSS is here, once.
Loaded with the first dialog, never at start-up.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import events
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen

from scaffolder.ui.common.widgets import KeyLine

if TYPE_CHECKING:
    from textual.app import App

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A modal dialog whose content is one `Vertical` (the frame); `-error` frames it in red.

    A key the app hands the dialog before anything in it has focus (typed ahead, while the
    dialog was being built) is held and handed to the first widget that takes focus, in the
    order typed: a name typed right after the key that opens its dialog lands in the name
    field, not on the screen (where a character would be dropped)."""

    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > Vertical {
        width: 72;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: round $primary;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    Dialog.-error > Vertical { border: round $error; }
    Dialog .modal-title { text-style: bold; margin-bottom: 1; }
    Dialog .modal-help { color: $text-muted; margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # App bindings do not reach a modal screen: F1 works in a dialog's text field too.
        Binding("f1", "open_help", "Help", show=False),
    ]

    def __init__(self, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self._typed_ahead: list[events.Key] = []

    def _forward_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and self.focused is None and not self.is_mounted:
            self._typed_ahead.append(event)
            return
        super()._forward_event(event)

    def on_mount(self) -> None:
        # The dialog's own keys at the bottom, over the screen below's (whose `esc Quit`
        # would be wrong here: Esc closes the dialog).
        if not self.query(KeyLine):  # a dialog may place its own (the report's)
            self.mount(KeyLine())
        # After the subclass's on_mount (Textual calls the most derived first, then the
        # bases): the field it focused is set by now.
        self.hand_typed_ahead()

    def take_key(self, key: events.Key) -> None:
        """A key typed ahead that went through the screen below before this dialog opened
        (scaffolder.ui.common.type_ahead): to the focused field, or held until one has focus."""
        if self.focused is None or not self.is_mounted:
            self._typed_ahead.append(key)
        else:
            self.focused.post_message(key)

    def hand_typed_ahead(self) -> None:
        """Give the keys held while the dialog opened to the focused widget (or the dialog)."""
        keys, self._typed_ahead = self._typed_ahead, []
        target = self.focused or self
        for key in keys:
            target.post_message(key)

    def action_open_help(self) -> None:
        help_action = getattr(self.app, "action_help", None)
        if help_action is not None:
            help_action()


def ask(app: App, dialog: Dialog[ResultType]) -> asyncio.Future[ResultType | None]:
    """Push `dialog` now and return its answer to await later (in a worker).

    For an action that runs in a worker: pushed from the worker, the dialog would come a turn
    after the key that asked for it, and keys typed right after that key would reach the
    screen below. Pushed in the key's own handler, they reach the dialog."""
    answer: asyncio.Future[ResultType | None] = asyncio.get_running_loop().create_future()

    def answered(result: ResultType | None) -> None:
        if not answer.done():
            answer.set_result(result)

    app.push_screen(dialog, answered)
    return answer
