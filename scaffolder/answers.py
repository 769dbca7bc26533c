"""Filling a spec from `--set KEY=VALUE` flags and answers files (YAML or TOML).

Keys mirror domain.toml with `base` for the top level: `production.databases.default`,
`test.brokers.default`, `base.event_store`, `memory.testing`, ... An answers file holds the
same keys, flat (`"production.databases.default": postgresql`) or nested, plus `project_name`,
`package_name`, `ci` and `compose`; a copier answers file written by protean-init works too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffolder.catalog import PROTEAN_DEFAULTS, PROVIDERS, Provider
from scaffolder.errors import UsageError, yaml_error_text
from scaffolder.spec.defaults import production_provider
from scaffolder.spec.environments import BASE, ENVIRONMENTS, MEMORY, PRODUCTION, TEST
from scaffolder.spec.settings import SETTING_TABLE
from scaffolder.spec.slots import DEFAULT_SLOTS, Slot, default_local_url

if TYPE_CHECKING:
    from scaffolder.config_tree import ResolvedEnvironments, SlotTable
    from scaffolder.spec.builder import SpecBuilder
    from scaffolder.spec.edits import Edit
    from scaffolder.spec.project import ProjectSpec
    from scaffolder.variable_reference import VariableReference

_SPEC_KEYS = ["variables", "local_urls"]
# What protean-init records in its answers file beside the choices: snapshots, not answers.
_RECORD_KEYS = {"generated_from", "derived_files"}


def _with_implied_choices(draft: SpecBuilder, named: set[tuple[str, Slot]]) -> None:
    """What the keys imply but do not say: base's slots default to in-process providers, a
    slot base gains is kept off local files in production and in process in memory, unless
    that environment's own key (`named`) says otherwise."""
    draft.name_environment(BASE)
    base = draft.providers[BASE]
    for slot in DEFAULT_SLOTS:
        base.setdefault(slot, PROTEAN_DEFAULTS[slot.role])
    if PRODUCTION in draft.present:
        # A slot base gains keeps production off local files: sqlite in base is a
        # server in production unless production names it (scaffolder.spec.defaults).
        production = draft.providers[PRODUCTION]
        for slot, name in base.items():
            if (PRODUCTION, slot) in named or slot in production:
                continue
            chosen = production_provider(slot.role, name)
            if chosen != name:
                production[slot] = chosen
    if MEMORY not in draft.present and any(
        not PROVIDERS[slot.role][name].in_memory for slot, name in base.items()
    ):
        # CI's memory job runs `pytest --protean-env memory`; with servers in base and no
        # memory overlay it would select base, and fail without its services.
        draft.name_environment(MEMORY)
        draft.settings[MEMORY]["testing"] = True
    if MEMORY in draft.present:
        # The memory overlay runs every provider in process (CI's memory job has no
        # services): a slot added to base is pinned in memory unless memory names it.
        for slot in base:
            if (MEMORY, slot) not in named:
                draft.providers[MEMORY].setdefault(slot, PROTEAN_DEFAULTS[slot.role])


def apply_setting(draft: SpecBuilder, named: set[tuple[str, Slot]], key: str, value: Any) -> None:
    """Apply one `KEY=VALUE` to the draft; the vocabulary's one parser validates it. `named`
    gains the (env, slot) of a provider key: the implied choices leave those as given."""
    # deferred: scaffolder.vocabulary ~9 ms with spec.edits and spec.choices (wall, measured on the
    # shared machine): `derive` and `add-env` import this module without them
    # (tests/trust/test_speed_edits)
    from scaffolder.vocabulary import parse_edit

    _apply_edit(draft, named, parse_edit(key, value))


def _apply_edit(draft: SpecBuilder, named: set[tuple[str, Slot]], edit: Edit) -> None:
    # deferred: scaffolder.spec.edits ~2 ms (CPU, measured): building a spec needs it; an
    # edit's record (record_spec) does not
    from scaffolder.spec.edits import ProviderEdit

    if isinstance(edit, ProviderEdit):
        named.add((edit.env, edit.slot))
    draft.apply(edit)


def flatten(data: Mapping[str, Any], prefix: str = "") -> Iterable[tuple[str, Any]]:
    """Nested tables become dotted keys: {"production": {"debug": False}} -> production.debug."""
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from flatten(value, f"{dotted}.")
        else:
            yield dotted, value


def load_answers(path: Path) -> dict[str, Any]:
    """Read an answers file: TOML by its suffix, YAML otherwise; errors say where.

    Too large, not UTF-8, nested too deep or YAML aliases: one UsageError line, nothing read.
    """
    # deferred: scaffolder.inputs ~3 ms (CPU, measured): the wizard's first screen imports this
    # module without it
    from scaffolder.inputs import load_toml, load_yaml, read_text

    text = read_text(path, "answers file")
    if path.suffix == ".toml":
        # deferred: tomllib ~2 ms (CPU, measured): the wizard's first screen imports this module
        # without it
        import tomllib

        # deferred: scaffolder.toml.errors ~3 ms (CPU, measured): the wizard's first screen imports
        # this module without it
        from scaffolder.toml.errors import error_text

        try:
            data = load_toml(text, path)
        except tomllib.TOMLDecodeError as error:
            raise UsageError(f"{path}: {error_text(error, text)}") from error
    else:
        # deferred: yaml ~10 ms (CPU, measured): the wizard's first screen imports this module
        # without it
        import yaml

        try:
            data = load_yaml(text, path)
        except yaml.YAMLError as error:
            raise UsageError(f"{path}: {yaml_error_text(error)}") from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a table of keys, got {type(data).__name__}")
    return data


def answer_settings(data: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The `KEY=VALUE` pairs an answers file holds, copier's `spec:` record included."""
    data = {k: v for k, v in data.items() if not k.startswith("_") and k not in _RECORD_KEYS}
    spec = data.pop("spec", None)
    pairs = list(flatten(data))
    if isinstance(spec, Mapping):
        for env, values in (spec.get("environments") or {}).items():
            pairs.extend((f"{env}.{key}", value) for key, value in (values or {}).items())
        for group in _SPEC_KEYS:
            pairs.extend((f"{group}.{k}", v) for k, v in (spec.get(group) or {}).items())
    return pairs


def _kind(value: Any) -> str:
    """What a value of an answers file is, in the words of its type."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if value is None:
        return "empty"
    return {list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def typed_answer(key: str, value: Any) -> Any:
    """An answers file's `value` for `key` when it is of the type the key takes; UsageError
    (one line: the key, the value, the type expected) when not. A file's values are typed, so
    `project_name: true` or `test.debug: "false"` is a mistake to name, not a value to turn
    into text (`--set` values are text, and parsed)."""
    # deferred: scaffolder.vocabulary ~9 ms with spec.edits and spec.choices (wall, measured on the
    # shared machine): `derive` and `add-env` import this module without them
    # (tests/trust/test_speed_edits)
    from scaffolder.spec.edits import ProviderEdit
    from scaffolder.vocabulary import SPEC_GROUPS, parse_edit

    given = _kind(value)
    head, _, rest = key.partition(".")
    # A provider's, a variable's or a URL's key takes text (checked before the value is read
    # as one, so a number is not named as an unknown provider '3').
    names = head in SPEC_GROUPS or (head in ENVIRONMENTS and rest not in SETTING_TABLE)
    if given not in ("text", "true or false", "a number"):
        expected = "one value: text, true or false, or a number"
    elif isinstance(value, str) and value.strip() == "inherit":
        return value
    elif names and given != "text":
        expected = "text"
    else:
        edit = parse_edit(key, value)
        expected = "text" if isinstance(edit, ProviderEdit) else _kind(edit.value)
        if given == expected:
            return value
    raise UsageError(
        f"invalid value {value!r} for {key} in the answers file: {given}; expected {expected}"
    )


def build_spec(
    start: ProjectSpec | SpecBuilder | None,
    *,
    answers: Mapping[str, Any] | None = None,
    sets: Iterable[str] = (),
    project: Mapping[str, Any] | None = None,
) -> ProjectSpec:
    """Start from `start` (a spec, a draft such as the defaults' (spec.defaults.default_draft,
    which it fills in), or nothing), then the answers file, then `--set`; the spec they make
    is validated once, as a whole."""
    # deferred: scaffolder.spec.builder ~4.5 ms (CPU, measured), with spec.project and
    # spec.edits: an edit's record (record_spec) builds no spec
    from scaffolder.spec.builder import SpecBuilder

    if isinstance(start, SpecBuilder):
        draft = start
    else:
        draft = SpecBuilder.of(start) if start else SpecBuilder()
    named: set[tuple[str, Slot]] = set()
    for key, value in answer_settings(answers or {}):
        apply_setting(draft, named, key, typed_answer(key, value))
    for key, value in (project or {}).items():
        if value is not None:
            apply_setting(draft, named, key, value)
    # deferred: scaffolder.vocabulary ~9 ms with spec.edits and spec.choices (wall, measured on the
    # shared machine): `derive` and `add-env` import this module without them
    # (tests/trust/test_speed_edits)
    from scaffolder.vocabulary import parse_edits

    for edit in parse_edits(list(sets)):
        _apply_edit(draft, named, edit)
    if not draft.project_name:
        raise UsageError("no project name; pass --name NAME")
    _with_implied_choices(draft, named)
    return draft.spec()


def answers_spec(
    environments: Mapping[str, tuple[Mapping[Slot, str], Mapping[str, object]]],
    variables: Mapping[Slot, str],
    local_urls: Mapping[Slot, str],
) -> dict[str, Any]:
    """The answers record's `spec:` block, made here only: per environment the providers it
    names and the settings it sets (`environments` maps each to both), then the variables
    and local URLs that are not protean-init's own. answer_settings reads it back."""
    record: dict[str, Any] = {
        "environments": {
            env: {**{str(slot): name for slot, name in providers.items()}, **settings}
            for env, (providers, settings) in environments.items()
        }
    }
    if variables:
        record["variables"] = {str(slot): name for slot, name in variables.items()}
    if local_urls:
        # deferred: scaffolder.redact ~2 ms (CPU, measured): the wizard's first screen imports this
        # module without it
        from scaffolder.redact import MASK, looks_secret, redact_text

        # The record is no second copy of a password: a URL's is masked, and the whole default
        # of a credential-named variable (`${DB_PASSWORD|...}`), as the snapshot masks it.
        record["local_urls"] = {
            str(slot): (
                MASK if looks_secret(variables.get(slot, slot.variable)) else redact_text(url)
            )
            for slot, url in local_urls.items()
        }
    return record


def spec_answers(spec: ProjectSpec) -> dict[str, Any]:
    """The `spec:` block of a new project's record: what was chosen, per environment."""
    return answers_spec(
        {env: (e.providers, e.settings()) for env, e in spec.environments.items()},
        spec.variables,
        spec.local_urls,
    )


def record_spec(
    tree: Mapping[str, Any],
    package: str,
    deploy: str = "none",
    test_suffix: str = "",
    resolved_environments: ResolvedEnvironments | None = None,
) -> dict[str, Any]:
    """The `spec:` block as domain.toml now says (the shape of spec_answers): per environment
    the providers its section names and the settings it sets, and the variables and local
    defaults that differ from protean-init's own. Every edit writes it again
    (scaffolder.reopen.derive.record_snapshot), so it never describes the project as created
    when domain.toml has changed since; `new --answers` of the record gives this domain.toml
    back. Only catalog providers and validated values: what is unknown stays in domain.toml.
    `test_suffix`: what protean-init's own test databases' names end with (a workspace's
    context: `_test`), so that they are not taken for the user's. `resolved_environments`:
    the tree's, when the caller has walked it already (an edit's ConfigState)."""
    # deferred: scaffolder.config_tree ~1 ms, scaffolder.domain_toml ~2 ms (CPU, measured): the
    # wizard's first screen imports this module without them
    from scaffolder.config_tree import references, resolve_environments, slot_tables
    from scaffolder.domain_toml import CONTAINER_SERVER

    # What a deployment writes into [production.server] by itself is implied by `deploy`.
    implied = CONTAINER_SERVER if deploy != "none" else {}

    walked = resolved_environments or resolve_environments(tree)
    envs: dict[str, tuple[dict[Slot, str], dict[str, object]]] = {}
    variables: dict[Slot, str] = {}
    local_urls: dict[Slot, str] = {}
    for env, slots in walked.slots.items():
        # Base's own section is base resolved: its tables are walked already.
        section = walked.configs[BASE] if env == BASE else tree[env]
        own = slots if env == BASE else tuple((s, t, None) for s, t in slot_tables(section))
        envs[env] = _section_choices(env, section, own, implied if env == PRODUCTION else {})
        if next(references(walked.configs[env]), None) is None:
            continue  # no table of it reads a variable: a config of literal connection strings
        storage = (package, test_suffix if env == TEST else "")
        for slot, table, provider in slots:
            first = next(references(dict(table)), None)
            _connection_choices(env, slot, first, provider, storage, variables, local_urls)
    return answers_spec(envs, variables, local_urls)


def _section_choices(
    env: str,
    section: Mapping[str, Any],
    slots: tuple[SlotTable, ...],
    implied: Mapping[str, Any],
) -> tuple[dict[Slot, str], dict[str, object]]:
    """The providers `section` itself names and the valid settings it sets, less what the
    deployment writes by itself (`implied`). `slots`: the section's slot tables, with their
    providers where known already (None: looked up here)."""
    # deferred: scaffolder.config_tree ~1 ms (CPU, measured): the wizard's first screen imports this
    # module without it
    from scaffolder.config_tree import provider_of

    providers: dict[Slot, str] = {}
    for slot, table, known in slots:
        if not _names_provider(section, slot):
            continue
        provider = known if known is not None else provider_of(slot, table)
        if provider is not None:
            providers[slot] = provider.name
    settings: dict[str, object] = {}
    for name in SETTING_TABLE:
        value = _setting(section, name)
        if name in implied and implied[name] == value:
            continue
        if value is not None and _valid(env, name, value):
            settings[name] = value
    return providers, settings


def _connection_choices(
    env: str,
    slot: Slot,
    ref: VariableReference | None,
    provider: Provider | None,
    storage: tuple[str, str],
    variables: dict[Slot, str],
    local_urls: dict[Slot, str],
) -> None:
    """Add the slot's variable name, and its local default, where they are not protean-init's
    own: from `ref`, the first reference in its resolved table (whose provider is
    `provider`; None: it reads none), the first environment that has one. `storage`: the
    package and the suffix protean-init's own local defaults are named with. Called once per
    slot table (4,000 at 2,000 tables): its imports are its caller's."""
    if ref is None:
        return
    if ref.name != slot.variable:
        variables.setdefault(slot, ref.name)
    if ref.default is not None and provider is not None and env != PRODUCTION:
        own = default_local_url(slot, provider, *storage)
        # A table of another provider keeps base's URL under a merge (memory's
        # over a server's): only a URL its provider reads can be a choice.
        if own is not None and ref.default != own:
            local_urls.setdefault(slot, ref.default)


def _names_provider(section: Mapping[str, Any], slot: Slot) -> bool:
    """Whether the section itself has the slot's table with a `provider` key (slot_tables
    fills in Protean's defaults, which the section does not name)."""
    node: Any = section
    for part in slot.path:
        node = node.get(part) if isinstance(node, Mapping) else None
    return isinstance(node, Mapping) and "provider" in node


def _valid(env: str, name: str, value: Any) -> bool:
    try:
        SETTING_TABLE[name].parse(f"{env}.{name}", value)
    except UsageError:
        return False
    return True


def _setting(section: Mapping[str, Any], name: str) -> Any:
    node: Any = section
    for part in name.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node
