"""connection_target.is_local_host: the one definition of "a host that is this machine", which
redact (a local server's password is no secret), context_owned (two contexts on one local
database), plan (the port and databases compose serves a local default on) and check's rules
all read."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scaffolder.connection_target import is_local_host

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
