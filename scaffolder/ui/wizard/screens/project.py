"""Step 1: project name, package name, the bounded contexts, target folder, CI provider,
installer, compose."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Static

from scaffolder.catalog import PROVIDERS
from scaffolder.spec.names import package_name_for
from scaffolder.ui.common.widgets import (
    ChoiceRow,
    CompactInput,
    FieldRow,
    Hint,
    RowCheckbox,
    toggle_classes,
)
from scaffolder.ui.wizard.screens.base import StepScreen

CI_LABELS = {"github": "GitHub Actions", "gitlab": "GitLab CI", "none": "none"}
# How the README, CI and Dockerfile install the project. pip first, and the default (as with
# --defaults): it needs nothing but Python, where uv must be installed before the first command.
INSTALLER_HINTS = {
    "pip": "venv and pip: needs only Python",
    "uv": "as protean new does: needs uv",
}
HINTS = {
    "project-name": "letters, digits, '-', '_' or '.', starting with a letter",
    "package-name": "the import name; follows the project name until edited",
    "target": "the folder to create; it should not exist or be empty",
    "ci": "a workflow: the tests in memory, then against real services",
}


LABELS = {
    "project-name": "Project name",
    "package-name": "Package",
    "contexts": "Contexts",
    "target": "Folder",
}
# The text fields, in the order shown: what show_errors focuses first.
TEXT_FIELDS = ("project-name", "package-name", "contexts", "target")


class ProjectScreen(StepScreen):
    step = 0
    AUTO_FOCUS = "#project-name"

    def compose_body(self) -> ComposeResult:
        draft = self.draft
        yield Static(
            "A new Protean project: its names, where it goes, and how it is tested.",
            classes="intro",
        )
        yield FieldRow(
            LABELS["project-name"],
            CompactInput(draft.project_name, id="project-name"),
            hint=HINTS["project-name"],
            id="project-name-row",
        )
        # The contexts beside the package, sharing its hint line: the six fields fill 80x24,
        # and a context is a package of the workspace.
        yield FieldRow(
            LABELS["package-name"],
            CompactInput(
                draft.package_name,
                id="package-name",
                placeholder=package_name_for(draft.project_name),
            ),
            CompactInput(
                draft.contexts_text,
                id="contexts",
                placeholder="2+ names: a workspace",
            ),
            hint=HINTS["package-name"],
            second_label=LABELS["contexts"],
            id="package-name-row",
        )
        yield FieldRow(
            LABELS["target"],
            CompactInput(draft.target_text(), id="target"),
            hint=HINTS["target"],
            id="target-row",
        )
        yield FieldRow(
            "CI",
            ChoiceRow(CI_LABELS, draft.ci, id="ci"),
            hint=HINTS["ci"],
            id="ci-row",
        )
        # Its hint beside the two buttons, not under them: at 80x24 the step has no line
        # to spare for one more.
        yield FieldRow(
            "Installer",
            ChoiceRow({name: name for name in INSTALLER_HINTS}, draft.installer, id="installer"),
            Hint(INSTALLER_HINTS[draft.installer], id="installer-hint"),
            hint=None,
            classes="-hint-beside",
        )
        yield FieldRow(
            "Compose",
            RowCheckbox(
                "docker-compose.yml for local services",
                draft.compose,
                id="compose",
                classes=toggle_classes(draft.compose),
            ),
            id="compose-row",
        )

    def on_screen_resume(self) -> None:
        # Shown first, or again: another step may have changed what the compose hint lists.
        self.refresh_hints()
        self.show_pending_errors()

    # --- typing -------------------------------------------------------------------------

    def sync(self) -> None:
        draft = self.draft
        name = self.query_one("#project-name", Input).value
        if name != draft.project_name:
            self.apply_project_name(name)
        package = self.query_one("#package-name", Input).value
        if package != draft.package_name:
            draft.set_package_name(package)
        target = self.query_one("#target", Input).value
        if target != draft.target_text():
            draft.set_target(target)
        contexts = self.query_one("#contexts", Input).value
        if contexts != draft.contexts_text:
            draft.set_contexts(contexts)

    # Each Input says Changed once as it mounts, with the value it was given: the draft's.
    @on(Input.Changed, "#project-name")
    def handle_project_name(self, event: Input.Changed) -> None:
        if event.value != self.draft.project_name:
            self.apply_project_name(event.value)

    def apply_project_name(self, name: str) -> None:
        draft = self.draft
        draft.set_project_name(name)
        package = self.query_one("#package-name", Input)
        package.placeholder = package_name_for(name)
        if draft.package_follows and package.value != draft.package_name:
            with package.prevent(Input.Changed):
                package.value = draft.package_name
        target = self.query_one("#target", Input)
        if draft.target_follows and target.value != draft.target_text():
            with target.prevent(Input.Changed):
                target.value = draft.target_text()
        self.refresh_hints()

    @on(Input.Changed, "#package-name")
    def handle_package_name(self, event: Input.Changed) -> None:
        if event.value != self.draft.package_name:
            self.draft.set_package_name(event.value)
            self.refresh_hints()

    @on(Input.Changed, "#target")
    def handle_target(self, event: Input.Changed) -> None:
        if event.value != self.draft.target_text():
            self.draft.set_target(event.value)
            self.refresh_hints()

    @on(Input.Changed, "#contexts")
    def handle_contexts(self, event: Input.Changed) -> None:
        if event.value != self.draft.contexts_text:
            self.draft.set_contexts(event.value)
            self.refresh_hints()

    @on(Input.Submitted)
    def handle_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    @on(ChoiceRow.Changed, "#ci")
    def handle_ci(self, event: ChoiceRow.Changed) -> None:
        self.draft.ci = event.value
        self.refresh_hints()

    @on(ChoiceRow.Changed, "#installer")
    def handle_installer(self, event: ChoiceRow.Changed) -> None:
        self.draft.installer = event.value
        self.refresh_hints()

    @on(Checkbox.Changed, "#compose")
    def handle_compose(self, event: Checkbox.Changed) -> None:
        self.draft.compose = event.value
        self.refresh_hints()

    # --- showing ------------------------------------------------------------------------

    def services(self) -> list[str]:
        """The compose services the current choices need, by name."""
        names = set()
        for draft in self.draft.grids():
            for env in draft.environments():
                for slot in draft.slots:
                    service = PROVIDERS[slot.role][draft.effective(env, slot)].service
                    if service:
                        names.add(service.name)
        return sorted(names)

    def refresh_hints(self, errors: dict[str, str] | None = None) -> None:
        draft = self.draft
        errors = draft.project_errors() if errors is None else errors
        if not errors:
            self.set_status("")
        for key in TEXT_FIELDS:
            self.query_one(f"#{key}", Input).set_class(key in errors, "-invalid")
            if key == "contexts":
                continue  # on the package's line
            warning = draft.target_warning() if key == "target" else None
            hint, error = HINTS[key], errors.get(key)
            if key == "package-name":
                hint = self.contexts_hint()
                if not error and "contexts" in errors:
                    error = f"{LABELS['contexts']}: {errors['contexts']}"
            self.query_one(f"#{key}-row", FieldRow).show(hint, error, warning)
        ci_hint = "no CI file" if draft.ci == "none" else HINTS["ci"]
        self.query_one("#ci-row", FieldRow).show(ci_hint)
        self.query_one("#installer-hint", Hint).show(INSTALLER_HINTS[draft.installer])
        services = self.services()
        if not draft.compose:
            compose_hint = "no compose file: you run the servers the test overlay needs"
        elif services:
            compose_hint = "services: " + ", ".join(services) + " (on 127.0.0.1)"
        else:
            compose_hint = "every provider is in memory: the file will have no services"
        self.query_one("#compose-row", FieldRow).show(compose_hint)

    def contexts_hint(self) -> str:
        """The package's line: its hint, or what the contexts typed make."""
        names = self.draft.context_names()
        if not names:
            return HINTS["package-name"]
        if len(names) == 1:
            return "one context: a single project (name two or more for a workspace)"
        return f"a workspace of {len(names)} contexts: " + ", ".join(
            f"src/{name}" for name in names
        )

    def show_errors(self) -> None:
        errors = self.draft.project_errors()
        self.refresh_hints(errors)
        for key in TEXT_FIELDS:
            if key in errors:
                self.point_at(self.query_one(f"#{key}", Input), LABELS[key], errors[key])
                return
