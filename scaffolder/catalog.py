"""The provider catalog: everything protean-init knows about Protean's providers, as data.

One entry per provider. Generation (domain.toml, compose, CI, .env.example, pip extras), editing
and `check` all read this table, so adding a provider is one entry here and nothing else.
The test suite asserts that it matches what the installed Protean registers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class Role(StrEnum):
    """A kind of infrastructure, named as its table is named in domain.toml."""

    DATABASE = "databases"
    BROKER = "brokers"
    EVENT_STORE = "event_store"
    CACHE = "caches"

    @property
    def is_named(self) -> bool:
        """Databases, brokers and caches are tables of named entries; the event store is one."""
        return self is not Role.EVENT_STORE

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]

    @property
    def variable_stem(self) -> str:
        """The environment variable a slot of this role reads its connection string from."""
        return _VARIABLE_STEMS[self]


_ROLE_LABELS = {
    Role.DATABASE: "database",
    Role.BROKER: "broker",
    Role.EVENT_STORE: "event store",
    Role.CACHE: "cache",
}

# Named by role, not by provider, so a slot keeps its variable when its provider differs
# between environments (sqlite in test, postgresql in production).
_VARIABLE_STEMS = {
    Role.DATABASE: "DATABASE_URL",
    Role.BROKER: "BROKER_URL",
    Role.EVENT_STORE: "EVENT_STORE_URL",
    Role.CACHE: "CACHE_URL",
}


@dataclass(frozen=True)
class NameLimit:
    """The longest database name a server keeps, counted as the server counts (UTF-8 bytes or
    characters), and what it does with a longer one (for the error that refuses it)."""

    server: str
    most: int
    unit: str  # "bytes" or "characters"
    past: str  # "<server> <past>": what the server does with a longer name

    def size(self, name: str) -> int:
        return len(name.encode()) if self.unit == "bytes" else len(name)


@dataclass(frozen=True)
class Service:
    """A server a provider needs: one compose service, and one CI service container."""

    name: str
    image: str
    port: int
    container_port: int
    healthcheck: str
    data_path: str
    environment: Mapping[str, str] = field(default_factory=dict)
    # Extra `docker run` options for GitHub service containers beyond the health flags.
    ci_options: str = ""
    # The image's variable naming the database it creates on first start (POSTGRES_DB): a
    # named database's own is created beside it (scaffolder.plan.ServicePlan).
    database_key: str | None = None
    # Other image repositories that run this server with the same variables, ports and
    # tools' credentials (MariaDB for MySQL): `check` compares them as this service.
    same_server_images: tuple[str, ...] = ()
    # How long a name of a database on it may be (scaffolder.spec.slots.refuse_cut_database).
    database_name_limit: NameLimit | None = None


@dataclass(frozen=True)
class Provider:
    """One provider of one role, as Protean 0.18 registers it."""

    name: str
    role: Role
    summary: str
    extra: str | None = None
    # The key that holds the connection string, and how the string wraps the URL.
    uri_key: str | None = None
    uri_template: str = "{url}"
    local_url: str | None = None
    placeholder_url: str | None = None
    service: Service | None = None
    settings: Mapping[str, object] = field(default_factory=dict)
    # Providers whose tables `protean db setup` creates.
    needs_tables: bool = False
    # What the connection string may look like, for `check`: the URL schemes the provider's
    # client accepts, schemes it refuses with why, and ones it accepts with a caveat.
    connection: Connection | None = None

    @property
    def in_memory(self) -> bool:
        """True for providers that run inside the process and need nothing outside it."""
        return self.uri_key is None

    @property
    def needs_server(self) -> bool:
        return self.service is not None

    def local_url_for(self, package: str) -> str | None:
        return self.local_url.format(package=package) if self.local_url else None

    @property
    def label(self) -> str:
        """The provider as a prompt lists it."""
        return choice_label(self.name, self.summary)

    def uri_value(self, url: str) -> str:
        """The value of `uri_key` that points the provider at `url` (a URL or `${VAR...}`)."""
        return self.uri_template.format(url=url)


@dataclass(frozen=True)
class Connection:
    """The connection strings a provider's client opens, as `check` verifies them."""

    schemes: tuple[str, ...]
    # "url": one URL; "hosts": Elasticsearch's JSON {"hosts": [URL, ...]} (or a TOML table),
    # each host a URL or a bare host:port.
    shape: str = "url"
    # Schemes people write that fail at connect time, and why (exact: they are errors).
    refused: Mapping[str, str] = field(default_factory=dict)
    # Schemes that connect only with something Protean's extra does not install (warnings).
    caveats: Mapping[str, str] = field(default_factory=dict)
    # sqlite: the part after `scheme://` must be empty (`sqlite:///file.db`, `sqlite://`).
    no_host: bool = False


_SQLALCHEMY_PG = Connection(
    schemes=("postgresql", "postgresql+psycopg", "postgresql+psycopg2"),
    refused={
        "postgres": "SQLAlchemy 2 has no 'postgres' dialect (create_engine raises "
        "NoSuchModuleError); write postgresql://",
        "postgresql+asyncpg": "Protean's SQLAlchemy engine is synchronous; write postgresql://",
    },
)
# redis-py's Redis.from_url, for the broker and the cache alike.
_REDIS = Connection(schemes=("redis", "rediss", "unix"))
# message-db-py hands the URL to psycopg2, that is to libpq, which reads both spellings and
# no SQLAlchemy driver suffix.
_LIBPQ = Connection(
    schemes=("postgresql", "postgres"),
    refused={
        "postgresql+psycopg2": "Message DB connects through libpq, which knows no SQLAlchemy "
        "driver suffix; write postgresql://",
        "postgresql+psycopg": "Message DB connects through libpq, which knows no SQLAlchemy "
        "driver suffix; write postgresql://",
    },
)

# PostgreSQL keeps the first 63 bytes of a name (NAMEDATALEN - 1) and drops the rest without an
# error, creating and connecting alike: two names that agree on their first 63 bytes are one
# database (`<package>_reports` cut to `<package>`: the named database's tables in the default
# one's, and a test suite that empties one empties both).
POSTGRES_NAME_LIMIT = NameLimit(
    "PostgreSQL", 63, "bytes", "cuts a name at 63 bytes (into another database's)"
)

POSTGRES = Service(
    name="postgres",
    image="postgres:17-alpine",
    port=5432,
    container_port=5432,
    # Over TCP: the image's init scripts run on the Unix socket before the server listens.
    healthcheck="pg_isready -h 127.0.0.1 -U postgres",
    data_path="/var/lib/postgresql/data",
    environment={
        "POSTGRES_USER": "postgres",
        "POSTGRES_PASSWORD": "postgres",
        "POSTGRES_DB": "{package}",
    },
    database_key="POSTGRES_DB",
    database_name_limit=POSTGRES_NAME_LIMIT,
)

MESSAGE_DB = Service(
    name="message-db",
    image="ethangarofolo/message-db:1.3.0",
    port=5433,
    container_port=5432,
    healthcheck="pg_isready -h 127.0.0.1 -U message_store -d message_store",
    data_path="/var/lib/postgresql/data",
    # The message_store role has no password; trust is safe because the port is bound
    # to 127.0.0.1 (compose) or lives on the CI job's private network.
    environment={"POSTGRES_HOST_AUTH_METHOD": "trust"},
)

REDIS = Service(
    name="redis",
    image="redis:8-alpine",
    port=6379,
    container_port=6379,
    healthcheck="redis-cli ping | grep -q PONG",
    data_path="/data",
)

ELASTICSEARCH = Service(
    name="elasticsearch",
    image="elasticsearch:8.17.4",
    port=9200,
    container_port=9200,
    healthcheck=(
        "curl -fsS 'http://127.0.0.1:9200/_cluster/health?wait_for_status=yellow&timeout=5s'"
    ),
    data_path="/usr/share/elasticsearch/data",
    environment={
        "discovery.type": "single-node",
        "xpack.security.enabled": "false",
        "ES_JAVA_OPTS": "-Xms512m -Xmx512m",
    },
)

MYSQL = Service(
    name="mysql",
    image="mysql:8.4",
    port=3306,
    container_port=3306,
    # Over TCP: the image's first-run server listens on the socket only. mysql:8.4 has
    # mysqladmin, MariaDB's images from 11.0 only mariadb-admin: either answers, so the same
    # service runs on `mariadb:*` (which reads the MYSQL_* variables too).
    healthcheck=(
        "mysqladmin ping -h 127.0.0.1 -uroot -pmysql --silent"
        " || mariadb-admin ping -h 127.0.0.1 -uroot -pmysql --silent"
    ),
    data_path="/var/lib/mysql",
    environment={"MYSQL_ROOT_PASSWORD": "mysql", "MYSQL_DATABASE": "{package}"},
    database_key="MYSQL_DATABASE",
    same_server_images=("mariadb", "mysql-server"),
    # MySQL's and MariaDB's database names are at most 64 characters, counted as characters
    # (a multibyte one is one; the reference manual's "Identifier Length Limits"); a longer
    # one is an error (CREATE DATABASE fails: the local service never gets the database).
    database_name_limit=NameLimit(
        "MySQL", 64, "characters", "refuses a name of more than 64 characters"
    ),
)

MSSQL = Service(
    name="mssql",
    image="mcr.microsoft.com/mssql/server:2022-latest",
    port=1433,
    container_port=1433,
    healthcheck=(
        "/opt/mssql-tools18/bin/sqlcmd -C -S 127.0.0.1 -U sa -P Protean-Local-1 -Q 'SELECT 1'"
    ),
    data_path="/var/opt/mssql",
    environment={"ACCEPT_EULA": "Y", "MSSQL_SA_PASSWORD": "Protean-Local-1"},
)

SERVICES: tuple[Service, ...] = (POSTGRES, MESSAGE_DB, REDIS, ELASTICSEARCH, MYSQL, MSSQL)

_PROVIDERS: tuple[Provider, ...] = (
    Provider("memory", Role.DATABASE, "in-process dictionaries; no server"),
    Provider(
        "postgresql",
        Role.DATABASE,
        "PostgreSQL through SQLAlchemy and psycopg 3",
        extra="postgresql",
        uri_key="database_uri",
        local_url="postgresql://postgres:postgres@localhost:5432/{package}",
        placeholder_url="postgresql://USER:PASSWORD@HOST:5432/DBNAME",
        service=POSTGRES,
        needs_tables=True,
        connection=_SQLALCHEMY_PG,
    ),
    Provider(
        "sqlite",
        Role.DATABASE,
        "SQLite file through SQLAlchemy; no server",
        extra="sqlite",
        uri_key="database_uri",
        local_url="sqlite:///{package}.db",
        placeholder_url="sqlite:////var/lib/APP/DBNAME.db",
        needs_tables=True,
        connection=Connection(schemes=("sqlite", "sqlite+pysqlite"), no_host=True),
    ),
    Provider(
        "elasticsearch",
        Role.DATABASE,
        "Elasticsearch 8 indices",
        extra="elasticsearch",
        uri_key="database_uri",
        # Protean reads this key as JSON with a list of hosts.
        uri_template='{{"hosts": ["{url}"]}}',
        local_url="http://localhost:9200",
        placeholder_url="https://USER:PASSWORD@HOST:9200",
        service=ELASTICSEARCH,
        needs_tables=True,
        connection=Connection(schemes=("http", "https"), shape="hosts"),
    ),
    Provider(
        "mysql",
        Role.DATABASE,
        "MySQL through SQLAlchemy and PyMySQL",
        extra="mysql",
        uri_key="database_uri",
        local_url="mysql+pymysql://root:mysql@localhost:3306/{package}",
        placeholder_url="mysql+pymysql://USER:PASSWORD@HOST:3306/DBNAME",
        service=MYSQL,
        needs_tables=True,
        connection=Connection(
            schemes=("mysql+pymysql", "mariadb+pymysql"),
            refused={
                # protean[mysql] installs PyMySQL only: SQLAlchemy's default MySQL driver is
                # mysqlclient, so create_engine raises ModuleNotFoundError: No module named
                # 'MySQLdb' and domain.init() fails every time.
                scheme: f"{scheme}:// connects through mysqlclient (MySQLdb), which "
                f"protean[mysql] does not install; write {scheme}+pymysql://"
                for scheme in ("mysql", "mariadb", "mysql+mysqldb", "mariadb+mysqldb")
            },
        ),
    ),
    Provider(
        "mssql",
        Role.DATABASE,
        "SQL Server through SQLAlchemy and pyodbc",
        extra="mssql",
        uri_key="database_uri",
        local_url=(
            "mssql+pyodbc://sa:Protean-Local-1@localhost:1433/master"
            "?driver=ODBC+Driver+18+for+SQL+Server&TrustServerCertificate=yes"
        ),
        placeholder_url=(
            "mssql+pyodbc://USER:PASSWORD@HOST:1433/DBNAME?driver=ODBC+Driver+18+for+SQL+Server"
        ),
        service=MSSQL,
        needs_tables=True,
        connection=Connection(schemes=("mssql+pyodbc", "mssql")),
    ),
    Provider("inline", Role.BROKER, "in-process, synchronous delivery; no server"),
    Provider(
        "redis",
        Role.BROKER,
        "Redis Streams: ordered, consumer groups, dead-letter queue",
        extra="redis",
        uri_key="URI",
        local_url="redis://localhost:6379/0",
        placeholder_url="redis://:PASSWORD@HOST:6379/0",
        service=REDIS,
        connection=_REDIS,
    ),
    Provider(
        "redis_pubsub",
        Role.BROKER,
        "Redis Pub/Sub: simple fan-out",
        extra="redis",
        uri_key="URI",
        local_url="redis://localhost:6379/0",
        placeholder_url="redis://:PASSWORD@HOST:6379/0",
        service=REDIS,
        connection=_REDIS,
    ),
    Provider("memory", Role.EVENT_STORE, "in-process event store; no server"),
    Provider(
        "message_db",
        Role.EVENT_STORE,
        "Message DB on PostgreSQL",
        extra="message-db",
        uri_key="database_uri",
        local_url="postgresql://message_store@localhost:5433/message_store",
        placeholder_url="postgresql://message_store:PASSWORD@HOST:5432/message_store",
        service=MESSAGE_DB,
        connection=_LIBPQ,
    ),
    Provider("memory", Role.CACHE, "in-process cache; no server"),
    Provider(
        "redis",
        Role.CACHE,
        "Redis",
        extra="redis",
        uri_key="URI",
        local_url="redis://localhost:6379/2",
        placeholder_url="redis://:PASSWORD@HOST:6379/2",
        service=REDIS,
        connection=_REDIS,
    ),
)


def choice_label(name: str, summary: str | None) -> str:
    """A choice as the prompts list it: its name, then what it is (when something says so)."""
    return f"{name}: {summary}" if summary else name


PROVIDERS: Mapping[Role, Mapping[str, Provider]] = MappingProxyType(
    {role: MappingProxyType({p.name: p for p in _PROVIDERS if p.role is role}) for role in Role}
)

# The keys a provider table's connection string sits under (each provider's uri_key).
CONNECTION_KEYS: tuple[str, ...] = tuple(
    sorted({p.uri_key for role in PROVIDERS.values() for p in role.values() if p.uri_key})
)

# The keys Protean reads in a provider table, per role, for `check` and for `--set` validation.
# Checked against the installed Protean's adapters by tests/check/test_catalog.py.
_REDIS_POOL_KEYS = frozenset(
    {"max_connections", "socket_timeout", "socket_connect_timeout", "retry_on_timeout"}
)

PROVIDER_KEYS: Mapping[Role, frozenset[str]] = MappingProxyType(
    {
        Role.DATABASE: frozenset(
            {
                "provider",
                "database_uri",
                "schema",
                "managed",
                # SQLAlchemy providers pass the rest to create_engine.
                "pool_size",
                "max_overflow",
                "pool_recycle",
                "pool_pre_ping",
                "pool_timeout",
                "echo",
                "isolation_level",
                "connect_args",
                # MySQL
                "collation",
                # Elasticsearch
                "NAMESPACE_PREFIX",
                "NAMESPACE_SEPARATOR",
                "SETTINGS",
                "USE_SSL",
                "VERIFY_CERTS",
            }
        ),
        Role.BROKER: frozenset(
            {
                "provider",
                "URI",
                # inline
                "max_retries",
                "retry_delay",
                "backoff_multiplier",
                "message_timeout",
                "enable_dlq",
                "IS_ASYNC",
                # redis
                *_REDIS_POOL_KEYS,
            }
        ),
        # message_db forwards only max_connections to its pool.
        Role.EVENT_STORE: frozenset({"provider", "database_uri", "max_connections"}),
        Role.CACHE: frozenset({"provider", "URI", "TTL", *_REDIS_POOL_KEYS}),
    }
)


# Top-level keys Protean 0.18 keeps from domain.toml (`_default_config()`); any other top-level
# table is an environment overlay, selected by PROTEAN_ENV, and any other scalar is dropped.
TOP_LEVEL_KEYS = frozenset(
    {
        "env",
        "testing",
        "debug",
        "secret_key",
        "source_uri",
        "identity_strategy",
        "identity_type",
        "field_defaults",
        "databases",
        "event_processing",
        "command_processing",
        "lenient_deserialization",
        "command_default_timeout",
        "message_processing",
        "event_store",
        "caches",
        "brokers",
        "email_providers",
        "snapshot_threshold",
        "enable_outbox",
        "outbox",
        "server",
        "idempotency",
        "consume_idempotency",
        "logging",
        "telemetry",
        "lint",
        "observatory",
        "custom",
    }
)

# What Protean uses for a role the config leaves out.
PROTEAN_DEFAULTS: Mapping[Role, str] = MappingProxyType(
    {
        Role.DATABASE: "memory",
        Role.BROKER: "inline",
        Role.EVENT_STORE: "memory",
        Role.CACHE: "memory",
    }
)
