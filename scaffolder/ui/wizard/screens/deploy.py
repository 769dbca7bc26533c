"""Step 4: how the project runs in production: the deployment files, and the engine settings
they read (the subscription type, workers, replicas).

The choices fill the same spec `new --deploy`, `--set production.server....` and the
`deploy` command fill: the Draft keeps them, Review renders the files from them.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from scaffolder.spec.choices import DEPLOY_CHOICES
from scaffolder.spec.environments import PRODUCTION
from scaffolder.spec.settings import SUBSCRIPTION_TYPES
from scaffolder.ui.common.widgets import ChoiceRow, FieldRow
from scaffolder.ui.wizard.screens.base import StepScreen
from scaffolder.ui.wizard.steps import DEPLOY

DEPLOY_LABELS = {"docker": "Docker", "kubernetes": "Kubernetes", "none": "none"}
DEPLOY_HINTS = {
    "docker": "Dockerfile, .dockerignore: the image runs `protean server`",
    "kubernetes": "Dockerfile + Kustomize manifests in deploy/kubernetes/",
    "none": "no deployment files (`protean-init deploy` adds them later)",
}
SUBSCRIPTION_HINTS = {
    "event_store": "single-writer: one engine at a time (Protean's default)",
    "stream": "Redis Streams consumer groups: engines may scale out",
}
COUNT_HINTS = {
    "workers": "protean server --workers N: engine processes per container",
    "replicas": "engine pods in the Kubernetes Deployment",
}
LABELS = {"workers": "Workers", "replicas": "Replicas"}
# The one-line why of the scale rule, under the fields.
SCALE_NOTE = "More than 1 worker or replica needs stream: event store is single-writer."


class DeployScreen(StepScreen):
    step = DEPLOY
    AUTO_FOCUS = "#deploy"

    def compose_body(self) -> ComposeResult:
        draft = self.draft
        yield Static(
            "How the project runs in production, derived from domain.toml.",
            classes="intro",
        )
        yield FieldRow(
            "Deploy",
            ChoiceRow(
                {key: DEPLOY_LABELS[key] for key in DEPLOY_CHOICES}, draft.deploy, id="deploy"
            ),
            id="deploy-row",
        )
        yield FieldRow(
            "Subscriptions",
            ChoiceRow(
                {kind: kind for kind in SUBSCRIPTION_TYPES},
                draft.subscription_type(),
                id="subscriptions",
            ),
            id="subscriptions-row",
        )
        for name in COUNT_HINTS:
            yield FieldRow(
                LABELS[name],
                Input(draft.count_text(name), id=f"deploy-{name}", compact=True, type="integer"),
                id=f"deploy-{name}-row",
            )
        yield Static(SCALE_NOTE, id="scale-note", classes="intro")

    def on_mount(self) -> None:
        self.refresh_hints()

    def on_screen_resume(self) -> None:
        # Providers may have changed production's subscription type (a `k` edit, an origin).
        self.refresh_hints()
        self.show_pending_errors()

    # --- choosing -----------------------------------------------------------------------

    def sync(self) -> None:
        for name in COUNT_HINTS:
            self.draft.set_count(name, self.query_one(f"#deploy-{name}", Input).value.strip())

    @on(ChoiceRow.Changed, "#deploy")
    def handle_deploy(self, event: ChoiceRow.Changed) -> None:
        self.draft.set_deploy(event.value)
        self.refresh_hints()

    @on(ChoiceRow.Changed, "#subscriptions")
    def handle_subscriptions(self, event: ChoiceRow.Changed) -> None:
        self.draft.set_subscription_type(event.value)
        self.refresh_hints()

    @on(Input.Changed, "#deploy-workers, #deploy-replicas")
    def handle_count(self, event: Input.Changed) -> None:
        self.sync()
        self.refresh_hints()

    @on(Input.Submitted)
    def handle_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    # --- showing ------------------------------------------------------------------------

    def refresh_hints(self, errors: dict[str, str] | None = None) -> None:
        draft = self.draft
        errors = draft.deploy_errors() if errors is None else errors
        if not errors:
            self.set_status("")
        self.query_one("#deploy-row", FieldRow).show(DEPLOY_HINTS[draft.deploy])
        kind = draft.subscription_type()
        self.query_one("#subscriptions-row", FieldRow).show(
            SUBSCRIPTION_HINTS[kind], warning=self.stream_commands_warning()
        )
        for name, hint in COUNT_HINTS.items():
            key = f"deploy-{name}"
            if name == "replicas" and draft.deploy != "kubernetes":
                hint = "used by the Kubernetes manifests only"
            self.query_one(f"#{key}-row", FieldRow).show(hint, errors.get(key))
            self.query_one(f"#{key}", Input).set_class(key in errors, "-invalid")

    def stream_commands_warning(self) -> str | None:
        """check's stream-commands finding, here where the choice is made: Protean 0.18 stores
        async commands in the event store, which a stream engine never reads."""
        draft = self.draft
        if draft.subscription_type() != "stream":
            return None
        if draft.effective_setting(PRODUCTION, "command_processing") != "async":
            return None
        return "stream engines never get async commands: make them sync"

    def show_errors(self) -> None:
        errors = self.draft.deploy_errors()
        self.refresh_hints(errors)
        for name in COUNT_HINTS:
            key = f"deploy-{name}"
            if key in errors:
                self.point_at(self.query_one(f"#{key}", Input), LABELS[name], errors[key])
                return
