"""What a spec must be: checked when it is built, the first thing wrong named in one line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scaffolder.errors import UsageError, closest
from scaffolder.spec.choices import CI_PROVIDERS, DEPLOY_CHOICES, INSTALLERS
from scaffolder.spec.environments import BASE, ENVIRONMENTS, PRODUCTION
from scaffolder.spec.names import (
    validate_package_name,
    validate_project_name,
    validate_variable_name,
)
from scaffolder.spec.settings import DEFAULT_SUBSCRIPTION_TYPE, SETTING_TABLE
from scaffolder.spec.slots import DEFAULT_SLOTS, Slot, check_provider

if TYPE_CHECKING:
    from scaffolder.spec.project import EnvironmentSpec, ProjectSpec


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
