"""scaffolder.toml.verify: an edit whose result would alter other lines or parse to another
tree is refused, whatever bug produced it."""

from __future__ import annotations

from typing import Any

import pytest

from scaffolder.toml import edit, place, scan
from scaffolder.toml.edit import insert_tables
from scaffolder.toml.errors import TomlEditError

from .support import REPORTS, read_fixture


def test_refuses_rather_than_writing_a_wrong_file(monkeypatch: pytest.MonkeyPatch) -> None:
    text = read_fixture("guide.domain.toml")
    # A placement bug that would put the new header between [production] and its keys.
    monkeypatch.setattr(
        scan.Document, "anchor_after", lambda self, i: self.sections[i].header_line + 1
    )
    with pytest.raises(TomlEditError, match="refusing to write"):
        insert_tables(text, {("production", "databases", "reports"): REPORTS})


def test_refuses_when_an_original_line_would_change(monkeypatch: pytest.MonkeyPatch) -> None:
    real_render = place.Placement.render

    def render_normalising_newlines(self: Any) -> str:
        return real_render(self).replace("\r\n", "\n").replace("# note", "#note")

    monkeypatch.setattr(place.Placement, "render", render_normalising_newlines)
    text = '[databases.default]\r\nprovider = "memory"  # note\r\n\r\n[x]\r\na = 1\r\n'
    with pytest.raises(TomlEditError, match="alter existing lines"):
        insert_tables(text, {("databases", "reports"): {"provider": "sqlite"}})


def test_refuses_when_rendering_is_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(edit, "render", lambda value, path: '"wrong"')
    with pytest.raises(TomlEditError, match="intended config"):
        insert_tables("", {("databases", "default"): {"provider": "memory"}})
