"""Where a connection string connects (scheme, host, port, user, password, database), read
once for check's rules (does the test run reach the server compose starts?) and for the edits
that create a workspace context's databases where its server already is; and which hosts are
this machine (is_local_host), the one definition every reader of a URL's host shares.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

_DEFAULT_PORTS = {
    "postgresql": 5432,
    "postgres": 5432,
    "redis": 6379,
    "rediss": 6379,
    "mysql": 3306,
    "mariadb": 3306,
    "mssql": 1433,
    "http": 80,
    "https": 443,
}


@dataclass(frozen=True)
class Target:
    """Where a connection string connects."""

    scheme: str
    host: str
    port: int | None
    user: str | None
    password: str | None
    database: str | None


def target(url: str) -> Target | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None  # the connection rules report what does not parse
    scheme = parts.scheme.split("+", 1)[0].lower()
    if not parts.hostname or scheme == "unix":
        return None
    return Target(
        scheme,
        parts.hostname.lower(),
        port or _DEFAULT_PORTS.get(scheme),
        unquote(parts.username) if parts.username else None,
        unquote(parts.password) if parts.password is not None else None,
        parts.path.lstrip("/") or None,
    )


def is_local_host(host: str) -> bool:
    """Whether `host` (a URL's host, bracketed or not, any case) is this machine: `localhost`,
    an address of the loopback networks (127.0.0.0/8, ::1, IPv4-mapped 127.x), or the
    unspecified 0.0.0.0 or ::, which a client's connect reaches this machine by (Linux,
    macOS). A server on this machine may answer on every one of them (one bound to all
    addresses does), so for the sharing rules they are one; a password for any of them is a
    local development server's. A DNS name that only starts like one (`127.example.com`) is
    not: anyone may point it anywhere."""
    name = host.strip("[]").lower()
    if name.rstrip(".") == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_unspecified
