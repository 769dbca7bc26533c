"""The names of the files protean-init makes in a project for itself."""

from __future__ import annotations

LOCK_NAME = ".protean-init-lock"
JOURNAL_NAME = ".protean-init-journal"
# Temporaries and backups beside their targets, recognisable as ours by these marks.
TEMP_MARK = ".protean-init-new-"
BACKUP_MARK = ".protean-init-old-"
STAGING_PREFIX = ".protean-init-staging-"
