"""What a spec must be: checked when it is built, the first thing wrong named in one line."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from scaffolder.errors import UsageError, closest
from scaffolder.spec.choices import CI_PROVIDERS, DEPLOY_CHOICES, INSTALLERS, ProjectChoices
from scaffolder.spec.environment_spec import EnvironmentSpec
from scaffolder.spec.environments import BASE, ENVIRONMENTS
from scaffolder.spec.names import (
    validate_package_name,
    validate_project_name,
    validate_variable_name,
)
from scaffolder.spec.settings import SETTING_TABLE
from scaffolder.spec.slots import DEFAULT_SLOTS, Slot, check_provider


def validate_choices(choices: ProjectChoices) -> None:
    """The names, the CI provider and the installer."""
    validate_project_name(choices.project_name)
    validate_package_name(choices.package_name)
    if choices.ci not in CI_PROVIDERS:
        raise UsageError(
            f"unknown CI provider {choices.ci!r}{closest(choices.ci, CI_PROVIDERS)}; "
            f"expected one of: {', '.join(CI_PROVIDERS)}"
        )
    if choices.installer not in INSTALLERS:
        raise UsageError(
            f"unknown installer {choices.installer!r}"
            f"{closest(str(choices.installer), INSTALLERS)}; "
            f"expected one of: {', '.join(INSTALLERS)}"
        )


def validate_connections(variables: Mapping[Slot, str], local_urls: Mapping[Slot, str]) -> None:
    """The variable names and local URLs given for slots."""
    for slot, variable in variables.items():
        validate_variable_name(variable, slot)
    for slot, url in local_urls.items():
        validate_local_url(slot, url)


def validate_layout(environments: Mapping[str, EnvironmentSpec]) -> None:
    """Known environment names, and a base that has every default slot."""
    for env in environments:
        if env not in ENVIRONMENTS:
            raise UsageError(
                f"unknown environment {env!r}{closest(env, ENVIRONMENTS)}; "
                f"expected one of: {', '.join(ENVIRONMENTS)}"
            )
    if BASE not in environments:
        raise UsageError("the spec has no base environment")
    for slot in DEFAULT_SLOTS:
        if slot not in environments[BASE].providers:
            raise UsageError(f"base has no provider for {slot}")


def validate_environment(env: str, environment: EnvironmentSpec, base: EnvironmentSpec) -> None:
    """Catalog providers for slots base defines, and values each setting's parser keeps."""
    for slot, name in environment.providers.items():
        check_provider(slot, name)
        if slot not in base.providers:
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
    # deferred: scaffolder.redact ~3 ms (CPU, measured): `new --help` imports this module without it
    from scaffolder.redact import MASK, redact_text

    if MASK in url and redact_text(url) == url:
        # An answers record masks passwords: reused as --answers, it has none to give.
        raise UsageError(
            f"local URL {url!r} for {slot} has a masked password ({MASK}), as an answers "
            "record keeps it; give the URL with its password (--set local_urls.SLOT=URL)"
        )


def validate_deployment(choices: ProjectChoices, subscription_type: str) -> None:
    """Deploy choice and scale: more than one engine process only with stream subscriptions
    (`subscription_type`, production's)."""
    if choices.deploy not in DEPLOY_CHOICES:
        raise UsageError(
            f"invalid deploy {choices.deploy!r}{closest(str(choices.deploy), DEPLOY_CHOICES)}; "
            f"expected one of: {', '.join(DEPLOY_CHOICES)}"
        )
    for name in ("workers", "replicas"):
        count = getattr(choices, name)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise UsageError(f"invalid {name} {count!r}; expected a whole number, 1 or more")
        if count > 1 and subscription_type == "event_store":
            raise UsageError(
                f"{name}={count} needs production.server.default_subscription_type=stream: "
                "event-store subscriptions are single-writer, so a second engine process "
                "would handle every event again"
            )
