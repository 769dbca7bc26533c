"""A broker or cache added on Redis takes the lowest Redis database number no Redis URL of the
config uses (brokers and caches, every environment, `${VAR|default}` defaults and literals):
two brokers on one database would share one stream space (edits.free_redis_database)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.protean_config import load_config

REDIS_DB = re.compile(r"redis://localhost:6379/(\d+)")


def local_database(config: Path, table: str, key: str = "URI") -> int:
    tree = tomllib.loads(config.read_text())
    role, name = table.split(".")
    match = REDIS_DB.search(tree[role][name][key])
    assert match, tree[role][name]
    return int(match.group(1))


def test_named_brokers_and_caches_take_the_next_free_database(generated_projects, cli, tmp_path):
    root = generated_projects.copy(tmp_path / "shop")
    config = root / "domain.toml"
    # The default broker is on /0 and the default cache on /2.
    assert cli("add-broker events --provider redis --project", root).code == 0
    assert local_database(config, "brokers.events") == 1
    assert cli("add-cache sessions --provider redis --project", root).code == 0
    assert local_database(config, "caches.sessions") == 3
    assert cli("add-broker audit --provider redis --project", root).code == 0
    assert local_database(config, "brokers.audit") == 4
    # As Protean resolves the test environment: four Redis databases, none shared.
    names = {"BROKER_URL", "CACHE_URL", "EVENTS_BROKER_URL", "SESSIONS_CACHE_URL"}
    test = load_config(config.parent, "test", {}, names | {"AUDIT_BROKER_URL"})
    urls = [
        test["brokers"]["default"]["URI"],
        test["brokers"]["events"]["URI"],
        test["brokers"]["audit"]["URI"],
        test["caches"]["default"]["URI"],
        test["caches"]["sessions"]["URI"],
    ]
    assert len(set(urls)) == len(urls), urls
    assert cli("check --project", root).code == 0
    # `new` of the same slots gives each a database of its own too (one rule, spec.slots;
    # in the spec's slot order rather than the order they were added in).
    fresh = tmp_path / "fresh" / "shop"
    sets = ["base.brokers.events=redis", "base.caches.sessions=redis", "base.brokers.audit=redis"]
    assert cli(["new", fresh, "--defaults", *[a for s in sets for a in ("--set", s)]]).code == 0
    test = load_config(fresh, "test", {}, names | {"AUDIT_BROKER_URL"})
    numbers = [
        int(REDIS_DB.search(test[role][name]["URI"]).group(1))  # type: ignore[union-attr]
        for role, name in (
            ("brokers", "default"),
            ("caches", "default"),
            ("brokers", "events"),
            ("caches", "sessions"),
            ("brokers", "audit"),
        )
    ]
    assert numbers[:2] == [0, 2] and sorted(numbers) == [0, 1, 2, 3, 4], numbers


FORMS = [
    lambda n: f'"${{SOME_URL|redis://localhost:6379/{n}}}"',
    lambda n: f'"redis://127.0.0.1:6379/{n}"',
    lambda n: f'"${{A|redis://:pw@localhost:6380/{n}}}"',
]


@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    used=st.lists(
        st.tuples(
            st.integers(0, 15),
            st.sampled_from(range(len(FORMS))),
            st.sampled_from(["", "test.", "staging."]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_the_database_taken_is_the_lowest_no_url_uses(tmp_path_factory, cli, used) -> None:
    root = tmp_path_factory.mktemp("redis")
    lines = ['[brokers.default]\nprovider = "inline"\n']
    for index, (number, form, env) in enumerate(used):
        lines.append(f'[{env}caches.c{index}]\nprovider = "redis"\nURI = {FORMS[form](number)}\n')
    (root / "domain.toml").write_text("\n".join(lines))
    (root / "pyproject.toml").write_text('[project]\nname = "shop"\nversion = "0.1.0"\n')
    result = cli("add-broker events --provider redis --project", root)
    assert result.code == 0, result.err
    taken = {number for number, _, _ in used}
    want = 0 if 0 not in taken else min(set(range(16)) - taken, default=0)
    assert local_database(root / "domain.toml", "brokers.events") == want
