"""The provider catalog against what the installed Protean registers and reads.

`check` judges keys, providers and values by the catalog; these tests keep the catalog
honest, so `check` can never call valid what Protean rejects, or the other way round.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

from scaffolder.catalog import PROVIDER_KEYS, PROVIDERS, TOP_LEVEL_KEYS, Role

protean = pytest.importorskip("protean")


def _entry_point_names(group: str) -> set[str]:
    return {ep.name for ep in entry_points(group=group)}


def test_database_providers_match_protean_entry_points():
    assert set(PROVIDERS[Role.DATABASE]) == _entry_point_names("protean.providers")


def test_broker_providers_match_protean_entry_points():
    assert set(PROVIDERS[Role.BROKER]) == _entry_point_names("protean.brokers")


def test_event_store_providers_match_protean():
    from protean.adapters.event_store import EVENT_STORE_PROVIDERS

    assert set(PROVIDERS[Role.EVENT_STORE]) == set(EVENT_STORE_PROVIDERS)


def test_cache_providers_match_protean():
    from protean.adapters.cache import CACHE_PROVIDERS

    assert set(PROVIDERS[Role.CACHE]) == set(CACHE_PROVIDERS)


def test_top_level_keys_match_protean_defaults():
    from protean.domain.config import _default_config

    assert set(_default_config()) == TOP_LEVEL_KEYS


def test_pool_keys_protean_forwards_are_known():
    from protean.adapters.broker.redis import RedisBroker
    from protean.adapters.cache.redis import RedisCache
    from protean.adapters.event_store.message_db import MessageDBStore

    assert PROVIDER_KEYS[Role.BROKER] >= RedisBroker._POOL_KEYS
    assert PROVIDER_KEYS[Role.CACHE] >= RedisCache._POOL_KEYS
    assert PROVIDER_KEYS[Role.EVENT_STORE] >= MessageDBStore._POOL_KEYS


def test_sqlalchemy_provider_keys_are_known():
    from protean.adapters.repository.sqlalchemy import SAProvider

    assert PROVIDER_KEYS[Role.DATABASE] >= SAProvider._NON_ENGINE_CONN_KEYS


def test_every_role_table_has_provider_and_its_uri_key():
    for role, providers in PROVIDERS.items():
        assert "provider" in PROVIDER_KEYS[role]
        for provider in providers.values():
            if provider.uri_key:
                assert provider.uri_key in PROVIDER_KEYS[role], (role, provider.name)


def test_cache_default_ttl_key_is_known():
    from protean.domain.config import _default_config

    for role in Role:
        defaults = _default_config()[role.value]
        tables = defaults.values() if role.is_named else [defaults]
        for table in tables:
            assert set(table) <= PROVIDER_KEYS[role], role


def test_table_settings_are_protean_table_defaults():
    from protean.domain.config import _default_config

    from scaffolder.check.common import TABLE_SETTINGS

    tables = {key for key, value in _default_config().items() if isinstance(value, dict)}
    assert tables == TABLE_SETTINGS


def test_processing_choices_are_protean_enum_values():
    from protean.utils import IdentityStrategy, IdentityType, Processing

    from scaffolder.check.values import CHOICES

    assert set(CHOICES["event_processing"]) == {p.value for p in Processing}
    assert set(CHOICES["identity_strategy"]) == {s.value for s in IdentityStrategy}
    assert set(CHOICES["identity_type"]) == {t.value for t in IdentityType}


# --- Connection schemes against the real clients -------------------------------------------

CONNECTED = [p for role in Role for p in PROVIDERS[role].values() if p.connection]


def _opens(provider, url: str) -> bool:
    """Whether the provider's own client library takes `url` (without connecting)."""
    if provider.name in ("redis", "redis_pubsub"):
        import redis

        try:
            redis.ConnectionPool.from_url(url)
        except ValueError:
            return False
        return True
    if provider.name == "elasticsearch":
        # The elasticsearch client (not installed here) wants scheme, host and port; Protean
        # adds the scheme to a bare host:port itself.
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and bool(parts.hostname and parts.port)
    if provider.name == "message_db":
        import psycopg2.extensions

        try:
            psycopg2.extensions.parse_dsn(url)
        except psycopg2.ProgrammingError:
            return False
        return True
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        dialect = make_url(url).get_dialect()
    except (ArgumentError, NoSuchModuleError):
        return False
    return dialect.name in ("postgresql", "sqlite", "mysql", "mariadb", "mssql")


def test_every_provider_with_a_connection_string_has_its_schemes():
    for role in Role:
        for provider in PROVIDERS[role].values():
            assert (provider.connection is None) == (provider.uri_key is None), provider.name


@pytest.mark.parametrize("provider", CONNECTED, ids=lambda p: f"{p.role.value}-{p.name}")
def test_the_catalog_schemes_are_what_the_client_opens(provider):
    for scheme in provider.connection.schemes:
        url = f"{scheme}:///tmp/x.db" if provider.connection.no_host else f"{scheme}://u@h:1/d"
        if scheme == "unix":
            url = "unix:///tmp/redis.sock"
        assert _opens(provider, url), url
    for scheme in provider.connection.refused:
        url = f"{scheme}://u@h:1/d"
        if provider.name == "message_db":
            assert not _opens(provider, url), url
        else:
            from sqlalchemy import create_engine

            with pytest.raises(Exception):  # noqa: B017 - NoSuchModuleError or a driver error
                create_engine(url)


@pytest.mark.parametrize("provider", CONNECTED, ids=lambda p: f"{p.role.value}-{p.name}")
def test_the_catalog_urls_pass_its_own_connection_rules(provider):
    from scaffolder.check.connections import url_problem

    for url in (provider.local_url_for("acme"), provider.placeholder_url):
        assert url_problem(provider.connection, url) is None, url
