"""The wizard's first screen is styled once as it is shown, proved by counting the stylesheet's
applications to each node, and drawn before the garbage collector runs (how long it takes is
bench/tui_probe.py's question)."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections import Counter
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.color import Color
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, RadioButton

from scaffolder.ui.common.widgets import (
    ChoiceRow,
    CompactInput,
    FieldRow,
    Hint,
    NavButton,
    RowCheckbox,
    toggle_classes,
)
from scaffolder.ui.wizard.screens.project import ProjectScreen

from .helpers import click_option, hover_option, option_offset, shown_text, step_ready


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
        # The six rows, each drawing its label (and five the hint under their fields; the
        # package's row the contexts' label too), and the installer's hint beside its buttons.
        rows = list(screen.query(FieldRow))
        beside = list(screen.query(Hint))
        assert len(rows) == 6 and len(beside) == 1
        # Textual's restyle of the whole screen on its first show would style every node
        # twice. A node whose pseudo-classes change as the step settles (focus landing in
        # it, under a loaded machine's message order) is restyled once more by right: at
        # most a few of them, never all.
        counts = [applied[id(w)] for w in [screen, *rows, *beside]]
        assert min(counts) == 1 and max(counts) <= 2, counts
        assert counts.count(2) <= len(counts) // 4, counts
        # A later show restyles: the theme may have changed in between.
        await pilot.press("ctrl+n")
        await step_ready(pilot)
        before = applied[id(screen)]
        await pilot.press("alt+left")
        await step_ready(pilot, ProjectScreen)
        assert applied[id(screen)] == before + 1


async def test_no_widget_of_the_first_step_is_styled_before_it_is_mounted(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A class Textual adds to a widget as it is built restyles it on the spot, though it is
    styled again as it mounts: the fields, radio buttons, checkbox and Next are built with
    those classes, so adding them changes nothing."""
    unattached: Counter[str] = Counter()
    apply = Stylesheet.apply

    def counting(self: Stylesheet, node: Any, *args: Any, **kwargs: Any) -> Any:
        if node.parent is None and isinstance(node, Widget) and not isinstance(node, Screen):
            unattached[type(node).__name__] += 1
        return apply(self, node, *args, **kwargs)

    monkeypatch.setattr(Stylesheet, "apply", counting)
    async with make_app().run_test(size=(80, 24)) as pilot:
        await step_ready(pilot, ProjectScreen)
        await pilot.pause()
    assert unattached == {}


async def test_the_first_steps_widgets_have_the_classes_textual_gives_them() -> None:
    """CompactInput, toggle_classes and NavButton name the classes Textual adds as such a
    widget is built: the widgets end up as they would built the usual way."""

    class Both(App):
        def compose(self) -> ComposeResult:
            for value in ("acme", ""):
                yield Input(value, compact=True)
                yield CompactInput(value)
            for value in (True, False):
                yield RadioButton("pip", value=value)
                yield RadioButton("pip", value=value, classes=toggle_classes(value))
                yield Checkbox("compose", value)
                yield Checkbox("compose", value, classes=toggle_classes(value))
            for variant in ("primary", "default"):
                yield Button("Next", variant=variant)
                yield NavButton("Next", variant=variant)

    app = Both()
    async with app.run_test() as pilot:
        await pilot.pause()
        widgets = list(app.screen.children)
        pairs = list(zip(widgets[::2], widgets[1::2], strict=True))
        assert len(pairs) == 8
        for usual, ours in pairs:
            assert usual.classes == ours.classes, (usual, ours)


async def test_a_rows_choices_move_their_highlight_as_a_radioset_does(make_app) -> None:
    """A ChoiceRow is keyed as the RadioSet it replaces: the arrows move the highlight (one
    option is highlighted, the one Enter chooses), round the ends."""
    async with make_app().run_test(size=(80, 24)) as pilot:
        screen = await step_ready(pilot, ProjectScreen)
        ci = screen.query_one("#ci", ChoiceRow)
        ci.focus()
        await pilot.press("right")
        await pilot.pause()
        assert ci.keys[ci.highlighted] == "gitlab"
        await pilot.press("right", "enter")
        await pilot.pause()
        assert pilot.app.draft.ci == "none"
        assert ci.keys[ci.highlighted] == "none"


async def test_the_first_step_parses_no_stock_toggle_stylesheet(make_app) -> None:
    """Step 1's choices and checkbox bring their own few rules: RadioSet's and
    ToggleButton's stylesheets (every border, compact and ANSI variant) are not parsed
    before the step is used."""
    async with make_app().run_test(size=(80, 24)) as pilot:
        await step_ready(pilot, ProjectScreen)
        await pilot.pause()
        sources = {name for _path, name in pilot.app.stylesheet.source}
        assert "ChoiceRow.DEFAULT_CSS" in sources
        assert "RadioSet.DEFAULT_CSS" not in sources, sorted(sources)
        assert "ToggleButton.DEFAULT_CSS" not in sources, sorted(sources)


async def test_a_rows_checkbox_is_lit_under_the_mouse_as_a_toggle_button_is(make_app) -> None:
    """A row's checkbox under the mouse has its label lit, as ToggleButton's own rules do
    (Textual restyles a widget on hover only when a rule of its own names :hover); it goes
    dark again as the mouse leaves."""
    async with make_app().run_test(size=(80, 24)) as pilot:
        screen = await step_ready(pilot, ProjectScreen)
        toggle = screen.query_one("#compose", RowCheckbox)
        dark = toggle.get_component_styles("toggle--label").background
        await pilot.hover("#compose")
        await pilot.pause()
        lit = toggle.get_component_styles("toggle--label").background
        assert lit != dark
        assert lit == Color.parse(pilot.app.get_css_variables()["block-hover-background"])
        await pilot.hover("#project-name")
        await pilot.pause()
        assert toggle.get_component_styles("toggle--label").background == dark


def label_background(row: ChoiceRow, key: str) -> Any:
    """The background drawn under the first letter of option `key`'s label."""
    x = row.option_x(key) + len(ChoiceRow.BUTTON) + 1
    style = next(iter(row.render_line(0).crop(x, x + 1))).style
    assert style is not None
    return style.bgcolor


async def test_a_rows_option_is_lit_under_the_mouse_as_a_radio_button_is(make_app) -> None:
    """The option of a ChoiceRow under the mouse has its label lit with the colour Textual's
    toggles take under the mouse; it goes dark again as the mouse leaves."""
    async with make_app().run_test(size=(80, 24)) as pilot:
        await step_ready(pilot, ProjectScreen)
        ci, _ = option_offset(pilot, "#ci", "gitlab")
        dark = label_background(ci, "gitlab")
        await hover_option(pilot, "#ci", "gitlab")
        lit = label_background(ci, "gitlab")
        assert lit != dark
        assert label_background(ci, "none") == dark  # only the option under the mouse
        hover = Color.parse(pilot.app.get_css_variables()["block-hover-background"])
        assert ci.get_component_styles("choice-row--hover").background == hover
        assert lit == ci.get_visual_style("choice-row--hover").rich_style.bgcolor
        await pilot.hover("#project-name")
        await pilot.pause()
        assert label_background(ci, "gitlab") == dark


async def test_a_click_on_an_option_chooses_it_and_focuses_its_row(make_app) -> None:
    """A click on an option's cells (its button, label or the gap after it) chooses it, as a
    click on a RadioSet's button; a click past the last option only focuses the row."""
    async with make_app().run_test(size=(80, 24)) as pilot:
        await step_ready(pilot, ProjectScreen)
        app = pilot.app
        await click_option(pilot, "#installer", "uv")
        assert app.draft.installer == "uv" and app.focused.id == "installer"
        assert "needs uv" in shown_text(app.screen.query_one("#installer-hint"))
        ci, (x, y) = option_offset(pilot, "#ci", "none")
        await pilot.click(ci, offset=(x - 1, y))  # the gap after GitLab CI
        await pilot.pause()
        assert app.draft.ci == "gitlab" and app.focused is ci
        await pilot.click(ci, offset=(x + len("▐●▌ none " + "  "), y))  # past `none` and its gap
        await pilot.pause()
        assert app.draft.ci == "gitlab"
        await click_option(pilot, "#ci", "none")
        assert app.draft.ci == "none"


async def test_no_garbage_collection_runs_until_the_first_step_is_drawn(make_app) -> None:
    """Composing and styling step 1 allocates enough to set off dozens of collections, each
    walking objects that all live on; the collector is off from step 1 being built until it
    has been drawn, and on again after."""
    app = make_app()
    drawn: list[Screen] = []
    display = app._display

    def recording(screen: Screen, update: Any) -> None:
        if update is not None:
            drawn.append(screen)
        display(screen, update)

    app._display = recording  # type: ignore[method-assign]
    early: list[int] = []

    def collected(phase: str, info: dict[str, int]) -> None:
        step_pushed = any(isinstance(s, ProjectScreen) for s in app.screen_stack)
        if (
            phase == "start"
            and step_pushed
            and not any(isinstance(s, ProjectScreen) for s in drawn)
        ):
            early.append(info["generation"])

    gc.callbacks.append(collected)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await step_ready(pilot, ProjectScreen)
            await pilot.pause()
            assert drawn and gc.isenabled()
    finally:
        gc.callbacks.remove(collected)
    assert early == []
    assert gc.isenabled()


# Run in a process of its own: the other tests here have loaded every module already.
FIRST_SCREEN_MODULES = """
import asyncio, sys
from pathlib import Path
from scaffolder.spec.defaults import default_spec
from scaffolder.ui.wizard.app import WizardApp

async def main():
    app = WizardApp(default_spec("acme"), Path(sys.argv[1]) / "acme")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        loaded = sorted(m for m in sys.modules if m.startswith("scaffolder.ui."))
        print(type(app.screen).__name__, *loaded)
        app.exit(None)

asyncio.run(main())
"""


def test_the_first_step_is_shown_without_loading_the_dialogs(tmp_path) -> None:
    """The choice grid and the dialogs (scaffolder.ui.common.choices, .dialogs) are loaded
    when a later step or a dialog first needs them, not before step 1 is drawn (about a tenth
    of the wizard's start-up)."""
    result = subprocess.run(
        [sys.executable, "-c", FIRST_SCREEN_MODULES, str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    screen, *loaded = result.stdout.split()
    assert screen == "ProjectScreen"
    assert "scaffolder.ui.wizard.screens.project" in loaded
    assert "scaffolder.ui.common.choices" not in loaded, loaded
    assert "scaffolder.ui.common.dialogs" not in loaded, loaded


# `protean-init new DIR --ui tui` up to the wizard, in a process of its own: what the command
# has loaded when it hands over to the wizard (choose_ui: there is no terminal here).
NEW_UP_TO_THE_WIZARD = """
import sys
import scaffolder.commands.new as new
import scaffolder.ui.wizard.app as wizard

def run_wizard(spec, target, write=None, workspace=None):
    contexts = sorted(workspace.contexts) if workspace is not None else []
    print(",".join(contexts) or "-", *sorted(m for m in sys.modules if m.startswith("scaffolder.")))
    return None

wizard.run_wizard = run_wizard
new.choose_ui = lambda requested: requested
from scaffolder.cli import main

main(["new", *sys.argv[1:], "--ui", "tui"])
"""


@pytest.mark.parametrize(
    ("argv", "contexts"),
    [([], "-"), (["--context", "ordering", "--context", "billing"], "billing,ordering")],
)
def test_new_hands_over_to_the_wizard_without_the_workspace_and_writer_modules(
    tmp_path, argv, contexts
) -> None:
    """Without --context or an answers file `new` makes no workspace, so its module (with the
    writer and the transaction modules it loads, ~12 ms CPU) is not loaded before the wizard
    starts; with --context the wizard opens on the contexts as before."""
    result = subprocess.run(
        [sys.executable, "-c", NEW_UP_TO_THE_WIZARD, str(tmp_path / "acme"), *argv],
        capture_output=True,
        text=True,
        check=False,
    )
    named, *loaded = result.stdout.split()
    assert "scaffolder.spec.project" in loaded, result.stderr
    if contexts == "-":
        assert named == "-"
        assert "scaffolder.commands.new_workspace" not in loaded, loaded
        assert "scaffolder.writer" not in loaded, loaded
    else:
        assert named == contexts
        assert "scaffolder.commands.new_workspace" in loaded
