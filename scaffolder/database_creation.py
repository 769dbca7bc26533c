"""Which databases a piece of shell or SQL creates: `createdb [options] NAME` and `CREATE
DATABASE [IF NOT EXISTS] NAME`, as compose health checks, CI steps and init scripts write them.

Both check (does compose or CI create the database a URL names?) and the compose merge (does
the user's service already create the one an edit adds?) read commands this way, so the reading
lives below both.
"""

from __future__ import annotations

import re

_CREATEDB = re.compile(r"\bcreatedb((?:[ \t]+[^\s;&|()'\"]+)+)")
_CREATE_DATABASE = re.compile(
    r"\bCREATE\s+DATABASE\s+(?:IF\s+NOT\s+EXISTS\s+)?[\"`]?([A-Za-z_][A-Za-z0-9_]*)",
    re.IGNORECASE,
)


def created_databases(text: str) -> frozenset[str]:
    """The database each `createdb [options] NAME` (its last plain word) or `CREATE DATABASE
    NAME` in `text` names."""
    found = {m.group(1) for m in _CREATE_DATABASE.finditer(text)}
    for match in _CREATEDB.finditer(text):
        words = [w for w in match.group(1).split() if not w.startswith("-")]
        if words:
            found.add(words[-1])
    return frozenset(found)
