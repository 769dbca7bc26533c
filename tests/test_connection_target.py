"""connection_target.is_local_host: the one definition of "a host that is this machine", which
redact (a local server's password is no secret), context_owned (two contexts on one local
database), plan (the port and databases compose serves a local default on) and check's rules
all read."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scaffolder.connection_target import is_local_host, target

LOCAL = [
    "localhost",
    "LOCALHOST",
    "localhost.",
    "127.0.0.1",
    "127.0.0.2",
    "127.255.255.254",
    "::1",
    "[::1]",
    "0:0:0:0:0:0:0:1",
    "0.0.0.0",
    "::",
    "::ffff:127.0.0.1",
]
ELSEWHERE = [
    "",
    "db",
    "10.0.0.1",
    "128.0.0.1",
    "126.255.255.255",
    "127.example.com",
    "127.0.0.1.nip.io",
    "localhost.example.com",
    "mylocalhost",
    "::2",
    "[::ffff:10.0.0.1]",
    "127.0.0",
]


@pytest.mark.parametrize("host", LOCAL)
def test_this_machine(host: str) -> None:
    assert is_local_host(host)


@pytest.mark.parametrize("host", ELSEWHERE)
def test_elsewhere(host: str) -> None:
    """A name that only starts like an address of this machine (`127.example.com`) is a DNS
    name anyone may point anywhere."""
    assert not is_local_host(host)


@given(st.ip_addresses(v=4))
def test_an_ipv4_address_is_local_exactly_in_the_loopback_network_or_unspecified(
    address: ipaddress.IPv4Address,
) -> None:
    expected = address in ipaddress.ip_network("127.0.0.0/8") or int(address) == 0
    assert is_local_host(str(address)) is expected
    assert is_local_host(f"[{address}]") is expected


@given(st.ip_addresses(v=6))
def test_an_ipv6_address_is_local_exactly_when_loopback_unspecified_or_mapped_loopback(
    address: ipaddress.IPv6Address,
) -> None:
    mapped = address.ipv4_mapped
    expected = int(address) in (0, 1) or (
        mapped is not None and (mapped in ipaddress.ip_network("127.0.0.0/8") or int(mapped) == 0)
    )
    assert is_local_host(f"[{address}]") is expected
    assert is_local_host(str(address).upper()) is expected


@pytest.mark.parametrize(
    ("url", "host", "port", "database", "local"),
    [
        ("postgresql://u:p@localhost:5433/x", "localhost", 5433, "x", True),
        (
            "postgresql://u:p@localhost:5433/x?host=db.example.com",
            "db.example.com",
            5433,
            "x",
            False,
        ),
        (
            "postgresql://u:p@localhost:5433/x?host=/var/run/postgresql",
            "/var/run/postgresql",
            5433,
            "x",
            False,
        ),
        ("postgresql://u@%2Fvar%2Frun%2Fpostgresql/x", "/var/run/postgresql", 5432, "x", False),
        ("postgresql://u@localhost:5433,db.example.com:5434/x", "localhost", 5433, "x", False),
        ("postgresql://u@localhost:5433,127.0.0.1:5434/x", "localhost", 5433, "x", True),
        ("postgresql:///x?host=localhost&port=5441&dbname=y", "localhost", 5441, "y", True),
        ("postgresql://:5441/x?host=127.0.0.1", "127.0.0.1", 5441, "x", True),
        ("postgresql://u@db/x?hostaddr=127.0.0.1", "127.0.0.1", 5432, "x", False),
        ("postgresql+psycopg://u@[::1]:5433/x", "::1", 5433, "x", True),
        ("postgresql://u@%6Cocalhost:5433/x", "localhost", 5433, "x", True),
        ("redis://localhost:6380/0", "localhost", 6380, "0", True),
    ],
)
def test_target_is_where_the_driver_connects(
    url: str, host: str, port: int, database: str, local: bool
) -> None:
    """The query's hostaddr= and host= over the netloc's host, its port= and dbname= over the
    netloc's port and the path; local only when every host named is this machine by TCP."""
    found = target(url)
    assert found is not None
    assert (found.host, found.port, found.database, found.local) == (host, port, database, local)


@pytest.mark.parametrize(
    "url", ["sqlite:///x.db", "memory://", "postgresql://u@:/x", "postgresql://u@h:99999/x"]
)
def test_no_target(url: str) -> None:
    assert target(url) is None
