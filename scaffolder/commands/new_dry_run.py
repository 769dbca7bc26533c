"""What `protean-init new DIR --dry-run` prints, for a project and a workspace alike."""

from __future__ import annotations

from pathlib import Path

from scaffolder.next_steps import files_written
from scaffolder.writer import changes_for, describe_new


def dry_run_report(target: Path, files: dict[str, bytes]) -> str:
    """What `new --dry-run` prints: each file the real run would write (the record's copies
    named, not printed again), then how many, counted as the real run counts them."""
    changes = changes_for(target, files)
    count = files_written([change.relative for change in changes])
    return f"{describe_new(changes)}\nWould write {target}/ ({count}); nothing written: --dry-run"
