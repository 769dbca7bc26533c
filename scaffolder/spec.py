"""The project spec: the one value every front end (flags, answers file, TUI, prompts) fills.

A spec says, per environment, which provider each slot uses and how the environment is tuned.
It is validated when built and immutable after; everything else (domain.toml, compose, CI,
.env.example) is derived from it, never from the front end that filled it.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any, Literal

from scaffolder.catalog import PROTEAN_DEFAULTS, PROVIDERS, Provider, Role
from scaffolder.errors import UsageError, closest

BASE = "base"
# The environments protean-init writes, named once: every module takes these names from here.
PRODUCTION = "production"
TEST = "test"
MEMORY = "memory"
OVERLAYS = (PRODUCTION, TEST, MEMORY)
ENVIRONMENTS = (BASE, *OVERLAYS)
PROCESSING_MODES = ("sync", "async")
CI_PROVIDERS = ("github", "gitlab", "none")
# How the project installs itself and its test tools: README, CI and the Dockerfile say so.
# pip by default: `new` works offline and writes no lock file; uv is the choice of projects
# `protean new` makes (its README, CI and Dockerfile then use `uv sync` / `uv run`).
INSTALLERS = ("pip", "uv")
INHERIT = "inherit"


def _parse_bool(key: str, value: object) -> bool:
    """`true` or `false`, as TOML writes them and the help says; `yes`, `1` and `on` are
    refused, not guessed (a TOML tool refuses them too)."""
    if isinstance(value, bool):
        return value
    text = value.strip() if isinstance(value, str) else None
    if text == "true":
        return True
    if text == "false":
        return False
    raise UsageError(f"invalid value {value!r} for {key}; expected true or false")


def _parse_mode(key: str, value: object) -> str:
    text = str(value).strip()
    if text not in PROCESSING_MODES:
        raise UsageError(
            f"invalid value {value!r} for {key}; expected one of: {', '.join(PROCESSING_MODES)}"
        )
    return text


# Protean 0.18's subscription types and profiles (protean.server.subscription.profiles).
SUBSCRIPTION_TYPES = ("event_store", "stream")
DEFAULT_SUBSCRIPTION_TYPE = "event_store"  # Protean 0.18's, when nothing sets it
SUBSCRIPTION_PROFILES = ("production", "fast", "batch", "debug", "projection")
DEPLOY_CHOICES = ("docker", "kubernetes", "none")


def _parse_choice(key: str, value: object, allowed: tuple[str, ...]) -> str:
    text = str(value).strip()
    if text not in allowed:
        raise UsageError(
            f"invalid value {value!r} for {key}{closest(text, allowed)}; "
            f"expected one of: {', '.join(allowed)}"
        )
    return text


def _parse_count(key: str, value: object) -> int:
    """A whole number of at least 1 (workers, replicas)."""
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) < 1:
        raise UsageError(f"invalid value {value!r} for {key}; expected a whole number, 1 or more")
    return int(text)


def _parse_seconds(key: str, value: object) -> int | float:
    try:
        number = float(str(value).strip()) if not isinstance(value, bool) else -1.0
    except ValueError:
        number = -1.0
    if not 0 < number < 86400:
        raise UsageError(f"invalid value {value!r} for {key}; expected seconds, above 0")
    return int(number) if number.is_integer() else number


def _parse_port(key: str, value: object) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 0 < int(text) < 65536:
        raise UsageError(f"invalid value {value!r} for {key}; expected a port, 1 to 65535")
    return int(text)


def _parse_host(key: str, value: object) -> str:
    text = str(value).strip()
    if not re.fullmatch(r"[A-Za-z0-9.:\-]+", text):
        raise UsageError(
            f"invalid value {value!r} for {key}; expected an address to bind, such as 0.0.0.0"
        )
    return text


@dataclass(frozen=True)
class Setting:
    """One `ENV.KEY=VALUE` setting of an environment: how domain.toml writes it and how a
    value is checked. Every front end (--set, set, answers files, the wizard, the edit menu)
    reads this table, so a setting added here is accepted, validated and written everywhere."""

    key: str  # relative to the environment, dotted as in domain.toml: "debug", "server.port"
    parse: Callable[[str, object], object]  # (full key, raw value) -> value, or UsageError
    allowed: str  # for help and messages
    # The EnvironmentSpec field that holds it (default: the key with '.' as '_').
    field: str = ""

    @property
    def attribute(self) -> str:
        return self.field or self.key.replace(".", "_")

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.key.split("."))


SETTING_TABLE: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("debug", _parse_bool, "true or false"),
        Setting("testing", _parse_bool, "true or false"),
        Setting("event_processing", _parse_mode, "sync or async"),
        Setting("command_processing", _parse_mode, "sync or async"),
        # The engine (`protean server`): read by the deployment files and `check` too
        # (scaffolder.deployment). Written as [ENV.server] and [ENV.server.health] tables.
        Setting(
            "server.default_subscription_type",
            lambda key, value: _parse_choice(key, value, SUBSCRIPTION_TYPES),
            "event_store or stream",
        ),
        Setting(
            "server.default_subscription_profile",
            lambda key, value: _parse_choice(key, value, SUBSCRIPTION_PROFILES),
            ", ".join(SUBSCRIPTION_PROFILES),
        ),
        Setting("server.drain_timeout", _parse_seconds, "seconds, above 0"),
        Setting("server.health.host", _parse_host, "an address to bind, such as 0.0.0.0"),
        Setting("server.health.port", _parse_port, "a port, 1 to 65535"),
    )
}
# The settings in the order domain.toml writes them. Kept as a name: the wizard reads it.
SETTINGS = tuple(SETTING_TABLE)

Processing = Literal["sync", "async"]

# Matched whole (fullmatch): `$` would also match before a trailing newline, and a name
# ending in one writes a domain.toml, CI file and .env.example that do not parse.
_PROJECT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9._-]*")
_SLOT_NAME = re.compile(r"[a-z][a-z0-9_]*")
# An environment variable's name, as domain.toml's ${VAR} references and the flags take it.
VARIABLE_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")


# --- Names that would take over what runs the project -------------------------------------
# A variable the project reads is exported by its CI job and listed in .env.example: named
# like one the shell, the dynamic loader, Python, pip, pytest, compose, Protean or the CI
# runner reads itself, it would change what runs (PATH: postgresql://... in a job's env).
_RESERVED_VARIABLES = frozenset(
    {
        # The shell and the login environment.
        "PATH", "HOME", "SHELL", "USER", "LOGNAME", "PWD", "OLDPWD", "IFS", "PS1", "PS2",
        "PS4", "ENV", "CDPATH", "TMPDIR", "TZ", "LANG", "LANGUAGE", "TERM", "HOSTNAME",
        "SHLVL", "MAIL", "UID", "EUID", "GLOBIGNORE", "PROMPT_COMMAND",
        # Where the network and TLS go.
        "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR",
        "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
        # Python's and CI's own.
        "VIRTUAL_ENV", "CI",
    }
)  # fmt: skip
_RESERVED_PREFIXES = (
    "LD_",  # the dynamic loader (LD_PRELOAD, LD_LIBRARY_PATH)
    "DYLD_",  # macOS's
    "BASH_",  # BASH_ENV runs a file in every non-interactive bash
    "LC_",
    "PYTHON",  # PYTHONPATH, PYTHONHOME, PYTHONSTARTUP, ...
    "PIP_",  # PIP_INDEX_URL: CI's install step
    "UV_",
    "PYTEST_",  # PYTEST_ADDOPTS, PYTEST_PLUGINS
    "PROTEAN_",  # PROTEAN_ENV selects the overlay; the prefix is Protean's and protean-init's
    "COMPOSE_",  # compose reads them from .env (COMPOSE_FILE, COMPOSE_PROJECT_NAME)
    "DOCKER_",  # DOCKER_HOST
    "GITHUB_",  # the runners' own (GITHUB_ENV, GITHUB_PATH write the job's environment)
    "RUNNER_",
    "ACTIONS_",
    "GITLAB_",
    "CI_",  # GitLab's predefined variables (CI_JOB_TOKEN, ...)
)


def reserved_variable(name: str) -> str | None:
    """Why `name` may not be a variable the project reads, or None when it may."""
    if name in _RESERVED_VARIABLES:
        return "the shell, Python or the CI runner reads it itself"
    prefix = next((p for p in _RESERVED_PREFIXES if name.startswith(p)), None)
    if prefix is not None:
        return f"names starting {prefix} belong to the tools that run the project"
    return None


def validate_variable_name(name: str, slot: object) -> None:
    """A variable a slot reads: A-Z, 0-9 and '_', and no name a tool that runs the project
    reads itself (new --set, set, answers files, the wizard: spec.validate and the vocabulary)."""
    if not VARIABLE_NAME.fullmatch(name):
        raise UsageError(f"invalid variable name {name!r} for {slot}: use A-Z, 0-9 and '_'")
    why = reserved_variable(name)
    if why is not None:
        raise UsageError(
            f"variable name {name!r} for {slot} is reserved: {why}; "
            f"choose a name of the project's own, such as APP_{name.lstrip('_')}"
        )


# Import names a package may not take: it would shadow the framework, its test runner, what
# they import or the standard library (`import protean` in the project's tests would import
# the project). Protean 0.18's runtime requirements and its extras' drivers, by import name.
_SHADOWED = frozenset(
    {
        "protean", "pytest", "_pytest", "pluggy", "hatchling", "pip", "setuptools",
        "bleach", "inflection", "marshmallow", "pydantic", "pydantic_core", "dateutil",
        "structlog", "typer", "click", "typing_extensions", "sqlalchemy", "psycopg",
        "psycopg2", "redis", "elasticsearch", "message_db", "pymysql", "greenlet",
        "tests", "conftest",
    }
)  # fmt: skip


def shadowed_package(name: str) -> str | None:
    """What a package named `name` would shadow, or None."""
    import sys

    if name in sys.stdlib_module_names:
        return "Python's standard library"
    if name.lower() in _SHADOWED:
        return "a package the project runs on (Protean, pytest or what they import)"
    return None


@dataclass(frozen=True, order=True)
class Slot:
    """Where a provider goes: `databases.NAME`, `brokers.NAME`, `caches.NAME` or `event_store`."""

    role: Role
    name: str | None = None

    @classmethod
    def parse(cls, text: str) -> Slot:
        """`databases.reports` -> Slot(DATABASE, "reports"); errors name what is allowed."""
        head, _, name = text.partition(".")
        roles = [r.value for r in Role]
        if head not in roles:
            raise UsageError(
                f"unknown role {head!r}{closest(head, roles)}; expected one of: {', '.join(roles)}"
            )
        role = Role(head)
        if role.is_named:
            if not name:
                raise UsageError(f"{text!r} needs a name, as in {role.value}.default")
            validate_slot_name(name)
            return cls(role, name)
        if name:
            raise UsageError(f"{role.value} takes no name (got {text!r})")
        return cls(role)

    @property
    def key(self) -> str:
        return f"{self.role.value}.{self.name}" if self.name else self.role.value

    @property
    def path(self) -> tuple[str, ...]:
        """The table path in domain.toml, relative to the environment."""
        return (self.role.value, self.name) if self.name else (self.role.value,)

    @property
    def variable(self) -> str:
        """The default environment variable for this slot's connection string."""
        stem = self.role.variable_stem
        if self.name in (None, "default"):
            return stem
        return f"{self.name.upper()}_{stem}"

    def __str__(self) -> str:
        return self.key


DEFAULT_DATABASE = Slot(Role.DATABASE, "default")
DEFAULT_SLOTS = (
    DEFAULT_DATABASE,
    Slot(Role.BROKER, "default"),
    Slot(Role.EVENT_STORE),
    Slot(Role.CACHE, "default"),
)


def role_order(slot: Slot) -> tuple[int, bool]:
    """Roles as the default slots order them, each role's `default` first."""
    roles = [s.role for s in DEFAULT_SLOTS]
    return (roles.index(slot.role), slot.name not in (None, "default"))


def slot_order(slot: Slot) -> tuple[int, bool, str]:
    """role_order, then by name."""
    return (*role_order(slot), slot.name or "")


@dataclass(frozen=True)
class EnvironmentSpec:
    """One environment: base holds every slot; an overlay holds only what it overrides."""

    providers: Mapping[Slot, str] = field(default_factory=dict)
    debug: bool | None = None
    testing: bool | None = None
    event_processing: Processing | None = None
    command_processing: Processing | None = None
    # [ENV.server] and [ENV.server.health] (SETTING_TABLE's server.* keys).
    server_default_subscription_type: str | None = None
    server_default_subscription_profile: str | None = None
    server_drain_timeout: int | float | None = None
    server_health_host: str | None = None
    server_health_port: int | None = None

    def __post_init__(self) -> None:
        # One order whatever the input order (flags, an answers file's sorted keys, the UI),
        # so the same choices always write the same domain.toml.
        providers = dict(sorted(self.providers.items(), key=lambda item: slot_order(item[0])))
        object.__setattr__(self, "providers", MappingProxyType(providers))

    def settings(self) -> dict[str, object]:
        """The settings this environment sets, in a stable order."""
        values = {name: getattr(self, SETTING_TABLE[name].attribute) for name in SETTINGS}
        return {name: value for name, value in values.items() if value is not None}


Recorded = Literal["always", "changed", "never"]


def _parse_name(key: str, value: object) -> str:
    """A project or package name, as text: ProjectSpec's validation names what is wrong."""
    return str(value)


@dataclass(frozen=True)
class ProjectSetting:
    """How one project-level choice (ProjectChoices' field) is read from `KEY=VALUE` (new
    --set, answers files) and kept in the answers record."""

    parse: Callable[[str, object], object]  # (key, raw value) -> value, or UsageError
    # When an edit writes it into the answers record (scaffolder.reopen.derive): "always";
    # "changed", where it differs from the default or the record has it already (a record
    # made before the choice existed stays as it was); "never", the names, written when the
    # record is made.
    record: Recorded = "always"


def _setting(parse: Callable[[str, object], object], record: Recorded = "always") -> dict[str, Any]:
    return {"setting": ProjectSetting(parse, record)}


@dataclass(frozen=True)
class ProjectChoices:
    """The project-level choices, one field each with its default and how a value is read:
    the spec's project part and what a reopened project's identity holds (project_files).
    A choice added here is accepted by the vocabulary, kept in the answers record and passed
    to the template (scaffolder.render.template_data) as it is named."""

    project_name: str = field(metadata=_setting(_parse_name, "never"))
    package_name: str = field(metadata=_setting(_parse_name, "never"))
    ci: str = field(default="github", metadata=_setting(_parse_name))
    compose: bool = field(default=True, metadata=_setting(_parse_bool))
    # Deployment files (scaffolder.deployment): docker, kubernetes or none; the engine's
    # `protean server --workers` and the Deployment's replicas.
    deploy: str = field(
        default="none",
        metadata=_setting(lambda key, value: _parse_choice(key, value, DEPLOY_CHOICES)),
    )
    workers: int = field(default=1, metadata=_setting(_parse_count))
    replicas: int = field(default=1, metadata=_setting(_parse_count))
    installer: str = field(
        default="pip",
        metadata=_setting(lambda key, value: _parse_choice(key, value, INSTALLERS), "changed"),
    )

    def choices(self) -> dict[str, Any]:
        """The project-level choices by name, in PROJECT_KEYS' order."""
        return {key: getattr(self, key) for key in PROJECT_SETTINGS}


PROJECT_SETTINGS: Mapping[str, ProjectSetting] = MappingProxyType(
    {f.name: f.metadata["setting"] for f in fields(ProjectChoices)}
)
PROJECT_KEYS = tuple(PROJECT_SETTINGS)


def recorded_choices(project: ProjectChoices, record: Mapping[str, Any]) -> dict[str, Any]:
    """The choices an edit writes into the answers record `record` (ProjectSetting.record)."""
    defaults = {f.name: f.default for f in fields(ProjectChoices)}
    written = {}
    for key, setting in PROJECT_SETTINGS.items():
        value = getattr(project, key)
        if setting.record == "always" or (
            setting.record == "changed" and (value != defaults[key] or key in record)
        ):
            written[key] = value
    return written


@dataclass(frozen=True)
class ProjectSpec(ProjectChoices):
    """The project: its choices (ProjectChoices), and per environment its providers and
    settings."""

    environments: Mapping[str, EnvironmentSpec] = field(kw_only=True)
    # Overrides of the default variable and local URL of a slot (Slot.variable, the catalog).
    variables: Mapping[Slot, str] = field(default_factory=dict)
    local_urls: Mapping[Slot, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("environments", "variables", "local_urls"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        validate(self)

    @property
    def base(self) -> EnvironmentSpec:
        return self.environments[BASE]

    @property
    def slots(self) -> tuple[Slot, ...]:
        return tuple(self.base.providers)

    def provider(self, env: str, slot: Slot) -> Provider:
        """The provider `slot` resolves to in `env`, after inheritance from base."""
        overlay = self.environments.get(env)
        name = overlay.providers.get(slot) if overlay else None
        return PROVIDERS[slot.role][name or self.base.providers[slot]]

    def variable(self, slot: Slot) -> str:
        return self.variables.get(slot, slot.variable)

    def local_url(self, slot: Slot, provider: Provider) -> str | None:
        return self.local_urls.get(slot) or default_local_url(slot, provider, self.package_name)

    def with_environment(self, env: str, environment: EnvironmentSpec) -> ProjectSpec:
        return replace(self, environments={**self.environments, env: environment})


# Providers whose local default names a storage of the project's own (a file, a database on
# a shared server) that protean-init's derived files create: compose's PostgreSQL and MySQL
# health checks and the CI steps create the extra databases (scaffolder.plan.ServicePlan).
_OWN_STORAGE = ("sqlite", "postgresql", "mysql")


def default_local_url(slot: Slot, provider: Provider, package: str) -> str | None:
    """The one rule for a slot's local connection string, used by every front end and derived
    file: a named database gets storage of its own, `<package>_<name>` (`shop_reports.db`,
    `.../shop_reports` on PostgreSQL and MySQL), never the file or database of
    `databases.default`."""
    named = slot.role is Role.DATABASE and slot.name not in (None, "default")
    if named and provider.name in _OWN_STORAGE:
        return provider.local_url_for(f"{package}_{slot.name}")
    return provider.local_url_for(package)


def validate_project_name(name: str) -> None:
    if not _PROJECT_NAME.fullmatch(name):
        raise UsageError(
            f"invalid project name {name!r}: use letters, digits, '-', '_' or '.', "
            "starting with a letter"
        )


def validate_package_name(name: str) -> None:
    if not name.isidentifier() or not name.isascii():
        raise UsageError(
            f"invalid package name {name!r}: use a Python identifier such as "
            f"{package_name_for(name) or 'my_app'!r}"
        )
    # Soft keywords (match, type) import fine; only hard keywords cannot be imported.
    if keyword.iskeyword(name):
        raise UsageError(
            f"invalid package name {name!r}: it is a Python keyword; use an identifier "
            f"that is not one, such as {name + '_app'!r}"
        )
    shadowed = shadowed_package(name)
    if shadowed is not None:
        raise UsageError(
            f"invalid package name {name!r}: it would shadow {shadowed}; use a name of the "
            f"project's own, such as {name + '_app'!r} (--package NAME)"
        )


def validate_slot_name(name: str) -> None:
    if not _SLOT_NAME.fullmatch(name) or keyword.iskeyword(name):
        raise UsageError(
            f"invalid name {name!r}: use lower-case letters, digits and '_', starting with a letter"
        )


def package_name_for(project_name: str) -> str:
    """`Acme-Shop.api` -> `acme_shop_api`: the import name a project name suggests."""
    name = re.sub(r"[^0-9a-zA-Z]+", "_", project_name).strip("_").lower()
    if name and name[0].isdigit():
        name = f"app_{name}"
    return name


def check_provider(slot: Slot, name: str) -> None:
    allowed = list(PROVIDERS[slot.role])
    if name not in allowed:
        where = [r.value for r in Role if name in PROVIDERS[r]]
        hint = (
            f" ({name!r} is a provider for {', '.join(where)})" if where else closest(name, allowed)
        )
        raise UsageError(
            f"unknown {slot.role.label} provider {name!r} for {slot}{hint}; "
            f"expected one of: {', '.join(allowed)}"
        )


def validate(spec: ProjectSpec) -> None:
    """Raise UsageError for the first thing wrong with `spec`, in this order: the names and
    CI, the environments and base's slots, each environment's providers and settings, the
    deployment, then the connections' variables and local URLs."""
    validate_project_name(spec.project_name)
    validate_package_name(spec.package_name)
    if spec.ci not in CI_PROVIDERS:
        raise UsageError(
            f"unknown CI provider {spec.ci!r}{closest(spec.ci, CI_PROVIDERS)}; "
            f"expected one of: {', '.join(CI_PROVIDERS)}"
        )
    if spec.installer not in INSTALLERS:
        raise UsageError(
            f"unknown installer {spec.installer!r}{closest(str(spec.installer), INSTALLERS)}; "
            f"expected one of: {', '.join(INSTALLERS)}"
        )
    _validate_layout(spec)
    for env, environment in spec.environments.items():
        _validate_environment(spec, env, environment)
    validate_deployment(spec)
    for slot, variable in spec.variables.items():
        validate_variable_name(variable, slot)
    for slot, url in spec.local_urls.items():
        validate_local_url(slot, url)


def _validate_layout(spec: ProjectSpec) -> None:
    """Known environment names, and a base that has every default slot."""
    for env in spec.environments:
        if env not in ENVIRONMENTS:
            raise UsageError(
                f"unknown environment {env!r}{closest(env, ENVIRONMENTS)}; "
                f"expected one of: {', '.join(ENVIRONMENTS)}"
            )
    if BASE not in spec.environments:
        raise UsageError("the spec has no base environment")
    for slot in DEFAULT_SLOTS:
        if slot not in spec.base.providers:
            raise UsageError(f"base has no provider for {slot}")


def _validate_environment(spec: ProjectSpec, env: str, environment: EnvironmentSpec) -> None:
    """Catalog providers for slots base defines, and values each setting's parser keeps."""
    for slot, name in environment.providers.items():
        check_provider(slot, name)
        if slot not in spec.base.providers:
            raise UsageError(
                f"{env}.{slot} overrides a {slot.role.label} that base does not define; "
                f"add it to base first (--set base.{slot}=PROVIDER)"
            )
    for setting in SETTING_TABLE.values():
        value = getattr(environment, setting.attribute)
        if value is not None and setting.parse(f"{env}.{setting.key}", value) != value:
            raise UsageError(
                f"invalid value {value!r} for {env}.{setting.key}; expected {setting.allowed}"
            )


def validate_local_url(slot: Slot, url: str) -> None:
    """A local URL is written inside `${VAR|URL}` and on an .env.example line: a `}` would end
    the reference early, and a control character, line break or space would break the line.
    The value is shown escaped (repr), so an invisible character is visible in the error."""
    import unicodedata

    bad = next(
        (c for c in url if c == "}" or unicodedata.category(c)[0] in "CZ"),
        None,
    )
    if not url or bad is not None:
        what = "is empty" if not url else f"contains {bad!r}"
        raise UsageError(
            f"invalid local URL {url!r} for {slot}: it {what}; use a URL without spaces, "
            "control characters or '}', e.g. postgresql://postgres:postgres@localhost:5432/app"
        )
    from scaffolder.redact import MASK, redact_text

    if MASK in url and redact_text(url) == url:
        # An answers record masks passwords: reused as --answers, it has none to give.
        raise UsageError(
            f"local URL {url!r} for {slot} has a masked password ({MASK}), as an answers "
            "record keeps it; give the URL with its password (--set local_urls.SLOT=URL)"
        )


def subscription_type(spec: ProjectSpec, env: str = PRODUCTION) -> str:
    """The engine's default subscription type in `env`, after inheritance (Protean's default
    is event_store)."""
    overlay = spec.environments.get(env)
    chosen = overlay.server_default_subscription_type if overlay else None
    return chosen or spec.base.server_default_subscription_type or DEFAULT_SUBSCRIPTION_TYPE


def validate_deployment(spec: ProjectSpec) -> None:
    """Deploy choice and scale: more than one engine process only with stream subscriptions."""
    if spec.deploy not in DEPLOY_CHOICES:
        raise UsageError(
            f"invalid deploy {spec.deploy!r}{closest(str(spec.deploy), DEPLOY_CHOICES)}; "
            f"expected one of: {', '.join(DEPLOY_CHOICES)}"
        )
    for name in ("workers", "replicas"):
        count = getattr(spec, name)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise UsageError(f"invalid {name} {count!r}; expected a whole number, 1 or more")
        if count > 1 and subscription_type(spec) == "event_store":
            raise UsageError(
                f"{name}={count} needs production.server.default_subscription_type=stream: "
                "event-store subscriptions are single-writer, so a second engine process "
                "would handle every event again"
            )


def server_slots(spec: ProjectSpec, envs: Iterable[str] = ENVIRONMENTS) -> list[Slot]:
    """Slots that use a provider with a connection string in any of `envs`."""
    return [
        slot
        for slot in spec.slots
        if any(not spec.provider(env, slot).in_memory for env in envs if env in spec.environments)
    ]


# The servers Protean's production guide recommends, per role.
RECOMMENDED: Mapping[Role, str] = MappingProxyType(
    {
        Role.DATABASE: "postgresql",
        Role.BROKER: "redis",
        Role.EVENT_STORE: "message_db",
        Role.CACHE: "redis",
    }
)


def real_provider(role: Role, base_provider: str) -> str:
    """The server a slot runs on in production and test when adopting a project: the base's
    own server, else the recommended one (a memory or sqlite base has no server to share)."""
    provider = PROVIDERS[role].get(base_provider)
    return base_provider if provider is not None and provider.needs_server else RECOMMENDED[role]


def production_provider(role: Role, base_provider: str) -> str:
    """What production uses for a slot added to base, unless told: the base's server, the
    recommended server for a local file (sqlite: a path on one machine), and in-memory
    providers inherited as they are (nothing to connect to)."""
    provider = PROVIDERS[role].get(base_provider)
    if provider is None or provider.in_memory or provider.needs_server:
        return base_provider
    return RECOMMENDED[role]


def default_spec(project_name: str, package_name: str | None = None) -> ProjectSpec:
    """The layout Protean's production guide recommends, with dual-mode testing."""
    real = {slot: RECOMMENDED[slot.role] for slot in DEFAULT_SLOTS}
    in_memory = {slot: PROTEAN_DEFAULTS[slot.role] for slot in DEFAULT_SLOTS}
    return ProjectSpec(
        project_name=project_name,
        package_name=package_name or package_name_for(project_name),
        environments={
            BASE: EnvironmentSpec(
                in_memory, debug=True, event_processing="sync", command_processing="sync"
            ),
            PRODUCTION: EnvironmentSpec(
                real, debug=False, event_processing="async", command_processing="async"
            ),
            TEST: EnvironmentSpec(real, testing=True),
            MEMORY: EnvironmentSpec(in_memory, testing=True),
        },
        deploy="docker",
    )
