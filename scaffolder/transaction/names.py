"""The names of the files protean-init makes in a project for itself."""

from __future__ import annotations

import re

LOCK_NAME = ".protean-init-lock"
JOURNAL_NAME = ".protean-init-journal"
# Temporaries and backups beside their targets, recognisable as ours by these marks.
TEMP_MARK = ".protean-init-new-"
BACKUP_MARK = ".protean-init-old-"
STAGING_PREFIX = ".protean-init-staging-"

_TOKEN = re.compile(r"[0-9a-f]+")


def beside_name(target: str, mark: str, token: str) -> str:
    """The name of a temporary or backup of the file named `target`, in its folder: the
    target's name cut short (so a long, valid name still leaves room), the mark, a token."""
    return f".{target[:64]}{mark}{token}"


def is_beside_name(target: str, name: str, mark: str) -> bool:
    """Whether `name` is one `beside_name` gives for `target` under `mark`: a journal naming
    any other file beside its target (README.md, another target's temporary) is not ours."""
    prefix = beside_name(target, mark, "")
    return name.startswith(prefix) and _TOKEN.fullmatch(name[len(prefix) :]) is not None
