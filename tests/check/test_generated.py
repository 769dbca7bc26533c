"""Generated projects check clean: no error, no warning, no drift.

Every combination of providers is generated and checked, and so are random valid specs.
The one exception is by design: a spec that puts production (or the memory overlay) on a
provider `check` warns about gets exactly those warnings, and nothing else.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.answers import build_spec
from scaffolder.catalog import PROVIDERS, Role
from scaffolder.check import check_project, format_text
from scaffolder.render import render_project
from scaffolder.spec.defaults import default_spec
from scaffolder.spec.environment_spec import EnvironmentSpec
from scaffolder.spec.environments import BASE
from scaffolder.spec.project import ProjectSpec
from scaffolder.spec.slots import DEFAULT_SLOTS, Slot


def write(files: dict[str, bytes], root: Path) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return root


def check_spec(spec: ProjectSpec, root: Path) -> list:
    return check_project(write(render_project(spec), root), environ={})


def _real(role: Role) -> list[str]:
    return [name for name, p in PROVIDERS[role].items() if not p.in_memory]


def _local(role: Role) -> list[str]:
    return [name for name, p in PROVIDERS[role].items() if not p.needs_server]


COMBINATIONS = list(itertools.product(*(list(PROVIDERS[slot.role]) for slot in DEFAULT_SLOTS)))


def combination_spec(index: int, names: tuple[str, ...]) -> ProjectSpec:
    """`names` in test; in production where they are real (production on an in-memory
    provider is a warning by design), and in base for every other combination."""
    sets = []
    for slot, name in zip(DEFAULT_SLOTS, names, strict=True):
        real = name if not PROVIDERS[slot.role][name].in_memory else _real(slot.role)[0]
        sets += [f"test.{slot}={name}", f"production.{slot}={real}"]
        if index % 2:
            sets.append(f"base.{slot}={name}")
    if index % 3 == 0:
        sets += ["base.databases.reports=sqlite", f"test.databases.reports={names[0]}"]
    project = {"ci": ("github", "gitlab", "none")[index % 3], "compose": index % 5 != 4}
    return build_spec(default_spec("acme"), sets=sets, project=project)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("index", "names"),
    list(enumerate(COMBINATIONS)),
    ids=["-".join(names) for names in COMBINATIONS],
)
def test_every_provider_combination_checks_clean(index, names, tmp_path):
    findings = check_spec(combination_spec(index, names), tmp_path)
    assert findings == [], format_text(findings)


def test_the_default_project_checks_clean_for_every_environment_named(tmp_path):
    """A deploy pipeline names its environment; with its variables set it is clean."""
    root = write(render_project(default_spec("acme")), tmp_path)
    environ = {
        "DATABASE_URL": "postgresql://app:secret@db.internal:5432/acme",
        "BROKER_URL": "rediss://:secret@cache.internal:6380/0",
        "EVENT_STORE_URL": "postgresql://message_store:secret@store.internal:5432/message_store",
        "CACHE_URL": "redis://cache.internal:6379/2",
    }
    for env in ("base", "production", "test", "memory"):
        assert check_project(root, [env], environ=environ) == []
    # The same variables pointing at the wrong servers: every connection is refused.
    wrong = {name: environ["CACHE_URL"] for name in environ}
    found = check_project(root, ["production"], environ=wrong)
    assert sorted((f.code, f.line, f.env) for f in found) == [
        ("wrong-url-scheme", 31, "production"),
        ("wrong-url-scheme", 39, "production"),
    ], format_text(found)


def test_production_in_memory_is_the_one_warning(tmp_path):
    spec = build_spec(
        default_spec("acme"),
        sets=["production.caches.default=memory", "memory.brokers.default=redis"],
    )
    findings = check_spec(spec, tmp_path)
    assert sorted((f.severity, f.code, f.env, f.file) for f in findings) == [
        ("warning", "memory-in-production", "production", "domain.toml"),
        ("warning", "memory-overlay-service", "memory", "domain.toml"),
    ], format_text(findings)


# --- Random valid specs --------------------------------------------------------------------

NAMED = (Slot(Role.DATABASE, "reports"), Slot(Role.CACHE, "sessions"))
MODES = st.sampled_from([None, "sync", "async"])
FLAGS = st.sampled_from([None, True, False])


@st.composite
def specs(draw) -> ProjectSpec:
    slots = list(DEFAULT_SLOTS) + [s for s in NAMED if draw(st.booleans())]

    def environment(choices, *, required: bool) -> EnvironmentSpec:
        providers = {}
        for slot in slots:
            options = choices(slot.role)
            if required:
                providers[slot] = draw(st.sampled_from(options))
            else:
                chosen = draw(st.one_of(st.none(), st.sampled_from(options)))
                if chosen:
                    providers[slot] = chosen
        return EnvironmentSpec(
            providers,
            debug=draw(FLAGS),
            testing=draw(FLAGS),
            event_processing=draw(MODES),
            command_processing=draw(MODES),
        )

    everything = lambda role: list(PROVIDERS[role])  # noqa: E731
    environments = {BASE: environment(everything, required=True)}
    # Production on in-memory providers and a memory overlay on servers are warned about.
    if draw(st.booleans()):
        environments["production"] = environment(_real, required=True)
    if draw(st.booleans()):
        environments["test"] = environment(everything, required=False)
    if draw(st.booleans()):
        environments["memory"] = environment(_local, required=False)
        for slot in slots:
            if PROVIDERS[slot.role][environments[BASE].providers[slot]].needs_server:
                memory = environments["memory"]
                local = draw(st.sampled_from(_local(slot.role)))
                environments["memory"] = EnvironmentSpec(
                    {**memory.providers, slot: memory.providers.get(slot, local)},
                    **memory.settings(),
                )
    return ProjectSpec(
        project_name="acme",
        package_name="acme",
        environments=environments,
        ci=draw(st.sampled_from(["github", "gitlab", "none"])),
        compose=draw(st.booleans()),
    )


@pytest.mark.slow
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=specs())
def test_a_random_valid_spec_checks_clean(spec, tmp_path_factory):
    findings = check_spec(spec, tmp_path_factory.mktemp("spec"))
    assert findings == [], format_text(findings)
