"""The wizard's top line: `protean-init  1 Project → 2 Providers → ...`."""

from __future__ import annotations

from textual.widgets import Static

from scaffolder.ui.wizard.steps import STEP_TITLES

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
        self._named = True

    def on_mount(self) -> None:
        self.fit()

    def on_resize(self) -> None:
        self.fit()

    def fit(self) -> None:
        """Six steps and the tool's name take 86 columns: on a narrower terminal the name
        goes, and every step keeps its room. (The bar spans the terminal.)"""
        steps = " → ".join(f"{i + 1} {title}" for i, title in enumerate(STEP_TITLES))
        named = len(NAME + steps) + 2 <= self.app.size.width
        if named != self._named:  # the first layout's resize changes nothing: no second frame
            self._named = named
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
