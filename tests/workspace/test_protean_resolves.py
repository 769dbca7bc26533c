"""Protean's own loader resolves every context of every workspace, in every environment, to
its own file: each context's database on the shared server under its own variable, the one
broker and event store of all, memory providers in the memory overlay.

`Config2.load_from_path(src/<context>)` is how `Domain` finds a context's config (its own
folder first); a sentinel per variable shows which one each key reads.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.protean_config import load_config

from .cases import CASES, contexts_of

ENVIRONMENTS = ("base", "production", "test", "memory")
SHARED = ("BROKER_URL", "EVENT_STORE_URL")


def _own(context: str, stem: str) -> str:
    return f"{context.upper()}_{stem}"


def _production_variables(root: Path) -> dict[str, str]:
    """A distinct value for every variable a context's production overlay requires."""
    variables = {}
    for context in contexts_of(root):
        for stem in ("DATABASE_URL", "CACHE_URL", "REPORTS_DATABASE_URL"):
            variables[_own(context, stem)] = f"postgresql://u:p@db.example/{context}_{stem}"
    variables |= {name: f"redis://shared.example/{name}" for name in SHARED}
    return variables


def _config(root: Path, context: str, env: str, variables: dict[str, str] | None = None):
    everything = _production_variables(root)
    return load_config(root / "src" / context, env, variables, clear=everything)


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_context_resolves_in_every_environment(workspaces, case: str) -> None:
    root = workspaces[case]
    assert contexts_of(root) == sorted(CASES[case].contexts)
    for context in CASES[case].contexts:
        for env in ENVIRONMENTS:
            variables = _production_variables(root) if env == "production" else None
            config = _config(root, context, env, variables)
            assert config["databases"]["default"]["provider"], (context, env)
            if env == "memory":
                assert config["databases"]["default"]["provider"] == "memory"
                assert config["brokers"]["default"]["provider"] == "inline"
                assert config["event_store"]["provider"] == "memory"


@pytest.mark.parametrize("case", sorted(CASES))
def test_production_reads_each_contexts_own_variables_and_the_shared_ones(
    workspaces, case: str
) -> None:
    root = workspaces[case]
    variables = _production_variables(root)
    for context in CASES[case].contexts:
        config = _config(root, context, "production", variables)
        database = config["databases"]["default"]
        assert variables[_own(context, "DATABASE_URL")] in database["database_uri"], context
        assert config["caches"]["default"]["URI"] == variables[_own(context, "CACHE_URL")]
        assert config["brokers"]["default"]["URI"] == variables["BROKER_URL"]
        assert config["event_store"]["database_uri"] == variables["EVENT_STORE_URL"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_context_has_its_own_database_on_the_one_server(workspaces, case: str) -> None:
    """Test overlay: `<package>_<context>_test` per context, every URL on the same server."""
    root = workspaces[case]
    servers = set()
    databases = {}
    for context in CASES[case].contexts:
        uri = _config(root, context, "test")["databases"]["default"]["database_uri"]
        parts = urlsplit(uri)
        servers.add((parts.scheme, parts.hostname, parts.port))
        databases[context] = parts.path.lstrip("/")
    expected = {context: f"shop_{context}_test" for context in databases}
    assert databases == expected
    mysql = {context for context in databases if context == "payments"}
    assert len(servers) == (2 if mysql else 1)  # payments is on MySQL in the eight


def test_a_variable_of_a_context_moves_that_context_alone(workspaces) -> None:
    root = workspaces["two"]
    moved = {"ORDERING_DATABASE_URL": "postgresql://postgres:postgres@elsewhere:5432/x"}
    ordering = _config(root, "ordering", "test", moved)["databases"]["default"]
    catalogue = _config(root, "catalogue", "test", moved)["databases"]["default"]
    assert ordering["database_uri"] == moved["ORDERING_DATABASE_URL"]
    assert catalogue["database_uri"].endswith("/shop_catalogue_test")


def test_qualified_keys_change_their_context_alone(workspaces) -> None:
    root = workspaces["eight"]
    payments = _config(root, "payments", "test")["databases"]["default"]
    assert payments["provider"] == "mysql"
    assert _config(root, "ordering", "test")["databases"]["default"]["provider"] == "postgresql"
    assert _config(root, "inventory", "base")["databases"]["default"]["provider"] == "sqlite"
    reviews = _config(root, "reviews", "base")["databases"]
    assert reviews["reports"]["provider"] == "sqlite"
    assert "reports" not in _config(root, "ordering", "base")["databases"]
    shipping = _config(root, "shipping", "production", _production_variables(root))
    assert shipping["server"]["default_subscription_type"] == "stream"
    ordering = _config(root, "ordering", "production", _production_variables(root))
    assert ordering["server"]["default_subscription_type"] == "event_store"


def test_each_context_is_its_own_package_and_domain(workspaces) -> None:
    root = workspaces["eight"]
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    packages = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert packages == [f"src/{context}" for context in CASES["eight"].contexts]
    for context in CASES["eight"].contexts:
        domain = (root / "src" / context / "domain.py").read_text()
        assert f'Domain(name="{context}")' in domain
        assert (root / "tests" / context / "conftest.py").is_file()
