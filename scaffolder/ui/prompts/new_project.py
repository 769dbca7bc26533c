"""The line-by-line front end: the wizard's steps as questionary prompts, one after another.

Used with `--ui prompt`, and where a full-screen app cannot run (TERM=dumb, a small terminal).
It fills the same Draft as the wizard, so the same choices give the same spec. Ctrl-C, Escape
or end of input at any prompt returns None: nothing is written. Ctrl-B goes back one question.
With TERM=dumb the questions are plain lines (`PlainPrompter`): no colour, no cursor movement,
no escape sequence at all.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from questionary import Choice

from scaffolder.catalog import PROVIDERS, Role
from scaffolder.spec.environments import BASE, ENVIRONMENTS, INHERIT
from scaffolder.spec.names import validate_package_name, validate_project_name
from scaffolder.spec.project import ProjectSpec
from scaffolder.spec.slots import Slot
from scaffolder.ui import fullscreen_refusal
from scaffolder.ui.common.findings import config_findings
from scaffolder.ui.common.outcome import WizardOutcome
from scaffolder.ui.common.prompter import (
    Back,
    Cancelled,
    PlainPrompter,
    Prompter,
    Replay,
    plain_terminal,
    say_findings,
    validator,
)
from scaffolder.ui.common.state import (
    SETTING_LABELS,
    SETTING_VALUES,
    Draft,
    error_of,
    setting_text,
)

if TYPE_CHECKING:
    from scaffolder.workspace_spec import WorkspaceSpec

CI_CHOICES = (("GitHub Actions", "github"), ("GitLab CI", "gitlab"), ("none", "none"))


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
        validator(lambda t: error_of(validate_project_name, t)),
    )
    draft.set_project_name(name)


def q_package_name(p: Prompter, draft: Draft) -> None:
    package = p.text(
        "Package name",
        draft.package_name,
        validator(lambda t: error_of(validate_package_name, t)),
    )
    draft.set_package_name(package)


def q_target(p: Prompter, draft: Draft) -> None:
    def target_error(text: str) -> str | None:
        probe = Draft(draft.project_name, draft.package_name, target=Path())
        probe.set_target(text)
        return probe.target_error()

    draft.set_target(p.text("Target folder", draft.target_text(), validator(target_error)))
    warning = draft.target_warning()
    if warning:
        p.say(("fg:ansiyellow", f"! {warning}"))


def q_ci(p: Prompter, draft: Draft) -> None:
    draft.ci = p.select("CI provider", list(CI_CHOICES), draft.ci)


# pip first, and the default (as with --defaults): it needs nothing but Python.
INSTALLER_CHOICES = (
    ("pip: a venv and pip install (needs only Python)", "pip"),
    ("uv: uv sync and uv run, as protean new does (needs uv)", "uv"),
)


def q_installer(p: Prompter, draft: Draft) -> None:
    draft.installer = p.select("Installer", list(INSTALLER_CHOICES), draft.installer)


def q_compose(p: Prompter, draft: Draft) -> None:
    draft.compose = p.confirm("Write docker-compose.yml for local services?", draft.compose)


def q_contexts(p: Prompter, draft: Draft) -> None:
    """The wizard's Contexts field: none or one name, a single project; two or more, a
    workspace of bounded contexts (validated as `new --context` validates them)."""

    def contexts_error(text: str) -> str | None:
        probe = Draft(draft.project_name, draft.package_name, target=Path())
        probe.set_contexts(text)
        return probe.context_error()

    draft.set_contexts(
        p.text(
            "Bounded contexts (none: one project; two or more: a workspace)",
            draft.contexts_text,
            validator(contexts_error),
        )
    )


def slot_summary(draft: Draft, env: str) -> str:
    """`databases.default=postgresql, caches.default=↑memory`: each slot labelled."""
    parts = []
    for slot in draft.slots:
        shown = draft.effective(env, slot)
        if env != BASE and draft.choice(env, slot) == INHERIT:
            shown = f"↑{shown}"
        parts.append(f"{slot.key}={shown}")
    return ", ".join(parts)


def fitted(label: str, values: list[str], room: int) -> str:
    """`label` and `values` in `room` cells: the values that fit, then how many more."""
    text = f"{label:<11}" + ", ".join(values)
    if len(text) <= room:
        return text
    for shown in range(len(values) - 1, -1, -1):
        more = f" … +{len(values) - shown} more"
        text = f"{label:<11}" + ", ".join(values[:shown]) + more
        if len(text) <= room:
            return text
    return text[: max(room - 1, 1)] + "…"


def choice_room() -> int:
    """The cells a checkbox choice's title has: the terminal's width, at most 80 (a wider
    one is no reason for longer lines), less questionary's pointer and box."""
    return min(shutil.get_terminal_size().columns, 80) - 6


def q_named_slots(p: Prompter, draft: Draft) -> None:
    """Named databases, brokers and caches: the wizard's a and b (and x to remove one)."""
    p.say("")
    if draft.is_workspace:
        q_workspace_providers(p, draft)
        return
    p.say(("bold", "2/5 Providers"))
    ask_named_slots(p, draft)


def q_workspace_providers(p: Prompter, draft: Draft) -> None:
    """A workspace's Providers: each context's questions, or "same as" an earlier context
    (it follows that one's choices; its own choices start from a copy of them)."""
    p.say(("bold", "2/5 Providers, per context"))
    for name in draft.context_names():
        p.say("", ("bold", name))
        earlier = draft.same_as_choices(name)
        if earlier:
            options = [("its own choices", None), *((f"same as {o}", o) for o in earlier)]
            draft.set_same_as(
                name, p.select(f"{name}'s providers", options, draft.same_as.get(name))
            )
            if name in draft.same_as:
                continue
        grid = draft.grid(name)
        ask_named_slots(p, grid)
        ask_providers(p, grid)
        ask_settings(p, grid)


def ask_named_slots(p: Prompter, draft: Draft) -> None:
    named = [slot for slot in draft.slots if slot.role.is_named and slot.name != "default"]
    if named:
        removed = p.checkbox(
            "Remove any named database, broker or cache?",
            [Choice(slot.key, slot) for slot in named],
        )
        for slot in removed:
            draft.remove_slot(slot)
    while p.confirm("Add a named database, broker or cache?", False):
        role = p.select("Which kind?", list(NAMED_ROLES), Role.DATABASE)
        name = p.text(
            f"Name of the {role.label}",
            "",
            validator(lambda text, role=role: draft.slot_error(role, text)),
        )
        draft.add_slot(role, name)


NAMED_ROLES = (("database", Role.DATABASE), ("broker", Role.BROKER), ("cache", Role.CACHE))


def q_providers(p: Prompter, draft: Draft) -> None:
    if not draft.is_workspace:  # a workspace's are asked per context (q_named_slots)
        ask_providers(p, draft)


def ask_providers(p: Prompter, draft: Draft) -> None:
    p.say("Providers per environment; ↑ inherits base. In each line, in this order:")
    p.say("  " + ", ".join(slot.key for slot in draft.slots))
    envs = p.checkbox(
        "Change providers in which environments?",
        [
            Choice(fitted(env, provider_values(draft, env), choice_room()), env)
            for env in ENVIRONMENTS
        ],
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


def provider_values(draft: Draft, env: str) -> list[str]:
    """Each slot's provider in `env`, in the slots' order (↑: inherited from base)."""
    inherits = env != BASE
    return [
        ("↑" if inherits and draft.choice(env, slot) == INHERIT else "")
        + draft.effective(env, slot)
        for slot in draft.slots
    ]


def setting_values(draft: Draft, env: str) -> list[str]:
    """Each setting's value in `env`, in SETTING_VALUES' order (↑: inherited from base)."""
    inherits = env != BASE
    return [
        ("↑" if inherits and draft.setting(env, name) is None else "")
        + setting_text(draft.effective_setting(env, name))
        for name in SETTING_VALUES
    ]


def q_settings(p: Prompter, draft: Draft) -> None:
    if not draft.is_workspace:  # a workspace's are asked per context (q_named_slots)
        ask_settings(p, draft)


def ask_settings(p: Prompter, draft: Draft) -> None:
    p.say("Settings; in each line, in this order:")
    p.say("  " + ", ".join(SETTING_LABELS[name] for name in SETTING_VALUES))
    envs = p.checkbox(
        "Change settings in which environments?",
        [
            Choice(fitted(env, setting_values(draft, env), choice_room()), env)
            for env in ENVIRONMENTS
        ],
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
    if draft.is_workspace:
        say_workspace_connections(p, draft)
        return
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
            validator(lambda text, slot=slot: _try(draft, slot, "variable", text)),
        )
        draft.set_variable(slot, variable)
        if draft.local_envs(slot):
            url = p.text(
                f"{slot.key} default outside production",
                draft.local_url(slot) or "",
                validator(lambda text, slot=slot: _try(draft, slot, "url", text)),
            )
            draft.set_local_url(slot, url)


def say_workspace_connections(p: Prompter, draft: Draft) -> None:
    """A workspace's connections, as the sharing rules name them: said, not asked."""
    p.say(
        "Each context reads its own database and cache variables; the broker and event store "
        "are shared. Rename one after: protean-init set --context NAME variables.SLOT=NAME"
    )
    for name, connections in draft.workspace_connections().items():
        p.say(("bold", name))
        for key, variable, url in connections:
            p.say(f"  {key}: ${{{variable}}}  default {url or '(production only: no default)'}")


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
            f"{dict((v, t) for t, v in CI_CHOICES)[spec.ci]}; installer {spec.installer}; "
            f"compose {'yes' if spec.compose else 'no'}",
        ),
        (
            "deploy",
            f"{spec.deploy} (workers {spec.workers}, replicas {spec.replicas}, "
            f"{draft.subscription_type()} subscriptions)",
        ),
    ]
    if draft.is_workspace:
        rows += workspace_rows(draft)
    else:
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


def workspace_rows(draft: Draft) -> list[tuple[str, str]]:
    """A workspace's summary: each context's providers per environment ("same as" said),
    then its connections."""
    rows: list[tuple[str, str]] = []
    connections = draft.workspace_connections()
    for name in draft.context_names():
        if name in draft.same_as:
            rows.append((name, f"the same providers and settings as {draft.same_as[name]}"))
        else:
            grid = draft.grid(name)
            rows += [(f"{name} {env}", slot_summary(grid, env)) for env in grid.environments()]
        for key, variable, url in connections[name]:
            default = f" (default {url})" if url else " (no default: production only)"
            rows.append((f"{name} {key}", f"${{{variable}}}{default}"))
    return rows


def q_review(p: Prompter, draft: Draft) -> bool:
    spec = draft.build()
    p.say("")
    p.say(("bold", "5/5 Review"))
    if draft.is_workspace:
        # deferred: scaffolder.workspace_render ~49 ms (CPU after this module's own imports), paid
        # only when this runs
        from scaffolder.workspace_render import render_workspace

        files = render_workspace(draft.build_workspace())
        configs = [f"src/{name}/domain.toml" for name in draft.context_names()]
    else:
        # deferred: scaffolder.render ~46 ms (CPU after this module's own imports), paid only when
        # this runs
        from scaffolder.render import render_project

        files = render_project(spec)
        configs = ["domain.toml"]
    p.say(f"{len(files)} files in {draft.target}/:")
    for path in files:
        p.say(f"  {path}")
    for config in configs:
        p.say("", ("bold underline", config))
        p.say_code(files[config].decode("utf-8", errors="replace"), "domain.toml")
    findings = config_findings(files)
    say_findings(p, findings, "domain.toml" if len(configs) == 1 else "each domain.toml")
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
    q_installer,
    q_compose,
    q_contexts,
    q_named_slots,
    q_providers,
    q_settings,
    q_connections,
    q_deploy,
)


def _copy(draft: Draft) -> Draft:
    """A copy to go back to."""
    return draft.copied()


def run_prompts(
    initial: ProjectSpec,
    target: Path,
    *,
    input=None,
    output=None,
    workspace: WorkspaceSpec | None = None,
) -> WizardOutcome | None:
    """Ask the wizard's questions line by line; the outcome, or None when cancelled."""

    p = PlainPrompter(input, output) if plain_terminal() else Prompter(input, output)
    reason = fullscreen_refusal()
    if reason:
        p.say(f"protean-init: {reason}, so the questions come line by line.")
    draft = (
        Draft.from_workspace(workspace, target)
        if workspace is not None
        else Draft.from_spec(initial, target)
    )
    # Per group of questions: the draft as it began, its answers (question, answer) in its
    # last run, and how many of them to give again without asking when it runs next.
    starts: list[Draft] = [draft] * len(QUESTIONS)
    answers: list[list[tuple[str, Any]]] = [[] for _ in QUESTIONS]
    replay = [0] * len(QUESTIONS)
    index = 0
    try:
        while True:
            asking: Replay | None = None
            try:
                if index < len(QUESTIONS):
                    starts[index] = _copy(draft)
                    asking = Replay(p, answers[index][: replay[index]], answers[index])
                    QUESTIONS[index](asking, draft)  # type: ignore[arg-type]
                    answers[index], replay[index] = asking.given, 0
                    index += 1
                    continue
                if not q_review(p, draft):
                    return None
                return draft.outcome()
            except Back:
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
    except Cancelled:
        return None
