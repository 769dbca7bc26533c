"""The keyword arguments SQLAlchemy's create_engine takes, per SQLAlchemy provider of Protean.

Protean's SQLAlchemy providers hand every key of a database table but their own
(PROTEAN_OWN_KEYS) to create_engine, which refuses, at start-up, any it does not consume. The
lists are checked in rather than read from SQLAlchemy when `check` runs: `check` must work
where SQLAlchemy is not installed (protean-init beside, not inside, the project's environment)
and stay fast (importing SQLAlchemy's dialects costs more than a whole check). For each
provider the list is the union over the URL schemes the catalog accepts for it (and, for
sqlite, a file and the in-memory database, which take different pools).
tests/check/test_engine_options.py asserts they equal what the installed SQLAlchemy consumes,
and prints the lists to check in when they do not.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

_SQLALCHEMY_OWN = frozenset({"provider", "database_uri", "schema", "managed"})

# The keys each provider keeps for itself (SAProvider._NON_ENGINE_CONN_KEYS).
PROTEAN_OWN_KEYS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "postgresql": _SQLALCHEMY_OWN,
        "sqlite": _SQLALCHEMY_OWN,
        "mysql": _SQLALCHEMY_OWN | {"collation"},
        "mssql": _SQLALCHEMY_OWN,
    }
)

# SQLAlchemy 2.1.9: what every dialect's create_engine consumes (the engine's, the pool's and the
# dialect base's keywords), then each dialect's own on top.
_EVERY_DIALECT = frozenset(
    {
        "_coerce_config",
        "_dispatch",
        "_initialize",
        "_is_async",
        "cls",
        "compiler_linting",
        "connect_args",
        "creator",
        "dbapi",
        "dialect",
        "echo",
        "echo_pool",
        "empty_in_strategy",
        "enable_from_linting",
        "execution_options",
        "future",
        "hide_parameters",
        "implicit_returning",
        "insertmanyvalues_page_size",
        "isolation_level",
        "json_deserializer",
        "json_serializer",
        "label_length",
        "logging_name",
        "max_identifier_length",
        "max_overflow",
        "module",
        "paramstyle",
        "plugins",
        "pool",
        "pool_events",
        "pool_logging_name",
        "pool_pre_ping",
        "pool_recycle",
        "pool_reset_on_return",
        "pool_size",
        "pool_timeout",
        "pool_use_lifo",
        "poolclass",
        "query_cache_size",
        "server_side_cursors",
        "skip_autocommit_rollback",
        "strategy",
        "supports_native_boolean",
        "url",
        "use_insertmanyvalues",
    }
)
ENGINE_OPTIONS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "mssql": _EVERY_DIALECT
        | {
            "deprecate_large_types",
            "fast_executemany",
            "ignore_no_transaction_on_rollback",
            "legacy_schema_aliasing",
            "query_timeout",
            "schema_name",
            "supports_comments",
            "use_scope_identity",
            "use_setinputsizes",
        },
        "mysql": _EVERY_DIALECT
        | {
            "is_mariadb",
        },
        "postgresql": _EVERY_DIALECT
        | {
            "client_encoding",
            "executemany_batch_page_size",
            "executemany_mode",
            "native_inet_types",
            "use_native_hstore",
        },
        "sqlite": _EVERY_DIALECT
        | {
            "native_datetime",
        },
    }
)

# A key some SQLAlchemy provider's engine takes.
ANY_ENGINE_OPTION: frozenset[str] = frozenset().union(*ENGINE_OPTIONS.values())

# What create_engine's typed signature says an option is, for the options a TOML value can
# give ("integer", "number", "boolean", "table", "string", "array"). SQLAlchemy converts none of
# them (`pool_size = "5"` fails in create_engine with a TypeError), so a string is wrong for a
# number even when it reads as one. Tested against the installed SQLAlchemy's signature.
ENGINE_OPTION_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "connect_args": "table",
        "enable_from_linting": "boolean",
        "execution_options": "table",
        "hide_parameters": "boolean",
        "insertmanyvalues_page_size": "integer",
        "label_length": "integer",
        "logging_name": "string",
        "max_identifier_length": "integer",
        "max_overflow": "integer",
        "pool_logging_name": "string",
        "pool_pre_ping": "boolean",
        "pool_size": "integer",
        "pool_recycle": "integer",
        "pool_timeout": "number",
        "pool_use_lifo": "boolean",
        "plugins": "array",
        "query_cache_size": "integer",
        "use_insertmanyvalues": "boolean",
    }
)
