"""What one workspace context's connections own, which no other context may take.

A workspace names a context's connections after it (scaffolder.workspace_spec): context
`ordering` reads `ORDERING_DATABASE_URL` and lives in `shop_ordering`, its database `log`
reads `ORDERING_LOG_DATABASE_URL` and lives in `shop_ordering_log`. Those are context
`ordering_log`'s own names too: a database `log` added to `ordering` beside it, or a context
`ordering_log` added beside `ordering`'s database `log`, would point two contexts at one
database, and one context's test suite would empty the other's. So a new workspace, a new
context and a context's new connection refuse a variable or local database that another
context owns.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scaffolder.config_tree import (
    Tree,
    environments,
    provider_of,
    references,
    resolve,
    slot_tables,
)
from scaffolder.connection_target import target
from scaffolder.errors import UsageError
from scaffolder.project_files import parse_config
from scaffolder.spec.slots import Slot
from scaffolder.variable_reference import references_in, substitute
from scaffolder.workspace import discover
from scaffolder.workspace_spec import OWN_ROLES


def _is_own(slot: Slot) -> bool:
    """A slot whose connection is the context's own: one of the roles every context has its
    own connection for (workspace_spec.OWN_ROLES), or a named slot of any role (its variable
    carries the context's name); the default broker and event store are every context's."""
    return slot.role in OWN_ROLES or slot.name not in (None, "default")


def owned(tree: Tree) -> dict[str, str]:
    """The variables (`variable ORDERING_DATABASE_URL`) and local PostgreSQL databases
    (`database shop_ordering`) a context's config reads for its own connections, in any
    environment: name -> how an error names it."""
    found: dict[str, str] = {}
    for env in environments(tree):
        for slot, table in slot_tables(resolve(tree, env)):
            if not _is_own(slot):
                continue
            for reference in references(table):
                found.setdefault(reference.name, f"variable {reference.name}")
            database = local_database(slot, table)
            if database is not None:
                found.setdefault(f"{database[0]}/{database[1]}", f"database {database[1]}")
    return found


def local_database(slot: Slot, table: Mapping[str, Any]) -> tuple[int, str] | None:
    """(host port, database) of the PostgreSQL database on this machine that `slot`'s
    provider table reaches with every variable at its default; None for any other."""
    provider = provider_of(slot, table)
    if provider is None or provider.service is None or not provider.uri_key:
        return None
    value = table.get(provider.uri_key)
    if not isinstance(value, str):
        return None
    if any(ref.default is None for ref in references_in(value)):
        return None  # a variable with no default: no address to read
    url = target(substitute(value, lambda ref: ref.default or ""))
    if url is None or url.scheme != "postgresql" or not url.local:
        return None
    if url.port is None or not url.database:
        return None
    return url.port, url.database


def other_contexts(root: Path, context: str) -> dict[str, Tree]:
    """Every context of the workspace at `root` but `context`, by name: its parsed config."""
    return {
        other.name: parse_config(other.config.read_text(keep_newlines=True), other.config)
        for other in discover(root).contexts
        if other.name != context
    }


def refuse_taken(what: str, mine: Mapping[str, str], others: Mapping[str, Tree]) -> None:
    """Refuse `what` (`database 'log' of context 'ordering'`), whose connections would own
    `mine` (owned), when another context owns any of them."""
    for other, tree in others.items():
        theirs = owned(tree)
        taken = [said for name, said in mine.items() if name in theirs]
        if taken:
            raise UsageError(
                f"{what} would read {', '.join(taken)}, which context {other!r} reads as its "
                "own: both would use one database, and one's tests would empty the other's; "
                "choose another name; nothing written"
            )
