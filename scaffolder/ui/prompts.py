"""The line-by-line front end: the wizard's steps as questionary prompts, one after another.

Used with `--ui prompt`, and where a full-screen app cannot run (TERM=dumb, a small terminal).
It fills the same Draft as the wizard, so the same choices give the same spec. Ctrl-C, Escape
or end of input at any prompt returns None: nothing is written. Ctrl-B goes back one question.
With TERM=dumb the questions are plain lines (`PlainPrompter`): no colour, no cursor movement,
no escape sequence at all.
"""

from __future__ import annotations

import copy
import os
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Any

import questionary
from prompt_toolkit import print_formatted_text
from prompt_toolkit.formatted_text import FormattedText, PygmentsTokens
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from questionary import Choice

from scaffolder.catalog import PROVIDERS
from scaffolder.spec.environments import BASE, ENVIRONMENTS, INHERIT
from scaffolder.spec.names import validate_package_name, validate_project_name
from scaffolder.spec.project import ProjectSpec
from scaffolder.spec.slots import Slot
from scaffolder.ui.findings import config_findings, headline
from scaffolder.ui.outcome import WizardOutcome
from scaffolder.ui.state import (
    SETTING_LABELS,
    SETTING_VALUES,
    Draft,
    error_of,
    setting_text,
)

CI_CHOICES = (("GitHub Actions", "github"), ("GitLab CI", "gitlab"), ("none", "none"))


BACK_KEY = "c-b"
BACK_HINT = "(ctrl+b: back one question)"


class _Cancelled(Exception):
    pass


class _Back(Exception):
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
            event.app.exit(exception=_Back, style="class:aborting")

        app = question.application
        app.key_bindings = merge_key_bindings(
            [escape] if app.key_bindings is None else [app.key_bindings, escape]
        )
        try:
            return question.unsafe_ask(patch_stdout=False)
        except (KeyboardInterrupt, EOFError) as error:
            raise _Cancelled from error

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
            raise _Cancelled
        line = line.rstrip("\r\n")
        if line.strip() == "<":
            raise _Back
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


class _Replay:
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


def _check(function):
    """A questionary validator from a `check(text) -> str | None`."""

    def validate(text: str) -> bool | str:
        error = function(text)
        return error or True

    return validate


# --- the questions ------------------------------------------------------------------------
#
# One function a question (or a group that only makes sense together, as the providers of one
# environment); `run_prompts` walks the list and Ctrl-B steps back one. Each reads its default
# from the draft, so going back shows what was answered.


def q_project_name(p: Prompter, draft: Draft) -> None:
    p.say(("bold", "1/5 Project"), f"  {p.back_hint}")
    name = p.text(
        "Project name",
        draft.project_name,
        _check(lambda t: error_of(validate_project_name, t)),
    )
    draft.set_project_name(name)


def q_package_name(p: Prompter, draft: Draft) -> None:
    package = p.text(
        "Package name",
        draft.package_name,
        _check(lambda t: error_of(validate_package_name, t)),
    )
    draft.set_package_name(package)


def q_target(p: Prompter, draft: Draft) -> None:
    def target_error(text: str) -> str | None:
        probe = Draft(draft.project_name, draft.package_name, target=Path())
        probe.set_target(text)
        return probe.target_error()

    draft.set_target(p.text("Target folder", draft.target_text(), _check(target_error)))
    warning = draft.target_warning()
    if warning:
        p.say(("fg:ansiyellow", f"! {warning}"))


def q_ci(p: Prompter, draft: Draft) -> None:
    draft.ci = p.select("CI provider", list(CI_CHOICES), draft.ci)


def q_compose(p: Prompter, draft: Draft) -> None:
    draft.compose = p.confirm("Write docker-compose.yml for local services?", draft.compose)


def slot_summary(draft: Draft, env: str) -> str:
    """`databases.default=postgresql, caches.default=↑memory`: each slot labelled."""
    parts = []
    for slot in draft.slots:
        shown = draft.effective(env, slot)
        if env != BASE and draft.choice(env, slot) == INHERIT:
            shown = f"↑{shown}"
        parts.append(f"{slot.key}={shown}")
    return ", ".join(parts)


def q_databases(p: Prompter, draft: Draft) -> None:
    p.say("")
    p.say(("bold", "2/5 Providers"))
    named = [slot for slot in draft.slots if slot.role.is_named and slot.name != "default"]
    named = [slot for slot in named if slot.role.value == "databases"]
    if named:
        removed = p.checkbox(
            "Remove any named database?", [Choice(slot.key, slot) for slot in named]
        )
        for slot in removed:
            draft.remove_database(slot)
    while p.confirm("Add a named database?", False):
        name = p.text("Database name", "", _check(draft.database_error))
        draft.add_database(name)


def q_providers(p: Prompter, draft: Draft) -> None:
    p.say("Providers per environment; ↑ inherits base.")
    envs = p.checkbox(
        "Change providers in which environments?",
        [Choice(f"{env}: {slot_summary(draft, env)}", env) for env in ENVIRONMENTS],
    )
    for env in envs:
        for slot in draft.slots:
            choices = []
            for name in draft.choices(env, slot):
                if name == INHERIT:
                    title = f"inherit (from base: {draft.effective(BASE, slot)})"
                else:
                    title = PROVIDERS[slot.role][name].label
                choices.append((title, name))
            draft.set_provider(
                env, slot, p.select(f"{env} · {slot.key}", choices, draft.choice(env, slot))
            )


def settings_summary(draft: Draft, env: str) -> str:
    return ", ".join(
        f"{SETTING_LABELS[name]}={setting_text(draft.effective_setting(env, name))}"
        for name in SETTING_VALUES
    )


def q_settings(p: Prompter, draft: Draft) -> None:
    envs = p.checkbox(
        "Change settings (debug, testing, processing) in which environments?",
        [Choice(f"{env}: {settings_summary(draft, env)}", env) for env in ENVIRONMENTS],
    )
    for env in envs:
        for name in SETTING_VALUES:
            choices = []
            for value in draft.setting_choices(env, name):
                if value is None and env == BASE:
                    title = "unset (Protean's default)"
                elif value is None:
                    inherited = setting_text(draft.effective_setting(BASE, name))
                    title = f"inherit (from base: {inherited})"
                else:
                    title = setting_text(value)
                choices.append((title, value))
            value = p.select(f"{env} · {SETTING_LABELS[name]}", choices, draft.setting(env, name))
            draft.set_setting(env, name, value)


def q_connections(p: Prompter, draft: Draft) -> None:
    p.say("")
    p.say(("bold", "3/5 Connections"))
    slots = draft.server_slots()
    if not slots:
        p.say("Every provider runs in memory: there are no connections to configure.")
        return
    for slot in slots:
        url = draft.local_url(slot) or "(production only: no default)"
        p.say(f"  {slot.key}: ${{{draft.variable(slot)}}}  default {url}")
    if not p.confirm("Change any variable name or local default?", False):
        return
    for slot in slots:
        variable = p.text(
            f"{slot.key} variable",
            draft.variable(slot),
            _check(lambda text, slot=slot: _try(draft, slot, "variable", text)),
        )
        draft.set_variable(slot, variable)
        if draft.local_envs(slot):
            url = p.text(
                f"{slot.key} default outside production",
                draft.local_url(slot) or "",
                _check(lambda text, slot=slot: _try(draft, slot, "url", text)),
            )
            draft.set_local_url(slot, url)


def _try(draft: Draft, slot: Slot, what: str, text: str) -> str | None:
    """The error `text` would cause as `slot`'s variable or URL; the draft is left as it was."""
    variables, urls = dict(draft.variables), dict(draft.local_urls)
    try:
        if what == "variable":
            draft.set_variable(slot, text)
            return draft.variable_error(slot)
        draft.set_local_url(slot, text)
        return draft.local_url_error(slot)
    finally:
        draft.variables, draft.local_urls = variables, urls


DEPLOY_OPTIONS = (
    ("docker: a Dockerfile and .dockerignore (the image runs protean server)", "docker"),
    ("kubernetes: the Dockerfile, and Kustomize manifests in deploy/kubernetes/", "kubernetes"),
    ("none: no deployment files (protean-init deploy adds them later)", "none"),
)


def q_deploy(p: Prompter, draft: Draft) -> None:
    """The wizard's Deploy step as one question: the files. Scale (workers, replicas) and
    the subscription type stay as the spec has them: `--set` or `protean-init deploy`."""
    p.say("")
    p.say(("bold", "4/5 Deploy"))
    draft.set_deploy(
        p.select("Deployment files for production", list(DEPLOY_OPTIONS), draft.deploy)
    )


def plain_summary(draft: Draft, spec: ProjectSpec, columns: int | None = None) -> list[str]:
    """What the answers make, in plain text: the last thing shown before Write?. Each line a
    label, then its value in one column two spaces after the longest label; given the
    terminal's `columns`, a long value wraps in its column (shown indented by two)."""
    rows = [
        ("project", f"{spec.project_name} (package {spec.package_name}) in {draft.target}/"),
        (
            "CI",
            f"{dict((v, t) for t, v in CI_CHOICES)[spec.ci]}; "
            f"compose {'yes' if spec.compose else 'no'}",
        ),
        (
            "deploy",
            f"{spec.deploy} (workers {spec.workers}, replicas {spec.replicas}, "
            f"{draft.subscription_type()} subscriptions)",
        ),
    ]
    rows += [(env, slot_summary(draft, env)) for env in draft.environments()]
    for slot in draft.server_slots():
        url = draft.local_url(slot)
        default = f" (default {url})" if url else " (no default: production only)"
        rows.append((slot.key, f"${{{draft.variable(slot)}}}{default}"))
    width = max(len(label) for label, _ in rows) + 2
    room = columns - 2 - width if columns else 0
    lines = []
    for label, value in rows:
        parts = textwrap.wrap(value, room, break_on_hyphens=False) if room >= 20 else [value]
        lines.append(f"{label:<{width}}{parts[0]}")
        lines += [" " * width + part for part in parts[1:]]
    return lines


def q_review(p: Prompter, draft: Draft) -> bool:
    from scaffolder.render import render_project

    spec = draft.build()
    p.say("")
    p.say(("bold", "5/5 Review"))
    files = render_project(spec)
    p.say(f"{len(files)} files in {draft.target}/:")
    for path in files:
        p.say(f"  {path}")
    p.say("", ("bold underline", "domain.toml"))
    p.say_code(files["domain.toml"].decode("utf-8", errors="replace"), "domain.toml")
    findings = config_findings(files)
    say_findings(p, findings, "domain.toml")
    p.say("")
    p.say(("bold", "Summary"))
    for line in plain_summary(draft, spec, shutil.get_terminal_size().columns):
        p.say(f"  {line}")
    # Anything risky (a finding, a folder that is not empty): Enter must not write.
    risky = bool(findings) or draft.target_warning() is not None
    note = " (check's findings or a non-empty folder above: read them first)" if risky else ""
    return p.confirm(f"Write the project to {draft.target}/?{note}", not risky)


QUESTIONS = (
    q_project_name,
    q_package_name,
    q_target,
    q_ci,
    q_compose,
    q_databases,
    q_providers,
    q_settings,
    q_connections,
    q_deploy,
)


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


def _copy(draft: Draft) -> Draft:
    """A copy to go back to; the spec it started from is immutable, and shared."""
    origin = draft.origin
    return copy.deepcopy(draft, {id(origin): origin} if origin is not None else None)


def run_prompts(
    initial: ProjectSpec, target: Path, *, input=None, output=None
) -> WizardOutcome | None:
    """Ask the wizard's questions line by line; the outcome, or None when cancelled."""
    from scaffolder.ui import fullscreen_refusal

    p = PlainPrompter(input, output) if plain_terminal() else Prompter(input, output)
    reason = fullscreen_refusal()
    if reason:
        p.say(f"protean-init: {reason}, so the questions come line by line.")
    draft = Draft.from_spec(initial, target)
    # Per group of questions: the draft as it began, its answers (question, answer) in its
    # last run, and how many of them to give again without asking when it runs next.
    starts: list[Draft] = [draft] * len(QUESTIONS)
    answers: list[list[tuple[str, Any]]] = [[] for _ in QUESTIONS]
    replay = [0] * len(QUESTIONS)
    index = 0
    try:
        while True:
            asking: _Replay | None = None
            try:
                if index < len(QUESTIONS):
                    starts[index] = _copy(draft)
                    asking = _Replay(p, answers[index][: replay[index]], answers[index])
                    QUESTIONS[index](asking, draft)  # type: ignore[arg-type]
                    answers[index], replay[index] = asking.given, 0
                    index += 1
                    continue
                if not q_review(p, draft):
                    return None
                return draft.outcome()
            except _Back:
                # One question back: this group's previous one, or the last one before it.
                # The group runs again from its start, its earlier answers given again.
                given = asking.given if asking is not None else []
                if given:
                    answers[index] = given + answers[index][len(given) :]
                    replay[index] = len(given) - 1
                else:
                    earlier = [g for g in range(min(index, len(QUESTIONS))) if answers[g]]
                    if earlier:
                        index = earlier[-1]
                        replay[index] = len(answers[index]) - 1
                draft = _copy(starts[min(index, len(QUESTIONS) - 1)])
                p.say(("fg:ansibrightblack", "(back one question)"))
    except _Cancelled:
        return None
