"""The wizard's first screen is styled once as it is shown, proved by counting the stylesheet's
applications to each node (how long it takes is bench/tui_probe.py's question)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from textual.containers import Horizontal
from textual.css.stylesheet import Stylesheet
from textual.widgets import Static

from scaffolder.ui.common.widgets import Hint
from scaffolder.ui.wizard.screens.project import ProjectScreen

from .helpers import step_ready


async def test_the_first_steps_nodes_are_styled_once_as_it_is_shown(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual styles each node as it mounts, then restyled the whole step as it was shown
    (StepScreen._on_screen_resume skips that on a step's first show): the rows, labels and
    hints, which change no class meanwhile, are styled once each."""
    applied: Counter[int] = Counter()
    apply = Stylesheet.apply

    def counting(self: Stylesheet, node: Any, *args: Any, **kwargs: Any) -> Any:
        applied[id(node)] += 1
        return apply(self, node, *args, **kwargs)

    monkeypatch.setattr(Stylesheet, "apply", counting)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await step_ready(pilot, ProjectScreen)
        await pilot.pause()
        rows = list(screen.query(Horizontal)) + list(screen.query(Hint))
        labels = [w for w in screen.query(Static) if w.has_class("field-label")]
        assert len(rows) >= 10 and len(labels) >= 5
        assert {applied[id(w)] for w in [screen, *rows, *labels]} == {1}
        # A later show restyles: the theme may have changed in between.
        await pilot.press("ctrl+n")
        await step_ready(pilot)
        before = applied[id(screen)]
        await pilot.press("alt+left")
        await step_ready(pilot, ProjectScreen)
        assert applied[id(screen)] == before + 1
