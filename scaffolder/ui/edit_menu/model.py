"""What the edit menu offers and says, for the full screen and the prompts alike: the choices
of each action (providers, overlays, CI, deployment, setting values), the checks run on a name
or a KEY=VALUE as it is typed, the overview as plain lines, and the line for a change written.

What an action changes on disk is computed below the UI, in scaffolder.reopen.menu (a
`Proposal`, previewed and applied all or nothing). No UI library here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scaffolder.catalog import PROVIDERS, Role
from scaffolder.config_tree import base_of, overlay_names
from scaffolder.errors import UsageError
from scaffolder.reopen.menu import CI_FILES, Overview, Proposal, provider_table, table_at
from scaffolder.spec.choices import DEPLOY_CHOICES
from scaffolder.spec.defaults import production_provider
from scaffolder.spec.environments import BASE, INHERIT, MEMORY, OVERLAYS, PRODUCTION
from scaffolder.spec.names import validate_slot_name
from scaffolder.spec.settings import Setting
from scaffolder.spec.slots import Slot

if TYPE_CHECKING:
    from scaffolder.check import Finding
    from scaffolder.reopen.project import Project

CI_NAMES = {"github": "GitHub Actions", "gitlab": "GitLab CI"}


def overview_lines(view: Overview) -> list[str]:
    """The overview as plain lines, as the edit prompts show it: the provider table (↑ marks
    a provider an overlay inherits from base), the derived files and the services."""
    derived = ", ".join(
        path + ("" if ours else " (yours: only added to)") for path, ours in view.derived
    )
    return [
        *provider_table(view),
        "",
        f"derived: {derived or 'none yet'}",
        f"services: {', '.join(view.services) or 'none'}",
    ]


def findings_by_cell(
    view: Overview, findings: Sequence[Finding]
) -> dict[tuple[str, Slot], Finding]:
    """The most serious finding about each cell: one of its environment that names its slot
    (`production uses the in-memory cache 'memory' for caches.default ...`)."""

    by_cell: dict[tuple[str, Slot], Finding] = {}
    for finding in sorted(findings, key=lambda f: f.sort_key):
        if finding.env not in view.environments:
            continue
        for slot in view.slots:
            if re.search(rf"(?<![\w.]){re.escape(slot.key)}(?![\w])", finding.message):
                by_cell.setdefault((finding.env, slot), finding)
    return by_cell


def missing_overlays(project: Project) -> list[str]:
    existing = overlay_names(project.tree)
    return [env for env in OVERLAYS if env not in existing]


@dataclass(frozen=True)
class Option:
    """One entry of a choice list: the value to pass on, its name and a line about it."""

    value: str | None
    name: str
    summary: str


def database_name_error(project: Project, name: str) -> str | None:
    """Why `name` cannot be a new database here, or None: checked as the user types."""
    return slot_name_error(project, Role.DATABASE, name)


def provider_options(role: Role) -> list[Option]:
    return [Option(p.name, p.name, p.summary) for p in PROVIDERS[role].values()]


def base_default_provider(project: Project, role: Role) -> str:
    """The provider a new named slot of `role` starts with in base: the role's default slot's
    (a second database, broker or cache most often lives where the first does), else the
    role's first provider (memory, inline), as Protean's default is."""
    table = table_at(base_of(project.tree), Slot(role, "default").path) or {}
    name = table.get("provider")
    return (
        name if isinstance(name, str) and name in PROVIDERS[role] else next(iter(PROVIDERS[role]))
    )


def overlay_slot_options(
    project: Project, role: Role, env: str, base: str
) -> tuple[list[Option], int]:
    """A new named slot's choices in overlay `env` (None: leave it to add_slot), and the one
    to start on: what the role's default slot uses there, as the wizard starts a new one.

    add_slot makes [memory] stay in memory and gives [production] the base's server with a
    variable that has no default; the first option says so instead of a bare "inherit".
    """
    base_provider = PROVIDERS[role][base]
    if env == MEMORY:
        in_memory = next(iter(PROVIDERS[role]))
        automatic = Option(None, "automatic", f"{in_memory}: the memory overlay stays in memory")
    elif env == PRODUCTION and not base_provider.in_memory:
        server = production_provider(role, base)
        automatic = Option(None, "automatic", f"{server} from a variable with no default")
    else:
        automatic = Option(None, "inherit", f"from base: {base}")
    options = [automatic, *provider_options(role)]
    overlay = project.tree.get(env)
    default = Slot(role, "default")
    table = table_at(overlay, default.path) if isinstance(overlay, dict) else None
    current = table.get("provider") if table else None
    start = next((i for i, o in enumerate(options) if o.value == current), 0)
    return options, start


def ci_options(project: Project) -> tuple[list[Option], int]:
    options = [Option(ci, CI_NAMES[ci], path) for ci, path in CI_FILES.items()]
    current = project.identity.ci if project.identity.ci in CI_FILES else "github"
    return options, list(CI_FILES).index(current)


def assignment_error(text: str) -> str | None:
    """Why `KEY=VALUE` is not in the vocabulary, or None: checked as the user types."""
    # deferred: scaffolder.vocabulary ~0.9 ms after the edit menu's screen (wall, measured on the
    # shared machine): the edit menu's first screen imports this module without it
    from scaffolder.vocabulary import parse_assignment, parse_edit

    try:
        parse_edit(*parse_assignment(text, flag="key"))
    except UsageError as error:
        return str(error)
    return None


def named_slots(project: Project) -> list[Slot]:
    """The slots that can be removed or renamed: named ones other than `default`."""
    # deferred: scaffolder.reopen.edits ~2 ms (CPU, measured): the edit menu's first screen imports
    # this module without it
    from scaffolder.reopen.edits import base_slots

    return [slot for slot in base_slots(project) if slot.name not in (None, "default")]


def slot_name_error(project: Project, role: Role, name: str) -> str | None:
    """Why `name` cannot be a new ROLE slot here, or None: checked as the user types."""
    if not name:
        return "enter a name, such as reports"
    try:
        validate_slot_name(name)
    except UsageError as error:
        return str(error)
    section = base_of(project.tree).get(role.value)
    if isinstance(section, dict) and name in section:
        return f"there is a {role.label} named {name!r} already"
    return None


def cell_provider_options(project: Project, env: str, slot: Slot) -> tuple[list[Option], int]:
    """The provider picker for one cell: in an overlay, `inherit` (drop the override) first,
    then every provider of the role; the cursor on the one in use."""
    options = provider_options(slot.role)
    overlay = project.tree.get(env) if env != BASE else None
    current = None
    if env == BASE:
        table = table_at(base_of(project.tree), slot.path)
    else:
        table = table_at(overlay, slot.path) if isinstance(overlay, dict) else None
        base_table = table_at(base_of(project.tree), slot.path) or {}
        base = base_table.get("provider") or "the default"
        options = [Option(None, INHERIT, f"no override: base's {base}"), *options]
    current = table.get("provider") if table else None
    values = [option.value for option in options]
    start = values.index(current) if current in values else 0
    return options, start


def setting_value_options(env: str, setting: Setting) -> list[Option]:
    """The values a setting takes, where they are few (booleans, sync/async); empty for a
    free value (a port, a host), typed instead. Overlays offer `inherit`."""
    candidates = ("true", "false", "sync", "async", "event_store", "stream")
    options = []
    for value in candidates:
        try:
            setting.parse(f"{env}.{setting.key}", value)
        except UsageError:
            continue
        options.append(Option(value, value, ""))
    if options and env != BASE:
        options.append(Option(INHERIT, INHERIT, "no override: base's value"))
    return options


DEPLOY_SUMMARIES = {
    "docker": "Dockerfile and .dockerignore: the image runs protean server",
    "kubernetes": "Dockerfile + Kustomize manifests in deploy/kubernetes/",
    "none": "stop deriving them (the files stay for you to delete)",
}


def deploy_options(project: Project) -> tuple[list[Option], int]:
    """The deploy choices, the cursor on the project's own."""

    options = [Option(kind, kind, DEPLOY_SUMMARIES[kind]) for kind in DEPLOY_CHOICES]
    current = project.identity.deploy
    return options, list(DEPLOY_CHOICES).index(current) if current in DEPLOY_CHOICES else 0


def help_lines(actions: Sequence[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """The edit menu's keys and what each does, for its help (F1): moving, the actions
    (name, key, label) in the menu's order, then leaving."""
    return [
        ("↑ ↓ ← →", "Move in the providers grid"),
        ("Enter, p", "Change the highlighted cell's provider (or inherit, in an overlay)"),
        ("Tab, shift+Tab", "Between the grid and the list of actions"),
        *((key, label) for _, key, label in actions if key != "p"),
        ("u", "Upgrade, when an older protean-init made the project"),
        ("ctrl+p", "The command palette: every action by name"),
        ("Esc, q", "Leave (in a workspace's context, Esc goes back to the contexts)"),
        ("F1, ?", "This help"),
    ]


def outcome_line(proposal: Proposal) -> str:
    """`Add databases.reports: domain.toml, ...`: what was written, for the terminal."""
    return f"{proposal.title}: {', '.join(proposal.paths)}"


def short_outcome(proposal: Proposal) -> str:
    count = len(proposal.paths)
    return f"{proposal.title}: {count} file{'' if count == 1 else 's'} written"
