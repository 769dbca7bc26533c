"""Where a connection string connects (scheme, host, port, user, password, database), read
once for the plan of compose (the port it publishes, the databases it creates), check's rules
(does the test run reach the server compose starts?), the edits that create a workspace
context's databases where its server already is, and the secrets (redact: a password sent
only to this machine is a local default): a libpq query's `host=`/`hostaddr=`/`port=`/
`dbname=` over the netloc and path, every host of a list, a Unix socket's directory; and which
hosts are this machine (is_local_host), the one definition every reader of a URL's host
shares.
"""

from __future__ import annotations

import ipaddress
import re
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


# The libpq keys of a URL's query (`?host=db&port=5433`) or a DSN (`host=db port=5432`) that
# say where a connection goes: each overrides what the URL's netloc and path say (libpq and
# psycopg; SQLAlchemy passes the query on to the driver as keyword arguments, MySQL's too),
# and host, hostaddr and port may each list several. A quoted value runs to its quote, a bare
# one to a space, '&', '#', '}' or '|' (the end of a `${VAR|default}` it stands in).
_KEY = re.compile(
    r"(?<![\w.-])(?P<key>host|hostaddr|port|dbname)[ \t]*=[ \t]*"
    r"(?:'(?P<quoted>[^']*)'|(?P<bare>[^\s'&#}|]*))",
    re.IGNORECASE,
)


def _keys(text: str) -> dict[str, list[str]]:
    """The values of `text`'s libpq location keys (_KEY), by lower-cased key, in order."""
    found: dict[str, list[str]] = {}
    for match in _KEY.finditer(text):
        value = match.group("quoted") or match.group("bare") or ""
        found.setdefault(match.group("key").lower(), []).append(value)
    return found


def _entries(listed: str) -> list[tuple[str, str]]:
    """(host, port) of each entry of one host list (`localhost:5432,[::1]:5433,%2Fvar%2Frun`),
    percent-escapes decoded first (a `%2C` separates as libpq's decoded `host=a%2Cb` does: more
    hosts, never fewer), a bracketed address kept in its brackets; an entry with neither host
    nor port left out (one with a port alone still says the port: `postgresql://:5433/x`)."""
    entries = []
    for entry in unquote(listed).split(","):
        if entry.startswith("[") and "]" in entry:
            host, _, rest = entry.partition("]")
            host, port = host + "]", rest.removeprefix(":")
        else:
            host, _, port = entry.partition(":")
        if host or port:
            entries.append((host, port))
    return entries


def dsn_hosts(text: str) -> list[str]:
    """Every host the `host=` and `hostaddr=` keys of `text` (a URL's query, a libpq DSN)
    name, ports left off."""
    keys = _keys(text)
    listed = [e for key in ("host", "hostaddr") for v in keys.get(key, ()) for e in _entries(v)]
    return [host for host, _ in listed if host]


def url_hosts(url: str) -> list[str]:
    """Every host the connection URL `url` names: each of its netloc's host list, and each of
    its query's `host=` and `hostaddr=` (which override the netloc's), as written (a bracketed
    address in its brackets, a Unix socket's directory as a path)."""
    rest = url.partition("://")[2]
    cut = min((i for i in map(rest.find, "/?#") if i >= 0), default=len(rest))
    hosts = [host for host, _ in _entries(rest[:cut].rpartition("@")[2]) if host]
    return hosts + dsn_hosts(rest[cut:].partition("?")[2].partition("#")[0])


def is_socket(host: str) -> bool:
    """A libpq host that is a Unix socket's directory (`/var/run/postgresql`): this machine,
    reached by no TCP port."""
    return host.startswith("/")


def on_this_machine(hosts: list[str]) -> bool:
    """Whether a connection that names `hosts` reaches this machine only: it names one at
    least, and each is a local host (is_local_host) or a Unix socket's directory. Every host
    named counts, the netloc's under a query's `host=` too: which one a driver connects to is
    the driver's reading (libpq pairs `host` and `hostaddr` by position and tries a list in
    turn; SQLAlchemy refuses some mixes), so what the text sends may reach any of them."""
    return bool(hosts) and all(is_socket(h) or is_local_host(h) for h in hosts)


@dataclass(frozen=True)
class Target:
    """Where a connection string connects."""

    scheme: str
    # The host it connects to first: the query's `hostaddr=`, else its `host=`, else the
    # netloc's (a list's first); lower-cased, brackets off, a socket's directory as written.
    host: str
    port: int | None  # the one it names, else the scheme's default
    user: str | None
    password: str | None
    database: str | None  # the query's `dbname=`, else the path's
    # Every host it names, the netloc's and the query's (as `host`): where it may go.
    hosts: tuple[str, ...] = ()
    named_port: int | None = None  # the port the URL itself names (None: the default)

    @property
    def local(self) -> bool:
        """It reaches this machine by TCP only: every host it names is a local host and none
        a socket's directory, so a server that publishes `port` on this machine (compose's)
        is the one it connects to."""
        return all(is_local_host(h) for h in self.hosts)


def _port(written: str) -> int | None:
    """A port as written (`5433`), or None when it is none (`${PORT}`, `99999`)."""
    port = int(written) if written.isascii() and written.isdigit() else 0
    if not 0 < port < 65536:
        return None
    return port


def _as_host(host: str) -> str:
    return host if is_socket(host) else host.strip("[]").lower()


def target(url: str) -> Target | None:
    """Where `url` connects, or None when it names no host (a file, `memory://`) or does not
    parse (the connection rules report what does not)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.split("+", 1)[0].lower()
    if scheme == "unix":
        return None
    netloc = _entries(parts.netloc.rpartition("@")[2])
    keys = _keys(parts.query)
    given = [e for key in ("hostaddr", "host") for v in keys.get(key, ()) for e in _entries(v)]
    chosen = [e for e in given if e[0]] or [e for e in netloc if e[0]]
    if not chosen:
        return None
    ports = [p for v in keys.get("port", ()) for p in unquote(v).split(",")]
    written = ports[0] if ports else chosen[0][1] or (netloc[0][1] if netloc else "")
    named = _port(written) if written else None
    if written and named is None:
        return None
    dbnames = keys.get("dbname")
    return Target(
        scheme,
        _as_host(chosen[0][0]),
        named or _DEFAULT_PORTS.get(scheme),
        unquote(parts.username) if parts.username else None,
        unquote(parts.password) if parts.password is not None else None,
        unquote(dbnames[0]) if dbnames else parts.path.lstrip("/") or None,
        tuple(_as_host(host) for host, _ in netloc + given if host),
        named,
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
