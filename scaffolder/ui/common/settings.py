"""The user's UI settings: the theme chosen in the palette, kept for the next run.

One small TOML file, `$XDG_CONFIG_HOME/protean-init/settings.toml` (`~/.config/...` when the
variable is unset or not absolute, as the XDG spec says). It is written atomically (a temporary
file in the same folder, then `os.replace`), so a crash mid-write leaves the old file or the new
one, never half of one. Reading never fails the app: a missing, unreadable or malformed file
means "no saved choice", and the theme Textual starts with stays.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

# A theme name as Textual spells them ("textual-dark", "catppuccin-mocha", "nord"): written into
# the file as a plain TOML string, so only names that need no escaping are kept.
_THEME_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def settings_path() -> Path:
    """Where the settings live, following XDG_CONFIG_HOME."""
    base = os.environ.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".config"
    return root / "protean-init" / "settings.toml"


def saved_theme() -> str | None:
    """The theme saved last time, or None (no file, an unreadable one, or no valid name)."""
    try:
        text = settings_path().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    # deferred: tomllib ~2 ms (CPU, measured): the wizard's first screen imports this module without
    # it
    import tomllib  # only when there is a file to read

    try:
        value = tomllib.loads(text).get("theme")
    except tomllib.TOMLDecodeError:
        return None
    if isinstance(value, str) and _THEME_NAME.fullmatch(value):
        return value
    return None


def save_theme(name: str) -> bool:
    """Record `name` as the theme to start with; False (and nothing changed) when the name is
    not one we write or the folder cannot be written: a theme is not worth an error."""
    if not _THEME_NAME.fullmatch(name):
        return False
    path = settings_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(f'# protean-init UI settings\ntheme = "{name}"\n')
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True


def apply_saved_theme(app) -> str:
    """Put `app` in the saved theme when Textual knows it; the theme it starts in.

    Called from the app's `__init__`, before it runs, so the first frame is already drawn in
    the user's theme."""
    name = saved_theme()
    if name is not None and name in app.available_themes:
        app.theme = name
    return app.theme


def save_theme_changes(app, started: str) -> None:
    """From now on, save each theme `app` changes to (the palette's Theme command). Needs a
    running app (a signal takes only mounted subscribers): call it from `on_mount`."""
    last = [started]

    def changed(theme) -> None:
        if theme.name != last[0]:  # the start-up theme itself is no change to write
            last[0] = theme.name
            save_theme(theme.name)

    app.theme_changed_signal.subscribe(app, changed)
