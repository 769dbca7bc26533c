"""Characters typed with the key that opens a dialog belong to the dialog.

The apps' keys (a for Add database, say) are not priority bindings: a key first goes to the
focused field, and reaches the app's bindings only after bubbling up through the screen. Keys
typed in one burst (`a` then `reports`, faster than a frame) are all routed through the step
before `a` has opened its dialog, so the letters after `a` arrive at the app with the dialog on
top and nothing left to type them into: Textual drops them. This hands each such key to the
dialog, which puts it in its field (or holds it until the field exists).

Light on purpose: both apps load it at start-up; the dialogs module is loaded with the first
dialog.
"""

from __future__ import annotations

import weakref
from typing import Any

from textual import events
from textual.app import App
from textual.screen import Screen


class TypeAheadToDialogs(App):
    """Mixed into an App: a key that went through one screen unhandled and comes back to the
    app with a dialog now on top, unbound there, is the dialog's (`Dialog.take_key`): a
    name's letters, and the Enter that submits it. A key the dialog binds (Escape) is left
    to Textual, which runs the dialog's binding."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each key the app received, to the screen it was about to go through.
        self._key_routes: weakref.WeakKeyDictionary[events.Key, Screen] = (
            weakref.WeakKeyDictionary()
        )

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._key_routes[event] = self.screen
        await super().on_event(event)

    def on_key(self, event: events.Key) -> None:
        routed = self._key_routes.pop(event, None)
        screen = self.screen
        take = getattr(screen, "take_key", None)
        if (
            take is not None
            and routed is not None
            and routed is not screen
            and event.key not in screen.active_bindings
        ):
            event.prevent_default()  # not Textual's own handling: the dialog's now
            take(events.Key(event.key, event.character))
