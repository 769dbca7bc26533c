"""scaffolder/engine_options.py against the installed SQLAlchemy.

`check` knows which database keys SQLAlchemy's create_engine takes from a checked-in list, so
it needs no SQLAlchemy at run time and stays fast; these tests keep the list equal to what the
installed SQLAlchemy consumes, computed the way create_engine consumes keyword arguments
(sqlalchemy/engine/create.py), and prove the list against create_engine itself.
On a mismatch the assertion prints the module to check in.
"""

from __future__ import annotations

import pytest

from scaffolder.catalog import PROVIDERS, Role
from scaffolder.engine_options import (
    ANY_ENGINE_OPTION,
    ENGINE_OPTION_KINDS,
    ENGINE_OPTIONS,
    PROTEAN_OWN_KEYS,
)

sqlalchemy = pytest.importorskip("sqlalchemy")

# Keyword arguments create_engine pops by name before it asks the dialect, the DBAPI module,
# the pool class and the Engine for theirs (sqlalchemy/engine/create.py).
_CREATE_ENGINE_OWN = frozenset(
    {
        "strategy",
        "empty_in_strategy",
        "plugins",
        "_is_async",
        "_coerce_config",
        "module",
        "enable_from_linting",
        "connect_args",
        "pool",
        "creator",
        "poolclass",
        "future",
        "_initialize",
    }
)


def _urls(provider: str) -> list[str]:
    connection = PROVIDERS[Role.DATABASE][provider].connection
    assert connection is not None
    if connection.no_host:  # a file and the in-memory database take different pools
        return [f"{s}:///x.db" for s in connection.schemes] + [
            f"{s}://" for s in connection.schemes
        ]
    return [f"{s}://u@h/d" for s in connection.schemes]


def _consumed(url: str) -> set[str]:
    """Every keyword create_engine consumes for `url`, as create_engine finds them."""
    from sqlalchemy import util
    from sqlalchemy.engine import base, make_url
    from sqlalchemy.engine.create import _pool_translate_kwargs

    parsed = make_url(url)
    dialect = parsed._get_entrypoint().get_dialect_cls(parsed)
    found = set(_CREATE_ENGINE_OWN)
    found |= set(util.get_cls_kwargs(dialect))
    found |= set(util.get_func_kwargs(dialect.import_dbapi))
    pool = dialect.get_pool_class(parsed)
    found |= {_pool_translate_kwargs.get(k, k) for k in util.get_cls_kwargs(pool)}
    found |= set(util.get_cls_kwargs(base.Engine))
    return found


def engine_options() -> dict[str, frozenset[str]]:
    return {
        name: frozenset().union(*(_consumed(url) for url in _urls(name)))
        for name in sorted(ENGINE_OPTIONS)
    }


def module_text(options: dict[str, frozenset[str]]) -> str:
    """The lines to check in: the keys every dialect takes once, then each one's own."""
    every = frozenset.intersection(*options.values())
    rows = ["_EVERY_DIALECT = frozenset(", "    {"]
    rows += [f'        "{key}",' for key in sorted(every)]
    rows += ["    }", ")"]
    rows += ["ENGINE_OPTIONS: Mapping[str, frozenset[str]] = MappingProxyType(", "    {"]
    for name, keys in options.items():
        rows += [f'        "{name}": _EVERY_DIALECT', "        | {"]
        rows += [f'            "{key}",' for key in sorted(keys - every)]
        rows.append("        },")
    rows += ["    }", ")"]
    return "\n".join(rows)


def test_the_list_is_what_the_installed_sqlalchemy_consumes():
    live = engine_options()
    assert dict(ENGINE_OPTIONS) == live, (
        f"SQLAlchemy {sqlalchemy.__version__}: regenerate ENGINE_OPTIONS in "
        f"scaffolder/engine_options.py as\n{module_text(live)}"
    )


def test_every_sqlalchemy_provider_of_protean_is_listed():
    from protean.adapters.repository.sqlalchemy import SAProvider
    from protean.port.provider import ProviderRegistry

    ProviderRegistry._discover_plugins()
    import importlib

    sql = set()
    for name, path in ProviderRegistry._providers.items():
        module, _, cls = path.rpartition(".")
        if issubclass(getattr(importlib.import_module(module), cls), SAProvider):
            sql.add(name)
    assert set(ENGINE_OPTIONS) == sql


def test_protean_own_keys_are_what_its_providers_keep_from_the_engine():
    from protean.adapters.repository.sqlalchemy import (
        MssqlProvider,
        MysqlProvider,
        PostgresqlProvider,
        SqliteProvider,
    )

    classes = {
        "postgresql": PostgresqlProvider,
        "sqlite": SqliteProvider,
        "mysql": MysqlProvider,
        "mssql": MssqlProvider,
    }
    for name, cls in classes.items():
        assert PROTEAN_OWN_KEYS[name] == cls._NON_ENGINE_CONN_KEYS, name


_INSTALLED_DRIVERS = ["postgresql+psycopg2://u@h/d", "postgresql+psycopg://u@h/d", "sqlite://"]


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SADeprecationWarning")
@pytest.mark.parametrize("url", _INSTALLED_DRIVERS)
def test_create_engine_takes_every_listed_key_and_refuses_others(url):
    """Behaviour, not introspection: each key listed is one create_engine does not refuse as
    an invalid argument; a near miss of one is refused, as `check` says."""
    from sqlalchemy import create_engine

    provider = "sqlite" if url.startswith("sqlite") else "postgresql"
    for key in sorted(_consumed(url)):
        assert key in ENGINE_OPTIONS[provider]
        try:
            create_engine(url, **{key: None})
        except TypeError as error:
            assert "Invalid argument" not in str(error), (key, error)
        except Exception:  # None is a bad value for some keys; only a refusal matters here
            pass
    for key in ("pool_sise", "database_url", "pool_pre_pings"):
        with pytest.raises(TypeError, match=f"Invalid argument\\(s\\) '{key}'"):
            create_engine(url, **{key: 1})


# create_engine's typed overload spells each annotation as text; the kinds a TOML value has.
_ANNOTATION_KINDS = {
    "int": "integer",
    "Optional[int]": "integer",
    "float": "number",
    "bool": "boolean",
    "Dict[Any, Any]": "table",
    "_ExecuteOptions": "table",
    "str": "string",
    "List[str]": "array",
}


def test_option_kinds_are_create_engine_s_annotations():
    import inspect
    import typing

    from sqlalchemy.engine import create

    signatures = [inspect.signature(o) for o in typing.get_overloads(create.create_engine)]
    assert signatures, "create_engine has no typed overloads to read"
    live = {
        name: _ANNOTATION_KINDS[parameter.annotation]
        for signature in signatures
        for name, parameter in signature.parameters.items()
        if parameter.annotation in _ANNOTATION_KINDS and name in ANY_ENGINE_OPTION
    }
    assert dict(ENGINE_OPTION_KINDS) == live


def test_a_numeric_string_for_pool_size_fails_in_create_engine():
    """Why `check` takes no quoted number for an engine option: SQLAlchemy converts nothing."""
    from sqlalchemy import create_engine

    with pytest.raises(TypeError):
        create_engine("sqlite:///unused.db", pool_size="5")
