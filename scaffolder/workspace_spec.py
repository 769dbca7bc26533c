"""The spec of a workspace: one project's choices, and one spec of providers per bounded context.

A workspace is one repository holding several bounded contexts, each a package under
`src/<context>/` with its own `Domain` and `domain.toml` (Protean's reference application,
its multi-domain guide). What the project chooses once (its name, CI, compose, deployment,
installer) is the workspace's; what a context chooses (providers, settings per environment)
is a `ProjectSpec` of its own whose package is the context.

The sharing rules, applied to each context's spec unless the user named the value:
- a database per context on the shared server: databases are named `<package>_<context>`
  (`<package>_<context>_<name>` for a named one), read from `<CONTEXT>_DATABASE_URL`
  (`<CONTEXT>_<NAME>_DATABASE_URL`);
- caches per context: `<CONTEXT>_CACHE_URL` (same local default server);
- one broker and one event store for every context: `BROKER_URL`, `EVENT_STORE_URL` as in a
  single project.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from scaffolder.catalog import Provider, Role
from scaffolder.errors import UsageError
from scaffolder.spec.names import validate_package_name
from scaffolder.spec.project import ProjectSpec
from scaffolder.spec.slots import Slot, default_local_url

# Roles that each context has for itself (a variable of its own); the others are shared.
_OWN_ROLES = (Role.DATABASE, Role.CACHE)
# Names a context may not take besides what a package may not: the folders of the workspace.
_RESERVED_CONTEXTS = frozenset({"src", "deploy"})
# A context-qualified key: `ordering:production.databases.default`.
QUALIFIER = ":"


def validate_context_name(name: str) -> None:
    """A context is a package under src/: its name is a package name, and not one that the
    workspace uses for itself."""
    try:
        validate_package_name(name)
    except UsageError as error:
        raise UsageError(str(error).replace("package name", "context name", 1)) from None
    if name in _RESERVED_CONTEXTS or name.startswith("_"):
        raise UsageError(
            f"invalid context name {name!r}: reserved for the workspace's own folders; "
            f"use a name of the domain's own, such as {name.strip('_') + '_context'!r}"
        )
    from scaffolder.spec.names import reserved_variable

    variable = f"{name.upper()}_DATABASE_URL"
    why = reserved_variable(variable)
    if why is not None:
        raise UsageError(
            f"invalid context name {name!r}: its variables ({variable}, ...) would be "
            f"reserved: {why}; use a name of the domain's own, such as {name + '_context'!r}"
        )
    if name != name.lower():
        raise UsageError(
            f"invalid context name {name!r}: use lower case (it names a package and a "
            f"database), such as {name.lower()!r}"
        )


def validate_context_names(names: Iterable[str]) -> None:
    """Each name a valid context name (validate_context_name), and each named once."""
    seen: set[str] = set()
    for name in names:
        validate_context_name(name)
        if name in seen:
            raise UsageError(f"context {name!r} is named twice; name each context once")
        seen.add(name)


@dataclass(frozen=True)
class WorkspaceSpec:
    """The project-level choices (`project`: names, CI, compose, deploy; its providers are
    what an unqualified key chose for every context) and each context's spec, in order."""

    project: ProjectSpec
    contexts: Mapping[str, ProjectSpec]

    def __post_init__(self) -> None:
        object.__setattr__(self, "contexts", MappingProxyType(dict(self.contexts)))
        if not self.contexts:
            raise UsageError("a workspace needs at least one context (--context NAME)")
        for name, spec in self.contexts.items():
            validate_context_name(name)
            if spec.package_name != name:
                raise UsageError(f"context {name!r} has the package {spec.package_name!r}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.contexts)


def context_variable(context: str, slot: Slot) -> str:
    """`ORDERING_DATABASE_URL`: the variable of a context's own connection."""
    return f"{context.upper()}_{slot.variable}"


def storage_name(package: str, context: str) -> str:
    """`shop_ordering`: the stem of a context's databases on the shared server."""
    return f"{package}_{context}"


@dataclass(frozen=True)
class ContextSpec(ProjectSpec):
    """A context's spec: a project spec whose package is the context, and whose local
    storage is named `storage` (`<package>_<context>`: the workspace's and the context's)
    for every provider, so each context has its own database on a shared server and its own
    file for a local one."""

    storage: str = ""

    def local_url(self, slot: Slot, provider: Provider) -> str | None:
        return self.local_urls.get(slot) or default_local_url(
            slot, provider, self.storage or self.package_name
        )


def context_spec(project: ProjectSpec, context: str) -> ContextSpec:
    """`project`'s choices as context `context` takes them: its package, its storage, and
    its own variable for every database and cache slot whose variable the user did not name
    (module docstring)."""
    variables = dict(project.variables)
    for slot in project.slots:
        if slot.role in _OWN_ROLES:
            variables.setdefault(slot, context_variable(context, slot))
    fields = {f.name: getattr(project, f.name) for f in dataclasses.fields(ProjectSpec)}
    return ContextSpec(
        **{**fields, "package_name": context, "variables": variables},
        storage=storage_name(project.package_name, context),
    )


def refuse_project_key(context: str, key: str) -> None:
    """A project-level key (name, CI, deploy, scale, ...) is the workspace's: one value for
    every context."""
    from scaffolder.vocabulary import PROJECT_KEYS

    if key.strip() in (*PROJECT_KEYS, "name", "package"):
        raise UsageError(
            f"{key.strip()} is the workspace's, one for every context: give it without "
            f"'{context}{QUALIFIER}'"
        )


def split_qualified(
    sets: Iterable[str], contexts: Iterable[str]
) -> tuple[list[str], dict[str, list[str]]]:
    """`--set` values: the unqualified ones (every context), and per context its own
    (`ordering:KEY=VALUE`). A qualifier that names no context is refused, naming them."""
    known = list(contexts)
    shared: list[str] = []
    own: dict[str, list[str]] = {name: [] for name in known}
    for item in sets:
        key = item.partition("=")[0]
        if QUALIFIER not in key:
            shared.append(item)
            continue
        context, _, rest = item.partition(QUALIFIER)
        refuse_project_key(context, rest.partition("=")[0])
        if context not in own:
            raise UsageError(
                f"unknown context {context!r} in --set {item!r}; expected one of: "
                f"{', '.join(known) or '(none: pass --context NAME)'}"
            )
        own[context].append(rest)
    return shared, own


def answers_contexts(answers: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, dict]]:
    """An answers file's project-level keys, and its `contexts:` section as a mapping of
    context -> its own keys (a list of names: no keys of their own). Top-level keys in the
    qualified form (`ordering:production.databases.default`) join their context's."""
    rest = {k: v for k, v in answers.items() if k != "contexts" and QUALIFIER not in str(k)}
    section = answers.get("contexts")
    contexts: dict[str, dict] = {}
    if isinstance(section, list) and all(isinstance(name, str) for name in section):
        contexts = {name: {} for name in section}
    elif isinstance(section, Mapping):
        for name, values in section.items():
            if values is not None and not isinstance(values, Mapping):
                raise UsageError(
                    f"invalid value {values!r} for contexts.{name} in the answers file; "
                    "expected a table of KEY: VALUE answers"
                )
            contexts[str(name)] = dict(values or {})
            for key in contexts[str(name)]:
                refuse_project_key(str(name), str(key))
    elif section is not None:
        raise UsageError(
            f"invalid value {section!r} for contexts in the answers file; expected a list of "
            "context names or a table of them"
        )
    for key, value in answers.items():
        if QUALIFIER in str(key):
            name, _, own = str(key).partition(QUALIFIER)
            refuse_project_key(name, own)
            contexts.setdefault(name, {})[own] = value
    return rest, contexts


def record(workspace: WorkspaceSpec) -> dict[str, Any]:
    """The workspace's choices as an answers file holds them: `new --answers` of it gives the
    same workspace back."""
    from scaffolder.answers import spec_answers

    project = workspace.project
    scaled = next(iter(workspace.contexts.values()))
    answers: dict[str, Any] = {
        "project_name": project.project_name,
        "package_name": project.package_name,
        "ci": project.ci,
        "compose": project.compose,
        "deploy": project.deploy,
    }
    # As a project's record: the scale and the installer only when not the defaults.
    for key in ("workers", "replicas"):
        if getattr(scaled, key) > 1:
            answers[key] = getattr(scaled, key)
    if project.installer != "pip":
        answers["installer"] = project.installer
    answers["contexts"] = {
        name: flat_answers(spec_answers(spec)) for name, spec in workspace.contexts.items()
    }
    return answers


def flat_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """spec_answers' (and record_spec's) shape as flat keys
    (`production.databases.default: postgresql`)."""
    flat: dict[str, Any] = {}
    for env, values in answers["environments"].items():
        flat.update({f"{env}.{key}": value for key, value in values.items()})
    for group in ("variables", "local_urls"):
        flat.update({f"{group}.{k}": v for k, v in (answers.get(group) or {}).items()})
    return flat
