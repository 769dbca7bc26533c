"""Step 3: for each slot with a connection string, its variable and (outside production) default."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from scaffolder.spec import Slot
from scaffolder.ui.screens.base import StepScreen
from scaffolder.ui.state import field_id
from scaffolder.ui.widgets import Hint


class ConnectionsScreen(StepScreen):
    step = 2

    def __init__(self) -> None:
        super().__init__()
        self._layout: tuple | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(
            "Connection strings come from variables, with a default outside production.",
            classes="intro",
        )
        yield Horizontal(
            Static("variable", classes="variable"),
            Static("default when unset (matches docker-compose.yml)", classes="url"),
            classes="connection-row column-heads",
        )
        yield Vertical(id="connections")

    def layout_key(self) -> tuple:
        draft = self.draft
        return tuple((slot, bool(draft.local_envs(slot))) for slot in draft.server_slots())

    async def on_screen_resume(self) -> None:
        key = self.layout_key()
        if key != self._layout:
            self._layout = key
            await self.rebuild()
        else:
            self.refresh_fields()
        if self.errors_pending:
            self.errors_pending = False
            self.show_errors()
            return
        inputs = self.query("#connections Input")
        if inputs and not isinstance(self.focused, Input):
            inputs.first().focus()

    async def rebuild(self) -> None:
        box = self.query_one("#connections", Vertical)
        await box.remove_children()
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
            return "no server: a local file"
        if not draft.compose:
            return f"compose is off: run {service.name} on port {service.port} yourself"
        return f"compose runs {service.name} on 127.0.0.1:{service.port}"

    def connection(self, slot: Slot) -> Vertical:
        draft = self.draft
        key = field_id(slot)
        url = draft.local_url(slot)
        if draft.local_envs(slot):
            url_widget = Input(url or "", id=f"url-{key}", compact=True, classes="url")
        else:
            url_widget = Static("(no default in production)", classes="url none")
        return Vertical(
            Horizontal(
                Label(slot.key, classes="slot-name"),
                Static(self.summary(slot), classes="slot-uses"),
                classes="connection-head",
            ),
            Horizontal(
                Input(draft.variable(slot), id=f"variable-{key}", compact=True, classes="variable"),
                url_widget,
                classes="connection-row",
            ),
            Hint(self.compose_note(slot), id=f"hint-{key}"),
            classes="connection",
        )

    def slot_of(self, widget_id: str) -> Slot:
        key = widget_id.split("-", 1)[1]
        return next(s for s in self.draft.server_slots() if field_id(s) == key)

    @on(Input.Changed)
    def handle_changed(self, event: Input.Changed) -> None:
        self.apply(event.input)
        self.refresh_fields()

    def apply(self, field: Input) -> None:
        widget_id = field.id or ""
        slot = self.slot_of(widget_id)
        if widget_id.startswith("variable-"):
            self.draft.set_variable(slot, field.value)
        else:
            self.draft.set_local_url(slot, field.value)

    def sync(self) -> None:
        for field in self.query("#connections Input").results(Input):
            self.apply(field)

    @on(Input.Submitted)
    def handle_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def refresh_fields(self, errors: dict[str, str] | None = None) -> None:
        draft = self.draft
        errors = draft.connection_errors() if errors is None else errors
        for slot in draft.server_slots():
            key = field_id(slot)
            hints = self.query(f"#hint-{key}")
            if not hints:
                continue
            error = errors.get(f"variable-{key}") or errors.get(f"url-{key}")
            hints.first(Hint).show(self.compose_note(slot), error)
            for prefix in ("variable", "url"):
                for widget in self.query(f"#{prefix}-{key}"):
                    widget.set_class(f"{prefix}-{key}" in errors, "-invalid")

    def show_errors(self) -> None:
        errors = self.draft.connection_errors()
        self.refresh_fields(errors)
        for key in errors:
            widgets = self.query(f"#{key}")
            if widgets:
                widgets.first().focus()
                return
