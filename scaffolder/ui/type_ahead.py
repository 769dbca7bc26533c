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

from textual import events
from textual.app import App
from textual.screen import Screen


class TypeAheadToDialogs(App):
    """Mixed into an App: a key that went through one screen unhandled and comes back to the
    app with a dialog now on top, unbound there, is the dialog's (`Dialog.take_key`): a
    name's letters, and the Enter that submits it. A key the dialog binds (Escape) is left
    to Textual, which runs the dialog's binding."""

    _key_routes: weakref.WeakKeyDictionary[events.Key, Screen]

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if not hasattr(self, "_key_routes"):
                self._key_routes = weakref.WeakKeyDictionary()
            self._key_routes[event] = self.screen  # the screen the key is about to go through
        await super().on_event(event)

    def on_key(self, event: events.Key) -> None:
        routes = getattr(self, "_key_routes", None)
        routed = routes.pop(event, None) if routes is not None else None
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
