"""Step 3: for each slot with a connection string, its variable and (outside production) default.

A field the user has not typed in shows what the providers chosen now imply, each time the step
is shown: change the test database to sqlite on Providers and the default here becomes sqlite's.
What the user typed is theirs: it stays across provider changes and is marked so. A field
counts as typed when its value differs from what this screen last put in it, so keys typed
ahead of Ctrl-S count, and a stale default never passes for the user's choice.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from scaffolder.errors import UsageError
from scaffolder.spec.slots import Slot
from scaffolder.ui.common.state import Draft, field_id
from scaffolder.ui.common.widgets import Hint
from scaffolder.ui.wizard.screens.base import StepScreen


class ConnectionsScreen(StepScreen):
    # Only this step's rules, parsed when it is first shown: not at start-up.
    DEFAULT_CSS = """
        /* A heading per connection, then a labelled row per field; the list grows with the
           slots and the body scrolls (height: auto, or the list would be clipped to the
           window). */
        #connections {
            height: auto;
        }
        .connection {
            height: auto;
            margin-top: 1;
        }
        .connection Hint {
            padding: 0 0 0 12;
        }
        .connection-head {
            height: 1;
        }
        .slot-name {
            width: auto;
            max-width: 60%;
            margin-right: 2;
            text-style: bold;
        }
        .slot-uses {
            width: 1fr;
            color: $text-muted;
            text-wrap: nowrap;
            text-overflow: ellipsis;
        }
        .connection-row {
            height: 1;
        }
        .connection-row .field-name {
            width: 12;
            padding: 0 0 0 2;
            color: $text-muted;
        }
        .connection-row .variable {
            width: 1fr;
            max-width: 40;
        }
        .connection-row .url {
            width: 1fr;
        }
        .connection-row Input.-invalid {
            background: $error 20%;
        }
        .connection-row Input.-users {
            text-style: bold;
        }
        .connection-row .none {
            color: $text-muted;
            padding: 0 1;
        }
        .empty {
            color: $text-success;
        }
    """
    step = 2

    def __init__(self) -> None:
        super().__init__()
        self._layout: tuple | None = None
        # Widget id -> the value this screen last put in that field.
        self._shown: dict[str, str] = {}
        # True once a visit's fields are built and filled (on_screen_resume awaits the mounts,
        # so the screen is on top a moment before its fields are): what a test waits for.
        self.ready = False

    def compose_body(self) -> ComposeResult:
        yield Static(
            "Connection strings come from variables, with a default outside production "
            "(the one docker-compose.yml serves).",
            classes="intro",
        )
        yield Vertical(id="connections")

    def layout_key(self) -> tuple:
        draft = self.draft
        if draft.is_workspace:
            return ("workspace", workspace_connections(draft))
        return tuple((slot, bool(draft.local_envs(slot))) for slot in draft.server_slots())

    def on_screen_suspend(self) -> None:
        self.ready = False

    async def on_screen_resume(self) -> None:
        try:
            await self._resume()
        finally:
            self.ready = True

    async def _resume(self) -> None:
        key = self.layout_key()
        if key != self._layout:
            self._layout = key
            await self.rebuild()
        else:
            self.refresh_values()
            self.refresh_fields()
        if self.show_pending_errors():
            return
        inputs = self.query("#connections Input")
        if inputs and not isinstance(self.focused, Input):
            inputs.first().focus()

    async def rebuild(self) -> None:
        box = self.query_one("#connections", Vertical)
        await box.remove_children()
        self._shown.clear()
        if self.draft.is_workspace:
            note, *contexts = workspace_connections(self.draft)
            await box.mount(Static(note, classes="workspace"))
            await box.mount_all(
                [ContextConnections(text, classes="connection") for text in contexts]
            )
            return
        slots = self.draft.server_slots()
        if not slots:
            await box.mount(
                Static(
                    "Every provider runs in memory: there are no connections to configure.",
                    classes="empty",
                )
            )
            return
        await box.mount_all([self.connection(slot) for slot in slots])
        self.refresh_values()
        self.refresh_fields()

    def summary(self, slot: Slot) -> str:
        """`postgresql in production, test`: where the slot connects to something."""
        draft = self.draft
        uses: dict[str, list[str]] = {}
        for env in draft.environments():
            provider = draft.provider(env, slot)
            if not provider.in_memory:
                uses.setdefault(provider.name, []).append(env)
        return "; ".join(f"{name} in {', '.join(envs)}" for name, envs in uses.items())

    def compose_note(self, slot: Slot) -> str:
        draft = self.draft
        envs = draft.local_envs(slot)
        if not envs:
            return "production only: set it in the deployment; no default"
        service = draft.provider(envs[0], slot).service
        if service is None:
            note = "no server: a local file"
        elif not draft.compose:
            note = f"compose is off: run {service.name} on port {service.port} yourself"
        else:
            note = f"compose runs {service.name} on 127.0.0.1:{service.port}"
        if draft.url_is_users(slot):
            note += " · default typed by you (clear it to follow the provider)"
        return note

    def connection(self, slot: Slot) -> Vertical:
        draft = self.draft
        key = field_id(slot)
        if draft.local_envs(slot):
            url_widget = Input(id=f"url-{key}", compact=True, classes="url")
        else:
            url_widget = Static("(none: production only)", classes="url none")
        return Vertical(
            Horizontal(
                Label(slot.key, classes="slot-name"),
                Static(self.summary(slot), id=f"uses-{key}", classes="slot-uses"),
                classes="connection-head",
            ),
            Horizontal(
                Label("variable", classes="field-name"),
                Input(id=f"variable-{key}", compact=True, classes="variable"),
                classes="connection-row",
            ),
            Horizontal(
                Label("default", classes="field-name"),
                url_widget,
                classes="connection-row",
            ),
            Hint(self.compose_note(slot), id=f"hint-{key}"),
            classes="connection",
            id=f"connection-{key}",
        )

    def slot_of(self, widget_id: str) -> Slot:
        key = widget_id.split("-", 1)[1]
        return next(s for s in self.draft.server_slots() if field_id(s) == key)

    def label_of(self, widget_id: str) -> str:
        """`databases.reports variable`: how an error names the field it is about."""
        what = "variable" if widget_id.startswith("variable-") else "default"
        return f"{self.slot_of(widget_id).key} {what}"

    # --- values -------------------------------------------------------------------------

    def refresh_values(self) -> None:
        """Put what the draft holds now in every field (the user's values, else the defaults
        the current providers imply), without counting it as typing."""
        draft = self.draft
        for slot in draft.server_slots():
            key = field_id(slot)
            values = {f"variable-{key}": draft.variable(slot)}
            if draft.local_envs(slot):
                values[f"url-{key}"] = draft.local_url(slot) or ""
            for widget_id, value in values.items():
                for field in self.query(f"#{widget_id}").results(Input):
                    if widget_id.startswith("url-"):
                        field.placeholder = draft.default_local_url(slot) or ""
                    if field.value != value:
                        with field.prevent(Input.Changed):
                            field.value = value
                    self._shown[widget_id] = value
            for uses in self.query(f"#uses-{key}").results(Static):
                uses.update(self.summary(slot))

    @on(Input.Changed)
    def handle_changed(self, event: Input.Changed) -> None:
        self.apply(event.input)
        self.refresh_fields()

    def apply(self, field: Input) -> None:
        widget_id = field.id or ""
        if self._shown.get(widget_id) == field.value:
            return  # what this screen showed, not something the user typed
        self._shown[widget_id] = field.value
        slot = self.slot_of(widget_id)
        if widget_id.startswith("variable-"):
            self.draft.set_variable(slot, field.value)
        else:
            self.draft.set_local_url(slot, field.value)

    def sync(self) -> None:
        for field in self.query("#connections Input").results(Input):
            self.apply(field)

    @on(events.DescendantFocus)
    def handle_focus(self, event: events.DescendantFocus) -> None:
        """Keep the whole connection in view, heading and hint, not just the focused field,
        and name the field beside Back/Next (with its error, if it has one)."""
        widget_id = event.widget.id or ""
        if isinstance(event.widget, ContextConnections):
            self.call_after_refresh(event.widget.scroll_visible, animate=False)
            return
        if isinstance(event.widget, Input) and widget_id.startswith(("variable-", "url-")):
            error = self.draft.connection_errors().get(widget_id)
            label = self.label_of(widget_id)
            self.set_status(f"{label}: {error}" if error else label, error=bool(error))
        for ancestor in event.widget.ancestors:
            if isinstance(ancestor, Vertical) and ancestor.has_class("connection"):
                self.call_after_refresh(ancestor.scroll_visible, animate=False)
                return

    @on(Input.Submitted)
    def handle_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    # --- showing ------------------------------------------------------------------------

    def refresh_fields(self, errors: dict[str, str] | None = None) -> None:
        draft = self.draft
        errors = draft.connection_errors() if errors is None else errors
        focused = self.focused
        if isinstance(focused, Input) and (focused.id or "").startswith(("variable-", "url-")):
            error, label = errors.get(focused.id or ""), self.label_of(focused.id or "")
            self.set_status(f"{label}: {error}" if error else label, error=bool(error))
        for slot in draft.server_slots():
            key = field_id(slot)
            hints = self.query(f"#hint-{key}")
            if not hints:
                continue
            error = errors.get(f"variable-{key}") or errors.get(f"url-{key}")
            warning = draft.url_warning(slot)
            hints.first(Hint).show(self.compose_note(slot), error, warning)
            for prefix in ("variable", "url"):
                for widget in self.query(f"#{prefix}-{key}"):
                    widget.set_class(f"{prefix}-{key}" in errors, "-invalid")
                    widget.set_class(prefix == "url" and draft.url_is_users(slot), "-users")

    def show_errors(self) -> None:
        errors = self.draft.connection_errors()
        self.refresh_fields(errors)
        for key, message in errors.items():
            widgets = self.query(f"#{key}")
            if widgets:
                self.point_at(widgets.first(), self.label_of(key), message)
                return


def workspace_connections(draft: Draft) -> tuple[Text, ...]:
    """A workspace's connections, read only: a note on the sharing rules, then each
    context's own variables and local defaults (Draft.workspace_connections)."""
    try:
        connections = draft.workspace_connections()
    except UsageError as error:
        return (Text(f"✗ {error}", style="bold"),)
    texts = [
        Text(
            "Each context reads its own database and cache variables; the broker and event "
            "store are shared. Rename one after with protean-init set --context NAME "
            "variables.SLOT=NAME."
        )
    ]
    for name, rows in connections.items():
        text = Text(name, style="bold")
        if not rows:
            text.append("\n  every provider runs in memory")
        for key, variable, url in rows:
            text.append(f"\n  {key:<18} ${{{variable}}}")
            text.append(f"\n      default {url}" if url else "  (production only)", style="dim")
        texts.append(text)
    return tuple(texts)


class ContextConnections(Static, can_focus=True):
    """One context's connections: focusable, so Tab scrolls each into view."""
