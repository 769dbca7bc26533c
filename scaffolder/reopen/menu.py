"""The edit menu's model, shared by the Textual app and the prompts: no UI library here.

An action turns the project into a `Proposal`: the edited config text run through
`reopen.pending_changes`, so every file it would touch (domain.toml, pyproject.toml, compose,
CI, .env.example, the answers file) is known, and shown as a diff, before anything is written.
`apply_proposal` writes exactly what was previewed, or nothing when a file changed meanwhile.
Edits raise UsageError and MergeConflict (both ScaffolderError) with a message to show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from scaffolder.catalog import PROVIDERS, Role
from scaffolder.config_tree import base_of, overlay_names
from scaffolder.errors import ScaffolderError, UsageError
from scaffolder.project_files import (
    ANSWERS_FILE,
    COMPOSE_NAMES,
    ENV_EXAMPLE,
    GITHUB_WORKFLOW,
    GITLAB_CI,
    compose_file,
)
from scaffolder.reopen.project import Project, open_project
from scaffolder.spec import (
    BASE,
    DEFAULT_DATABASE,
    INHERIT,
    MEMORY,
    OVERLAYS,
    PRODUCTION,
    Setting,
    Slot,
    role_order,
    validate_slot_name,
)
from scaffolder.writer import FileChange, file_diff

if TYPE_CHECKING:
    from scaffolder.check import Finding
    from scaffolder.project_files import ProjectIdentity

CI_FILES = {"github": GITHUB_WORKFLOW, "gitlab": GITLAB_CI}
CI_NAMES = {"github": "GitHub Actions", "gitlab": "GitLab CI"}


# --- what the project looks like -------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One slot in one environment: the provider it resolves to, and where that is set."""

    provider: str | None  # None: the slot does not exist in this environment
    inherited: bool  # an overlay that leaves the slot to base


@dataclass(frozen=True)
class Overview:
    """The picture the edit menu shows: environments x slots, derived files, services."""

    name: str
    config: str
    environments: tuple[str, ...]
    slots: tuple[Slot, ...]
    cells: dict[tuple[str, Slot], Cell]
    derived: tuple[tuple[str, bool], ...]  # (path, protean-init's own) of those on disk
    services: tuple[str, ...]
    ci: str

    def cell(self, env: str, slot: Slot) -> Cell:
        return self.cells.get((env, slot), Cell(None, False))


def overview(project: Project) -> Overview:
    """What `summary.describe` prints, as data: the same providers per environment and slot."""
    from scaffolder.plan import plan_project

    identity = project.identity
    plan = plan_project(project.tree, identity.project_name, identity.package_name)
    found: dict[Slot, None] = {}
    cells: dict[tuple[str, Slot], Cell] = {}
    for env in plan.environments:
        overlay = project.tree.get(env) if env != BASE else None
        for use in plan.uses[env]:
            found.setdefault(use.slot)
            cells[(env, use.slot)] = Cell(
                use.provider.name,
                overlay is not None and _table_in(overlay, use.slot.path) is None,
            )
    # Named slots of a role stay in the order the file has them (sorted is stable).
    slots = sorted(found, key=role_order)
    managed = project.managed
    compose = compose_file(project.root)
    candidates = [compose.name if compose else COMPOSE_NAMES[0], *CI_FILES.values(), ENV_EXAMPLE]
    derived = tuple(
        (path, managed is None or path in managed)
        for path in candidates
        if (project.root / path).is_file()
    )
    return Overview(
        name=identity.project_name,
        config=project.config_relative,
        environments=tuple(plan.environments),
        slots=tuple(slots),
        cells=cells,
        derived=derived,
        services=tuple(service.name for service in plan.services),
        ci=identity.ci,
    )


def provider_table(view: Overview, *, mark_inherited: bool = True) -> list[str]:
    """Environments as columns, slots as rows, each cell the provider the slot resolves to
    ("-": not in that environment); with `mark_inherited`, ↑ marks a provider an overlay
    inherits from base. Lines end without trailing blanks."""

    def text(cell: Cell) -> str:
        return ("↑" if mark_inherited and cell.inherited else "") + (cell.provider or "-")

    envs = view.environments
    width = max([len(slot.key) for slot in view.slots] + [4])
    widths = [max([len(env)] + [len(text(view.cell(env, s))) for s in view.slots]) for env in envs]
    lines = ["slot".ljust(width) + "  " + "  ".join(map(str.ljust, envs, widths))]
    for slot in view.slots:
        cells = [text(view.cell(env, slot)) for env in envs]
        lines.append(slot.key.ljust(width) + "  " + "  ".join(map(str.ljust, cells, widths)))
    return [line.rstrip() for line in lines]


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


def _table_in(tree: object, path: tuple[str, ...]) -> dict | None:
    for key in path:
        if not isinstance(tree, dict) or not isinstance(tree.get(key), dict):
            return None
        tree = tree[key]
    return tree if isinstance(tree, dict) else None


def findings_by_cell(
    view: Overview, findings: Sequence[Finding]
) -> dict[tuple[str, Slot], Finding]:
    """The most serious finding about each cell: one of its environment that names its slot
    (`production uses the in-memory cache 'memory' for caches.default ...`)."""
    import re

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


# --- choices an action offers ----------------------------------------------------------------


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


def base_database_default(project: Project) -> str:
    """The provider a new database starts with in base: databases.default's."""
    table = _table_in(base_of(project.tree), DEFAULT_DATABASE.path) or {}
    name = table.get("provider")
    return name if isinstance(name, str) and name in PROVIDERS[Role.DATABASE] else "memory"


def overlay_database_options(project: Project, env: str, base: str) -> tuple[list[Option], int]:
    """A new database's choices in overlay `env` (None: leave it to add_database), and the
    one to start on: what databases.default uses there, as the wizard starts a new database.

    add_database makes [memory] stay in memory and gives [production] the base's server with
    a variable that has no default; the first option says so instead of a bare "inherit".
    """
    base_provider = PROVIDERS[Role.DATABASE][base]
    if env == MEMORY:
        automatic = Option(None, "automatic", "memory: the memory overlay stays in memory")
    elif env == PRODUCTION and not base_provider.in_memory:
        from scaffolder.spec import production_provider

        server = production_provider(Role.DATABASE, base)
        automatic = Option(None, "automatic", f"{server} from a variable with no default")
    else:
        automatic = Option(None, "inherit", f"from base: {base}")
    options = [automatic, *provider_options(Role.DATABASE)]
    overlay = project.tree.get(env)
    table = _table_in(overlay, DEFAULT_DATABASE.path) if isinstance(overlay, dict) else None
    current = table.get("provider") if table else None
    start = next((i for i, o in enumerate(options) if o.value == current), 0)
    return options, start


def ci_options(project: Project) -> tuple[list[Option], int]:
    options = [Option(ci, CI_NAMES[ci], path) for ci, path in CI_FILES.items()]
    current = project.identity.ci if project.identity.ci in CI_FILES else "github"
    return options, list(CI_FILES).index(current)


# --- proposals -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """An edit, computed and not yet written: the changes and what to say about them."""

    title: str
    root: Path
    changes: list[FileChange]
    notes: list[str] = field(default_factory=list)

    @property
    def paths(self) -> list[str]:
        from scaffolder.generated_record import is_record

        # The record of what was generated follows the files it records; it is not shown.
        return [change.relative for change in self.changes if not is_record(change.relative)]

    def diff(self) -> str:
        return unified_diff(self.changes)


def unified_diff(changes: Sequence[FileChange]) -> str:
    """Every change as a unified diff (writer.file_diff); a new file is a diff from /dev/null."""
    from scaffolder.generated_record import is_record
    from scaffolder.redact import redact_text

    parts = [file_diff(change) for change in changes if not is_record(change.relative)]

    # Shown on screen: a connection string's password never is (as writer.describe).
    return redact_text("".join(part if part.endswith("\n") else part + "\n" for part in parts))


def _propose(
    project: Project,
    title: str,
    new_text: str | None = None,
    *,
    derived: set[str] | None = None,
    ci: str | None = None,
    identity: ProjectIdentity | None = None,
    notes: Sequence[str] = (),
) -> Proposal:
    from scaffolder.reopen.project import pending_changes, with_ci

    skipped: list[str] = []
    changes = pending_changes(
        project,
        new_text,
        derived=derived,
        identity=with_ci(identity or project.identity, ci),
        skipped=lambda path, reason: skipped.append(f"left {path} as it is: {reason}"),
    )
    # The config first, the answers file last: the order a reader wants them in.
    order = {project.config_relative: 0, "pyproject.toml": 1, ANSWERS_FILE: 3}
    changes = sorted(changes, key=lambda change: (order.get(change.relative, 2), change.relative))
    return Proposal(title, project.root, changes, [*skipped, *notes])


def propose_add_database(
    project: Project, name: str, provider: str, env_choices: dict[str, str]
) -> Proposal:
    from scaffolder.reopen.edits import add_database

    text = add_database(project, name, provider, env_choices)
    return _propose(project, f"Add databases.{name}", text)


def propose_set_provider(project: Project, env: str, slot: Slot, provider: str | None) -> Proposal:
    """A provider in one environment; None (inherit) drops an overlay's own table."""
    from scaffolder.reopen.edits import set_provider

    text = set_provider(project, env, slot, provider)
    return _propose(project, f"Set {env}.{slot.key} = {provider or INHERIT}", text)


def propose_edit(project: Project, assignments: Sequence[str]) -> Proposal:
    """`KEY=VALUE` edits in the vocabulary of `new --set` and `set`, parsed by the same
    function: what `protean-init set KEY=VALUE...` writes."""
    from scaffolder.reopen.edits import apply_assignments

    text = apply_assignments(project, list(assignments))
    return _propose(project, "Set " + ", ".join(assignments), text)


def propose_add_slot(
    project: Project, role: Role, name: str, provider: str, env_choices: dict[str, str]
) -> Proposal:
    from scaffolder.reopen.edits import add_slot

    text = add_slot(project, role, name, provider, env_choices)
    return _propose(project, f"Add {role.value}.{name}", text)


def propose_remove_slot(project: Project, role: Role, name: str) -> Proposal:
    from scaffolder.reopen.edits import remove_slot

    text = remove_slot(project, role, name)
    notes = [f"code that names provider={name!r} needs the same change"]
    return _propose(project, f"Remove {role.value}.{name}", text, notes=notes)


def propose_rename_slot(project: Project, role: Role, old: str, new: str) -> Proposal:
    from scaffolder.reopen.edits import rename_slot

    text = rename_slot(project, role, old, new)
    notes = [f"code that names provider={old!r} needs the same change"]
    return _propose(project, f"Rename {role.value}.{old} to {new}", text, notes=notes)


def propose_derive(project: Project) -> Proposal:
    """Every derived file from domain.toml as it is: what `protean-init derive` writes."""
    return _propose(project, "Re-derive compose, CI and .env.example", project.text)


def assignment_error(text: str) -> str | None:
    """Why `KEY=VALUE` is not in the vocabulary, or None: checked as the user types."""
    from scaffolder.vocabulary import parse_assignment, parse_edit

    try:
        parse_edit(*parse_assignment(text, flag="key"))
    except UsageError as error:
        return str(error)
    return None


def named_slots(project: Project) -> list[Slot]:
    """The slots that can be removed or renamed: named ones other than `default`."""
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
        table = _table_in(base_of(project.tree), slot.path)
    else:
        table = _table_in(overlay, slot.path) if isinstance(overlay, dict) else None
        base_table = _table_in(base_of(project.tree), slot.path) or {}
        base = base_table.get("provider") or "the default"
        options = [Option(None, INHERIT, f"no override: base's {base}"), *options]
    current = table.get("provider") if table else None
    values = [option.value for option in options]
    start = values.index(current) if current in values else 0
    return options, start


def setting_value_options(env: str, setting: Setting) -> list[Option]:
    """The values a setting takes, where they are few (booleans, sync/async); empty for a
    free value (a port, a host), typed instead. Overlays offer `inherit`."""
    from scaffolder.errors import UsageError

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


def propose_add_overlays(project: Project, envs: Sequence[str]) -> Proposal:
    from scaffolder.reopen.edits import add_environments

    text = add_environments(project, list(envs))
    return _propose(project, "Add " + ", ".join(f"[{env}]" for env in envs), text)


def propose_ci(project: Project, ci: str) -> Proposal:
    path = CI_FILES[ci]
    proposal = _propose(project, f"Regenerate {path}", derived={path}, ci=ci)
    old = CI_FILES.get(project.identity.ci)
    if old and old != path and (project.root / old).is_file() and old not in proposal.paths:
        # Kept: it holds lines of the user's own (protean-init removes only its own file).
        proposal.notes.append(f"{old} is no longer regenerated; delete it if you no longer use it")
    return proposal


DEPLOY_SUMMARIES = {
    "docker": "Dockerfile and .dockerignore: the image runs protean server",
    "kubernetes": "Dockerfile + Kustomize manifests in deploy/kubernetes/",
    "none": "stop deriving them (the files stay for you to delete)",
}


def deploy_options(project: Project) -> tuple[list[Option], int]:
    """The deploy choices, the cursor on the project's own."""
    from scaffolder.spec import DEPLOY_CHOICES

    options = [Option(kind, kind, DEPLOY_SUMMARIES[kind]) for kind in DEPLOY_CHOICES]
    current = project.identity.deploy
    return options, list(DEPLOY_CHOICES).index(current) if current in DEPLOY_CHOICES else 0


def propose_deploy(project: Project, kind: str) -> Proposal:
    """Add, change or stop the deployment: what `protean-init deploy KIND` writes (the same
    function computes it), the files re-derived in one transaction when applied."""
    from scaffolder.commands.deploy import deploy_edit

    change = deploy_edit(project, kind)
    # One line, as the command prints it: deleting is the user's call (edits of their own).
    notes = (
        [f"no longer regenerated: {', '.join(change.left)}; delete them if unused"]
        if change.left
        else []
    )
    return _propose(
        project,
        f"Deploy: {kind}",
        change.text,
        derived=change.derived,
        identity=change.identity,
        notes=notes,
    )


def apply_proposal(proposal: Proposal) -> Project | None:
    """Write what was previewed, all or nothing; refuses when a file changed since the preview.

    Returns the project read again (None when there was nothing to write).
    """
    from scaffolder.writer import apply

    if not proposal.changes:
        return None
    for change in proposal.changes:
        now = change.path.read_bytes() if change.path.is_file() else None
        if now != change.old:
            raise ScaffolderError(
                f"{change.relative} changed since the preview; nothing written (preview again)"
            )
    apply(proposal.changes)
    return open_project(proposal.root)


def outcome_line(proposal: Proposal) -> str:
    """`Add databases.reports: domain.toml, ...`: what was written, for the terminal."""
    return f"{proposal.title}: {', '.join(proposal.paths)}"


def short_outcome(proposal: Proposal) -> str:
    count = len(proposal.changes)
    return f"{proposal.title}: {count} file{'' if count == 1 else 's'} written"
