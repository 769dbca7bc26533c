"""The edit menu: the project as it is (providers per environment, derived files) and actions.

Every action asks its questions in dialogs, computes a `Proposal` (scaffolder.reopen.menu),
shows its diff, and writes only on confirm; then the picture is read again from disk. An
error (a bad name, a TOML edit that cannot be made, a merge conflict) is shown here and
nothing is written.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from scaffolder.catalog import PROVIDERS, Role
from scaffolder.check import check_project, tally
from scaffolder.config_tree import overlay_names
from scaffolder.errors import ScaffolderError
from scaffolder.printable import printable
from scaffolder.redact import redact_text
from scaffolder.reopen import menu
from scaffolder.reopen.menu import Proposal
from scaffolder.spec.environments import MEMORY, PRODUCTION, TEST
from scaffolder.spec.settings import SETTING_TABLE
from scaffolder.ui.common.choices import (
    ChoiceGrid,
    ChoiceModal,
    NameModal,
    PickManyModal,
    option_label,
)
from scaffolder.ui.common.dialogs import ask
from scaffolder.ui.common.state import NAME_EXAMPLES
from scaffolder.ui.common.widgets import KeyLine
from scaffolder.ui.edit_menu import model
from scaffolder.ui.edit_menu.session import EditSession

if TYPE_CHECKING:
    from scaffolder.check import Finding
    from scaffolder.reopen.project import Project

ACTIONS = (
    ("add_database", "a", "Add a named database"),
    ("add_slot", "b", "Add a named broker or cache"),
    ("change_provider", "p", "Change the provider of the highlighted cell (or Enter on it)"),
    ("remove_slot", "d", "Remove the highlighted database, broker or cache"),
    ("rename_slot", "m", "Rename the highlighted database, broker or cache"),
    ("set_setting", "s", "Change a setting of an environment (debug, testing, processing)"),
    ("set_key", "k", "Set any KEY=VALUE (the keys of new --set)"),
    ("add_overlays", "o", "Add overlays"),
    ("regenerate_ci", "r", "Regenerate CI"),
    ("deploy", "e", "Deployment: Dockerfile, Kubernetes manifests or none"),
    ("derive", "g", "Re-derive compose, CI, .env.example and deployment files"),
    ("check", "c", "Check the configuration"),
)


def choice_dialog(
    title: str, options: list[model.Option], start: int, escape: str = "keep as is"
) -> ChoiceModal:
    """A pick-one dialog over `options`: each as its name in bold, then what it is."""
    labels = [option_label(option.name, option.summary) for option in options]
    return ChoiceModal(title, labels, start, escape)


class EditScreen(Screen):
    DEFAULT_CSS = """
    EditScreen { layout: vertical; }
    #edit-title {
        height: 1;
        background: $panel;
        color: $text-muted;
        padding: 0 1;
    }
    #edit-body { height: 1fr; padding: 1 1 0 1; }
    #cell-detail { height: 1; color: $text; padding: 0 1; text-wrap: nowrap;
                   text-overflow: ellipsis; }
    #derived { height: auto; color: $text-muted; padding: 0 1; margin-top: 1; }
    #actions-title { text-style: bold; padding: 0 1; margin-top: 1; }
    #actions, #actions:focus {
        height: auto;
        border: none;
        padding: 0;
        background: $background;
    }
    #edit-status { height: 1; padding: 0 1; color: $text-muted; }
    #edit-status.-error { color: $text-error; }
    #edit-status.-success { color: $text-success; }
    """

    AUTO_FOCUS = "#providers"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add_database", "Add db"),
        Binding("b", "add_slot", "Add broker/cache", show=False),
        Binding("p", "change_provider", "Provider", show=False),
        Binding("d", "remove_slot", "Remove", show=False),
        Binding("m", "rename_slot", "Rename", show=False),
        Binding("s", "set_setting", "Setting", show=False),
        Binding("k", "set_key", "Key", show=False),
        Binding("o", "add_overlays", "Overlays"),
        Binding("r", "regenerate_ci", "CI"),
        Binding("e", "deploy", "Deploy", show=False),
        Binding("g", "derive", "Derive", show=False),
        Binding("c", "check", "Check"),
        Binding("u", "upgrade", "Upgrade", show=False),
        Binding("escape,q", "app.leave", "Leave"),
        # As in the wizard: F1 anywhere, ? where it is not typed into a field.
        Binding("f1,question_mark", "help", "Help", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.findings: list[Finding] | None = None

    @property
    def edit(self) -> EditSession:
        return self.app  # type: ignore[return-value]

    @property
    def project(self) -> Project:
        return self.edit.project

    # --- the picture --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.overview = menu.overview(self.project)
        yield Static(id="edit-title")
        with VerticalScroll(id="edit-body", can_focus=False):
            yield self.make_grid()
            yield Static(id="cell-detail")
            yield Static(id="derived")
            yield Static("Actions", id="actions-title")
            yield OptionList(id="actions")
        yield Static(id="edit-status")
        yield KeyLine()

    def make_grid(self) -> ChoiceGrid:
        view = self.overview
        return ChoiceGrid(
            "slot",
            view.environments,
            [slot.key for slot in view.slots],
            self.describe_cell,
            id="providers",
        )

    def on_mount(self) -> None:
        self.show_picture()
        self.set_status("Arrows move · Enter changes a provider · Tab to the actions · Esc leaves")
        self.run_check()

    def unknown_provider(self, env: str, slot) -> str | None:
        """The provider domain.toml names for `slot` in `env` when the catalog does not know
        it (the overview leaves such a slot out, as Protean would fail to load it), as check
        shows it: a pasted URL's password masked, escapes shown as such."""
        table = self.project.tree if env == "base" else self.project.tree.get(env)
        for part in slot.path:
            table = table.get(part) if isinstance(table, dict) else None
        value = table.get("provider") if isinstance(table, dict) else None
        if value is None or str(value) in PROVIDERS[slot.role]:
            return None
        return printable(redact_text(str(value)))

    def describe_cell(self, row: int, column: int) -> tuple[Text, set[str]]:
        view = self.overview
        env, slot = view.environments[column], view.slots[row]
        cell = view.cell(env, slot)
        if cell.provider is None:
            unknown = self.unknown_provider(env, slot)
            if unknown is not None:  # a misspelled provider: marked, not shown as absent
                return Text(f"? {unknown}"), {"-risky"}
            return Text("-"), {"-inherit"}
        text = Text(("↑ " if cell.inherited else "") + cell.provider)
        classes = {"-inherit"} if cell.inherited else set()
        if (env, slot) in self.flagged:
            text.append(" !")
            classes.add("-risky")
        return text, classes

    @property
    def flagged(self) -> dict:
        """Cells a finding of `check` is about (after the check has run)."""
        if self.findings is None:
            return {}
        return model.findings_by_cell(self.overview, self.findings)

    def show_picture(self) -> None:
        view = self.overview
        self.query_one("#edit-title", Static).update(
            Text.assemble(
                ("protean-init", "bold"), "  editing ", (view.name, "bold"), f" ({view.config})"
            )
        )
        derived = Text("Derived  ", style="bold")
        if view.derived:
            for index, (path, ours) in enumerate(view.derived):
                derived.append(" · " if index else "")
                derived.append(path)
                if not ours:
                    derived.append(" (yours: only added to)", style="italic")
        else:
            derived.append("none yet")
        derived.append("\nServices ", style="bold")
        derived.append(", ".join(view.services) or "none: every provider runs in memory")
        if view.upgrade is not None:
            derived.append("\nUpgrade  ", style="bold")
            derived.append(f"made by protean-init {view.upgrade[0]}; u upgrades it to ")
            derived.append(f"{view.upgrade[1]}'s templates, keeping your edits")
        self.query_one("#derived", Static).update(derived)
        self.show_actions()
        self.show_detail()

    def show_actions(self) -> None:
        missing = model.missing_overlays(self.project)
        ci = self.overview.ci
        extra = {
            "add_overlays": (
                ": " + ", ".join(missing) if missing else " (production, test and memory exist)"
            ),
            "regenerate_ci": f" ({model.CI_NAMES[ci]})" if ci in model.CI_NAMES else "",
            "deploy": f" ({self.project.identity.deploy})",
            "check": self.check_summary(),
        }
        actions = self.query_one("#actions", OptionList)
        highlighted = actions.highlighted
        actions.set_options(
            Option(
                Text.assemble((f" {key} ", "bold"), " ", label, (extra.get(name, ""), "dim")),
                id=name,
            )
            for name, key, label in ACTIONS
        )
        actions.highlighted = highlighted if highlighted is not None else 0

    def check_summary(self) -> str:
        if self.findings is None:
            return " …"

        return f": {tally(self.findings)}"

    def show_detail(self) -> None:
        view = self.overview
        grid = self.query_one("#providers", ChoiceGrid)
        row, column = grid.cursor
        env, slot = view.environments[column], view.slots[row]
        cell = view.cell(env, slot)
        parts: list[str | tuple[str, str]] = [(env, "bold"), f" · {slot.key}: "]
        unknown = self.unknown_provider(env, slot) if cell.provider is None else None
        if unknown is not None:
            known = ", ".join(PROVIDERS[slot.role])
            parts.append((f"? {unknown}", "bold"))
            parts.append(
                (f" — not a {slot.role.label} provider Protean knows ({known})", "$text-warning")
            )
        elif cell.provider is None:
            parts.append("not set here")
        else:
            parts.append((cell.provider, "bold"))
            parts.append(" (inherited from base)" if cell.inherited else "")
            provider = PROVIDERS[slot.role].get(cell.provider)
            finding = self.flagged.get((env, slot))
            if finding is not None:
                parts.append((f" — ! {finding.message}", "$text-warning"))
            elif provider is not None:
                parts.append((f" — {provider.summary}", "$text-muted"))
        detail = Content.assemble(*parts)
        self.query_one("#cell-detail", Static).update(detail)

    @on(ChoiceGrid.Moved)
    def handle_moved(self) -> None:
        self.show_detail()

    async def reload(self, project: Project) -> None:
        """Show `project` (read again after a change): a new grid, keeping the cursor."""
        self.edit.project = project
        old = self.query_one("#providers", ChoiceGrid)
        cursor, focused = old.cursor, old.has_focus
        self.overview = menu.overview(project)
        grid = self.make_grid()
        if focused:
            # Removing the focused grid would hand focus to the next widget, the actions list
            # at the bottom, and scroll the menu down to it: the grid's top out of view.
            self.set_focus(None, scroll_visible=False)
        await old.remove()
        await self.query_one("#edit-body").mount(grid, before=self.query_one("#cell-detail"))
        grid.cursor = (
            min(cursor[0], len(self.overview.slots) - 1),
            min(cursor[1], len(self.overview.environments) - 1),
        )
        if focused:
            grid.focus()
        self.show_picture()
        self.run_check()

    def set_status(self, text: str, tone: str = "") -> None:
        status = self.query_one("#edit-status", Static)
        status.set_class(tone == "error", "-error")
        status.set_class(tone == "success", "-success")
        status.update(Text(text))

    # --- running actions ----------------------------------------------------------------

    @on(OptionList.OptionSelected, "#actions")
    def handle_action(self, event: OptionList.OptionSelected) -> None:
        self.run_menu_action(event.option.id or "")

    # Not run_action: that is Textual's own (it runs a binding's action string).
    def run_menu_action(self, name: str) -> None:
        # Called next, not here: some actions are coroutines (derive, upgrade, remove).
        self.call_next(getattr(self, f"action_{name}"))

    async def preview(self, make: Callable[[], Proposal]) -> bool:
        """Compute the proposal, show its diff, write it on confirm; True when written."""
        # deferred: scaffolder.reopen.derive ~25 ms, scaffolder.ui.common.preview ~1 ms (CPU,
        # measured): the edit menu's first screen imports this module without them
        from scaffolder.reopen.derive import MergeConflict
        from scaffolder.ui.common.preview import ReportModal, diff_syntax

        try:
            proposal = make()
        except MergeConflict as error:
            head, _, report = str(error).partition("\n")
            self.set_status(f"✗ nothing written: {head}", "error")
            await self.app.push_screen_wait(
                ReportModal(
                    "Nothing written: your edits conflict with the regenerated files",
                    diff_syntax(report, self.app.current_theme.dark, self.background()),
                    summary=(
                        "Resolve the conflict by hand (the regenerated lines are marked), "
                        "or run the same edit with --force on the command line."
                    ),
                    confirm=None,
                    error=True,
                )
            )
            return False
        except ScaffolderError as error:
            self.set_status(f"✗ nothing written: {error}", "error")
            self.notify(str(error), title="Nothing written", severity="error", timeout=6)
            return False
        if not proposal.changes:
            self.set_status(f"{proposal.title}: nothing would change.")
            self.notify("Nothing would change: the files are up to date.", timeout=3)
            return False
        count = len(proposal.paths)  # the record of what was generated is not shown
        confirmed = await self.app.push_screen_wait(
            ReportModal(
                proposal.title,
                diff_syntax(proposal.diff(), self.app.current_theme.dark, self.background()),
                summary=f"{count} file{'s' if count != 1 else ''} change: "
                + ", ".join(proposal.paths),
                notes=proposal.notes,
            )
        )
        if not confirmed:
            self.set_status(f"{proposal.title}: cancelled, nothing written.")
            return False
        try:
            project = menu.apply_proposal(proposal)
        except ScaffolderError as error:
            self.set_status(f"✗ {error}", "error")
            self.notify(str(error), title="Nothing written", severity="error", timeout=6)
            return False
        self.edit.applied.append(model.outcome_line(proposal))
        if project is not None:
            await self.reload(project)
        self.set_status(f"✓ {model.short_outcome(proposal)}", "success")
        return True

    def background(self) -> str:
        return self.app.get_css_variables().get("surface", "default")

    async def choose(
        self, title: str, options: list[model.Option], start: int, escape: str = "keep as is"
    ) -> int | None:
        return await self.app.push_screen_wait(choice_dialog(title, options, start, escape))

    def add_cancelled(self, key: str) -> None:
        """Esc in a picker of an add that asks one environment after another: the whole add
        is cancelled, and the status line says so (the picker's help line said it would)."""
        self.set_status(f"Adding {key} cancelled; nothing written.")

    # --- the actions --------------------------------------------------------------------

    # Each action's first dialog is pushed by the key's own handler (ask), the rest of the
    # action runs in a worker: keys typed right after the action's key reach that dialog.

    def action_add_database(self) -> None:
        project = self.project
        dialog = NameModal(
            "Add a named database",
            "lower-case letters, digits and '_'; then its provider in each environment",
            lambda text: model.database_name_error(project, text),
        )
        self.add_database(project, ask(self.app, dialog))

    @work(exclusive=True, group="action")
    async def add_database(self, project: Project, named: Awaitable[str | None]) -> None:
        name = await named
        if not name:
            return
        picked = await self.pick_providers(project, Role.DATABASE, name)
        if picked is not None:
            base, env_choices = picked
            await self.preview(lambda: menu.propose_add_database(project, name, base, env_choices))

    async def pick_providers(
        self, project: Project, role: Role, name: str
    ) -> tuple[str, dict[str, str]] | None:
        """A new named slot's provider in base, then in each overlay (None there: add_slot's
        own), each picker starting on what the role's default slot uses in that environment;
        None when Esc cancels the add (the status line says so)."""
        key = f"{role.value}.{name}"
        escape = "cancel the add"
        options = model.provider_options(role)
        start = [option.value for option in options].index(
            model.base_default_provider(project, role)
        )
        picked = await self.choose(f"{key} in base", options, start, escape)
        if picked is None:
            self.add_cancelled(key)
            return None
        base = options[picked].value
        assert base is not None
        env_choices: dict[str, str] = {}
        for env in overlay_names(project.tree):
            options, start = model.overlay_slot_options(project, role, env, base)
            picked = await self.choose(f"{key} in {env}", options, start, escape)
            if picked is None:
                self.add_cancelled(key)
                return None
            if options[picked].value is not None:
                env_choices[env] = options[picked].value  # type: ignore[assignment]
        return base, env_choices

    def action_change_provider(self) -> None:
        grid = self.query_one("#providers", ChoiceGrid)
        grid.focus()
        grid.action_activate()

    @on(ChoiceGrid.Activated, "#providers")
    def handle_cell(self, event: ChoiceGrid.Activated) -> None:
        self.change_provider(event.row, event.column)

    def change_provider(self, row: int, column: int) -> None:
        project, view = self.project, self.overview
        env, slot = view.environments[column], view.slots[row]
        # An overlay's picker starts with `inherit`: drop its own table, use base's.
        options, start = model.cell_provider_options(project, env, slot)
        dialog = choice_dialog(f"{slot.key} in {env}", options, start)
        self.set_provider(project, env, slot, options, ask(self.app, dialog))

    @work(exclusive=True, group="action")
    async def set_provider(
        self,
        project: Project,
        env: str,
        slot,
        options: list[model.Option],
        answer: Awaitable[int | None],
    ) -> None:
        picked = await answer
        if picked is None:
            return
        provider = options[picked].value
        await self.preview(lambda: menu.propose_set_provider(project, env, slot, provider))

    def highlighted_slot(self, verb: str):  # type: ignore[no-untyped-def]
        """The named slot of the grid's row (not `default`), or None with a word why and what
        to do instead: `verb` (remove, rename) is what the key does to a named one."""
        view = self.overview
        row, _ = self.query_one("#providers", ChoiceGrid).cursor
        slot = view.slots[row]
        named = model.named_slots(self.project)
        if slot not in named:
            instead = (
                f"move the cursor to {', '.join(s.key for s in named)}"
                if named
                else "there is no named database, broker or cache yet (a or b adds one)"
            )
            self.notify(f"{slot.key} cannot be {verb}d: {instead}", severity="warning")
            return None
        return slot

    def action_add_slot(self) -> None:
        roles = [
            model.Option(Role.BROKER.value, "broker", "a named broker"),
            model.Option(Role.CACHE.value, "cache", "a named cache"),
        ]
        dialog = choice_dialog("Add a named broker or cache", roles, 0)
        self.add_slot(self.project, roles, ask(self.app, dialog))

    @work(exclusive=True, group="action")
    async def add_slot(
        self, project: Project, roles: list[model.Option], answer: Awaitable[int | None]
    ) -> None:
        picked = await answer
        if picked is None:
            return
        role = Role(roles[picked].value)
        name = await self.app.push_screen_wait(
            NameModal(
                f"Add a named {role.label}",
                "lower-case letters, digits and '_'; then its provider in each environment",
                lambda text: model.slot_name_error(project, role, text),
                placeholder=f"type a name, e.g. {NAME_EXAMPLES[role]}",
            )
        )
        if not name:
            return
        picked = await self.pick_providers(project, role, name)
        if picked is not None:
            base, env_choices = picked
            await self.preview(
                lambda: menu.propose_add_slot(project, role, name, base, env_choices)
            )

    @work(exclusive=True, group="action")
    async def action_remove_slot(self) -> None:
        project, slot = self.project, self.highlighted_slot("remove")
        if slot is not None:
            role, name = slot.role, slot.name or ""  # highlighted_slot: a named one
            await self.preview(lambda: menu.propose_remove_slot(project, role, name))

    def action_rename_slot(self) -> None:
        project, slot = self.project, self.highlighted_slot("rename")
        if slot is None:
            return
        dialog = NameModal(
            f"Rename {slot.key}",
            # Its TOML tables: "tables" alone reads as a database's, and a cache has none.
            f"Lower-case letters, digits and '_'. [{slot.key}] is renamed in every environment, "
            "and its variable too if it has the default name.",
            lambda text: model.slot_name_error(project, slot.role, text),
            verb="Rename",
            placeholder=f"the new name of {slot.name}",
        )
        self.rename_slot(project, slot, ask(self.app, dialog))

    @work(exclusive=True, group="action")
    async def rename_slot(self, project: Project, slot, named: Awaitable[str | None]) -> None:
        name = await named
        if name:
            await self.preview(
                lambda: menu.propose_rename_slot(project, slot.role, slot.name, name)
            )

    def action_set_setting(self) -> None:
        _, column = self.query_one("#providers", ChoiceGrid).cursor
        envs = list(self.overview.environments)
        env_options = [model.Option(env, env, "") for env in envs]
        dialog = choice_dialog("A setting of which environment?", env_options, column)
        self.set_setting(self.project, envs, ask(self.app, dialog))

    @work(exclusive=True, group="action")
    async def set_setting(
        self, project: Project, envs: list[str], answer: Awaitable[int | None]
    ) -> None:
        picked = await answer
        if picked is None:
            return
        env = envs[picked]
        settings = list(SETTING_TABLE.values())
        setting_options = [model.Option(s.key, s.key, s.allowed) for s in settings]
        picked = await self.choose(f"Which setting of {env}?", setting_options, 0)
        if picked is None:
            return
        setting = settings[picked]
        values = model.setting_value_options(env, setting)
        if values:
            picked = await self.choose(f"{env}.{setting.key}", values, 0)
            value = values[picked].value if picked is not None else None
        else:
            value = await self.app.push_screen_wait(
                NameModal(
                    f"{env}.{setting.key}",
                    setting.allowed,
                    lambda text: model.assignment_error(f"{env}.{setting.key}={text}"),
                    verb="Set",
                    placeholder="type the value",
                )
            )
        if value:
            key = f"{env}.{setting.key}={value}"
            await self.preview(lambda: menu.propose_edit(project, [key]))

    def action_set_key(self) -> None:
        # deferred: scaffolder.vocabulary ~0.9 ms (wall, measured on the shared machine): the edit
        # menu's first screen imports this module without it
        from scaffolder.vocabulary import vocabulary_help

        dialog = NameModal(
            "Set KEY=VALUE",
            vocabulary_help(values=False),
            model.assignment_error,
            verb="Set",
            placeholder="e.g. production.debug=false",
        )
        self.set_key(self.project, ask(self.app, dialog))

    @work(exclusive=True, group="action")
    async def set_key(self, project: Project, typed: Awaitable[str | None]) -> None:
        text = await typed
        if text:
            await self.preview(lambda: menu.propose_edit(project, [text]))

    @work(exclusive=True, group="action")
    async def action_upgrade(self) -> None:
        project = self.project
        await self.preview(lambda: menu.propose_upgrade(project))

    @work(exclusive=True, group="action")
    async def action_derive(self) -> None:
        project = self.project
        await self.preview(lambda: menu.propose_derive(project))

    def action_add_overlays(self) -> None:
        project = self.project
        missing = model.missing_overlays(project)
        if not missing:
            self.notify(f"This project has {PRODUCTION}, {TEST} and {MEMORY} overlays already.")
            return
        notes = {
            PRODUCTION: "servers from variables with no default; async",
            TEST: "testing on; the base's providers",
            MEMORY: "everything in memory: pytest --protean-env memory",
        }
        dialog = PickManyModal(
            "Add overlays, computed from the base configuration",
            [(option_label(env, notes[env]), env) for env in missing],
        )
        self.add_overlays(project, ask(self.app, dialog))

    @work(exclusive=True, group="action")
    async def add_overlays(self, project: Project, picked: Awaitable[list[str] | None]) -> None:
        envs = await picked
        if envs:
            await self.preview(lambda: menu.propose_add_overlays(project, envs))

    def action_regenerate_ci(self) -> None:
        project = self.project
        options, start = model.ci_options(project)
        dialog = choice_dialog("Regenerate the CI config from domain.toml", options, start)
        self.preview_picked(options, ask(self.app, dialog), partial(menu.propose_ci, project))

    def action_deploy(self) -> None:
        project = self.project
        options, start = model.deploy_options(project)
        dialog = choice_dialog("Deployment files, derived from domain.toml", options, start)
        self.preview_picked(options, ask(self.app, dialog), partial(menu.propose_deploy, project))

    @work(exclusive=True, group="action")
    async def preview_picked(
        self,
        options: list[model.Option],
        answer: Awaitable[int | None],
        propose: Callable[[str], Proposal],
    ) -> None:
        """The change `propose` makes of the option picked in a pick-one dialog, previewed."""
        picked = await answer
        if picked is None:
            return
        value = options[picked].value
        assert value is not None
        await self.preview(lambda: propose(value))

    @work(exclusive=True, group="help")
    async def action_help(self) -> None:
        """The menu's keys, as the wizard's F1 shows its own: the same ones the screen and
        its footer name, in one place."""
        # deferred: scaffolder.ui.common.preview ~1 ms (CPU, measured): the edit menu's first
        # screen imports this module without it
        from scaffolder.ui.common.preview import ReportModal

        body = Table.grid(padding=(0, 2))
        body.add_column(style="bold", no_wrap=True)
        body.add_column(ratio=1)  # wrapped under itself, not under the keys
        for key, what in model.help_lines(ACTIONS):
            body.add_row(key, what)
        await self.app.push_screen_wait(
            ReportModal(
                "protean-init: the edit menu's keys",
                body,
                summary="Each action shows its diff first and writes only on confirm.",
                confirm=None,
            )
        )

    def action_check(self) -> None:
        # A fresh check (the files may have changed outside the menu): about a third of a
        # second, most of it importing Protean; said at once, so the key visibly did something.
        self.set_status("Checking the project, as protean-init check does…")
        self.run_check(show=True)

    # --- checking -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="check")
    def run_check(self, show: bool = False) -> None:
        root = self.project.root
        try:
            findings = check_project(root)
        except ScaffolderError as error:
            self.app.call_from_thread(self.set_status, f"✗ check: {error}", "error")
            return
        self.app.call_from_thread(self.checked, findings, show)

    def checked(self, findings: list[Finding], show: bool) -> None:
        self.findings = findings
        self.show_actions()
        self.query_one("#providers", ChoiceGrid).refresh_cells()
        self.show_detail()
        if show:
            self.show_findings(findings)

    @work(exclusive=True, group="action")
    async def show_findings(self, findings: list[Finding]) -> None:
        # deferred: scaffolder.ui.common.findings ~1 ms with its report modal (CPU, measured):
        # the edit menu's first screen imports this module without it
        from scaffolder.ui.common.findings import show_check_report

        await show_check_report(
            self,
            findings,
            title="protean-init check",
            nothing="✓ Nothing to report: Protean will read this configuration as meant.",
            summary="The same findings as `protean-init check` prints, most serious first.",
            say=lambda line, errors: self.set_status(line, "error" if errors else ""),
        )
