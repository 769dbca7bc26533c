"""Hand-made workspaces of several bounded contexts, written for these tests: one repository,
a config and a Domain per context, one PostgreSQL server with a database per context (created
by an init script the compose file mounts, on a remapped port), one Message DB, one Redis."""

from __future__ import annotations

from pathlib import Path

EIGHT = (
    "identity",
    "catalogue",
    "ordering",
    "inventory",
    "payments",
    "fulfillment",
    "reviews",
    "notifications",
)
TWO = ("ordering", "payments")

PG_PORT = 15432
MESSAGE_DB_PORT = 15433
REDIS_PORT = 16379


def context_config(name: str, index: int = 0) -> str:
    """A context's domain.toml as a team writes it by hand: its own database on the shared
    server (`<ctx>_local`, `<ctx>_test`), the shared event store and broker."""
    upper = name.upper()
    pg = f"postgresql://postgres:postgres@localhost:{PG_PORT}"
    return f"""\
# The {name} context.
debug = true
event_processing = "async"

[server]
default_subscription_type = "stream"

[databases.default]
provider = "postgresql"
database_uri = "${{{upper}_DATABASE_URL|{pg}/{name}_local}}"

[event_store]
provider = "message_db"
database_uri = "${{MESSAGE_DB_URL|postgresql://message_store:message_store@localhost:{MESSAGE_DB_PORT}/message_store}}"

[brokers.default]
provider = "redis"
URI = "${{REDIS_URL|redis://localhost:{REDIS_PORT}/{index}}}"

[test]
testing = true
event_processing = "sync"

[test.databases.default]
database_uri = "${{TEST_{upper}_DATABASE_URL|{pg}/{name}_test}}"
"""


COMPOSE = f"""\
services:
  postgres:
    image: postgres:16
    ports:
      - "{PG_PORT}:5432"
    environment:
      POSTGRES_USER: postgres
      POSTGRES_PASSWORD: postgres
      POSTGRES_DB: {{first}}_local
    volumes:
      - ./ops/initdb:/docker-entrypoint-initdb.d
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
      interval: 5s
  message-db:
    image: ethangarofolo/message-db:1.3.1
    ports:
      - "{MESSAGE_DB_PORT}:5432"
    environment:
      POSTGRES_PASSWORD: message_store
  redis:
    image: redis:7
    ports:
      - "{REDIS_PORT}:6379"
"""

PYPROJECT = """\
[tool.poetry]
name = "{name}"
version = "0.1.0"
description = "A shop of bounded contexts"
authors = ["A Team <team@example.com>"]
packages = [{packages}]

[tool.poetry.dependencies]
python = "^3.11"
protean = {{version = "^0.18", extras = ["postgresql", "message_db", "redis"]}}

[tool.poetry.group.test.dependencies]
pytest = "^8"

[build-system]
requires = ["poetry-core"]
build-backend = "poetry.core.masonry.api"
"""


def init_script(databases: list[str]) -> str:
    lines = "\n".join(f"    CREATE DATABASE {name};" for name in databases)
    return f"""\
#!/bin/bash
set -e
# Every context's databases on the one server, made at its first start.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" <<-EOSQL
{lines}
EOSQL
"""


def workspace(root: Path, contexts: tuple[str, ...] = TWO, *, layout: str = "src") -> Path:
    """Write a hand-made workspace of `contexts` at `root` (`src/<ctx>/` or `<ctx>/`)."""
    root.mkdir(parents=True, exist_ok=True)
    base = root / "src" if layout == "src" else root
    for index, name in enumerate(contexts):
        folder = base / name
        folder.mkdir(parents=True)
        (folder / "__init__.py").write_text("")
        (folder / "domain.py").write_text(
            f'from protean import Domain\n\n{name} = Domain(name="{name}")\n'
        )
        (folder / "domain.toml").write_text(context_config(name, index))
    packages = ", ".join(
        f'{{include = "{n}", from = "src"}}' if layout == "src" else f'{{include = "{n}"}}'
        for n in contexts
    )
    (root / "pyproject.toml").write_text(PYPROJECT.format(name=root.name, packages=packages))
    (root / "docker-compose.yml").write_text(COMPOSE.replace("{first}", contexts[0]))
    initdb = root / "ops" / "initdb"
    initdb.mkdir(parents=True)
    databases = [f"{n}_{suffix}" for n in contexts for suffix in ("local", "test")]
    databases.remove(f"{contexts[0]}_local")  # POSTGRES_DB makes the first one
    (initdb / "10-databases.sh").write_text(init_script(databases))
    return root
