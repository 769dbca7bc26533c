"""The edits a reopened project can take, as functions from a Project to new config text.

The commands (add-database, add-env, set) and the edit menu of the wizard and the prompts all
call these, then `reopen.commit`; none of them writes by itself. Every edit goes through
`scaffolder.toml` (edit, remove), which inserts or replaces text and verifies nothing else changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from scaffolder.catalog import CONNECTION_KEYS, PROVIDERS, Provider, Role
from scaffolder.config_tree import (
    Tree,
    base_of,
    config_strings,
    deliberately_in_memory,
    overlay_names,
    provider_of,
    references,
    resolve,
    slot_tables,
)
from scaffolder.errors import UsageError, closest
from scaffolder.inputs import read_text
from scaffolder.install import test_install_command
from scaffolder.project_files import parse_config
from scaffolder.reopen.project import Project
from scaffolder.spec.defaults import RECOMMENDED, production_provider, real_provider
from scaffolder.spec.environments import BASE, MEMORY, OVERLAYS, PRODUCTION, TEST
from scaffolder.spec.names import validate_slot_name
from scaffolder.spec.settings import Setting
from scaffolder.spec.slots import (
    Slot,
    check_provider,
    default_local_url,
    free_redis_database,
    refuse_cut_database,
)
from scaffolder.toml.edit import insert_tables, set_value
from scaffolder.toml.errors import TomlEditError
from scaffolder.toml.remove import comment_out_key, remove_key, remove_table
from scaffolder.toml.rename import rename_table
from scaffolder.variable_reference import VariableReference, substitute

if TYPE_CHECKING:
    from scaffolder.project_files import ProjectIdentity

Additions = dict[tuple[str, ...], dict[str, Any]]


def connection_value(
    env: str, slot: Slot, provider: Provider, local: str | None, variable: str | None = None
) -> str:
    """`${VAR}` in production (no default), `${VAR|local URL}` elsewhere (`local`, or the
    slot's default_local_url)."""
    variable = variable or slot.variable
    if env == PRODUCTION:
        return provider.uri_value(f"${{{variable}}}")
    return provider.uri_value(f"${{{variable}|{local}}}")


def slot_table(
    env: str, slot: Slot, provider: Provider, local: str | None, variable: str | None = None
) -> dict[str, Any]:
    table: dict[str, Any] = {"provider": provider.name}
    if provider.uri_key:
        table[provider.uri_key] = connection_value(env, slot, provider, local, variable)
    table.update(provider.settings)
    return table


def local_url(project: Project, env: str, slot: Slot, provider: Provider) -> str | None:
    """The local default an edit writes for `slot` in `env`: the project's one rule
    (default_local_url), or in a workspace's context the workspace's, which names each
    context's databases and its test databases apart (workspace_spec.context_local_url)."""
    if project.context is None or project.workspace_package is None:
        url = default_local_url(slot, provider, project.identity.package_name)
        refuse_cut_database(slot, provider, url, project.identity.package_name)
        return url
    # deferred: scaffolder.workspace_spec ~2 ms (CPU, measured): `add-env` imports this module
    # without it
    from scaffolder.workspace_spec import context_local_url

    package, context = project.workspace_package, project.context.name
    url = context_local_url(project.tree, env, slot, provider, package, context)
    refuse_cut_database(slot, provider, url, package)
    return url


def base_slots(project: Project) -> list[Slot]:
    """The slots base defines (Protean's default ones always)."""
    return [slot for slot, _ in slot_tables(base_of(project.tree))]


def require_slot(project: Project, slot: Slot, *, offer_add: bool = True) -> None:
    """Refuse a slot base lacks, naming the closest one and (where adding it would do what the
    user asked: setting it, not removing or renaming it) the command that adds one."""
    if slot not in base_slots(project):
        raise _no_such_slot(project, slot, "PROVIDER", "to add one" if offer_add else None)


def _no_such_slot(project: Project, slot: Slot, provider: str, purpose: str | None) -> UsageError:
    names = [s.name for s in base_slots(project) if s.role is slot.role and s.name]
    hint = closest(slot.name or "", names)
    add = f"protean-init add-{slot.role.label} {slot.name} --provider {provider}"
    offer = f" ({purpose}: {add})" if purpose else ""
    return UsageError(
        f"{project.config_relative} has no {slot}{hint}; {slot.role.value} in base: "
        f"{', '.join(names) or 'none'}{offer}"
    )


def _variable_of(project: Project, slot: Slot) -> str:
    """The variable a slot reads in base (or any overlay), else the role's default name."""
    for env in ("", *overlay_names(project.tree)):
        node = _table_at(project.tree, (env, *slot.path) if env else slot.path) or {}
        named = next(references(node), None)
        if named:
            return named.name
    return _new_variable(project, slot)


def _new_variable(project: Project, slot: Slot) -> str:
    """The variable a slot that reads none yet is given: the role's name for it, prefixed
    with the context's in a workspace, where every context reads its own (REPORTS_DATABASE_URL
    in two contexts would point both at one database once set; check says so too:
    workspace-shared-variable)."""
    if project.context is not None:
        return f"{project.context.name.upper()}_{slot.variable}"
    return slot.variable


def _insert(project: Project, additions: Additions) -> str:

    try:
        return insert_tables(project.text, additions, root=project.config.root_key)
    except TomlEditError as error:
        raise UsageError(f"{project.config_relative}: {error}; nothing written") from error


def check_overlay(project: Project, env: str) -> None:
    overlays = overlay_names(project.tree)
    if env not in overlays:
        raise UsageError(
            f"environment {env!r} does not exist in this project{closest(env, overlays)}; "
            f"overlays found: {', '.join(overlays) or 'none'}"
        )


def add_slot(
    project: Project, role: Role, name: str, provider: str, env_choices: dict[str, str]
) -> str:
    """Add `[ROLE.NAME]` to base and to the overlays asked for, or that must follow.

    A [memory] overlay gets an in-memory entry (memory mode stays in memory), and a
    [production] overlay gets a server reading a variable with no default (the base's own,
    or the recommended one when base uses a local file), so production never falls back to
    a local connection string. `env_choices` values may be `inherit`.
    """
    if not role.is_named:
        raise UsageError(f"{role.value} takes no name; set it with ENV.{role.value}=PROVIDER")
    validate_slot_name(name)
    slot = Slot(role, name)
    check_provider(slot, provider)
    for env in env_choices:
        check_overlay(project, env)
    if slot in base_slots(project) and (name != "default" or role.value in project.tree):
        raise UsageError(
            f"{role.label} {name!r} already exists in {project.config_relative}; "
            "choose another name"
        )
    overlays = overlay_names(project.tree)
    chosen: dict[str, str | None] = {BASE: provider, **env_choices}
    if MEMORY in overlays:
        chosen.setdefault(MEMORY, next(iter(PROVIDERS[role])))
    if PRODUCTION in overlays and not PROVIDERS[role][provider].in_memory:
        chosen.setdefault(PRODUCTION, production_provider(role, provider))
    additions: Additions = {}
    for env, provider_name in chosen.items():
        if provider_name is None or provider_name == "inherit":
            continue
        check_provider(slot, provider_name)
        entry = PROVIDERS[role][provider_name]
        path = slot.path if env == BASE else (env, *slot.path)
        additions[path] = _new_table(project, env, slot, entry)
    if project.context is not None and TEST in overlays and TEST not in chosen:
        # A workspace's test overlay has databases of its own: the new one's too, where
        # its name in the test overlay is not base's.
        entry = PROVIDERS[role][provider]
        test = _new_table(project, TEST, slot, entry)
        if test != additions[slot.path]:
            additions[(TEST, *slot.path)] = test
    text = _insert(project, additions)
    if project.context is not None:
        _refuse_another_contexts(project, slot, text)
    return text


def _refuse_another_contexts(project: Project, slot: Slot, text: str) -> None:
    """A context's new slot must not read another context's own variable or database
    (scaffolder.context_owned): `log` of context `ordering` is context
    `ordering_log`'s."""
    # deferred: scaffolder.context_owned with connection_target ~2 ms (CPU, measured): an
    # edit of a project of one context (add-env) imports this module without it
    from scaffolder.context_owned import other_contexts, owned, refuse_taken

    assert project.context is not None
    before = owned(project.tree)
    added = {k: v for k, v in owned(parse_config(text, project.config)).items() if k not in before}
    what = f"{slot.role.label} {slot.name!r} of context {project.context.name!r}"
    refuse_taken(what, added, other_contexts(project.root, project.context.name))


def _new_table(project: Project, env: str, slot: Slot, provider: Provider) -> dict[str, Any]:
    """The table of a slot an edit adds in `env`: the context's variable for it (in a
    workspace, named as the context's default database's in that environment), and its
    local default."""
    variable = _new_variable(project, slot)
    if project.context is not None and slot.role is Role.DATABASE and env != BASE:
        # deferred: scaffolder.workspace_spec ~2 ms (CPU, measured): `add-env` imports this module
        # without it
        from scaffolder.workspace_spec import followed_variable

        variable = followed_variable(project.tree, env, variable)
    return slot_table(
        env, slot, provider, _local_beside_others(project, env, slot, provider), variable
    )


def in_memory_in_production(project: Project, text: str, slot: Slot) -> str | None:
    """The warning `check` gives (memory-in-production) when the edited config leaves `slot`
    in memory in production, for the command to print as it writes; None otherwise."""

    tree = parse_config(text, project.config)
    if PRODUCTION not in overlay_names(tree):
        return None
    table = _table_at(resolve(tree, PRODUCTION), slot.path)
    provider = provider_of(slot, table) if table is not None else None
    if provider is None or not provider.in_memory or deliberately_in_memory(slot, provider):
        return None
    server = RECOMMENDED[slot.role]
    return (
        f"warning: production keeps {slot} in memory ('{provider.name}'): its data lives in one "
        f"process, as `protean-init check` will say (memory-in-production); give production a "
        f"server: protean-init set production.{'.'.join(slot.path)}={server}"
    )


def add_database(project: Project, name: str, provider: str, env_choices: dict[str, str]) -> str:
    return add_slot(project, Role.DATABASE, name, provider, env_choices)


def like_default_database(project: Project) -> tuple[str, dict[str, str]]:
    """The providers of a database added with no provider named: the default database's, in
    base and in each overlay that names its own (where the overlay inherits, the new database
    does too), so it lives where the project's data already does in every environment. A
    provider protean-init does not know there is refused, naming the ones it does."""
    default = Slot(Role.DATABASE, "default")
    base = _default_provider(project, BASE, base_of(project.tree))
    overlays: dict[str, str] = {}
    for env in overlay_names(project.tree):
        table = _table_at(project.tree, (env, *default.path))
        if isinstance(table, dict) and "provider" in table:
            overlays[env] = _default_provider(project, env, project.tree[env])
    return base, overlays


def _default_provider(project: Project, env: str, config: Any) -> str:
    """The provider `config`'s default database names (Protean's default where it names
    none), when protean-init knows it."""
    default = Slot(Role.DATABASE, "default")
    table = next(table for slot, table in slot_tables(config) if slot == default)
    name = table.get("provider")
    if isinstance(name, str) and name in PROVIDERS[Role.DATABASE]:
        return name
    where = "" if env == BASE else f"{env}."
    raise UsageError(
        f"no --provider, and {project.config_relative}'s {where}databases.default has "
        f"provider {name!r}, not one protean-init adds; pass --provider, one of: "
        f"{', '.join(PROVIDERS[Role.DATABASE])}"
    )


def _remove_table(project: Project, text: str, path: tuple[str, ...]) -> str:
    """`path` and everything under it gone from `text` (scaffolder.toml.remove, verified)."""

    try:
        return remove_table(text, path, root=project.config.root_key)
    except TomlEditError as error:
        raise UsageError(f"{project.config_relative}: {error}; nothing written") from error


def _set_values(project: Project, text: str, path: tuple[str, ...], values: dict) -> str:

    try:
        for key, value in values.items():
            text = set_value(text, (*path, key), value, root=project.config.root_key)
    except TomlEditError as error:
        raise UsageError(f"{project.config_relative}: {error}; nothing written") from error
    return text


def set_provider(project: Project, env: str, slot: Slot, provider: str | None) -> str:
    """Point `slot` in `env` at `provider` (None: the overlay inherits base's), with the
    connection string it needs. A slot base lacks is refused with the closest name, except
    `base.ROLE.NAME=PROVIDER`, which adds it as add-database does."""
    if env != BASE:
        check_overlay(project, env)
    if slot not in base_slots(project):
        if env == BASE and slot.role.is_named and provider is not None:
            _refuse_near_miss(project, slot, provider)
            return add_slot(project, slot.role, slot.name or "", provider, {})
        require_slot(project, slot)
    prefix = () if env == BASE else (env,)
    path = (*prefix, *slot.path)
    current = _table_at(project.tree, path)
    if provider is None:
        return _inherit(project, env, slot, path, current)
    check_provider(slot, provider)
    entry = PROVIDERS[slot.role][provider]
    variable = _variable_of(project, slot)
    table = slot_table(env, slot, entry, _local_beside_others(project, env, slot, entry), variable)
    text = project.text
    if current is None:
        text = _insert(project, {path: table})
    else:
        text = _repoint(project, text, path, current, table, entry)
    if env == BASE:
        text = _production_follows(project, text, slot, provider, variable)
    return text


def _refuse_near_miss(project: Project, slot: Slot, provider: str) -> None:
    """`set` adds a slot only when its name is not a near miss of one base has: a typo of
    `reports` must not quietly become a second database. add-ROLE adds it on purpose."""
    names = [s.name for s in base_slots(project) if s.role is slot.role and s.name]
    if closest(slot.name or "", names):
        raise _no_such_slot(project, slot, provider, "to add it as a new one")


def _inherit(
    project: Project, env: str, slot: Slot, path: tuple[str, ...], current: dict[str, Any] | None
) -> str:
    """`env` leaves `slot` to base: its table goes (production gets base's server from a
    variable instead)."""
    if env == BASE:
        raise UsageError(f"base.{slot}: 'inherit' is only for overlays")
    base_table = _table_at(project.tree, slot.path) or {}
    entry = PROVIDERS[slot.role].get(str(base_table.get("provider")))
    if env == PRODUCTION and entry is not None and entry.uri_key:
        # Production takes base's provider, never base's local default: a `${VAR}`
        # with no default, as `new` writes an inherited server in production.
        return set_provider(project, env, slot, entry.name)
    return project.text if current is None else _remove_table(project, project.text, path)


def _repoint(
    project: Project,
    text: str,
    path: tuple[str, ...],
    current: dict[str, Any],
    table: dict[str, Any],
    entry: Provider,
) -> str:
    """An existing slot table set to `entry`'s provider and connection keys."""
    for key in list(table):
        # Keep a connection string the user wrote for the same provider.
        if key != "provider" and current.get("provider") == entry.name and key in current:
            del table[key]
    text = _set_values(project, text, path, table)
    if entry.uri_key is None:
        # An in-memory provider reads no connection string; a stale `${VAR}` left behind
        # would still make Protean demand the variable at start-up. The user's line is
        # not deleted: it stays, commented out with the reason (T3, issue 10).

        note = f"protean-init: unused by provider {entry.name}"
        try:
            for key in CONNECTION_KEYS:
                root = project.config.root_key
                text = comment_out_key(text, (*path, key), root=root, note=note)
        except TomlEditError as error:
            raise UsageError(f"{project.config_relative}: {error}; nothing written") from error
    return text


def _production_follows(
    project: Project, text: str, slot: Slot, provider: str, variable: str
) -> str:
    """After base changed: a production that inherited the slot gets a server from a variable
    with no default, never base's local default."""
    if PRODUCTION not in overlay_names(project.tree):
        return text
    path = (PRODUCTION, *slot.path)
    if _table_at(project.tree, path) is not None:
        return text
    entry = PROVIDERS[slot.role][production_provider(slot.role, provider)]
    if entry.uri_key is None:
        return text

    table = slot_table(PRODUCTION, slot, entry, None, variable)
    try:
        return insert_tables(text, {path: table}, root=project.config.root_key)
    except TomlEditError as error:
        raise UsageError(f"{project.config_relative}: {error}; nothing written") from error


def set_setting(project: Project, env: str, setting: Setting, value: object) -> str:
    """`ENV.SETTING=VALUE` in domain.toml; None drops an overlay's own value (inherit)."""
    if env != BASE:
        check_overlay(project, env)
    path = (*(() if env == BASE else (env,)), *setting.path)
    if value is None:
        try:
            return remove_key(project.text, path, root=project.config.root_key)
        except TomlEditError as error:
            raise UsageError(f"{project.config_relative}: {error}; nothing written") from error
    return _set_values(project, project.text, path[:-1], {path[-1]: value})


def set_connection(project: Project, group: str, slot: Slot, value: str) -> str:
    """`variables.SLOT=NAME` renames the variable a slot reads, in every environment;
    `local_urls.SLOT=URL` changes its local default (every environment but production)."""
    require_slot(project, slot)
    text = project.text
    for env in ("", *overlay_names(project.tree)):
        path = (env, *slot.path) if env else slot.path
        table = _table_at(project.tree, path) or {}
        for key, old in table.items():
            if not isinstance(old, str):
                continue
            new = _replace_reference(old, group, value, production=env == PRODUCTION)
            if new != old:
                text = _set_values(project, text, path, {key: new})
    return text


def _replace_reference(value: str, group: str, new: str, *, production: bool) -> str:

    def swap(ref: VariableReference) -> str:
        if not ref.name:  # `${|x}` reads no variable: nothing to rename or re-aim
            return str(ref)
        if group == "variables":
            return str(VariableReference(new, ref.default))
        if production or ref.default is None:
            return str(ref)
        return str(VariableReference(ref.name, new))

    return substitute(value, swap)


def apply_edit(project: Project, edit: object) -> str:
    """One parsed `KEY=VALUE` (scaffolder.vocabulary) applied to the project's config text."""
    # deferred: scaffolder.spec.edits ~2 ms (CPU, measured): `set` and the edit menu's; add-env
    # and add-database import this module without it
    from scaffolder.spec.edits import ProjectEdit, ProviderEdit, SettingEdit, VariableEdit

    if isinstance(edit, ProviderEdit):
        return set_provider(project, edit.env, edit.slot, edit.provider)
    if isinstance(edit, SettingEdit):
        return set_setting(project, edit.env, edit.setting, edit.value)
    if isinstance(edit, VariableEdit):
        return set_connection(project, edit.group, edit.slot, edit.value)
    if isinstance(edit, ProjectEdit) and edit.name == "installer":
        require_generated_install_files(project)
        return project.text  # not in the config: the identity changes (assigned_identity)
    if isinstance(edit, ProjectEdit):
        hint = {
            "ci": "protean-init ci --ci PROVIDER",
            "compose": "protean-init derive (compose follows domain.toml)",
            "deploy": "protean-init deploy docker|kubernetes|none",
            "workers": "protean-init deploy KIND --workers N",
            "replicas": "protean-init deploy KIND --replicas N",
        }.get(edit.name, "it is fixed when the project is created")
        raise UsageError(f"{edit.name} is not changed with set: {hint}")
    raise TypeError(edit)


def remove_slot(project: Project, role: Role, name: str) -> str:
    """`[ROLE.NAME]` gone from base and every overlay; the derived files follow."""
    slot = Slot(role, name)
    if name == "default":
        raise UsageError(
            f"{role.value}.default cannot be removed: Protean always has one; change its "
            f"provider with protean-init set base.{role.value}.default=PROVIDER"
        )
    require_slot(project, slot, offer_add=False)
    text = project.text
    for env in (*overlay_names(project.tree), ""):
        path = (env, *slot.path) if env else slot.path
        if _table_at(project.tree, path) is not None:
            text = _remove_table(project, text, path)
    return text


def rename_slot(project: Project, role: Role, old: str, new: str) -> str:
    """`[ROLE.OLD]` becomes `[ROLE.NEW]` in base and every overlay, renamed in place: every
    line and comment stays, the tables keep their place, only the name changes. The variable
    follows the name when it is the default one (REPORTS_DATABASE_URL -> LEDGER_DATABASE_URL);
    a variable the user named themselves is kept. The storage the slot points at (its file,
    its database, its local default) is kept: renaming the slot must not orphan its data."""

    validate_slot_name(new)
    if "default" in (old, new):
        raise UsageError(f"{role.value}.default cannot be renamed; add a named one instead")
    before, after = Slot(role, old), Slot(role, new)
    require_slot(project, before, offer_add=False)
    if after in base_slots(project):
        raise UsageError(f"{role.label} {new!r} already exists in {project.config_relative}")
    text = project.text
    root = project.config.root_key
    try:
        for env in ("", *overlay_names(project.tree)):
            path = (env, *before.path) if env else before.path
            table = _table_at(project.tree, path)
            if table is None:
                continue
            text = rename_table(text, path, new, root=root)
            renamed = (env, *after.path) if env else after.path
            for key, value in table.items():
                if isinstance(value, str) and f"${{{before.variable}" in value:
                    swapped = value.replace(f"${{{before.variable}", f"${{{after.variable}")
                    text = set_value(text, (*renamed, key), swapped, root=root)
    except TomlEditError as error:
        raise UsageError(f"{project.config_relative}: {error}; nothing written") from error
    return text


def _local_beside_others(project: Project, env: str, slot: Slot, provider: Provider) -> str | None:
    """The local default an edit writes for `slot` in `env`, on Redis on a database number no
    other slot's URL uses (the slot's own tables, in any environment, keep theirs): one rule
    for a slot added (add-ROLE) and a slot moved onto Redis (`set`)."""
    local = local_url(project, env, slot, provider)
    return local and free_redis_database(local, _strings_of_other_slots(project.tree, slot))


def _strings_of_other_slots(tree: Tree, slot: Slot) -> list[str]:
    """Every string of the config but those of `slot`'s own tables (base's and each
    overlay's): the URLs a slot put on another provider must not collide with."""
    strings = list(config_strings(tree))
    overlays = [value for value in tree.values() if isinstance(value, dict)]
    for owner in (tree, *overlays):
        for text in config_strings(_table_at(owner, slot.path) or {}):
            strings.remove(text)
    return strings


def _table_at(tree: Tree, path: tuple[str, ...]) -> dict[str, Any] | None:
    node: Any = tree
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node if isinstance(node, dict) else None


def overlay_additions(
    env: str,
    base: dict[str, Any],
    local: Callable[[str, Slot, Provider], str | None],
    *,
    own_test_databases: bool = False,
) -> Additions:
    """An overlay computed from the base config, as tables to insert, as `--defaults` lays
    them out.

    production: async processing and every slot on a server (base's own, else the
    recommended one) reading a variable with no default (the variable base already names,
    when it names one); test: testing on and the same servers with the local defaults
    docker-compose.yml serves; memory: testing on, sync, and every slot in memory.
    `local` gives a slot's local default; `own_test_databases`: the test overlay does not
    share base's databases (a workspace's context), so it gets its own where they differ.
    """
    additions: Additions = {}
    if env in (PRODUCTION, TEST):
        if env == PRODUCTION:
            additions[(env,)] = {
                "debug": False,
                "event_processing": "async",
                "command_processing": "async",
                **_secret_key_from_environment(base),
            }
        else:
            additions[(env,)] = {"testing": True}
        for slot, table in slot_tables(base):
            current = provider_of(slot, table)
            if deliberately_in_memory(slot, current):
                continue  # the user's in-memory slot stays in memory everywhere
            name = real_provider(slot.role, current.name if current else "")
            provider = PROVIDERS[slot.role][name]
            named = next(references(table.get(provider.uri_key or "", "")), None)
            own = local(env, slot, provider)
            # Base already connects to a local server: test inherits it, unless the test
            # overlay's databases are its own and this one's name differs.
            local_in_base = named is not None and named.default is not None
            shares = not own_test_databases or (named is not None and named.default == own)
            if env == TEST and current is provider and local_in_base and shares:
                continue
            variable = named.name if named else slot.variable
            additions[(env, *slot.path)] = slot_table(env, slot, provider, own, variable)
    else:
        additions[(env,)] = {
            "testing": True,
            "event_processing": "sync",
            "command_processing": "sync",
        }
        in_memory = {role: next(iter(PROVIDERS[role])) for role in Role}
        for slot, table in slot_tables(base):
            if deliberately_in_memory(slot, provider_of(slot, table)):
                continue  # in memory already, and in every environment
            additions[(env, *slot.path)] = {"provider": in_memory[slot.role]}
    return additions


def _secret_key_from_environment(base: dict[str, Any]) -> dict[str, str]:
    """Production's secret_key, when base's has a fallback production would take whenever the
    variable is unset (`protean new`'s `${SECRET_KEY|<a literal key>}`, or a literal): read
    from the environment with no default, the variable base reads (SECRET_KEY, else), so a
    deployment that forgets it fails at start-up instead of running on the committed key."""
    value = base.get("secret_key")
    if not isinstance(value, str):
        return {}
    found = next(references(value), None)
    if found is not None and found.default is None:
        return {}  # base reads it with no fallback already: production inherits that
    return {"secret_key": f"${{{found.name if found is not None else 'SECRET_KEY'}}}"}


def add_environments(project: Project, envs: list[str]) -> str:
    """Add overlays (production, test, memory) computed from the project's base config."""
    for env in envs:
        if env not in OVERLAYS:
            raise UsageError(
                f"unknown environment {env!r}{closest(env, OVERLAYS)}; "
                f"expected one of: {', '.join(OVERLAYS)}"
            )
    base = base_of(project.tree)
    additions: Additions = {}
    workspace = project.context is not None

    def local(env: str, slot: Slot, provider: Provider) -> str | None:
        return local_url(project, env, slot, provider)

    for env in missing_environments(project, envs):
        additions.update(overlay_additions(env, base, local, own_test_databases=workspace))
    return _insert(project, additions) if additions else project.text


def missing_environments(project: Project, envs: list[str]) -> list[str]:
    """The overlays asked for that the project lacks, in order, each once: add-env adds
    these and keeps the ones already there as they are."""
    existing = overlay_names(project.tree)
    return [env for env in dict.fromkeys(envs) if env not in existing]


def assigned_identity(project: Project, assignments: list[str]) -> ProjectIdentity:
    """The project's choices outside domain.toml after `assignments` (`installer=uv`): passed
    with the config text to the same commit, the derived files that read them (CI, the
    Dockerfile) are re-derived in that one write, and the answers file records them."""

    # deferred: scaffolder.spec.edits ~2 ms, scaffolder.vocabulary ~2.3 ms (wall, measured on the
    # shared machine): `add-env` imports this module without them (tests/trust/test_speed_edits)
    from scaffolder.spec.edits import ProjectEdit
    from scaffolder.vocabulary import parse_edits

    identity = project.identity
    for edit in parse_edits(assignments, flag="set"):
        if isinstance(edit, ProjectEdit) and edit.name == "installer":
            pyproject = project.root / "pyproject.toml"
            declared = None
            if pyproject.is_file():
                declared = read_text(pyproject, "pyproject.toml")
            # CI's install step follows: `uv sync --extra test` for the same extra.
            identity = replace(
                identity,
                installer=edit.value,
                test_install=test_install_command(declared, edit.value),
            )
    return identity


def installer_notes(project: Project, identity: ProjectIdentity) -> list[str]:
    """What a changed installer leaves as it is: the README, the user's own after `new`
    (protean-init never rewrites it), whose "Run the tests" commands install the old way."""
    old, new = project.identity.installer, identity.installer
    if old == new or not (project.root / "README.md").is_file():
        return []
    commands = (
        "uv sync --extra test, then uv run pytest"
        if new == "uv"
        else ('python -m venv .venv, pip install -e ".[test]", then pytest')
    )
    return [
        f"README.md is yours and was left as it is: its commands still install with {old}; "
        f"with {new}: {commands}"
    ]


def require_generated_install_files(project: Project) -> None:
    """`set installer=...` re-derives the files protean-init generated; a project it did not
    make (adopted: `protean new`'s, or by hand) has install steps of the user's own, which
    keep their installer: refused in one line saying so."""
    if project.last_generated is None:
        raise UsageError(
            f"installer is not changed with set here: {project.root}'s CI, Dockerfile and README "
            f"are your own (protean-init did not generate them) and keep their installer "
            f"({project.identity.installer}); change their install steps by hand"
        )


def apply_assignments(project: Project, assignments: list[str]) -> str:
    """`KEY=VALUE` texts, parsed by the vocabulary and applied in order: the config text
    after all of them (each sees the ones before)."""
    # deferred: scaffolder.vocabulary ~2.3 ms with spec.edits (wall, measured on the shared
    # machine): `add-env` imports this module without them (tests/trust/test_speed_edits)
    from scaffolder.vocabulary import parse_edits

    edits = parse_edits(assignments, flag="set")
    current = project
    for edit in edits:
        text = apply_edit(current, edit)
        current = replace(current, text=text, tree=parse_config(text, project.config))
    return current.text
