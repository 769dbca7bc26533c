"""`protean-init add-env ENV...`: add [production], [test] or [memory] overlays to a project.

This is how a project made elsewhere (`protean new`, or by hand) adopts the dual-mode layout:
the overlays are computed from the base configuration it already has, and inserted without
touching a line of the user's file.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
from collections.abc import Iterator

from scaffolder.commands import add_reopen_arguments
from scaffolder.spec.environments import OVERLAYS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "envs", nargs="+", metavar="ENV", help=f"overlays to add: {', '.join(OVERLAYS)}"
    )
    add_reopen_arguments(parser)


def run(args: argparse.Namespace) -> int:
    with _cycles_left_for_later():
        return _add(args)


def _add(args: argparse.Namespace) -> int:
    # deferred: scaffolder.reopen.edits, scaffolder.reopen.project: `add-env --help` imports
    # this module, and these 18 ms with it.
    from scaffolder.reopen.edits import add_environments, missing_environments
    from scaffolder.reopen.project import commit, editing

    with editing(
        args.project, dry_run=args.dry_run, context=args.context, here=args.here
    ) as project:
        new_text = add_environments(project, args.envs)
        added = missing_environments(project, args.envs)
        kept = [env for env in dict.fromkeys(args.envs) if env not in added]
        if not added:
            print(f"{project.config_relative} already has {_tables(kept)}: nothing to add")
            return 0
        written = commit(project, new_text, dry_run=args.dry_run, force=args.force)
    if not args.dry_run:
        already = f" ({_tables(kept)} already there, kept as it is)" if kept else ""
        print(f"Added {_tables(added)}{already}; updated: {', '.join(written)}")
    return 0


def _tables(envs: list[str]) -> str:
    return ", ".join(f"[{env}]" for env in envs)


@contextlib.contextmanager
def _cycles_left_for_later() -> Iterator[None]:
    """The cyclic garbage collector paused while the edit runs (as it was after). The edit
    builds a few copies of domain.toml's tree (10,000 nodes each at 2,000 tables) and makes
    almost no cycles: on the bench's project its 116 collections found 888 objects, and
    scanning the trees for them cost ~15 ms of the command's ~300 ms of CPU. Memory freed by
    reference counting is freed as before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
