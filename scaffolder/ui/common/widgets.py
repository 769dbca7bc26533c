"""Widgets both full-screen apps build on: the footer of keys, the navigation row, the hint
under a field, a form row, a path fitted to a status line.

The choice grid and the dialogs are in scaffolder.ui.common.choices and .dialogs, loaded on
first use (the wizard's first step has neither).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Static
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.button import ButtonVariant


class NavButton(Button, inherit_css=False):
    """A one-line button for Back and Next: a Button in all but its CSS.

    Button's own rules are about 7,000 characters (every variant, flat and ANSI styles), the
    largest stylesheet the first step would parse: 4 ms of start-up for two buttons that need
    a handful of rules. Not inheriting them also keeps Button's rules, parsed once a later step
    shows a Button, off these two."""

    DEFAULT_CSS = """
    NavButton {
        width: auto;
        min-width: 10;
        height: 1;
        margin-left: 2;
        padding: 0 1;
        content-align: center middle;
        text-style: bold;
        pointer: pointer;
        color: $button-foreground;
        background: $surface;
        &:hover { background: $surface-darken-1; }
        &:focus { text-style: $button-focus-text-style; background-tint: $foreground 5%; }
        &.-active { tint: $background 30%; }
        &.-primary { color: $button-color-foreground; background: $primary; }
        &.-primary:hover { background: $primary-darken-2; }
    }
    """

    def __init__(self, label: str, variant: ButtonVariant = "default", **kwargs) -> None:
        # Built with the classes Button adds as it is built (see CompactInput).
        classes = "-style-default" if variant == "default" else f"-{variant} -style-default"
        super().__init__(label, variant, classes=classes, **kwargs)


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
    /* One line: a longer status is cut with an ellipsis, never wrapped out of sight. */
    NavBar #nav-status { width: 1fr; color: $text-muted; text-wrap: nowrap;
                         text-overflow: ellipsis; }
    NavBar #nav-status.-error { color: $text-error; }
    """

    def __init__(self, back: bool = True, next_label: str = "Next →", **kwargs) -> None:
        super().__init__(**kwargs)
        self._back = back
        self._next_label = next_label

    def compose(self) -> ComposeResult:
        yield Static("", id="nav-status")
        if self._back:
            yield NavButton("← Back", id="back")
        yield NavButton(self._next_label, id="next", variant="primary")


def fit_path(path: Path, room: int) -> str:
    """`path` as a status line can show it in `room` cells: "this folder, NAME" for the
    current folder, relative inside it, `~` for the home folder, and otherwise cut from the
    left (`…/work/acme`): the end of a path is the part that says which folder it is."""
    try:
        absolute, here = path.resolve(), Path.cwd().resolve()
    except OSError:
        absolute, here = path, None
    if absolute == here:
        text = f"this folder, {absolute.name}"
    elif here is not None and absolute.is_relative_to(here):
        text = str(absolute.relative_to(here))
    elif absolute.is_relative_to(Path.home()):
        text = "~/" + str(absolute.relative_to(Path.home()))
    else:
        text = str(absolute)
    if len(text) <= room:
        return text
    return "…" + text[len(text) - max(room - 1, len(absolute.name)) :]


_Key = tuple[str, str, str, bool]  # a binding's key, how it is shown, what it does, enabled


class KeyLine(Static):
    """The footer: the keys the screen offers now (`^s Review  ^n Next ...`), one line of text.

    Textual's Footer mounts and styles a widget per key and rebuilds them all whenever the
    bindings change, which on a step's first show is several times (the screen mounts, the
    first field takes focus): about a tenth of the wizard's start-up. This draws the same keys
    as one Static, once per batch of changes, after the refresh, from the bindings as they are
    by then. A key is clickable (it presses the key); one its screen disables now is dimmed;
    the command palette's key sits at the right edge, and on a narrow screen the others give
    way to it (Textual's Footer lets it cover them): first, whole, the keys of the actions in
    `give_way` (in that order: keys a button on the screen offers too), then the line's end."""

    DEFAULT_CSS = """
    KeyLine {
        dock: bottom;
        height: 1;
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        color: $footer-description-foreground;
        background: $footer-background;
    }
    """

    ALLOW_SELECT = False
    _pending = False
    _drawn: tuple[tuple[_Key, ...], _Key | None, int] | None = None

    def __init__(self, give_way: tuple[str, ...] = (), **kwargs) -> None:
        super().__init__(**kwargs)
        self.give_way = give_way

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._show()  # drawn in the screen's first frame, not one frame later

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self) -> None:
        self._bindings_changed(self.screen)

    def _bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and not self._pending:
            self._pending = True
            self.call_after_refresh(self._show)

    def _show(self) -> None:
        self._pending = False
        if not self.is_attached:
            return  # its dialog closed before the refresh
        app = self.app
        palette_key = app.COMMAND_PALETTE_BINDING if app.ENABLE_COMMAND_PALETTE else None
        keys: list[_Key] = []
        palette: _Key | None = None
        actions: list[str] = []
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            entry = (binding.key, app.get_key_display(binding), binding.description, active.enabled)
            if key == palette_key:
                palette = entry
            elif binding.show and binding.action not in actions:
                actions.append(binding.action)  # one entry per action, as Textual's Footer
                keys.append(entry)
        # The terminal's width: the line spans it, and is drawn before its first layout.
        drawn = (tuple(keys), palette, app.size.width)
        if drawn == self._drawn:
            return  # a repaint would cost a frame and show nothing new
        self._drawn = drawn
        line = Content(" ").join(self._content(entry) for entry in keys)
        if palette is not None:
            # The palette's key stays in view; on a narrow screen the other keys give way.
            mark = self._content(palette)
            room = app.size.width - mark.cell_length - 1
            for action in self.give_way:
                if line.cell_length <= room:
                    break
                if action in actions:
                    del keys[actions.index(action)]
                    actions.remove(action)
                    line = Content(" ").join(self._content(entry) for entry in keys)
            if line.cell_length > room:
                line = line.truncate(room, ellipsis=True)
            line = line.pad_right(room - line.cell_length + 1) + mark
        self.update(line)

    @staticmethod
    def _content(entry: _Key) -> Content:
        key, display, description, enabled = entry
        text = Content.assemble(Content.styled(display, "bold $footer-key-foreground"), " ")
        text += description
        if not enabled:
            return text.stylize("dim")
        return text.stylize(Style.from_meta({"@click": f"app.simulate_key({key!r})"}))


class Hint(Static):
    """The line under a field: a hint, or the field's error, or a warning."""

    DEFAULT_CSS = """
    Hint { color: $text-muted; height: auto; width: 1fr; }
    Hint.-error { color: $text-error; }
    Hint.-warning { color: $text-warning; }
    """

    def __init__(self, text: str = "", **kwargs) -> None:
        super().__init__(text, **kwargs)
        self._shown: tuple[str, str | None, str | None] = (text, None, None)

    def show(self, text: str, error: str | None = None, warning: str | None = None) -> None:
        if (text, error, warning) == self._shown:
            return  # a repaint and a layout pass for the same line
        self._shown = (text, error, warning)
        self.update(Text(hint_line(self, text, error, warning)))


def hint_line(widget: Widget, text: str, error: str | None, warning: str | None) -> str:
    """The line under a field: its error, else its warning, else the hint `text`; `widget`
    (a Hint or a FieldRow) takes the class that colours it."""
    widget.set_class(bool(error), "-error")
    widget.set_class(bool(warning) and not error, "-warning")
    if error:
        return "✗ " + error
    if warning:
        return "! " + warning
    return text


class CompactInput(Input):
    """A one-line Input (Textual's compact style) holding `value`, built with the classes
    Textual gives such a field as it is built: -textual-compact, and -valid once a value is
    set (it has no validators).

    Each class Textual adds to a widget as it is built restyles it on the spot (an Input with
    its four component classes), though it is styled again as it mounts. Given up front,
    adding them changes nothing. `compact` starts true here: Input's starts false, and
    setting it took the class away before adding it back. tests/ui/test_first_screen.py
    checks these are the classes Textual gives such a field."""

    compact = reactive(True, toggle_class="-textual-compact")

    def __init__(self, value: str, **kwargs) -> None:
        classes = "-textual-compact -valid" if value else "-textual-compact"
        super().__init__(value, compact=True, classes=classes, **kwargs)


def _row_toggle_css(name: str) -> str:
    """The rules ToggleButton's stylesheet gives a toggle in a form row (the row's rules taking
    away its border, padding and background), for the row's toggle class `name`."""
    return f"""
    {name} {{
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        pointer: pointer;
        & > .toggle--button {{ color: $panel-darken-2; background: $panel; }}
        &.-on > .toggle--button {{ color: $text-success; }}
        /* Nested as ToggleButton's: the rule on the toggle itself marks it as styled on
           hover, which is what makes Textual restyle it as the mouse comes and goes. */
        &:blur:hover {{
            & > .toggle--label {{ background: $block-hover-background; }}
        }}
    }}
    """


# A form row's checkbox is Textual's Checkbox in all but its CSS: ToggleButton's rules are about
# 2,000 characters (bordered, compact and ANSI variants a row never shows), parsed and matched
# before the wizard's first step can be used; a row needs a few of them. The picture is the same
# (tests/ui/__snapshots__). Not inheriting them also keeps those rules, parsed once a dialog
# shows a stock toggle, off it. Its component classes are named again: Textual looks them up in
# the classes whose CSS a class inherits.


class RowCheckbox(Checkbox, inherit_css=False):
    """A Checkbox as a form row's field."""

    COMPONENT_CLASSES = ToggleButton.COMPONENT_CLASSES
    DEFAULT_CSS = (
        _row_toggle_css("RowCheckbox")
        + """
    RowCheckbox {
        width: 1fr;
        &:focus {
            background-tint: $foreground 5%;
            & > .toggle--label {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """
    )


class ChoiceRow(Widget, can_focus=True):
    """One of a few `options` (key: label) as a form row's field, drawn on one line as a radio
    set's buttons are, `▐●▌ GitHub Actions  ▐●▌ GitLab CI  ▐●▌ none`, and used as one: the
    arrows move the highlight (round the ends), Enter or Space chooses the highlighted option,
    a click chooses the option under the mouse, which is lit (`Changed` says what was chosen).

    A RadioSet of RadioButtons is a widget per option, each composed, styled, laid out and
    drawn before the wizard's first step can be used (step 1's two sets were 7 of its 28
    widgets, ~10 ms of its start-up): this is one widget, drawn cell for cell as that set.
    As the set, the highlight starts on the first option whichever is chosen, a click on the
    chosen option leaves the highlight where it is, and the line is cut at the row's edge."""

    ALLOW_SELECT = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,right", "next_option", "Next option", show=False),
        Binding("enter,space", "choose", "Toggle", show=False),
        Binding("up,left", "previous_option", "Previous option", show=False),
    ]
    # The rules RadioSet and ToggleButton give a set's buttons, for the parts of the line.
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "choice-row--button",
        "choice-row--button-on",
        "choice-row--hover",
        "choice-row--highlight",
    }
    DEFAULT_CSS = """
    ChoiceRow {
        height: 1;
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: clip;
        pointer: pointer;
        & > .choice-row--button { color: $panel-darken-2; background: $panel; }
        & > .choice-row--button-on { color: $text-success; }
        & > .choice-row--hover { background: $block-hover-background; }
        & > .choice-row--highlight { background: $block-cursor-blurred-background; }
        &:focus {
            background-tint: $foreground 5%;
            & > .choice-row--highlight {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """
    BUTTON = ("▐", "●", "▌")  # RadioButton's: the sides take the button's background as colour
    GAP = 2  # cells after each option's label

    class Changed(Message):
        """The option chosen changed: `value` is its key."""

        def __init__(self, choice_row: ChoiceRow, value: str) -> None:
            super().__init__()
            self.choice_row = choice_row
            self.value = value

        @property
        def control(self) -> ChoiceRow:
            return self.choice_row

    def __init__(self, options: dict[str, str], value: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.options = options
        self.keys = list(options)
        self._value = value
        self.highlighted = 0  # the option Enter chooses
        self.hovered: int | None = None  # the option under the mouse
        # Where each option's cells end on the line: button, space, label, space, gap.
        ends, end = [], 0
        for label in options.values():
            end += len(self.BUTTON) + 2 + Content(label).cell_length + self.GAP
            ends.append(end)
        self._ends = ends

    @property
    def value(self) -> str:
        """The key of the option chosen."""
        return self._value

    @value.setter
    def value(self, value: str) -> None:
        self._choose(self.keys.index(value))

    def _choose(self, index: int) -> None:
        """Choose option `index`, highlighted from then on; choosing the chosen one does
        nothing, the highlight included (as a RadioSet's pressed button)."""
        if self.keys[index] == self._value:
            return
        self._value = self.keys[index]
        self.highlighted = index
        self.refresh()
        self.post_message(self.Changed(self, self._value))

    def option_x(self, key: str) -> int:
        """The column where option `key` is drawn (its button's first cell)."""
        index = self.keys.index(key)
        return self._ends[index - 1] if index else 0

    def option_at(self, x: int) -> int | None:
        """The option whose cells (its gap included) hold column `x`, if any."""
        return next((i for i, end in enumerate(self._ends) if 0 <= x < end), None)

    def _move(self, step: int) -> None:
        self.highlighted = (self.highlighted + step) % len(self.keys)
        self.refresh()

    def action_next_option(self) -> None:
        self._move(1)

    def action_previous_option(self) -> None:
        self._move(-1)

    def action_choose(self) -> None:
        self._choose(self.highlighted)

    def on_click(self, event: events.Click) -> None:
        self.focus()
        index = self.option_at(event.x)
        if index is not None:
            self._choose(index)
        self._track_mouse()

    # The option under the mouse is lit: looked up on each mouse event, and as the mouse comes
    # and goes (Textual also says so when the widgets move under a still mouse).
    def on_mouse_move(self) -> None:
        self._track_mouse()

    def on_mouse_down(self) -> None:
        self._track_mouse()

    def on_enter(self) -> None:
        self._track_mouse()

    def on_leave(self) -> None:
        self._track_mouse()

    def _track_mouse(self) -> None:
        app = self.app
        hovered = None
        if app.mouse_over is self:
            hovered = self.option_at(app.mouse_position.x - self.content_region.x)
        if hovered != self.hovered:
            self.hovered = hovered
            self.refresh()

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self._ends[-1]

    def render_line(self, y: int) -> Strip:
        # The gaps after the labels drawn as a button's padding was: blank cells with the
        # background and no text colour, so the cells are the RadioSet's, not only the picture.
        line = super().render_line(y)
        width = line.cell_length
        parts, start = [], 0
        for end in self._ends:
            gap = min(end - self.GAP, width)
            end = min(end, width)
            parts.append(line.crop(start, gap))
            parts.append(background_only(line.crop(gap, end)))
            start = end
        parts.append(line.crop(start, width))
        return Strip.join(parts)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1

    def render(self) -> Content:
        button = self.get_visual_style("choice-row--button")
        chosen = self.get_visual_style("choice-row--button", "choice-row--button-on")
        sides = Style(foreground=button.background, background=self.background_colors[1])
        left, inner, right = self.BUTTON
        parts: list[Content] = []
        for index, (key, label) in enumerate(self.options.items()):
            if index == self.highlighted:
                label_style = self.get_visual_style("choice-row--highlight")
            elif index == self.hovered:
                label_style = self.get_visual_style("choice-row--hover")
            else:
                label_style = self.get_visual_style()
            parts.append(
                Content.assemble(
                    (left, sides),
                    (inner, chosen if key == self._value else button),
                    (right, sides),
                    Content(f" {label} ").stylize_before(label_style),
                    " " * self.GAP,
                )
            )
        return Content.assemble(*parts)


def background_only(strip: Strip) -> Strip:
    """`strip`'s cells as a widget's padding draws them: each style's background kept, its
    text colour and attributes dropped (the gaps ChoiceRow and FieldRow draw where a widget's
    padding was, so the cells are the same, not only the picture)."""
    return Strip(
        Segment(text, RichStyle(bgcolor=style.bgcolor) if style else style)
        for text, style, _ in strip
    )


def toggle_classes(value: bool) -> str | None:
    """The classes a Checkbox (or RadioButton) built with `value` gets as it is built (-on when
    set), to give it up front (see CompactInput)."""
    return "-on" if value else None


class FieldRow(Horizontal):
    """A form row: `label` in the label column, the `fields` beside it, and under them the
    hint line (or the field's error, or a warning: `show`), which wraps under the fields.

    The row draws the label and the hint itself, where it held a label widget and was followed
    by a hint widget: each widget on the first screen is composed, styled, laid out and drawn
    before the wizard can be used (step 1's six rows had eleven such widgets besides their
    fields: a label each, and five hints). `hint=None`: no line under the fields (a Hint
    beside them, say). `second_label`: the label of a second field, drawn in the margin the
    row gives that field (the contexts beside the package: it was a widget too)."""

    # The label's and the hint's looks, as the label and hint widgets had them in CSS: the
    # row's own colour would reach its fields, and a colour written into the text would not
    # be resolved against the background as CSS resolves the theme's `auto` text colours.
    COMPONENT_CLASSES: ClassVar[set[str]] = {"field-row--label", "field-row--hint"}
    DEFAULT_CSS = """
    FieldRow {
        height: auto;
        margin-bottom: 1;
        & > .-after-label { margin-left: 16; }
        & > .field-row--label { color: $text; text-style: bold; }
        & > .field-row--hint { color: $text-muted; }
        &.-error > .field-row--hint { color: $text-error; }
        &.-warning > .field-row--hint { color: $text-warning; }
    }
    """
    LABEL_WIDTH = 16

    def __init__(
        self,
        label: str,
        *fields: Widget,
        hint: str | None = "",
        second_label: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*fields, **kwargs)
        # Given before it is mounted, as Textual's own classes are (see CompactInput).
        fields[0].add_class("-after-label", update=False)
        self.label = label
        # The second field's label, drawn in the margin before that field: it was a label
        # widget of its own, two cells of padding, the label and one more.
        self.second_label = second_label
        if second_label is not None:
            fields[1].styles.margin = (0, 0, 0, len(second_label) + 3)
        self.hint_below = hint is not None
        self._hint = Content(hint or "")
        self._shown: tuple[str, str | None, str | None] = (hint or "", None, None)

    def show(self, text: str, error: str | None = None, warning: str | None = None) -> None:
        """The line under the fields: the hint `text`, or the error, or the warning."""
        if (text, error, warning) == self._shown:
            return  # a repaint and a layout pass for the same line
        self._shown = (text, error, warning)
        self._hint = Content(hint_line(self, text, error, warning))
        self.refresh(layout=True)

    def _second_label_x(self) -> int:
        """Where the second field's label starts: two cells into the margin before it."""
        second = self.children[1]
        return second.region.x - self.content_region.x - second.styles.margin.left + 2

    def render_line(self, y: int) -> Strip:
        # The cells between the two labels drawn as the label widget's padding was: blank,
        # with the background and no text colour (background_only).
        line = super().render_line(y)
        if y or self.second_label is None:
            return line
        start, end = len(self.label), self._second_label_x()
        if end <= start:
            return line  # not laid out yet
        blank = background_only(line.crop(start, end))
        return Strip.join([line.crop(0, start), blank, line.crop(end, line.cell_length)])

    def _hint_lines(self, width: int) -> list[Content]:
        """The hint wrapped as a widget LABEL_WIDTH cells narrower than the row wraps it."""
        room = max(width - self.LABEL_WIDTH, 1)
        return self._hint.wrap(room) if self._hint else [Content("")]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not self.hint_below:
            return super().get_content_height(container, viewport, width)
        return 1 + len(self._hint_lines(width))

    def render(self) -> Content:
        label_style = self.get_visual_style("field-row--label")
        label = Content.styled(self.label, label_style)
        if self.second_label is not None:
            gap = self._second_label_x() - label.cell_length
            label = label.pad_right(gap) + Content.styled(self.second_label, label_style)
        if not self.hint_below:
            return label
        style = self.get_visual_style("field-row--hint")
        indent = Content(" " * self.LABEL_WIDTH)
        lines = [indent + line.stylize(style) for line in self._hint_lines(self.size.width)]
        return Content("\n").join([label, *lines])
