"""The choice widgets the wizard's later steps and the edit menu share: the choice grid and the
small dialogs (pick one, pick many, a name, quit?), on scaffolder.ui.common.dialogs.Dialog's
frame. Apart from scaffolder.ui.common.widgets so the wizard's first screen does not pay for them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Click
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from scaffolder.ui.common.dialogs import Dialog
from scaffolder.ui.common.widgets import Hint


def option_label(name: str, summary: str = "") -> Text:
    """A dialog's option as every pick-one or pick-many dialog shows it: the name in bold,
    then what it is."""
    return Text.assemble((name, "bold"), f"  {summary}" if summary else "")


def fit_label(label: str, room: int) -> str:
    """A row's label in `room` cells: whole when it fits; else a key's name after its role
    (`…analytics_reporting` for databases.analytics_reporting), the part that tells the rows
    apart (the line under the grid names the highlighted one whole); cut at its end only when
    the name alone is longer still."""
    if len(label) <= room:
        return label
    _, dot, name = label.partition(".")
    if dot and len(name) < room:
        return "…" + name
    return label[: max(room - 1, 0)] + "…"


class GridCell(Static):
    """One cell of a ChoiceGrid; a click moves the grid's cursor here and opens the choice."""

    DEFAULT_CSS = """
    GridCell {
        width: 1fr;
        height: 1;
        /* Left only: the next cell's padding is the gap, so `↑ postgresql` fits 13 cells. */
        padding: 0 0 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    GridCell.-header { text-style: bold; color: $text-primary; }
    GridCell.-label { color: $text; }
    GridCell.-inherit { color: $text-muted; text-style: italic; }
    GridCell.-risky { color: $text-warning; }
    GridCell.-cursor { background: $boost; }
    """

    def __init__(self, row: int, column: int, content: str = "", **kwargs) -> None:
        super().__init__(content, markup=False, **kwargs)
        self.row = row
        self.column = column

    def on_click(self, event: Click) -> None:
        grid = self.query_ancestor(ChoiceGrid)
        if self.row >= 0 and self.column >= 0:
            event.stop()
            grid.focus()
            grid.cursor = (self.row, self.column)
            grid.action_activate()


class ChoiceGrid(Widget, can_focus=True):
    """A grid of choices: arrow keys move a cursor over the cells, Enter asks for a new value.

    The grid holds no values: `describe(row, column)` returns each cell's text and CSS
    classes, and `refresh_cells()` asks again after a change.
    """

    DEFAULT_CSS = """
    ChoiceGrid {
        layout: grid;
        height: auto;
        grid-rows: 1;
        grid-gutter: 0 0;
        width: 1fr;
    }
    ChoiceGrid:focus > GridCell.-cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1, 0)", "Up", show=False),
        Binding("down", "move(1, 0)", "Down", show=False),
        Binding("left", "move(0, -1)", "Left", show=False),
        Binding("right", "move(0, 1)", "Right", show=False),
        Binding("home", "edge(0)", show=False),
        Binding("end", "edge(1)", show=False),
        Binding("enter,space", "activate", "Change"),
    ]

    cursor: reactive[tuple[int, int]] = reactive((0, 0), init=False)

    class _CellMessage(Message):
        """Something happened at one cell of the grid."""

        def __init__(self, grid: ChoiceGrid, row: int, column: int) -> None:
            super().__init__()
            self.grid = grid
            self.row = row
            self.column = column

        @property
        def control(self) -> ChoiceGrid:
            return self.grid

    class Activated(_CellMessage):
        """Enter, space or a click on a cell: open its choices."""

    class Moved(_CellMessage):
        """The cursor moved to a cell."""

    def __init__(
        self,
        corner: str,
        columns: Sequence[str],
        rows: Sequence[str],
        describe: Callable[[int, int], tuple[str | Text, set[str]]],
        label_width: int = 20,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.corner = corner
        self.columns = list(columns)
        self.rows = list(rows)
        self.describe = describe
        self.label_width = label_width
        self.styles.grid_size_columns = len(self.columns) + 1
        self.fit_columns()

    # The room a value column keeps when the labels widen: "↑ postgresql" and its padding.
    VALUE_MIN = 13
    label_room = 1_000  # cells for a label's text; set by fit_columns once the grid has a size

    def fit_columns(self) -> None:
        """The label column as wide as the longest label (`databases.analytics_archive`)
        and its padding, at least `label_width`, and never so wide that a value column gets
        less than VALUE_MIN cells; a label longer still is shortened by `fit_label`."""
        longest = max((len(label) for label in [self.corner, *self.rows]), default=0) + 2
        width = max(self.label_width, longest)
        if self.size.width:
            width = min(
                width, max(self.label_width, self.size.width - self.VALUE_MIN * len(self.columns))
            )
        self.styles.grid_columns = f"{width} " + " ".join("1fr" for _ in self.columns)
        self.label_room = width - 1  # the cell's left padding; the next cell's is the gap
        for cell in self.query(GridCell):
            # set_rows fits the columns before it recomposes: the old rows' cells are still here.
            if cell.column < 0 <= cell.row < len(self.rows):
                cell.update(fit_label(self.rows[cell.row], self.label_room))

    def on_resize(self) -> None:
        self.fit_columns()

    def compose(self) -> ComposeResult:
        yield GridCell(-1, -1, self.corner, classes="-header")
        for index, column in enumerate(self.columns):
            yield GridCell(-1, index, column, classes="-header")
        for row, label in enumerate(self.rows):
            yield GridCell(row, -1, fit_label(label, self.label_room), classes="-label")
            for column in range(len(self.columns)):
                yield GridCell(row, column)

    def on_mount(self) -> None:
        self.refresh_cells()

    async def set_rows(self, rows: Sequence[str]) -> None:
        self.rows = list(rows)
        self.fit_columns()
        row, column = self.cursor
        await self.recompose()
        self.cursor = (min(row, len(self.rows) - 1), column)
        self.refresh_cells()

    def cell(self, row: int, column: int) -> GridCell:
        for cell in self.query(GridCell):
            if cell.row == row and cell.column == column:
                return cell
        raise LookupError((row, column))

    def refresh_cells(self) -> None:
        for cell in self.query(GridCell):
            if cell.row < 0 or cell.column < 0:
                continue
            text, classes = self.describe(cell.row, cell.column)
            cell.update(text)
            for name in ("-inherit", "-risky"):
                cell.set_class(name in classes, name)
            cell.set_class((cell.row, cell.column) == self.cursor, "-cursor")

    def watch_cursor(self, old: tuple[int, int], new: tuple[int, int]) -> None:
        for cell in self.query(GridCell):
            cell.set_class((cell.row, cell.column) == new, "-cursor")
        self.post_message(self.Moved(self, *new))

    def action_move(self, rows: int, columns: int) -> None:
        row, column = self.cursor
        row = max(0, min(len(self.rows) - 1, row + rows))
        column = max(0, min(len(self.columns) - 1, column + columns))
        self.cursor = (row, column)

    def action_edge(self, end: int) -> None:
        self.cursor = (self.cursor[0], len(self.columns) - 1 if end else 0)

    def action_activate(self) -> None:
        self.post_message(self.Activated(self, *self.cursor))


class ChoiceModal(Dialog[int | None]):
    """A short list to pick one value from; returns the index picked, None on Escape."""

    DEFAULT_CSS = """
    ChoiceModal OptionList, ChoiceModal OptionList:focus {
        height: auto;
        max-height: 14;
        border: none;
        padding: 0;
        background: $surface;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Close", show=True),
    ]

    def __init__(
        self,
        title: str,
        options: Sequence[str | Text],
        current: int,
        escape: str = "keep as is",
    ) -> None:
        """`escape`: what Esc does here, as the help line says it (in a multi-step add,
        it cancels the whole add)."""
        super().__init__()
        self.title_text = title
        self.options = options
        self.current = current
        self.escape = escape

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="modal-title", markup=False)
            yield OptionList(
                *(Option(prompt, id=str(i)) for i, prompt in enumerate(self.options)),
                id="choices",
            )
            yield Static(
                f"↑↓ or a first letter to move · Enter choose · Esc {self.escape}",
                classes="modal-help",
                markup=False,
            )

    def on_mount(self) -> None:
        choices = self.query_one("#choices", OptionList)
        choices.highlighted = self.current
        choices.focus()

    @on(OptionList.OptionSelected)
    def handle_picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option_index)

    def on_key(self, event) -> None:
        """A letter moves to the first option starting with it (`m` for memory, from
        anywhere); the same letter again moves on to the next (mysql, then mssql)."""
        char = (event.character or "").lower()
        if len(char) != 1 or not char.isalnum():
            return
        choices = self.query_one("#choices", OptionList)
        names = [
            str(choices.get_option_at_index(i).prompt).lower() for i in range(choices.option_count)
        ]
        current = choices.highlighted
        # From the highlight only when it starts with this letter already: cycling.
        start = current + 1 if current is not None and names[current].startswith(char) else 0
        for step in range(len(names)):
            index = (start + step) % len(names)
            if names[index].startswith(char):
                choices.highlighted = index
                event.stop()
                return

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class NameModal(Dialog[str | None]):
    """Asks for one name, checked as it is typed by `check` (an error message or None)."""

    DEFAULT_CSS = """
    NameModal > Vertical { width: 60; }
    NameModal Input { margin-bottom: 0; }
    NameModal Horizontal { height: 1; margin-top: 1; align-horizontal: right; }
    NameModal Button { margin-left: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Close", show=True),
    ]

    def __init__(
        self,
        title: str,
        hint: str,
        check: Callable[[str], str | None],
        *,
        verb: str = "Add",
        placeholder: str = "type a name, e.g. reports",
    ) -> None:
        """`verb` labels the button that submits (Add, Rename, Set): what Enter does."""
        super().__init__()
        self.title_text = title
        self.hint_text = hint
        self.check = check
        self.verb = verb
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="modal-title", markup=False)
            yield Input(id="name", compact=True, placeholder=self.placeholder)
            yield Hint(self.hint_text, id="name-hint", markup=False)
            with Horizontal():
                yield Button("Cancel", id="cancel", compact=True)
                yield Button(self.verb, id="add", variant="primary", compact=True)

    @on(Input.Changed, "#name")
    def handle_changed(self, event: Input.Changed) -> None:
        error = self.check(event.value) if event.value else None
        self.query_one("#name-hint", Hint).show(self.hint_text, error)

    @on(Input.Submitted, "#name")
    @on(Button.Pressed, "#add")
    def handle_submit(self) -> None:
        value = self.query_one("#name", Input).value.strip()
        error = self.check(value)
        if error:
            self.query_one("#name-hint", Hint).show(self.hint_text, error)
            self.query_one("#name", Input).focus()
            return
        self.dismiss(value)

    @on(Button.Pressed, "#cancel")
    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class _PickList(SelectionList[str]):
    """Space toggles; Enter confirms the whole selection (the modal's action)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.confirm", "Confirm", show=True),
        Binding("space", "select", "Toggle", show=True),
    ]


class PickManyModal(Dialog[list[str] | None]):
    """Pick any of a few values (all ticked to begin with); the values picked, None on Escape."""

    DEFAULT_CSS = """
    PickManyModal SelectionList, PickManyModal SelectionList:focus {
        height: auto;
        border: none;
        padding: 0;
        background: $surface;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Close", show=True),
    ]

    def __init__(self, title: str, options: Sequence[tuple[str | Text, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="modal-title", markup=False)
            yield _PickList(*((prompt, value, True) for prompt, value in self.options), id="picks")
            yield Static(
                "↑↓ move · Space tick or untick · Enter go on · Esc cancel",
                classes="modal-help",
            )

    def on_mount(self) -> None:
        self.query_one("#picks", SelectionList).focus()

    def action_confirm(self) -> None:
        picks = self.query_one("#picks", SelectionList).selected
        if not picks:
            self.notify("Tick at least one, or Esc to cancel.", severity="warning", timeout=3)
            return
        self.dismiss([value for _, value in self.options if value in picks])

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class QuitModal(Dialog[bool]):
    """`Quit without writing?`: Enter on Quit or Escape again leaves; Stay (Tab) goes back."""

    DEFAULT_CSS = """
    QuitModal > Vertical { width: 56; border: round $error; }
    QuitModal Horizontal { height: 1; margin-top: 1; align-horizontal: right; }
    QuitModal Button { margin-left: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Quit", show=True),
        Binding("s", "stay", "Stay", show=True),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Quit without writing?", classes="modal-title")
            yield Static("Your changes are lost; nothing is written.", classes="modal-body")
            with Horizontal():
                yield Button("Stay", id="stay", compact=True)
                yield Button("Quit", id="quit", variant="error", compact=True)

    def on_mount(self) -> None:
        self.query_one("#quit", Button).focus()

    @on(Button.Pressed, "#quit")
    def action_leave(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#stay")
    def action_stay(self) -> None:
        self.dismiss(False)
