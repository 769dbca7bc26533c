"""Step 2: a provider per slot and environment, named databases, and per-environment settings.

In a workspace each context has its own grid, under a row of tabs, one per context: the tabs
show every context at once, which one the grid is, and take a click or an arrow to switch,
where a selector would hide the others behind a list. A context after the first may be the
same as an earlier one (`s`): it then shows and follows that context's choices until one of
its own cells is changed, when it becomes a copy (said on the status line) and changes alone.
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Static, Tab, Tabs

from scaffolder.catalog import PROVIDERS, Role
from scaffolder.spec.environments import BASE, ENVIRONMENTS, INHERIT, MEMORY, PRODUCTION
from scaffolder.ui.common.choices import ChoiceGrid, ChoiceModal, NameModal, option_label
from scaffolder.ui.common.state import (
    NAME_EXAMPLES,
    SETTING_LABELS,
    SETTING_VALUES,
    Draft,
    setting_text,
)
from scaffolder.ui.wizard.screens.base import StepScreen

SETTING_NAMES = tuple(SETTING_VALUES)


class ProvidersScreen(StepScreen):
    # Only this step's rules, parsed when it is first shown: not at start-up.
    DEFAULT_CSS = """
        .grid-actions {
            height: 1;
            margin: 0 0 1 0;
        }
        .grid-actions Button {
            margin-right: 2;
        }
        #providers, #settings {
            margin-bottom: 0;
        }
        #contexts {
            margin: 0 2;
        }
        #same-as-row {
            height: 1;
            margin: 0 3;
        }
        #same-as-line {
            width: 1fr;
            color: $text-muted;
            text-wrap: nowrap;
            text-overflow: ellipsis;
        }
    """
    step = 1
    AUTO_FOCUS = "#providers"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add_database", "Add db"),
        # Out of the footer (full at 80 columns); the palette lists it by name.
        Binding("b", "add_slot", "Add a broker or cache", show=False),
        Binding("x,delete", "remove_slot", "Remove"),
        # A workspace's: out of the footer (full at 80 columns); the palette lists them.
        Binding("s", "same_as", "Same as another context", show=False),
        Binding("t", "next_context", "Next context", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        # The context whose grid is shown (None: a single project), and the contexts the
        # screen was built for.
        self.context: str | None = None
        self.built_for: list[str] | None = None

    def wizard_contexts(self) -> list[str]:
        project = self.wizard.draft
        return project.context_names() if project.is_workspace else []

    @property
    def draft(self) -> Draft:
        """The grid shown: the context's in a workspace (or the one it is the same as)."""
        project = self.wizard.draft
        return project.grid(self.context) if self.context is not None else project

    def compose_head(self) -> ComposeResult:
        # Above the scrolling grids: which context's grid this is stays in view.
        if self.built_for is None:
            self.built_for = self.wizard_contexts()
        names = self.built_for
        self.context = names[0] if names else None
        if names:
            yield Tabs(*(Tab(name, id=f"context-{name}") for name in names), id="contexts")
            with Horizontal(id="same-as-row"):
                yield Static(id="same-as-line")
                yield Button("Same as…", id="same-as", compact=True)

    def compose_body(self) -> ComposeResult:
        yield Static(
            "Each environment's provider per slot; overlays inherit base ([i]↑[/i]) unless set.",
            classes="intro",
        )
        yield ChoiceGrid(
            "slot",
            ENVIRONMENTS,
            [slot.key for slot in self.draft.slots],
            self.describe_provider,
            id="providers",
        )
        yield Static(id="providers-detail", classes="detail")
        with Horizontal(classes="grid-actions"):
            yield Button("+ Add database", id="add-database", compact=True)
            yield Button("+ Add broker or cache", id="add-slot", compact=True)
            yield Button("- Remove", id="remove-slot", compact=True)
        yield ChoiceGrid(
            "setting",
            ENVIRONMENTS,
            [SETTING_LABELS[name] for name in SETTING_NAMES],
            self.describe_setting,
            id="settings",
        )
        yield Static(id="settings-detail", classes="detail")

    async def on_screen_resume(self) -> None:
        if self.wizard_contexts() != self.built_for:
            # The Project step named other contexts: a tab each, the first one's grid.
            self.built_for = self.wizard_contexts()
            await self.recompose()
        self.refresh_grids()

    # --- a workspace's contexts -----------------------------------------------------------

    @on(Tabs.TabActivated, "#contexts")
    async def handle_context(self, event: Tabs.TabActivated) -> None:
        context = (event.tab.id or "").removeprefix("context-")
        if context and context != self.context:
            self.context = context
            await self.show_context()
            self.set_status("")

    async def show_context(self) -> None:
        """The grid of the context now chosen (its rows are its slots)."""
        await self.providers_grid.set_rows([slot.key for slot in self.draft.slots])
        self.refresh_grids()

    def action_next_context(self) -> None:
        if self.built_for:
            self.query_one("#contexts", Tabs).action_next_tab()

    def refresh_same_as(self) -> None:
        if self.context is None:
            return
        project = self.wizard.draft
        other = project.same_as.get(self.context)
        if other is not None:
            line = f"{self.context}: same as {other} · a change here makes a copy"
        elif project.same_as_choices(self.context):
            line = f"{self.context}: its own choices · s: same as another"
        else:
            line = f"{self.context}: its own choices"
        self.query_one("#same-as-line", Static).update(Text(line))
        self.query_one("#same-as", Button).disabled = not project.same_as_choices(self.context)

    @on(Button.Pressed, "#same-as")
    def action_same_as(self) -> None:
        """s: this context's own choices, or the same as a context before it."""
        project, context = self.wizard.draft, self.context
        if context is None:
            return
        others = project.same_as_choices(context)
        if not others:
            self.set_status(f"{context} is the first context: the others can follow it")
            return
        values: list[str | None] = [None, *others]
        options = [option_label("own choices", "a copy of what it shows now, changed alone")]
        options += [
            option_label(f"same as {other}", "its choices, kept in step") for other in others
        ]
        current = values.index(project.same_as.get(context))

        async def picked(index: int | None) -> None:
            if index is None:
                return
            project.set_same_as(context, values[index])
            await self.show_context()
            other = values[index]
            self.set_status(
                f"{context} is the same as {other}" if other else f"{context} has its own choices"
            )

        self.app.push_screen(ChoiceModal(f"{context}'s providers", options, current), picked)

    def editable(self) -> Draft:
        """The grid a change goes to: the context's own, made a copy first if it was the same
        as another context (a change to one context never changes another)."""
        if self.context is None:
            return self.draft
        project = self.wizard.draft
        followed = project.same_as.get(self.context)
        grid, _ = project.own_grid(self.context)
        if followed is not None:
            self.set_status(f"{self.context} has its own choices now, a copy of {followed}'s")
        return grid

    def on_screen_suspend(self) -> None:
        # "Added databases.reports" is news once: back on this step later, it is old.
        self.set_status("")

    @property
    def providers_grid(self) -> ChoiceGrid:
        return self.query_one("#providers", ChoiceGrid)

    @property
    def settings_grid(self) -> ChoiceGrid:
        return self.query_one("#settings", ChoiceGrid)

    # --- cells --------------------------------------------------------------------------

    def risk(self, env: str, slot) -> str | None:
        provider = self.draft.provider(env, slot)
        if env == PRODUCTION and provider.in_memory:
            return "in memory in production: data lives in one process and is lost on restart"
        if env == MEMORY and not provider.in_memory:
            return f"the memory overlay should stay in memory; {provider.name} needs a server"
        return None

    def describe_provider(self, row: int, column: int) -> tuple[Text, set[str]]:
        draft = self.draft
        env, slot = ENVIRONMENTS[column], draft.slots[row]
        classes = set()
        if draft.choice(env, slot) == INHERIT:
            classes.add("-inherit")
            text = Text("↑ " + draft.effective(env, slot))
        else:
            text = Text(draft.effective(env, slot))
        if self.risk(env, slot):
            classes.add("-risky")
            text.append(" !")
        return text, classes

    def describe_setting(self, row: int, column: int) -> tuple[Text, set[str]]:
        draft = self.draft
        env, name = ENVIRONMENTS[column], SETTING_NAMES[row]
        value = draft.setting(env, name)
        if value is None and env != BASE:
            return Text("↑ " + setting_text(draft.effective_setting(env, name))), {"-inherit"}
        if value is None:
            return Text("unset"), {"-inherit"}
        return Text(setting_text(value)), set()

    def refresh_grids(self) -> None:
        self.providers_grid.refresh_cells()
        self.settings_grid.refresh_cells()
        self.refresh_detail()
        self.refresh_same_as()

    def refresh_detail(self) -> None:
        draft = self.draft
        row, column = self.providers_grid.cursor
        env, slot = ENVIRONMENTS[column], draft.slots[row]
        provider = draft.provider(env, slot)
        origin = "inherited from base" if draft.choice(env, slot) == INHERIT else "set here"
        where = f"[b]{env}[/b] · {slot.key}: [b]{provider.name}[/b] ({origin}) — {provider.summary}"
        risk = self.risk(env, slot)
        detail = self.query_one("#providers-detail", Static)
        detail.update(where + (f"\n[$text-warning]! {risk}[/]" if risk else ""))
        row, column = self.settings_grid.cursor
        env, name = ENVIRONMENTS[column], SETTING_NAMES[row]
        value = draft.effective_setting(env, name)
        origin = "inherited from base" if env != BASE and draft.setting(env, name) is None else ""
        text = f"[b]{env}[/b] · {SETTING_LABELS[name]}: [b]{setting_text(value)}[/b]"
        if value is None:
            text += " (Protean's default)"
        elif origin:
            text += f" ({origin})"
        self.query_one("#settings-detail", Static).update(text)

    @on(ChoiceGrid.Moved)
    def handle_moved(self) -> None:
        self.refresh_detail()

    # --- changing -----------------------------------------------------------------------

    # The dialogs are pushed in the handler of the key that asks for them, not from a worker:
    # keys typed right after it (a name, an arrow) then reach the dialog, never this step's
    # grid underneath (where `x` would remove a database). Their answers come to a callback.

    @on(ChoiceGrid.Activated, "#providers")
    def handle_pick_provider(self, event: ChoiceGrid.Activated) -> None:
        draft = self.draft
        env, slot = ENVIRONMENTS[event.column], draft.slots[event.row]
        choices = draft.choices(env, slot)
        options = []
        for name in choices:
            if name == INHERIT:
                inherited = draft.effective(BASE, slot)
                label = option_label("inherit", f"from base: {inherited}")
            else:
                label = option_label(name, PROVIDERS[slot.role][name].summary)
            options.append(label)
        current = choices.index(draft.choice(env, slot))

        def picked(index: int | None) -> None:
            if index is not None and choices[index] != draft.choice(env, slot):
                self.editable().set_provider(env, slot, choices[index])
                self.refresh_grids()

        self.app.push_screen(ChoiceModal(f"{slot.key} in {env}", options, current), picked)

    @on(ChoiceGrid.Activated, "#settings")
    def handle_pick_setting(self, event: ChoiceGrid.Activated) -> None:
        draft = self.draft
        env, name = ENVIRONMENTS[event.column], SETTING_NAMES[event.row]
        values = draft.setting_choices(env, name)
        options = []
        for value in values:
            if value is None and env == BASE:
                options.append(option_label("unset", "Protean's default"))
            elif value is None:
                inherited = setting_text(draft.effective_setting(BASE, name))
                options.append(option_label("inherit", f"from base: {inherited}"))
            else:
                options.append(Text(setting_text(value), style="bold"))
        current = values.index(draft.setting(env, name))

        def picked(index: int | None) -> None:
            if index is not None and values[index] != draft.setting(env, name):
                self.editable().set_setting(env, name, values[index])
                self.refresh_grids()

        title = f"{SETTING_LABELS[name]} in {env}"
        self.app.push_screen(ChoiceModal(title, options, current), picked)

    @on(Button.Pressed, "#add-database")
    def action_add_database(self) -> None:
        self.ask_name(Role.DATABASE)

    @on(Button.Pressed, "#add-slot")
    def action_add_slot(self) -> None:
        """b: a named broker or cache (the edit menu's b too), then its name."""
        roles = [Role.BROKER, Role.CACHE]
        options = [
            option_label("broker", "a named broker, as brokers.default is"),
            option_label("cache", "a named cache, as caches.default is"),
        ]

        def picked(index: int | None) -> None:
            if index is not None:
                self.ask_name(roles[index])

        dialog = ChoiceModal("Add a named broker or cache", options, 0, "cancel the add")
        self.app.push_screen(dialog, picked)

    def ask_name(self, role: Role) -> None:
        dialog = NameModal(
            f"Add a named {role.label}",
            f"lower-case letters, digits and '_'; it starts as {role.value}.default is",
            lambda name: self.draft.slot_error(role, name),
            placeholder=f"type a name, e.g. {NAME_EXAMPLES[role]}",
        )
        self.app.push_screen(dialog, partial(self.add_slot, role))

    async def add_slot(self, role: Role, name: str | None) -> None:
        if not name:
            return
        draft = self.editable()
        slot = draft.add_slot(role, name)
        await self.providers_grid.set_rows([s.key for s in draft.slots])
        self.providers_grid.cursor = (draft.slots.index(slot), 0)
        self.providers_grid.focus()
        self.refresh_grids()
        # On the status line, not a toast: a toast would cover the grid's right-hand cells.
        # Said in full: the longest wording that fits the line (it was cut to "Added data…").
        added = f"Added {slot.key}" + (f" to {self.context}" if self.context else "")
        width = self.query_one("#nav-status").size.width or 1_000  # no layout yet: in full
        wordings = [f"{added} (connection: next step)", added, f"Added {slot.key}"]
        self.set_status(next((w for w in wordings if len(w) <= width), wordings[-1]))

    @on(Button.Pressed, "#remove-slot")
    async def action_remove_slot(self) -> None:
        draft = self.draft
        row = self.providers_grid.cursor[0]
        slot = draft.slots[row]
        if not slot.role.is_named or slot.name == "default":
            self.set_status("Move to a named database's, broker's or cache's row.", error=True)
            return
        draft = self.editable()
        draft.remove_slot(slot)
        await self.providers_grid.set_rows([s.key for s in draft.slots])
        self.providers_grid.focus()
        self.refresh_grids()
        self.set_status(f"Removed {slot.key}.")
