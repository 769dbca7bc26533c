"""The spec of a workspace: one project's choices, and one spec of providers per bounded context.

A workspace is one repository holding several bounded contexts, each a package under
`src/<context>/` with its own `Domain` and `domain.toml` (Protean's reference application,
its multi-domain guide). What the project chooses once (its name, CI, compose, deployment,
installer) is the workspace's; what a context chooses (providers, settings per environment)
is a `ProjectSpec` of its own whose package is the context.

The sharing rules, applied to each context's spec unless the user named the value:
- a database per context and environment on the shared server: databases are named
  `<package>_<context>` (`<package>_<context>_<name>` for a named one), and the test
  overlay's `<package>_<context>_test` (`<package>_<context>_<name>_test`), so a suite that
  empties its tables never empties a developer's; read from `<CONTEXT>_DATABASE_URL`
  (`<CONTEXT>_<NAME>_DATABASE_URL`) in every environment, with its own local default in each;
- caches per context: `<CONTEXT>_CACHE_URL` (same local default server), on a local Redis
  database no context before it uses (free_redis_database, recorded as the context's local
  URL), so no context reads another's cached keys;
- one broker and one event store for every context: `BROKER_URL`, `EVENT_STORE_URL` as in a
  single project.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from scaffolder.answers import spec_answers
from scaffolder.catalog import Provider, Role
from scaffolder.config_tree import provider_of, references, resolve
from scaffolder.connection_target import target
from scaffolder.errors import UsageError
from scaffolder.spec.environments import BASE, PRODUCTION, TEST
from scaffolder.spec.names import reserved_variable, validate_package_name
from scaffolder.spec.project import ProjectSpec
from scaffolder.spec.slots import (
    DATABASE_NAME_BYTES,
    Slot,
    default_local_url,
    free_redis_database,
)
from scaffolder.variable_reference import references_in, substitute
from scaffolder.vocabulary import PROJECT_KEYS

# Roles that each context has for itself (a variable of its own); the others are shared.
OWN_ROLES = (Role.DATABASE, Role.CACHE)
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


# The end of a test database's name: a context's test overlay never shares its base's
# database (its suite deletes what it writes), as `<context>_test` beside `<context>_local`
# in Protean's reference application.
TEST_SUFFIX = "_test"


def environment_suffix(env: str) -> str:
    """What a context's storage in `env` ends with: `_test` in the test overlay."""
    return TEST_SUFFIX if env == TEST else ""


# The ends teams give a context's database names per environment (`ordering_local`,
# `ordering_test` in Protean's reference application): a named database's name goes before it.
_ENVIRONMENT_ENDS = ("_local", "_dev", "_development", "_test", "_testing")


def named_after(default: str, name: str) -> str:
    """The name of database `name` of the context whose default database is `default`:
    `shop_ordering` -> `shop_ordering_reports`, `ordering_local` -> `ordering_reports_local`,
    `shop_ordering_test` -> `shop_ordering_reports_test`."""
    for end in _ENVIRONMENT_ENDS:
        if default.endswith(end) and len(default) > len(end):
            return f"{default[: -len(end)]}_{name}{end}"
    return f"{default}_{name}"


def context_local_url(
    tree: Mapping[str, Any], env: str, slot: Slot, provider: Provider, package: str, context: str
) -> str | None:
    """The local default an edit of context `context` (of the workspace whose package is
    `package`) writes for `slot` in `env`. A named database is named after the context's
    default database in that environment, where its config names one on this machine on the
    same provider (what a workspace made by hand already does: `ordering_local` ->
    `ordering_reports_local`); else by the workspace's rule, `<package>_<context>_<name>`
    (`_test` at the end in the test overlay)."""
    own = default_local_url(slot, provider, storage_name(package, context), environment_suffix(env))
    if own is None or slot.role is not Role.DATABASE or slot.name in (None, "default"):
        return own
    default = _default_database(tree, env, provider)
    return own if default is None else provider.local_url_for(named_after(default, slot.name))


def followed_variable(tree: Mapping[str, Any], env: str, variable: str) -> str:
    """The variable a new database slot reads in `env`: `variable`, unless the context's
    default database reads another one there than in base, named after it
    (`TEST_ORDERING_DATABASE_URL` over `ORDERING_DATABASE_URL`: `TEST_ORDERING_REPORTS_...`)."""
    here, base = _default_variable(tree, env), _default_variable(tree, BASE)
    if here and base and here != base and base in here:
        return here.replace(base, variable, 1)
    return variable


def _default_table(tree: Mapping[str, Any], env: str) -> Mapping[str, Any] | None:
    databases = resolve(dict(tree), env).get("databases")
    table = databases.get("default") if isinstance(databases, Mapping) else None
    return table if isinstance(table, Mapping) else None


def _default_variable(tree: Mapping[str, Any], env: str) -> str | None:
    table = _default_table(tree, env)
    found = next(references(dict(table)), None) if table is not None else None
    return found.name if found is not None else None


def _default_database(tree: Mapping[str, Any], env: str, provider: Provider) -> str | None:
    """The database the context's `databases.default` names in `env` on this machine with
    every variable at its default, when it is on `provider`."""
    table = _default_table(tree, env)
    slot = Slot(Role.DATABASE, "default")
    if table is None or provider_of(slot, table) is not provider or not provider.uri_key:
        return None
    value = table.get(provider.uri_key)
    if not isinstance(value, str) or any(r.default is None for r in references_in(value)):
        return None
    found = target(substitute(value, lambda ref: ref.default or ""))
    if found is None or not found.local or found.host not in ("localhost", "127.0.0.1", "::1"):
        return None
    database = found.database or ""
    return database if database.isidentifier() else None


@dataclass(frozen=True)
class ContextSpec(ProjectSpec):
    """A context's spec: a project spec whose package is the context, and whose local
    storage is named `storage` (`<package>_<context>`: the workspace's and the context's)
    for every provider, so each context has its own database on a shared server and its own
    file for a local one; its test overlay's end in `_test`."""

    storage: str = ""

    def local_url(self, slot: Slot, provider: Provider, env: str = BASE) -> str | None:
        return self.local_urls.get(slot) or default_local_url(
            slot, provider, self.storage or self.package_name, environment_suffix(env)
        )


def taken_by(specs: Iterable[ProjectSpec]) -> tuple[str, ...]:
    """Every local URL `specs` (contexts made before another) write, in every environment but
    production (which reads a variable): ContextSpec.taken of the next context."""
    return tuple(
        url
        for spec in specs
        for slot in spec.slots
        for env in spec.environments.keys() - {PRODUCTION}
        if (url := spec.local_url(slot, spec.provider(env, slot), env)) is not None
    )


def context_spec(project: ProjectSpec, context: str, taken: Iterable[str]) -> ContextSpec:
    """`project`'s choices as context `context` takes them: its package, its storage, and
    its own variable for every database and cache slot whose variable the user did not name
    (module docstring); `taken`: the local URLs of the contexts before it (taken_by, or the
    strings of their configs)."""
    refuse_cut_storage(project.package_name, context)
    variables = dict(project.variables)
    for slot in project.slots:
        if slot.role in OWN_ROLES:
            variables.setdefault(slot, context_variable(context, slot))
    fields = {f.name: getattr(project, f.name) for f in dataclasses.fields(ProjectSpec)}
    spec = ContextSpec(
        **{**fields, "package_name": context, "variables": variables},
        storage=storage_name(project.package_name, context),
    )
    moved = _own_redis_databases(spec, taken)
    if not moved:
        return spec
    return dataclasses.replace(spec, local_urls={**spec.local_urls, **moved})


def _own_redis_databases(spec: ContextSpec, taken: Iterable[str]) -> dict[Slot, str]:
    """The local URL of each slot of the context on a local Redis database `taken` (or a slot
    of its own before it) uses, moved to a free one (free_redis_database): a local URL of
    the context's own, recorded as one (so the record and `new --answers` of it give it
    back). The default broker is every context's (their events cross through it): it stays."""
    used = list(taken)
    moved: dict[Slot, str] = {}
    for slot in sorted(spec.slots, key=lambda s: s.name not in (None, "default")):
        envs = sorted(spec.environments.keys() - {PRODUCTION})
        urls = [url for env in envs if (url := spec.local_url(slot, spec.provider(env, slot), env))]
        shared = slot.role is Role.BROKER and slot.name in (None, "default")
        if not shared and slot not in spec.local_urls:
            freed = next((f for u in urls if (f := free_redis_database(u, used)) != u), None)
            if freed is not None:
                moved[slot] = freed
                urls = [freed]
        used += urls
    return moved


# PostgreSQL cuts a database name at DATABASE_NAME_BYTES (scaffolder.spec.slots):
# `shop_<context>_test` cut to `shop_<context>` is the developer's database, which the test
# suite empties.


def refuse_cut_storage(package: str, context: str) -> None:
    """Context `context`'s test database (the longest of its default storage's names) must
    keep every byte on PostgreSQL, or two of its databases, or two contexts', are one."""
    longest = storage_name(package, context) + TEST_SUFFIX
    if len(longest.encode()) > DATABASE_NAME_BYTES:
        room = DATABASE_NAME_BYTES - len(storage_name(package, "").encode() + TEST_SUFFIX.encode())
        raise UsageError(
            f"invalid context name {context!r}: its test database {longest} would be "
            f"{len(longest.encode())} bytes, and PostgreSQL cuts a name at "
            f"{DATABASE_NAME_BYTES} (into another database's); in package {package!r} a "
            f"context name has at most {room} characters"
        )


def refuse_project_key(context: str, key: str) -> None:
    """A project-level key (name, CI, deploy, scale, ...) is the workspace's: one value for
    every context."""

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
