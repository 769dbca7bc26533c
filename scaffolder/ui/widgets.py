"""Widgets every wizard step shows: the step bar, the navigation row, the hint under a field.

The choice grid and the dialogs live in scaffolder.ui.choices, loaded on first use (step 1 has
neither): importing them from here still works, through the module's __getattr__.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Static

STEP_TITLES = ("Project", "Providers", "Connections", "Deploy", "Review", "Done")
NAME = "protean-init  "


class StepBar(Static):
    """`protean-init  1 Project → 2 Providers → ...`: where you are; earlier steps are clickable."""

    DEFAULT_CSS = """
    StepBar {
        height: 1;
        width: 1fr;
        background: $panel;
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(self, step: int, **kwargs) -> None:
        super().__init__(self._markup(step), **kwargs)
        self._step = step

    def on_mount(self) -> None:
        self.fit()

    def on_resize(self) -> None:
        self.fit()

    def fit(self) -> None:
        """Six steps and the tool's name take 86 columns: on a narrower terminal the name
        goes, and every step keeps its room. (The bar spans the terminal.)"""
        steps = " → ".join(f"{i + 1} {title}" for i, title in enumerate(STEP_TITLES))
        named = len(NAME + steps) + 2 <= self.app.size.width
        self.update(self._markup(self._step, named=named))

    @staticmethod
    def _markup(step: int, named: bool = True) -> str:
        done = len(STEP_TITLES) - 1
        parts = []
        for index, title in enumerate(STEP_TITLES):
            label = f"{index + 1} {title}"
            if index == step:
                parts.append(f"[bold $text-accent]{label}[/]")
            elif step == done or index == done:
                parts.append(f"[dim]{label}[/]")
            else:
                # A click goes where Next and Back would; forward, it stops at a bad field.
                style = "" if index < step else "dim"
                parts.append(f"[{style} @click=app.goto_step({index})]{label}[/]")
        return (f"[bold]{NAME.strip()}[/]  " if named else "") + " [dim]→[/] ".join(parts)


class NavBar(Horizontal):
    """Back and Next (or Generate) for the mouse; the footer shows the same keys."""

    DEFAULT_CSS = """
    NavBar {
        height: 1;
        width: 1fr;
        align-horizontal: right;
        padding: 0 1;
        margin-top: 1;
    }
    NavBar Button { margin-left: 2; min-width: 10; }
    NavBar #nav-status { width: 1fr; color: $text-muted; }
    """

    def __init__(self, back: bool = True, next_label: str = "Next →", **kwargs) -> None:
        super().__init__(**kwargs)
        self._back = back
        self._next_label = next_label

    def compose(self) -> ComposeResult:
        yield Static("", id="nav-status")
        if self._back:
            yield Button("← Back", id="back", compact=True)
        yield Button(self._next_label, id="next", variant="primary", compact=True)


class StepFooter(Footer):
    """Textual's Footer, rebuilt once per batch of binding changes instead of once per change.

    The footer recomposes its keys whenever the screen's bindings change; on a step's first
    show they change several times in one go (the screen mounts, the first field takes focus),
    and each rebuild mounts and styles every key again. The one rebuild, after the refresh,
    reads the bindings as they are by then, so it shows what the last of them would have."""

    _rebuild_pending = False

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        await self.recompose()


class Hint(Static):
    """The line under a field: a hint, or the field's error, or a warning."""

    DEFAULT_CSS = """
    Hint { color: $text-muted; height: auto; width: 1fr; }
    Hint.-error { color: $text-error; }
    Hint.-warning { color: $text-warning; }
    """

    def show(self, text: str, error: str | None = None, warning: str | None = None) -> None:
        self.set_class(bool(error), "-error")
        self.set_class(bool(warning) and not error, "-warning")
        if error:
            self.update(Text("✗ " + error))
        elif warning:
            self.update(Text("! " + warning))
        else:
            self.update(Text(text))


def field(label: str, widget: Widget, hint_id: str, hint: str = "") -> Vertical:
    """A form row: `label` in the label column and `widget` beside it, then the hint line
    under the widget (a Hint with id `{hint_id}-hint`).

    Four nodes and the widget: each node mounted on the first screen is styled before the
    wizard can be used, so the hint is indented by padding, not by an empty label column."""
    return Vertical(
        Horizontal(Static(label, classes="field-label"), widget, classes="field-row"),
        Hint(hint, id=f"{hint_id}-hint", classes="field-hint"),
        classes="field",
    )


_LAZY = {"GridCell", "ChoiceGrid", "ChoiceModal", "NameModal", "PickManyModal", "QuitModal"}


def __getattr__(name: str):
    if name in _LAZY:
        from scaffolder.ui import choices

        return getattr(choices, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
