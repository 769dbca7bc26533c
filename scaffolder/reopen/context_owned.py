"""What one workspace context's connections own, which no other context may take.

A workspace names a context's connections after it (scaffolder.workspace_spec): context
`ordering` reads `ORDERING_DATABASE_URL` and lives in `shop_ordering`, its database `log`
reads `ORDERING_LOG_DATABASE_URL` and lives in `shop_ordering_log`. Those are context
`ordering_log`'s own names too: a database `log` added to `ordering` beside it, or a context
`ordering_log` added beside `ordering`'s database `log`, would point two contexts at one
database, and one context's test suite would empty the other's. So an edit that adds a
connection refuses one whose variable or local database another context owns.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from scaffolder.catalog import Role
from scaffolder.config_tree import Tree, environments, references, resolve, slot_tables
from scaffolder.errors import UsageError
from scaffolder.project_files import parse_config
from scaffolder.reopen.context_databases import local_database
from scaffolder.spec.slots import Slot
from scaffolder.workspace import discover

# The roles every context has its own connection for; a named slot of any role is the
# context's own too (its variable carries the context's name), the default broker and event
# store are every context's (BROKER_URL, EVENT_STORE_URL).
_OWN_ROLES = (Role.DATABASE, Role.CACHE)


def _is_own(slot: Slot) -> bool:
    return slot.role in _OWN_ROLES or slot.name not in (None, "default")


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
                f"{what} would read context {other!r}'s own {', '.join(taken)}: both contexts "
                "would use one database, and one's tests would empty the other's; choose "
                "another name; nothing written"
            )
