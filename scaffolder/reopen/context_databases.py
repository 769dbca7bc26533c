"""The databases an edit of one workspace context adds, created the way the workspace creates
its databases.

A hand-made workspace runs one PostgreSQL for every context (often on a remapped port,
`15432:5432`) and creates each context's databases in an init script the compose file mounts
for the image (`./ops/initdb:/docker-entrypoint-initdb.d`, `CREATE DATABASE ordering_local;`
or `createdb ... ordering_local` lines). When an edit adds a database on that server (the
user's, reused: scaffolder.reopen.merge_compose), the new database gets a line of its own in
that script, a copy of the script's last one with the name changed: an insertion, nothing of
the user's changed. The script runs on an empty volume only, so the line that says so names
the command that creates it on the running server too. Without such a script, that line
alone names what to run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scaffolder.config_tree import Tree, environments, resolve, slot_tables
from scaffolder.context_owned import local_database
from scaffolder.database_creation import created_databases, scripts_run
from scaffolder.inputs import read_text
from scaffolder.project_files import compose_file
from scaffolder.reopen.merge_compose import published_ports, serves, service_environment
from scaffolder.reopen.yaml_insert import YamlInsertError, load_plain

# `${VAR|default}` -> default: where a URL reaches when no variable is set, as compose runs it.
# The merge's own line about a reused server's missing database, which knows nothing of init
# scripts (scaffolder.reopen.merge_compose.missing_database_notes); this module says it instead.
_MERGE_NOTE = re.compile(r"^your service `[^`]*` creates no database '([^']*)'")


@dataclass(frozen=True)
class ComposePostgres:
    """A PostgreSQL server the compose file runs: its service, what creates its databases."""

    service: str
    compose: str  # the compose file's name
    user: str
    created: frozenset[str]
    # The init scripts it runs, as (relative path, text), those that create databases first.
    scripts: tuple[tuple[str, str], ...]


@dataclass
class Creation:
    """The init scripts with their added lines, and what to tell the user, by file."""

    files: dict[str, bytes] = field(default_factory=dict)
    # (file, note, the database it is about)
    notes: list[tuple[str, str, str]] = field(default_factory=list)
    # Every database the compose file's servers create once these lines are added.
    created: set[str] = field(default_factory=set)

    def kept(self, notes: Mapping[str, list[str]]) -> list[tuple[str, str]]:
        """(path, note) of the merge's `notes` but its lines about a database that is created
        after all (the merge reads the compose file only, not the init scripts it mounts),
        then this module's own, but where the merge's already named the database."""
        kept: list[tuple[str, str]] = []
        named: set[str] = set()
        for path, said in notes.items():
            for note in said:
                match = _MERGE_NOTE.match(note)
                if match is None or match.group(1) not in self.created:
                    kept.append((path, note))
                if match is not None:
                    named.add(match.group(1))
        for path, note, database in self.notes:
            if database in self.created or database not in named:
                kept.append((path, note))
        return kept


def local_databases(tree: Tree) -> set[tuple[int, str]]:
    """(host port, database) of every PostgreSQL database the config reaches on this machine,
    with every variable at its default."""
    found: set[tuple[int, str]] = set()
    for env in environments(tree):
        for slot, table in slot_tables(resolve(tree, env)):
            database = local_database(slot, table)
            if database is not None:
                found.add(database)
    return found


def compose_servers(root: Path) -> dict[int, ComposePostgres]:
    """Host port -> the PostgreSQL server the compose file publishes there."""

    compose = compose_file(root)
    if compose is None:
        return {}
    text = read_text(compose, compose.name)
    try:
        document = load_plain(text)
    except YamlInsertError:
        return {}
    services = document.get("services") if isinstance(document, Mapping) else None
    top = root.resolve()
    scripts = tuple(
        (path.relative_to(top).as_posix(), read_text(path, path.name, keep_newlines=True))
        for path in scripts_run(root, text)
    )
    scripts = tuple(sorted(scripts, key=lambda script: not created_databases(script[1])))
    created = created_databases("\n".join([text, *(t for _p, t in scripts)]))
    found: dict[int, ComposePostgres] = {}
    for name, spec in services.items() if isinstance(services, Mapping) else ():
        if not isinstance(spec, Mapping) or not serves(spec.get("image"), "postgres"):
            continue
        environment = service_environment(spec)
        user = environment.get("POSTGRES_USER") or "postgres"
        own = environment.get("POSTGRES_DB") or user
        for host, container in published_ports(spec).items():
            if container == 5432:
                found[host] = ComposePostgres(
                    str(name), compose.name, user, created | {own}, scripts
                )
    return found


def create_added(root: Path, old_tree: Tree, new_tree: Tree, config: str) -> Creation:
    """The databases `new_tree` reaches on the compose file's PostgreSQL that `old_tree` did
    not and the server does not create: a line for each in its init script, and one line
    each to tell the user. `config` is the edited config, as the notes name it."""
    added = local_databases(new_tree) - local_databases(old_tree)
    servers = compose_servers(root)
    out = Creation(created={name for server in servers.values() for name in server.created})
    for port, database in sorted(added):
        server = servers.get(port)
        if server is None or database in server.created:
            continue
        command = f"docker compose exec {server.service} createdb -U {server.user} {database}"
        script = _script_with_line(server, database, out.files)
        if script is None:
            out.notes.append(
                (
                    server.compose,
                    f"your service `{server.service}` creates no database {database!r}, which "
                    f"{config} now uses, and no init script of it creates databases: create "
                    f"it once: `{command}`",
                    database,
                )
            )
            continue
        path, text = script
        out.files[path] = text.encode()
        out.created.add(database)
        out.notes.append(
            (
                path,
                f"added the creation of database {database!r} ({config}): the image runs it "
                f"on an empty volume only; on the running server: `{command}`",
                database,
            )
        )
    return out


def _script_with_line(
    server: ComposePostgres, database: str, done: Mapping[str, bytes]
) -> tuple[str, str] | None:
    """The first init script that creates databases one a line, with a copy of its last such
    line creating `database` inserted after it; None when none does."""
    for path, original in server.scripts:
        text = done[path].decode() if path in done else original
        lines = text.splitlines(keepends=True)
        last = None
        for index, line in enumerate(lines):
            names = created_databases(line)
            if len(names) == 1:
                last = (index, next(iter(names)))
        if last is None:
            continue
        index, name = last
        copy = re.sub(rf"\b{re.escape(name)}\b", database, lines[index], count=1)
        if not copy.endswith("\n"):
            lines[index] += "\n"
        if created_databases(copy) != {database}:
            continue
        lines.insert(index + 1, copy)
        return path, "".join(lines)
    return None
