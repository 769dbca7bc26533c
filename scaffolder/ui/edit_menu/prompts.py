"""The edit menu as questionary prompts: the same actions as the full screen, one at a time
(a setting, `s` there, is one of the KEY=VALUE keys here).

Used with `--ui prompt` and where a full screen cannot run (TERM=dumb, a small terminal).
Each action asks its questions, prints the diff of every file it would touch, and writes
only when confirmed; then the menu comes back. Escape, Ctrl-C or the end of input leaves.
"""

from __future__ import annotations

from questionary import Choice

from scaffolder.catalog import Role, choice_label
from scaffolder.config_tree import overlay_names
from scaffolder.errors import ScaffolderError
from scaffolder.reopen import menu
from scaffolder.reopen.menu import Proposal
from scaffolder.reopen.project import Project, open_project
from scaffolder.ui import fullscreen_refusal
from scaffolder.ui.common.findings import ordered
from scaffolder.ui.common.prompter import (
    Back,
    Cancelled,
    PlainPrompter,
    Prompter,
    plain_terminal,
    say_findings,
    validator,
)
from scaffolder.ui.edit_menu import model
from scaffolder.ui.edit_menu.session import WorkspaceRoot

LEAVE = "leave"
ACTIONS = (
    ("Add a named database", "add_database"),
    ("Change a provider", "change_provider"),
    ("Add overlays (production, test, memory)", "add_overlays"),
    ("Regenerate CI (GitHub Actions or GitLab CI)", "regenerate_ci"),
    ("Check the configuration", "check"),
    ("Set KEY=VALUE (settings, inherit, variables: the keys of new --set)", "set_key"),
    ("Remove or rename a named database, broker or cache", "remove_or_rename"),
    ("Add a named broker or cache", "add_slot"),
    ("Deployment: Dockerfile, Kubernetes manifests or none", "deploy"),
    ("Re-derive compose, CI, .env.example and deployment files from domain.toml", "derive"),
    ("Leave", LEAVE),
)
UPGRADE = "upgrade"


def actions_for(project: Project) -> list[tuple[str, str]]:
    """The menu's actions; upgrade too, before Leave, when an older protean-init made the
    project (as the full screen's overview says and its u offers)."""
    offer = menu.upgrade_offer(project)
    if offer is None:
        return list(ACTIONS)
    upgrade = (f"Upgrade from protean-init {offer[0]} to {offer[1]}'s templates", UPGRADE)
    return [*ACTIONS[:-1], upgrade, ACTIONS[-1]]


def pick_context(workspace: WorkspaceRoot, *, input=None, output=None) -> Project | None:
    """At a workspace's root: which context the menu edits (None: leave). The whole-workspace
    actions are the command line's there (check, ci, derive at the root)."""

    p = prompter(input, output)
    p.say(
        f"{workspace.root.resolve().name} is a workspace of {len(workspace.names)} contexts; its "
        "checks and derived files for every context: protean-init check, ci, derive there."
    )
    options = [(f"{name} (src/{name})", name) for name in workspace.names]
    while True:
        try:
            name = p.select("Edit which context?", [*options, ("leave", None)], workspace.names[0])
            break
        except Back:  # the first question: asked again
            continue
        except Cancelled:
            return None
    return None if name is None else open_project(workspace.root, name)


def run_edit_prompts(project: Project, *, input=None, output=None) -> list[str]:
    """Offer the menu until the user leaves; the changes written, one line each. Back
    (ctrl+b, or `<` with TERM=dumb, where the questions are plain lines) leaves an action
    for the menu, nothing written."""
    p = prompter(input, output)
    applied: list[str] = []
    action = ACTIONS[0][1]
    changed = True
    try:
        while True:
            if changed:  # the picture again only once it is a new one
                show_overview(p, project)
                changed = False
            p.say("")
            offered = actions_for(project)
            if action not in (value for _, value in offered):
                action = offered[0][1]
            try:
                action = p.select("What now?", offered, action)
            except Back:  # nothing before the menu's own question: it is asked again
                continue
            if action == LEAVE:
                break
            try:
                written = run_action(p, project, action)
            except Back:
                p.say("Back to the menu; nothing written.")
                continue
            if written is not None:
                applied.append(written[0])
                project, changed = written[1], True
    except Cancelled:
        pass
    return applied


def prompter(input=None, output=None) -> Prompter:
    """Plain lines where the terminal takes no escape sequence (TERM=dumb), as `new`'s
    prompts; and, first, why the full screen is not used, as they say it."""
    p = PlainPrompter(input, output) if plain_terminal() else Prompter(input, output)
    reason = fullscreen_refusal()
    if reason:
        p.say(f"protean-init: {reason}, so the edit menu comes line by line.")
    return p


def run_action(p: Prompter, project: Project, action: str) -> tuple[str, Project] | None:
    """One action asked, previewed and applied on confirm: the line for what it wrote and
    the project read again, or None when nothing was written."""
    if action == "check":
        check(p, project)
        return None
    try:
        proposal = ASK[action](p, project)
    except ScaffolderError as error:
        p.say(("fg:ansired bold", f"✗ nothing written: {error}"))
        return None
    if proposal is None:
        return None
    written = confirm_and_apply(p, proposal)
    return None if written is None else (model.outcome_line(proposal), written)


def show_overview(p: Prompter, project: Project) -> None:
    view = menu.overview(project)
    p.say("")
    p.say(("bold", f"{view.name}: {view.config}"))
    for line in model.overview_lines(view):
        p.say(line)


def choose(p: Prompter, message: str, options: list[model.Option], start: int) -> str | None:
    titles = [
        (choice_label(option.name, option.summary), index) for index, option in enumerate(options)
    ]
    return options[p.select(message, titles, start)].value


# --- the actions: each returns a Proposal, or None when there is nothing to do ---------------


def ask_add_database(p: Prompter, project: Project) -> Proposal:
    name = p.text(
        "Database name", "", validator(lambda text: model.database_name_error(project, text))
    )
    base, env_choices = ask_providers(p, project, Role.DATABASE, name)
    return menu.propose_add_database(project, name, base, env_choices)


def ask_providers(p: Prompter, project: Project, role: Role, name: str) -> tuple[str, dict]:
    """A new named slot's provider in base, then in each overlay, each question starting on
    what the role's default slot uses in that environment (as the full screen's pickers)."""
    options = model.provider_options(role)
    start = [o.value for o in options].index(model.base_default_provider(project, role))
    base = choose(p, f"{role.value}.{name} in base", options, start)
    assert base is not None
    env_choices: dict[str, str] = {}
    for env in overlay_names(project.tree):
        options, start = model.overlay_slot_options(project, role, env, base)
        value = choose(p, f"{role.value}.{name} in {env}", options, start)
        if value is not None:
            env_choices[env] = value
    return base, env_choices


def ask_change_provider(p: Prompter, project: Project) -> Proposal:
    view = menu.overview(project)
    env = p.select("In which environment?", [(e, e) for e in view.environments], "base")
    slots = []
    for slot in view.slots:
        cell = view.cell(env, slot)
        shown = ("↑" if cell.inherited else "") + (cell.provider or "-")
        slots.append((f"{slot.key}: {shown}", slot))
    slot = p.select(f"Which slot in {env}?", slots, view.slots[0])
    # In an overlay the first choice is `inherit`: drop its own table, use base's.
    options, start = model.cell_provider_options(project, env, slot)
    provider = choose(p, f"{slot.key} in {env}", options, start)
    return menu.propose_set_provider(project, env, slot, provider)


def ask_set_key(p: Prompter, project: Project) -> Proposal | None:
    # deferred: scaffolder.vocabulary ~2 ms (CPU after this module's own imports), paid only when
    # this runs
    from scaffolder.vocabulary import vocabulary_help

    p.say(vocabulary_help())
    text = p.text("KEY=VALUE", "", validator(model.assignment_error))
    return menu.propose_edit(project, [text]) if text else None


def ask_remove_or_rename(p: Prompter, project: Project) -> Proposal | None:
    slots = model.named_slots(project)
    if not slots:
        p.say("This project has no named database, broker or cache (only the default ones).")
        return None
    slot = p.select("Which one?", [(s.key, s) for s in slots], slots[0])
    verb = p.select(f"{slot.key}:", [("remove it", "remove"), ("rename it", "rename")], "remove")
    if verb == "remove":
        return menu.propose_remove_slot(project, slot.role, slot.name or "")
    name = p.text(
        f"New name for {slot.key}",
        "",
        validator(lambda text: model.slot_name_error(project, slot.role, text)),
    )
    return menu.propose_rename_slot(project, slot.role, slot.name or "", name)


def ask_add_slot(p: Prompter, project: Project) -> Proposal | None:
    role = p.select("Add a named:", [("broker", Role.BROKER), ("cache", Role.CACHE)], Role.BROKER)
    name = p.text(
        f"Name of the {role.label}",
        "",
        validator(lambda text: model.slot_name_error(project, role, text)),
    )
    base, env_choices = ask_providers(p, project, role, name)
    return menu.propose_add_slot(project, role, name, base, env_choices)


def ask_derive(p: Prompter, project: Project) -> Proposal:
    return menu.propose_derive(project)


def ask_deploy(p: Prompter, project: Project) -> Proposal:
    options, start = model.deploy_options(project)
    kind = choose(p, "Deployment files, derived from domain.toml", options, start)
    assert kind is not None
    return menu.propose_deploy(project, kind)


def ask_upgrade(p: Prompter, project: Project) -> Proposal:
    return menu.propose_upgrade(project)


def ask_add_overlays(p: Prompter, project: Project) -> Proposal | None:
    missing = model.missing_overlays(project)
    if not missing:
        p.say("This project has production, test and memory overlays already.")
        return None
    envs = p.checkbox(
        "Add which overlays? (computed from the base configuration)",
        [Choice(env, env, checked=True) for env in missing],
    )
    if not envs:
        return None
    return menu.propose_add_overlays(project, envs)


def ask_regenerate_ci(p: Prompter, project: Project) -> Proposal:
    options, start = model.ci_options(project)
    ci = choose(p, "Regenerate the CI config from domain.toml", options, start)
    assert ci is not None
    return menu.propose_ci(project, ci)


ASK = {
    "add_database": ask_add_database,
    "change_provider": ask_change_provider,
    "add_overlays": ask_add_overlays,
    "regenerate_ci": ask_regenerate_ci,
    "set_key": ask_set_key,
    "remove_or_rename": ask_remove_or_rename,
    "add_slot": ask_add_slot,
    "deploy": ask_deploy,
    "derive": ask_derive,
    UPGRADE: ask_upgrade,
}


def check(p: Prompter, project: Project) -> None:
    # deferred: scaffolder.check ~19 ms (CPU after this module's own imports), paid only when this
    # runs
    from scaffolder.check import check_project, tally

    try:
        findings = ordered(check_project(project.root))
    except ScaffolderError as error:
        p.say(("fg:ansired bold", f"✗ check: {error}"))
        return
    say_findings(p, findings, "the project", locations=True)
    if findings:
        p.say(("bold", tally(findings)))


def confirm_and_apply(p: Prompter, proposal: Proposal) -> Project | None:
    """Print the diff, ask, write; the project read again, or None when nothing was written."""
    if not proposal.changes:
        p.say(f"{proposal.title}: nothing would change; the files are up to date.")
        return None
    p.say("")
    p.say(("bold", f"{proposal.title}: {', '.join(proposal.paths)}"))
    p.say_code(proposal.diff(), "changes.diff")
    for note in proposal.notes:
        p.say(("fg:ansiyellow", f"! {note}"))
    if not p.confirm("Apply these changes?", True):
        p.say("Nothing written.")
        return None
    try:
        project = menu.apply_proposal(proposal)
    except ScaffolderError as error:
        p.say(("fg:ansired bold", f"✗ {error}"))
        return None
    p.say(("fg:ansigreen", f"✓ {model.short_outcome(proposal)}"))
    return project
