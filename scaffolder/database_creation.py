"""Which databases a piece of shell or SQL creates: `createdb [options] NAME` and `CREATE
DATABASE [IF NOT EXISTS] NAME`, as compose health checks, CI steps and init scripts write them.

Both check (does compose or CI create the database a URL names?) and the compose merge (does
the user's service already create the one an edit adds?) read commands this way, so the reading
lives below both.
"""

from __future__ import annotations

import re
from pathlib import Path

from scaffolder.project_files import refuse_no_file

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


# A script a CI step or compose runs (`./scripts/create-dbs.sh`, `psql -f db/init.sql`), or a
# folder compose mounts for the postgres image to run at its first start.
_SCRIPT = re.compile(r"(?<![\w/.-])((?:\.{0,2}/)?[\w.-]+(?:/[\w.-]+)*\.(?:sh|bash|sql|py))\b")
_INIT_FOLDER = re.compile(r"([\w./-]+):/docker-entrypoint-initdb\.d/?(?=[\s\"':]|$)", re.MULTILINE)


def scripts_run(root: Path, text: str) -> list[Path]:
    """The project's files `text` runs: scripts it names, and what it mounts for the postgres
    image's init folder; only files inside the project."""
    found = [m.group(1) for m in _SCRIPT.finditer(text)]
    for match in _INIT_FOLDER.finditer(text):
        folder = root / match.group(1)
        if folder.is_dir():
            found += [str(p.relative_to(root)) for p in sorted(folder.iterdir())]
    inside, top = [], root.resolve()
    for name in dict.fromkeys(found):
        if not (root / name).is_dir():  # a folder is no script (the image runs files only)
            # One that cannot be read (a named pipe, a device, a link to nothing) is not one
            # that creates nothing: passed over, every database it creates would read as
            # not created.
            refuse_no_file(root / name, "a script the compose file runs", "a script")
        path = (root / name).resolve()
        if path.is_file() and path.is_relative_to(top):
            inside.append(path)
    return inside
