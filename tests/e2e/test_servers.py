"""Each server fixture hands out a live server."""

from __future__ import annotations

import uuid

import psycopg
import redis
from protean import Domain
from protean.adapters.event_store.message_db import MessageDBStore


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
