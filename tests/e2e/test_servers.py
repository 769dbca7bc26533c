"""Each server fixture hands out a live server."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import psycopg
import redis
from protean import Domain
from protean.adapters.event_store.message_db import MessageDBStore
from sqlalchemy import create_engine, text

from . import servers


def test_postgres_url_is_a_live_database(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS e2e_probe (id serial PRIMARY KEY, name text)")
        conn.execute("INSERT INTO e2e_probe (name) VALUES (%s)", ("hello",))
        row = conn.execute("SELECT name FROM e2e_probe WHERE name = %s", ("hello",)).fetchone()
        conn.rollback()  # leave the shared database as we found it
    assert row == ("hello",)


def test_redis_url_is_a_live_server(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    try:
        key = f"e2e-probe-{uuid.uuid4()}"
        assert client.set(key, "value", ex=60)
        assert client.get(key) == b"value"
        client.delete(key)
    finally:
        client.close()


def test_message_db_url_takes_messages_from_protean(message_db_url: str) -> None:
    """Protean's own Message DB adapter writes; the row lands in message_store.messages."""
    domain = Domain(
        name="E2EProbe",
        config={"event_store": {"provider": "message_db", "database_uri": message_db_url}},
    )
    store = MessageDBStore(domain, {"database_uri": message_db_url})
    stream = f"e2eProbe-{uuid.uuid4()}"
    try:
        position = store._write(stream, "Probed", {"n": 1}, {"kind": "EVENT"})
        assert position == 0
        [read_back] = store._read(stream)
        assert read_back["type"] == "Probed"
        assert read_back["data"] == {"n": 1}
    finally:
        store.close()

    with psycopg.connect(message_db_url) as conn:
        user = conn.execute("SELECT current_user").fetchone()
        rows = conn.execute(
            "SELECT type, data FROM message_store.messages WHERE stream_name = %s", (stream,)
        ).fetchall()
    assert user == ("message_store",)
    assert rows == [("Probed", {"n": 1})]


def test_mariadb_takes_the_generated_url(e2e_mariadb_server) -> None:
    """The URL form a generated project uses (PyMySQL, root and the compose password, TCP on
    loopback) connects and writes."""
    url = e2e_mariadb_server.create_database("e2e_probe")
    assert url.startswith("mysql+pymysql://root:mysql@127.0.0.1:")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE IF NOT EXISTS probe (id INT PRIMARY KEY)"))
            conn.execute(text("INSERT INTO probe VALUES (1)"))
            assert conn.execute(text("SELECT id FROM probe")).scalar() == 1
            conn.execute(text("DROP TABLE probe"))
    finally:
        engine.dispose()
    assert "e2e_probe" in e2e_mariadb_server.databases()


def test_a_missing_mariadb_skips_or_fails_as_ci_requires(tmp_path) -> None:
    """Without MariaDB the lane skips with what to install; with PROTEAN_INIT_REQUIRE_SERVERS=1
    (CI) it fails instead."""
    env = {**os.environ, "PROTEAN_INIT_MARIADB_BINDIR": str(tmp_path)}
    env.pop(servers.REQUIRE_ENV, None)
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0"]
    argv += [f"{__file__}::test_mariadb_takes_the_generated_url", "-rs"]
    skipped = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert skipped.returncode == 0 and "1 skipped" in skipped.stdout, skipped.stdout
    assert "apt-get install mariadb-server" in skipped.stdout
    env[servers.REQUIRE_ENV] = "1"
    failed = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert failed.returncode == 1, failed.stdout
    assert f"{servers.REQUIRE_ENV}=1 but MariaDB" in failed.stdout
