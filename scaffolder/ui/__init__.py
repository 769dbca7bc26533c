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
    return fullscreen_refusal() is None


def fullscreen_refusal() -> str | None:
    """Why the full-screen wizard cannot run in this terminal, in a few words; None if it can.

    The prompts print it, so a user in a small window knows that enlarging it brings the wizard.
    """
    try:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            return "no terminal on standard input and output"
        if os.environ.get("TERM", "").lower() == "dumb":
            return "TERM=dumb cannot show the full-screen wizard"
        size = os.get_terminal_size(sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        return "the terminal does not report its size"
    if size.columns < MIN_COLUMNS or size.lines < MIN_LINES:
        return (
            f"the terminal is {size.columns}x{size.lines}, under the wizard's "
            f"{MIN_COLUMNS}x{MIN_LINES} (enlarge it for the full screen)"
        )
    return None
