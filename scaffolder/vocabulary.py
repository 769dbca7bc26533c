"""The edit vocabulary: one `KEY=VALUE` language for every way of choosing, parsed in one place.

`new --set`, `protean-init set`, answers files, the wizard and the edit menu all turn a key and
a value into an `Edit` here, so the same key means the same thing, and is refused with the same
message, everywhere. Keys mirror domain.toml, with `base` for its top level:

    ENV.ROLE.NAME=PROVIDER|inherit    a provider (`inherit`: an overlay drops its override)
    ENV.event_store=PROVIDER|inherit
    ENV.SETTING=VALUE|inherit         the settings of scaffolder.spec.settings.SETTING_TABLE
    variables.ROLE.NAME=VARIABLE      the environment variable a slot reads
    local_urls.ROLE.NAME=URL          the local default of that variable (not production)

Light to import (`--help` lists the vocabulary from here).
"""

from __future__ import annotations

from typing import Any

from scaffolder.catalog import Role
from scaffolder.errors import UsageError, closest
from scaffolder.spec.choices import INSTALLERS, PROJECT_KEYS, PROJECT_SETTINGS
from scaffolder.spec.edits import Edit, ProjectEdit, ProviderEdit, SettingEdit, VariableEdit
from scaffolder.spec.environments import BASE, ENVIRONMENTS, INHERIT
from scaffolder.spec.names import validate_variable_name
from scaffolder.spec.settings import SETTING_TABLE
from scaffolder.spec.slots import Slot, check_provider

# Short spellings the flags use (--name, --package).
_PROJECT_ALIASES = {"name": "project_name", "package": "package_name"}
SPEC_GROUPS = ("variables", "local_urls")
_ROLE_KEYS = [role.value for role in Role]


def vocabulary_help(*, values: bool = True) -> str:
    """The keys, listed once: `--help` of new and set, and the README, show this text. Without
    `values` the settings are named without the values each takes (set --help has them): the
    edit menu's dialog, which must fit a 24-line terminal."""
    settings = ", ".join(
        f"{s.key} ({s.allowed})" if values else s.key for s in SETTING_TABLE.values()
    )
    if not values:
        settings += " (their values: protean-init set --help)"
    return (
        f"KEY=VALUE, ENV one of {', '.join(ENVIRONMENTS)}: "
        "ENV.databases.NAME=PROVIDER, ENV.brokers.NAME=PROVIDER, ENV.caches.NAME=PROVIDER, "
        f"ENV.event_store=PROVIDER, ENV.SETTING=VALUE with SETTING one of {settings}; in an "
        "overlay, VALUE inherit drops the override; variables.ROLE.NAME=VARIABLE; "
        f"local_urls.ROLE.NAME=URL; installer={' or '.join(INSTALLERS)} (how the README, CI "
        "and Dockerfile install)"
    )


def parse_assignment(text: str, *, flag: str = "--set") -> tuple[str, str]:
    """`KEY=VALUE` -> (KEY, VALUE), stripped."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise UsageError(f"invalid {flag} {text!r}; expected KEY=VALUE, e.g. test.debug=true")
    return key.strip(), value.strip()


def _project_edit(key: str, value: Any) -> ProjectEdit:
    name = _PROJECT_ALIASES.get(key, key)
    return ProjectEdit(name, PROJECT_SETTINGS[name].parse(key, value))


def _variable_edit(key: str, group: str, rest: str, value: Any) -> VariableEdit:
    """`variables.SLOT=NAME` or `local_urls.SLOT=URL`, checked."""
    slot = Slot.parse(rest)
    text = str(value).strip()
    if group == "variables":
        validate_variable_name(text, key)
    if group == "local_urls" and (not text or any(c.isspace() for c in text) or "}" in text):
        raise UsageError(f"invalid local URL {text!r} for {key}: a URL without spaces or '}}'")
    return VariableEdit(group, slot, text)


def parse_edit(key: str, value: Any) -> Edit:
    """The one parser and validator of the vocabulary; UsageError names the bad key or value
    and what is allowed."""
    if key in PROJECT_KEYS or key in _PROJECT_ALIASES:
        return _project_edit(key, value)
    head, _, rest = key.partition(".")
    if head in SPEC_GROUPS:
        return _variable_edit(key, head, rest, value)
    if head not in ENVIRONMENTS:
        allowed = [*ENVIRONMENTS, *PROJECT_KEYS, *SPEC_GROUPS]
        raise UsageError(
            f"unknown key {key!r}: {head!r} is not an environment{closest(head, allowed)}; "
            f"keys start with one of: {', '.join(ENVIRONMENTS)}"
        )
    if not rest:
        raise UsageError(f"key {key!r} names no setting, as in {head}.databases.default")
    inherit = isinstance(value, str) and value.strip() == INHERIT
    if inherit and head == BASE:
        raise UsageError(f"{key}: 'inherit' is only for overlays; base has nothing to inherit")
    setting = SETTING_TABLE.get(rest)
    if setting is not None:
        return SettingEdit(head, setting, None if inherit else setting.parse(key, value))
    role = rest.partition(".")[0]
    if role not in _ROLE_KEYS:
        allowed = [*_ROLE_KEYS, *SETTING_TABLE]
        raise UsageError(
            f"unknown key {key!r}{closest(rest, allowed) or closest(role, allowed)}; after the "
            f"environment use one of: {', '.join(allowed)}"
        )
    slot = Slot.parse(rest)
    if inherit:
        return ProviderEdit(head, slot, None)
    provider = str(value).strip()
    check_provider(slot, provider)
    return ProviderEdit(head, slot, provider)


def parse_edits(texts: list[str], *, flag: str = "--set") -> list[Edit]:
    """`KEY=VALUE` texts as edits, in order; a key given twice is refused, naming both values
    (which one was meant cannot be guessed: the later one would win without a word)."""
    edits: list[Edit] = []
    seen: dict[str, str] = {}
    for text in texts:
        edit = parse_edit(*parse_assignment(text, flag=flag))
        if edit.key in seen:
            raise UsageError(
                f"{edit.key} is given twice ({seen[edit.key]!r} and {text!r}); give it once"
            )
        seen[edit.key] = text
        edits.append(edit)
    return edits
