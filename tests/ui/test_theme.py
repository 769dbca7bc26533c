"""The palette's theme choice is kept: written atomically under $XDG_CONFIG_HOME and applied at
the next start, by the wizard and by the edit menu. Each test has its own XDG_CONFIG_HOME
(conftest's autouse fixture), so nothing here touches the user's settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.command import CommandPalette

from scaffolder.ui.common import settings
from scaffolder.ui.edit_menu.app import EditApp

from .helpers import until


def config_home() -> Path:
    return Path(os.environ["XDG_CONFIG_HOME"])


def test_the_settings_file_follows_xdg_config_home(monkeypatch, tmp_path):
    assert settings.settings_path() == config_home() / "protean-init" / "settings.toml"
    # A relative value is ignored, as the XDG spec says: the home folder's .config instead.
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/dir")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert settings.settings_path() == tmp_path / ".config" / "protean-init" / "settings.toml"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert settings.settings_path() == tmp_path / ".config" / "protean-init" / "settings.toml"


def test_a_saved_theme_is_read_back_and_a_bad_file_means_none():
    assert settings.saved_theme() is None  # no file yet
    assert settings.save_theme("nord")
    assert settings.saved_theme() == "nord"
    path = settings.settings_path()
    for text in ("theme = [1, 2]\n", "theme = 'x\n", 'theme = "a b"\n', "\xff\xfe", ""):
        path.write_bytes(text.encode("latin-1"))
        assert settings.saved_theme() is None, text
    # A name that would need escaping in TOML is not written at all.
    assert not settings.save_theme('a"b')
    assert path.read_bytes() == b""


def test_a_write_that_fails_leaves_the_old_file_and_no_temporary(monkeypatch):
    assert settings.save_theme("nord")
    before = settings.settings_path().read_bytes()

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    assert settings.save_theme("gruvbox") is False
    assert settings.settings_path().read_bytes() == before
    assert [p.name for p in settings.settings_path().parent.iterdir()] == ["settings.toml"]


async def choose_theme_in_the_palette(pilot, name: str) -> None:
    """ctrl+p, "Theme", then the theme by name: the keys a user presses."""

    def palette_lists(text: str):
        def holds() -> bool:
            screen = pilot.app.screen
            if not isinstance(screen, CommandPalette):
                return False
            options = screen.query_one("CommandList")
            highlighted = options.highlighted
            return highlighted is not None and str(
                options.get_option_at_index(highlighted).prompt
            ).startswith(text)

        return holds

    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette), "the palette")
    commands = pilot.app.screen
    await pilot.press(*"theme")
    await until(pilot, palette_lists("Theme"), "the Theme command highlighted")
    await pilot.press("enter")
    # The command opens a second palette, of themes.
    await until(
        pilot,
        lambda: isinstance(pilot.app.screen, CommandPalette) and pilot.app.screen is not commands,
        "the theme list",
    )
    await pilot.press(*name)
    await until(pilot, palette_lists(name), f"{name} highlighted")
    await pilot.press("enter")
    await until(pilot, lambda: pilot.app.theme == name, f"the app in {name}")


async def test_the_wizard_keeps_the_theme_chosen_in_the_palette(make_app):
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        start = app.theme
        assert start != "nord"
        await choose_theme_in_the_palette(pilot, "nord")
        await until(pilot, lambda: settings.saved_theme() == "nord", "nord saved")
    assert settings.settings_path().read_text() == '# protean-init UI settings\ntheme = "nord"\n'

    # The next start is in it from the first frame; starting does not write the file again.
    stamp = settings.settings_path().stat().st_mtime_ns
    again = make_app()
    assert again.theme == "nord"
    async with again.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert again.theme == "nord"
    assert settings.settings_path().stat().st_mtime_ns == stamp


async def test_the_edit_menu_starts_in_the_saved_theme_and_saves_a_change(shop):
    from scaffolder.reopen.project import open_project

    settings.save_theme("gruvbox")
    app = EditApp(open_project(shop))
    assert app.theme == "gruvbox"
    async with app.run_test(size=(100, 32)) as pilot:
        await choose_theme_in_the_palette(pilot, "dracula")
        await until(pilot, lambda: settings.saved_theme() == "dracula", "dracula saved")


@pytest.mark.parametrize("text", ['theme = "no-such-theme"\n', "not toml at all ["])
async def test_an_unknown_or_broken_setting_starts_in_the_default_theme(make_app, text):
    default = make_app().theme  # no file yet: what Textual starts with
    path = settings.settings_path()
    path.parent.mkdir(parents=True)
    path.write_text(text)
    app = make_app()
    assert app.theme == default
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
    assert path.read_text() == text  # left as the user wrote it
