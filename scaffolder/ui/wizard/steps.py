"""What the wizard's app and its step screens both read: the steps (their order, titles and
what each decides) and the part of the app a step screen uses (`Wizard`).

The screens import this, never the app: the app builds the screens, and each screen reaches
the app's draft and actions through `Wizard`, which the app implements.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from scaffolder.ui.common.outcome import WizardOutcome
    from scaffolder.ui.common.state import Draft

PROJECT, PROVIDERS, CONNECTIONS, DEPLOY, REVIEW, DONE = range(6)
STEP_NAMES = ("project", "providers", "connections", "deploy", "review", "done")
STEP_TITLES = ("Project", "Providers", "Connections", "Deploy", "Review", "Done")
# What each step decides: the palette's and the help screen's one line per step.
STEP_HELP = (
    "project and package names, the bounded contexts, the folder, CI, pip or uv, and compose",
    "a provider per slot and environment; named databases; debug, testing, processing",
    "the variable each connection reads, and its default outside production",
    "Docker, Kubernetes or none; subscription type, workers, replicas",
    "the files to be written and what check finds; ctrl+s writes them",
    "what was written and what to run next",
)

# Writes the project a wizard settled on; the paths it wrote. Run in a worker thread.
WriteCallback = Callable[["WizardOutcome"], list[str]]


class Wizard(Protocol):
    """The app as a step screen sees it."""

    draft: Draft
    write: WriteCallback | None
    writing: bool
    written: list[str]
    outcome: WizardOutcome | None

    def action_next(self) -> None: ...

    def action_step_back(self) -> None: ...

    def action_exit_done(self) -> None: ...

    def finish(self, outcome: WizardOutcome, written: list[str] | None) -> None: ...
