"""How the prompts ask: questionary on a terminal (`Prompter`), plain lines with TERM=dumb
(`PlainPrompter`), and the replay of a group of questions after "back". Shared by the
new-project questions (scaffolder.ui.prompts.new_project) and the edit menu's prompts.
Ctrl-C, Escape or the end of input raise `Cancelled`; Ctrl-B (or `<`) raises `Back`.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import questionary
from prompt_toolkit import print_formatted_text
from prompt_toolkit.formatted_text import FormattedText, PygmentsTokens
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from questionary import Choice

from scaffolder.ui.common.findings import headline

BACK_KEY = "c-b"
BACK_HINT = "(ctrl+b: back one question)"


class Cancelled(Exception):
    pass


class Back(Exception):
    """The user asked for the previous question."""


class Prompter:
    """Asks through questionary, on the given prompt_toolkit input and output (tests pass pipes)."""

    back_hint = BACK_HINT

    def __init__(self, input=None, output=None) -> None:
        self.io: dict[str, Any] = {}
        if input is not None:
            self.io["input"] = input
        if output is not None:
            self.io["output"] = output
        self.output = output

    def ask(self, question: questionary.Question) -> Any:
        """Ask; Escape and Ctrl-C cancel, as does the end of input."""
        escape = KeyBindings()

        @escape.add("escape", eager=True)
        def _cancel(event) -> None:
            event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

        @escape.add(BACK_KEY, eager=True)
        def _back(event) -> None:
            event.app.exit(exception=Back, style="class:aborting")

        app = question.application
        app.key_bindings = merge_key_bindings(
            [escape] if app.key_bindings is None else [app.key_bindings, escape]
        )
        try:
            return question.unsafe_ask(patch_stdout=False)
        except (KeyboardInterrupt, EOFError) as error:
            raise Cancelled from error

    def text(self, message: str, default: str, validate=None, instruction: str | None = None):
        return self.ask(
            questionary.text(
                message, default=default, validate=validate, instruction=instruction, **self.io
            )
        )

    def select(self, message: str, options: list[tuple[str, Any]], default: Any) -> Any:
        """One of `options` (title, value); values may be None, which questionary cannot hold."""
        choices = [Choice(title, index) for index, (title, _) in enumerate(options)]
        values = [value for _, value in options]
        current = choices[values.index(default)] if default in values else None
        index = self.ask(questionary.select(message, choices=choices, default=current, **self.io))
        return options[index][1]

    def confirm(self, message: str, default: bool) -> bool:
        return self.ask(questionary.confirm(message, default=default, **self.io))

    def checkbox(self, message: str, choices: list[Choice]) -> list[Any]:
        return self.ask(questionary.checkbox(message, choices=choices, **self.io))

    def say(self, *parts: tuple[str, str] | str) -> None:
        text = FormattedText([("", p) if isinstance(p, str) else p for p in parts])
        if self.output is not None:
            print_formatted_text(text, output=self.output)
        else:
            print_formatted_text(text)

    def say_code(self, code: str, filename: str) -> None:
        # deferred: pygments.lexers ~5 ms, pygments.util ~3 ms (CPU after this module's own
        # imports), paid only when this runs
        from pygments.lexers import get_lexer_for_filename
        from pygments.util import ClassNotFound

        try:
            lexer = get_lexer_for_filename(filename)
        except ClassNotFound:
            self.say(code)
            return
        tokens = PygmentsTokens(list(lexer.get_tokens(code)))
        if self.output is not None:
            print_formatted_text(tokens, output=self.output, end="")
        else:
            print_formatted_text(tokens, end="")


def plain_terminal() -> bool:
    """TERM=dumb (an editor's shell, a CI log): no escape sequence may be written."""
    return os.environ.get("TERM", "").lower() == "dumb"


class PlainPrompter(Prompter):
    """The same questions as plain lines read with input(): for a terminal that cannot take
    colours or cursor movement. Enter keeps the default; `<` goes back one question; end of
    input cancels."""

    back_hint = "(type < to go back one question)"

    def __init__(self, input=None, output=None) -> None:
        super().__init__(input, output)
        self._in = sys.stdin
        self._out = sys.stdout

    def _line(self, prompt: str) -> str:
        self._out.write(prompt)
        self._out.flush()
        line = self._in.readline()
        if not line:
            raise Cancelled
        line = line.rstrip("\r\n")
        if line.strip() == "<":
            raise Back
        return line

    def text(self, message: str, default: str, validate=None, instruction: str | None = None):
        while True:
            shown = f" [{default}]" if default else ""
            value = self._line(f"{message}{shown}: ") or default
            verdict = validate(value) if validate else True
            if verdict is True:
                return value
            self.say(f"  {verdict}")

    def select(self, message: str, options: list[tuple[str, Any]], default: Any) -> Any:
        values = [value for _, value in options]
        current = values.index(default) + 1 if default in values else 1
        self.say(f"{message}:")
        for number, (title, _) in enumerate(options, 1):
            self.say(f"  {number}) {title}")
        while True:
            answer = self._line(f"number [{current}]: ").strip() or str(current)
            if answer.isdigit() and 1 <= int(answer) <= len(options):
                return options[int(answer) - 1][1]
            self.say(f"  enter a number from 1 to {len(options)}")

    def confirm(self, message: str, default: bool) -> bool:
        while True:
            answer = self._line(f"{message} [{'Y/n' if default else 'y/N'}]: ").strip().lower()
            if not answer:
                return default
            if answer in ("y", "yes", "n", "no"):
                return answer.startswith("y")
            self.say("  answer y or n")

    def checkbox(self, message: str, choices: list[Choice]) -> list[Any]:
        ticked = [str(number) for number, choice in enumerate(choices, 1) if choice.checked]
        keep = f"Enter for {' '.join(ticked)}" if ticked else "Enter for none"
        self.say(f"{message} (numbers separated by spaces; {keep}):")
        for number, choice in enumerate(choices, 1):
            self.say(f"  {number}) {choice.title}")
        while True:
            shown = f" [{' '.join(ticked)}]" if ticked else ""
            answer = self._line(f"numbers{shown}: ").replace(",", " ").split() or ticked
            if all(a.isdigit() and 1 <= int(a) <= len(choices) for a in answer):
                return [choices[int(a) - 1].value for a in answer]
            self.say(f"  enter numbers from 1 to {len(choices)}")

    def say(self, *parts: tuple[str, str] | str) -> None:
        text = "".join(p if isinstance(p, str) else p[1] for p in parts)
        self._out.write(text + "\n")
        self._out.flush()

    def say_code(self, code: str, filename: str) -> None:
        self._out.write(code if code.endswith("\n") else code + "\n")


class Replay:
    """A group of questions asked again after "back": the answers before the one to ask
    again are given from the record, without showing anything, so the group takes the same
    path to it; from there each question is asked, offering its last answer as the default.

    Stands in for the Prompter (the same methods); `given` is what this run answered."""

    def __init__(self, prompter: Prompter, replay: list, remembered: list) -> None:
        self.prompter = prompter
        self.back_hint = prompter.back_hint
        self.replay = replay  # (question, answer): answered again without asking
        self.remembered = remembered  # (question, answer) of the last run: the defaults
        self.given: list[tuple[str, Any]] = []

    def _answer(self, message: str, default: Any, ask) -> Any:
        position = len(self.given)
        if position < len(self.replay):
            answer = self.replay[position][1]
        else:
            if position < len(self.remembered) and self.remembered[position][0] == message:
                default = self.remembered[position][1]
            answer = ask(default)
        self.given.append((message, answer))
        return answer

    def text(self, message: str, default: str, validate=None, instruction: str | None = None):
        return self._answer(
            message, default, lambda d: self.prompter.text(message, d, validate, instruction)
        )

    def select(self, message: str, options: list[tuple[str, Any]], default: Any) -> Any:
        return self._answer(message, default, lambda d: self.prompter.select(message, options, d))

    def confirm(self, message: str, default: bool) -> bool:
        return self._answer(message, default, lambda d: self.prompter.confirm(message, d))

    def checkbox(self, message: str, choices: list[Choice]) -> list[Any]:
        def ask(ticked: list[Any] | None) -> list[Any]:
            for choice in choices:
                choice.checked = ticked is not None and choice.value in ticked
            return self.prompter.checkbox(message, choices)

        return self._answer(message, None, ask)

    def say(self, *parts: tuple[str, str] | str) -> None:
        if len(self.given) >= len(self.replay):  # replayed questions showed nothing
            self.prompter.say(*parts)

    def say_code(self, code: str, filename: str) -> None:
        self.prompter.say_code(code, filename)


def validator(function):
    """A questionary validator from a `check(text) -> str | None`."""

    def validate(text: str) -> bool | str:
        error = function(text)
        return error or True

    return validate


FINDING_STYLES = {"error": "fg:ansired bold", "warning": "fg:ansiyellow bold", "drift": "bold"}


def say_findings(p: Prompter, findings: list, what: str, *, locations: bool = False) -> None:
    """`protean-init check`'s findings, as the TUI shows them: one line each, and the fix."""
    if not findings:
        p.say(("fg:ansigreen", f"✓ protean-init check: no findings in {what}"))
        return
    for finding in findings:
        p.say((FINDING_STYLES[finding.severity], headline(finding)))
        if locations:
            p.say(("fg:ansibrightblack", f"    {finding.location} · {finding.code}"))
        p.say(("fg:ansibrightblack", f"    fix: {finding.fix}"))
