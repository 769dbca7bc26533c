"""Where a connection string connects (scheme, host, port, user, password, database), read
once for check's rules (does the test run reach the server compose starts?) and for the edits
that create a workspace context's databases where its server already is.
"""

from __future__ import annotations

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
