"""Step 6: what was written, and the commands to run next. q, Enter or Escape leaves."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from scaffolder.generated_record import is_record
from scaffolder.next_steps import files_written, next_commands
from scaffolder.ui.wizard.screens.base import StepScreen
from scaffolder.ui.wizard.steps import DONE

PROMPT = "  $ "


def one_per_line(commands: list[tuple[str, str]], room: int) -> list[tuple[str, str]]:
    """The commands as the Done step shows them: one chained with `&&` that is wider than
    `room` becomes its parts, each on its own line (the same commands, run in order; the
    note goes with the last), so no command wraps into the next line's place."""
    shown: list[tuple[str, str]] = []
    for command, note in commands:
        width = len(command) + (len(note) + 5 if note else 0)
        parts = command.split(" && ") if width > room else [command]
        shown += [(part, "") for part in parts[:-1]]
        shown.append((parts[-1], note))
    return shown


class DoneScreen(StepScreen):
    # Only this step's rules, parsed when it is first shown: not at start-up.
    DEFAULT_CSS = """
        #done-title {
            color: $text-success;
            margin-bottom: 1;
        }
        #next-steps {
            margin-bottom: 1;
        }
    """
    step = DONE
    next_label = "Exit"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,enter,escape", "app.exit_done", "Exit"),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static(id="done-title")
        yield Static(id="next-steps")
        yield Static("Written:", classes="written-title")
        yield Static(id="written")

    def on_screen_resume(self) -> None:
        outcome = self.wizard.outcome
        if outcome is None:
            return
        written = self.wizard.written
        target = outcome.target
        self.query_one("#done-title", Static).update(
            Text.assemble(
                ("✓ ", "bold"),
                (f"Created {outcome.spec.project_name}", "bold"),
                (
                    f", a workspace of {', '.join(outcome.workspace.names)},"
                    if outcome.workspace is not None
                    else ""
                ),
                f" in {target}/ ({files_written(written)})",
            )
        )
        self.query_one("#next-steps", Static).update(self.next_steps(written))
        self.query_one("#written", Static).update(
            Text("\n".join(f"  {path}" for path in written if not is_record(path)), style="dim")
        )
        self.query_one("#nav #next").focus()

    def next_steps(self, written: list[str]) -> Text:
        outcome = self.wizard.outcome
        assert outcome is not None
        text = Text("Next:\n", style="bold")
        # What is left of the terminal's width for a command: less the body's padding (2 each
        # side), its scrollbar (2: the written files overflow at 80x24) and "  $ ".
        room = self.app.size.width - 6 - len(PROMPT)
        commands = next_commands(outcome.spec, outcome.target, written)
        if outcome.workspace is not None:
            commands = per_context(commands, outcome.spec.package_name, outcome.workspace.names)
        for command, note in one_per_line(commands, room):
            text.append(PROMPT, style="dim")
            text.append(command, style="bold")
            if note:
                text.append(f"   # {note}", style="dim")
            text.append("\n")
        return text

    def go_next(self) -> None:
        self.wizard.action_exit_done()


def per_context(
    commands: list[tuple[str, str]], package: str, contexts: tuple[str, ...]
) -> list[tuple[str, str]]:
    """A workspace's next commands: its suites and `db setup` run one context at a time
    (each its own Domain and config), as `new --context` says; the others are the project's."""
    result: list[tuple[str, str]] = []
    for command, note in commands:
        if command.endswith("pytest --protean-env memory"):
            run = command.removesuffix("pytest --protean-env memory")
            result += [(f"{run}pytest tests/{name} --protean-env memory", "") for name in contexts]
        elif command.endswith("pytest"):
            result += [(f"{command} tests/{name}", "") for name in contexts]
        elif f"src/{package}/domain.py" in command:
            result += [
                (command.replace(f"src/{package}/", f"src/{name}/"), note) for name in contexts
            ]
        else:
            result.append((command, note))
    return result
