"""The wizard's draft: the one spec builder (scaffolder.spec.builder) with the forms' state on top.

Both interactive front ends (the Textual wizard and the questionary prompts) fill one of these,
and answers files and flags fill its base, so the same choices give the same spec. What is
here only the forms need: the target folder, which fields still follow the project name, the
counts as typed, the slots' order on screen, and each step's checks and messages.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from scaffolder.catalog import PROVIDERS, Provider, Role
from scaffolder.errors import UsageError
from scaffolder.spec.builder import SpecBuilder
from scaffolder.spec.choices import DEPLOY_CHOICES
from scaffolder.spec.environments import BASE, ENVIRONMENTS, INHERIT, PRODUCTION
from scaffolder.spec.names import (
    VARIABLE_NAME,
    package_name_for,
    reserved_variable,
    validate_package_name,
    validate_project_name,
    validate_slot_name,
)
from scaffolder.spec.project import ProjectSpec
from scaffolder.spec.settings import DEFAULT_SUBSCRIPTION_TYPE, PROCESSING_MODES, SUBSCRIPTION_TYPES
from scaffolder.spec.slots import DEFAULT_DATABASE, Slot, default_local_url
from scaffolder.ui.common.outcome import WizardOutcome

if TYPE_CHECKING:
    from scaffolder.workspace_spec import WorkspaceSpec

SUBSCRIPTION_KEY = "server.default_subscription_type"
# How the Project step's contexts field separates names: commas, spaces, or both.
CONTEXT_SEPARATOR = re.compile(r"[\s,]+")
# A name to suggest for a new named slot, per role.
NAME_EXAMPLES = {Role.DATABASE: "reports", Role.BROKER: "events", Role.CACHE: "sessions"}

# The values each setting takes; None means "unset" in base and "inherit" in an overlay.
SETTING_VALUES: dict[str, tuple[object, ...]] = {
    "debug": (True, False),
    "testing": (True, False),
    "event_processing": PROCESSING_MODES,
    "command_processing": PROCESSING_MODES,
}
SETTING_LABELS = {
    "debug": "debug",
    "testing": "testing",
    "event_processing": "event processing",
    "command_processing": "command processing",
}


def error_of(check, *args) -> str | None:
    """The message of the UsageError `check(*args)` raises, or None when it passes."""
    try:
        check(*args)
    except UsageError as exc:
        return str(exc)
    return None


def setting_text(value: object) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass
class Draft(SpecBuilder):
    """The one spec builder (scaffolder.spec.builder) with what only the forms need on top."""

    target: Path = Path()
    # The slots in the order the forms show them (base's, named databases after default).
    slots: list[Slot] = field(default_factory=list)
    # Step 4, deploy: the workers and replicas fields as typed (checked by deploy_errors; a
    # count is text until then, and reaches the spec's int once it is a count).
    counts: dict[str, str] = field(default_factory=lambda: {"workers": "1", "replicas": "1"})
    # Whether the package name and target folder still follow the project name.
    package_follows: bool = True
    target_follows: bool = True
    # A workspace's bounded contexts as typed on the Project step: none or one name is a
    # single project, as without the field; two or more a workspace (context_names).
    contexts_text: str = ""
    # Each context's own providers grid, made from the project's choices on first use: a
    # Draft whose providers, settings, slots, variables and local URLs are the context's.
    context_grids: dict[str, Draft] = field(default_factory=dict)
    # A context that follows an earlier one's grid ("same as"): context -> that context. It
    # stays in step with it until one of its own cells is changed (own_grid).
    same_as: dict[str, str] = field(default_factory=dict)

    # --- building -----------------------------------------------------------------------

    @classmethod
    def from_spec(cls, spec: ProjectSpec, target: Path) -> Draft:
        return cls.of(
            spec,
            target=target,
            slots=list(spec.slots),
            counts={"workers": str(spec.workers), "replicas": str(spec.replicas)},
            package_follows=spec.package_name == package_name_for(spec.project_name),
            # The current folder (empty, made for the project) stays the target when the
            # project is renamed: moving it would write somewhere the user did not choose.
            target_follows=target.name == spec.project_name and not _is_cwd(target),
        )

    @classmethod
    def from_workspace(cls, workspace: WorkspaceSpec, target: Path) -> Draft:
        """A draft of `workspace` (`new --context` in a terminal): its project's choices, its
        contexts named, and each context's grid its own spec's."""
        draft = cls.from_spec(workspace.project, target)
        draft.contexts_text = " ".join(workspace.names)
        draft.context_grids = {
            name: cls.from_spec(spec, Path()) for name, spec in workspace.contexts.items()
        }
        return draft

    def copied(self) -> Draft:
        """A deep copy; the specs it and its grids began from are immutable, and shared."""
        origins = [self.origin, *(grid.origin for grid in self.context_grids.values())]
        return copy.deepcopy(self, {id(o): o for o in origins if o is not None})

    def build(self) -> ProjectSpec:
        """The spec these choices make; raises UsageError for the first thing wrong."""
        for error in self.errors().values():
            raise UsageError(error)
        connected = set(self.server_slots())
        local = {slot for slot in connected if self.local_envs(slot)}
        # Overrides of slots that no longer connect to anything are dropped, not written.
        return self.spec(
            keep_variable=lambda slot: slot in connected,
            keep_local_url=lambda slot: slot in local,
        )

    def outcome(self) -> WizardOutcome:
        workspace = self.build_workspace() if self.is_workspace else None
        return WizardOutcome(self.build(), self.target, workspace)

    # --- a workspace's contexts -----------------------------------------------------------

    def context_names(self) -> list[str]:
        """The names in the contexts field, in the order typed."""
        return [name for name in CONTEXT_SEPARATOR.split(self.contexts_text) if name]

    @property
    def is_workspace(self) -> bool:
        return len(self.context_names()) >= 2

    def set_contexts(self, text: str) -> None:
        """The contexts field as typed. A grid of a context no longer named is dropped, and a
        "same as" that no longer names an earlier context becomes the context's own copy."""
        self.contexts_text = text
        names = self.context_names()
        for name in list(self.same_as):
            target = self.same_as[name]
            if name not in names:
                del self.same_as[name]
            elif target not in names or names.index(target) > names.index(name):
                self.set_same_as(name, None)
        for name in list(self.context_grids):
            if name not in names:
                del self.context_grids[name]

    def context_error(self) -> str | None:
        names = self.context_names()
        if len(names) < 2:
            return None
        # deferred: scaffolder.workspace_spec ~2 ms (CPU, measured): the wizard's first screen
        # imports this module without it
        from scaffolder.workspace_spec import refuse_cut_storage, validate_context_names

        cut = (error_of(refuse_cut_storage, self.package_name, name) for name in names)
        return error_of(validate_context_names, names) or next(filter(None, cut), None)

    def grid(self, context: str) -> Draft:
        """The grid `context` shows: its own, or that of the context it is the same as."""
        while context in self.same_as:
            context = self.same_as[context]
        if context not in self.context_grids:
            self.context_grids[context] = self._new_grid()
        return self.context_grids[context]

    def grids(self) -> list[Draft]:
        """The grids the files are made from: each context's in a workspace, else this one."""
        if not self.is_workspace:
            return [self]
        return [self.grid(name) for name in self.context_names()]

    def _new_grid(self) -> Draft:
        """A context's grid as the project's choices are now."""
        return Draft(
            providers=copy.deepcopy(self.providers),
            settings=copy.deepcopy(self.settings),
            present=list(self.present),
            variables=dict(self.variables),
            local_urls=dict(self.local_urls),
            slots=list(self.slots),
            origin=self.origin,
        )

    def same_as_choices(self, context: str) -> list[str]:
        """The contexts `context` may be the same as: those before it."""
        names = self.context_names()
        return names[: names.index(context)] if context in names else []

    def set_same_as(self, context: str, other: str | None) -> None:
        """`context` follows `other`'s grid; None: its own grid, a copy of what it showed."""
        if other is None:
            if context in self.same_as:
                followed = self.grid(context)
                # The spec it began with is immutable, and shared.
                self.context_grids[context] = copy.deepcopy(
                    followed, {id(followed.origin): followed.origin}
                )
                del self.same_as[context]
            return
        if other not in self.same_as_choices(context):
            raise UsageError(
                f"{context} can be the same as a context before it: "
                + (", ".join(self.same_as_choices(context)) or "(none)")
            )
        self.same_as[context] = other
        self.context_grids.pop(context, None)

    def own_grid(self, context: str) -> tuple[Draft, bool]:
        """`context`'s grid to change, and whether it was following another's until now (it
        becomes a copy of it first: a change to one context is never another's)."""
        following = context in self.same_as
        self.set_same_as(context, None)
        return self.grid(context), following

    def workspace_connections(self) -> dict[str, list[tuple[str, str, str | None]]]:
        """Per context, each connection as the workspace names it: the slot's key, its
        variable, and its local default (None: production only). Raises UsageError where
        the choices make no workspace."""
        connections = {}
        for name, spec in self.build_workspace().contexts.items():
            grid = Draft.from_spec(spec, Path())
            rows = []
            for slot in grid.server_slots():
                envs = grid.local_envs(slot)
                url = spec.local_url(slot, grid.provider(envs[0], slot)) if envs else None
                rows.append((slot.key, grid.variable(slot), url))
            connections[name] = rows
        return connections

    def build_workspace(self) -> WorkspaceSpec:
        """The workspace these choices make: the project's names, CI, deploy and scale, and
        each context's grid, under the workspace's sharing rules (scaffolder.workspace_spec)."""
        # deferred: scaffolder.workspace_spec ~2 ms (CPU, measured): the wizard's first screen
        # imports this module without it
        from scaffolder.workspace_spec import WorkspaceSpec, context_spec, taken_by

        project = self.build()
        contexts = {}
        for name in self.context_names():
            grid = self.grid(name)
            chosen = dataclasses.replace(
                self,
                providers=grid.providers,
                settings=grid.settings,
                present=grid.present,
                variables=grid.variables,
                local_urls=grid.local_urls,
                slots=grid.slots,
                contexts_text="",
                context_grids={},
                same_as={},
            )
            try:
                spec = chosen.build()
            except UsageError as error:
                raise UsageError(f"context {name!r}: {error}") from None
            contexts[name] = context_spec(spec, name, taken_by(contexts.values()))
        return WorkspaceSpec(project, contexts)

    # --- step 1: project ------------------------------------------------------------------

    def set_project_name(self, name: str) -> None:
        self.project_name = name
        if self.package_follows:
            self.package_name = package_name_for(name)
        if self.target_follows and name:
            self.target = self.target.parent / name

    def set_package_name(self, name: str) -> None:
        """An empty package follows the project name again (the field shows it as a hint)."""
        if not name:
            self.package_name = package_name_for(self.project_name)
            self.package_follows = True
            return
        self.package_name = name
        self.package_follows = name == package_name_for(self.project_name)

    def set_target(self, text: str) -> None:
        """The folder as typed; one named after the project follows its renames, unless it
        is the current folder (the field's first Changed, on mount, must not make it follow)."""
        if text == self.target_text():
            return
        target = Path(text).expanduser() if text.strip() else Path()
        self.target = target
        self.target_follows = target.name == self.project_name and not _is_cwd(target)

    def target_text(self) -> str:
        return "" if self.target == Path() else str(self.target)

    def project_errors(self) -> dict[str, str]:
        errors = {
            "project-name": error_of(validate_project_name, self.project_name),
            "package-name": error_of(validate_package_name, self.package_name),
            "target": self.target_error(),
            "contexts": self.context_error(),
        }
        return {key: message for key, message in errors.items() if message}

    def target_error(self) -> str | None:
        if self.target == Path():
            return "enter the folder to create the project in"
        if self.target.exists() and not self.target.is_dir():
            return f"{self.target} is a file, not a folder"
        return None

    def target_warning(self) -> str | None:
        try:
            if self.target != Path() and self.target.is_dir() and any(self.target.iterdir()):
                return f"{self.target} exists and is not empty"
        except OSError as exc:
            return f"{self.target}: {exc.strerror}"
        return None

    # --- step 2: providers and settings ---------------------------------------------------

    def choice(self, env: str, slot: Slot) -> str:
        """What the user chose for `slot` in `env`: a provider name, or "inherit" in overlays."""
        return self.providers[env].get(slot, INHERIT)

    def effective(self, env: str, slot: Slot) -> str:
        """The provider `slot` resolves to in `env` after inheritance from base."""
        return self.providers[env].get(slot) or self.providers[BASE][slot]

    def provider(self, env: str, slot: Slot) -> Provider:
        return PROVIDERS[slot.role][self.effective(env, slot)]

    def choices(self, env: str, slot: Slot) -> list[str]:
        """The values a cell offers: the role's providers, plus "inherit" in overlays."""
        names = list(PROVIDERS[slot.role])
        return names if env == BASE else [INHERIT, *names]

    def set_provider(self, env: str, slot: Slot, name: str) -> None:
        if name == INHERIT:
            if env == BASE:
                raise UsageError("base cannot inherit: it is what the overlays inherit from")
            self.providers[env].pop(slot, None)
            return
        if name not in PROVIDERS[slot.role]:
            raise UsageError(f"{name!r} is not a {slot.role.label} provider")
        self.providers[env][slot] = name

    def setting(self, env: str, name: str) -> object:
        """What `env` sets for `name`; None is "unset" in base, "inherit" in an overlay."""
        return self.settings[env].get(name)

    def effective_setting(self, env: str, name: str) -> object:
        value = self.settings[env].get(name)
        return self.settings[BASE].get(name) if value is None else value

    def setting_choices(self, env: str, name: str) -> list[object]:
        """None first: "unset" in base, "inherit" in an overlay; then the setting's values."""
        return [None, *SETTING_VALUES[name]]

    def set_setting(self, env: str, name: str, value: object) -> None:
        if value is None:
            self.settings[env].pop(name, None)
        elif value not in SETTING_VALUES[name]:
            raise UsageError(f"invalid {name} {value!r}")
        else:
            self.settings[env][name] = value

    def database_error(self, name: str) -> str | None:
        """Why `name` cannot be a new database, or None when it can."""
        return self.slot_error(Role.DATABASE, name)

    def slot_error(self, role: Role, name: str) -> str | None:
        """Why `name` cannot be a new named slot of `role`, or None when it can."""
        if not name:
            return "enter a name, such as " + NAME_EXAMPLES[role]
        error = error_of(validate_slot_name, name)
        if error:
            return error
        if Slot(role, name) in self.slots:
            return f"there is a {role.label} named {name!r} already"
        return None

    def add_database(self, name: str) -> Slot:
        """A new named database, set up as databases.default is in every environment."""
        return self.add_slot(Role.DATABASE, name)

    def add_slot(self, role: Role, name: str) -> Slot:
        """A new named database, broker or cache, set up as the role's default slot is in
        every environment, after the role's other slots."""
        error = self.slot_error(role, name)
        if error:
            raise UsageError(error)
        slot, default = Slot(role, name), Slot(role, "default")
        last = max(i for i, s in enumerate(self.slots) if s.role is role)
        self.slots.insert(last + 1, slot)
        for env in ENVIRONMENTS:
            if default in self.providers[env]:
                self.providers[env][slot] = self.providers[env][default]
        return slot

    def remove_database(self, slot: Slot) -> None:
        if slot.role is not Role.DATABASE or slot == DEFAULT_DATABASE:
            raise UsageError("only a named database other than default can be removed")
        self.remove_slot(slot)

    def remove_slot(self, slot: Slot) -> None:
        """Drop a named database, broker or cache (never a role's default) everywhere."""
        if not slot.role.is_named or slot.name == "default":
            raise UsageError("only a named database, broker or cache can be removed")
        self.slots.remove(slot)
        for env in ENVIRONMENTS:
            self.providers[env].pop(slot, None)
        self.variables.pop(slot, None)
        self.local_urls.pop(slot, None)

    # --- step 3: connections --------------------------------------------------------------

    def server_slots(self) -> list[Slot]:
        """Slots with a connection string in some environment (a provider not in memory)."""
        envs = self.environments()
        return [s for s in self.slots if any(not self.provider(e, s).in_memory for e in envs)]

    def local_envs(self, slot: Slot) -> list[str]:
        """Environments outside production that connect `slot` to something: they get a default."""
        return [
            env
            for env in self.environments()
            if env != PRODUCTION and not self.provider(env, slot).in_memory
        ]

    def variable(self, slot: Slot) -> str:
        return self.variables.get(slot, slot.variable)

    def default_local_url(self, slot: Slot) -> str | None:
        envs = self.local_envs(slot)
        return (
            default_local_url(slot, self.provider(envs[0], slot), self.package_name)
            if envs
            else None
        )

    def local_url(self, slot: Slot) -> str | None:
        return self.local_urls.get(slot) or self.default_local_url(slot)

    def set_variable(self, slot: Slot, text: str) -> None:
        if text == slot.variable:
            self.variables.pop(slot, None)
        else:
            self.variables[slot] = text

    def set_local_url(self, slot: Slot, text: str) -> None:
        """The user's default for `slot`; empty (or the provider's own) follows the provider."""
        if not text or text == self.default_local_url(slot):
            self.local_urls.pop(slot, None)
        else:
            self.local_urls[slot] = text

    def url_is_users(self, slot: Slot) -> bool:
        """Whether `slot`'s local default is one the user typed, kept across provider changes."""
        return slot in self.local_urls

    def url_warning(self, slot: Slot) -> str | None:
        """A typed URL whose scheme is not the one the provider's own default uses."""
        typed, default = self.local_urls.get(slot), self.default_local_url(slot)
        if not typed or not default or "://" not in typed:
            return None
        scheme, expected = typed.split("://", 1)[0], default.split("://", 1)[0]
        if scheme != expected:
            provider = self.provider(self.local_envs(slot)[0], slot).name
            return f"your URL is {scheme}://, {provider} expects {expected}://"
        return None

    def variable_error(self, slot: Slot) -> str | None:
        name = self.variable(slot)
        if not name:
            return "enter a variable name, such as " + slot.variable
        if not VARIABLE_NAME.fullmatch(name):
            return (
                f"{name!r} is not a variable name: use A-Z, 0-9 and '_', not starting with a digit"
            )
        reserved = reserved_variable(name)
        if reserved is not None:
            return f"{name} is reserved: {reserved}"
        for other in self.server_slots():
            if other != slot and self.variable(other) == name:
                return f"{name} is {other}'s variable too; each connection needs its own"
        return None

    def local_url_error(self, slot: Slot) -> str | None:
        if not self.local_envs(slot):
            return None
        url = self.local_url(slot) or ""
        if not url:
            return "enter the URL to use when the variable is unset"
        if "://" not in url:
            return f"{url!r} is not a URL: it needs a scheme, as in postgresql://..."
        if any(c in url for c in "{}") or any(c.isspace() for c in url):
            return "a URL cannot hold spaces or braces"
        return None

    def connection_errors(self) -> dict[str, str]:
        errors = {}
        for slot in self.server_slots():
            for key, error in (
                (f"variable-{field_id(slot)}", self.variable_error(slot)),
                (f"url-{field_id(slot)}", self.local_url_error(slot)),
            ):
                if error:
                    errors[key] = error
        return errors

    # --- step 4: deploy ------------------------------------------------------------------

    def set_deploy(self, kind: str) -> None:
        if kind not in DEPLOY_CHOICES:
            raise UsageError(
                f"invalid deploy {kind!r}; expected one of: {', '.join(DEPLOY_CHOICES)}"
            )
        self.deploy = kind

    def subscription_type(self) -> str:
        """The engine's default subscription type in production, after inheritance."""
        return str(
            self.effective_setting(PRODUCTION, SUBSCRIPTION_KEY) or DEFAULT_SUBSCRIPTION_TYPE
        )

    def set_subscription_type(self, kind: str) -> None:
        """Production's subscription type; the one it has already (inherited or Protean's
        default) leaves the draft as it is, so looking at the step changes nothing."""
        if kind not in SUBSCRIPTION_TYPES:
            raise UsageError(
                f"invalid subscription type {kind!r}; expected one of: "
                + ", ".join(SUBSCRIPTION_TYPES)
            )
        if kind != self.subscription_type():
            self.settings[PRODUCTION][SUBSCRIPTION_KEY] = kind
            # The engine's subscription type is the workspace's, as its scale is: every
            # context's grid takes it (a context's grid shows no such setting).
            for grid in self.context_grids.values():
                grid.settings[PRODUCTION][SUBSCRIPTION_KEY] = kind

    def count_text(self, name: str) -> str:
        """The workers or replicas field as typed."""
        return self.counts[name]

    def set_count(self, name: str, text: str) -> None:
        """The workers or replicas field; a whole number from 1 is the spec's from now on."""
        self.counts[name] = text
        if text.isdigit() and int(text) >= 1:
            setattr(self, name, int(text))

    def count_error(self, name: str) -> str | None:
        """Why the workers or replicas field cannot be used, or None."""
        text = self.counts[name]
        if not text:
            return "enter a whole number, 1 or more"
        if not text.isdigit() or int(text) < 1:
            return f"{text!r}: expected a whole number, 1 or more"
        if int(text) > 1 and self.subscription_type() == "event_store":
            # Short: it is shown beside Next too. The step's note says why.
            return "above 1 needs stream subscriptions"
        return None

    def deploy_errors(self) -> dict[str, str]:
        errors = {f"deploy-{name}": self.count_error(name) for name in ("workers", "replicas")}
        return {key: message for key, message in errors.items() if message}

    def errors(self) -> dict[str, str]:
        return {**self.project_errors(), **self.connection_errors(), **self.deploy_errors()}


def _is_cwd(path: Path) -> bool:
    try:
        return path.resolve() == Path.cwd().resolve()
    except OSError:
        return False


def field_id(slot: Slot) -> str:
    """A widget-id-safe name for a slot: `databases.reports` -> `databases-reports`."""
    return slot.key.replace(".", "-").replace("_", "-")
