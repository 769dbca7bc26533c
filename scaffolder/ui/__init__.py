"""Interactive front ends: the Textual wizard and the questionary prompts.

Importing this package stays cheap (no Textual, no questionary): `protean-init --help` must
not pay for a UI it does not open. The wizard lives in `scaffolder.ui.wizard`, the prompts in
`scaffolder.ui.prompts`; import them when needed.
"""

from __future__ import annotations

import os
import sys

MIN_COLUMNS = 80
MIN_LINES = 24


def can_run_fullscreen() -> bool:
    """True when a full-screen app can run here: two TTYs, a capable terminal, 80x24 or more."""
    try:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            return False
        if os.environ.get("TERM", "").lower() == "dumb":
            return False
        size = os.get_terminal_size(sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        return False
    return size.columns >= MIN_COLUMNS and size.lines >= MIN_LINES
