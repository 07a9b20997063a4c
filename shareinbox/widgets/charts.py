"""Charts drawn with Unicode block characters, aligned for Japanese labels.

`BarChart` draws one line per row: a label, then for each series a bar of
eighth blocks (``█▉▊▋▌▍▎▏``) and the figure. `ColumnChart` draws vertical
columns (``▁▂▃▄▅▆▇█``), e.g. mail by hour of the day. Labels go through
`fit` (the sanitiser, then exact cell widths), so double-width text keeps
the columns straight; the block characters used are never East-Asian
ambiguous, so terminals agree on their width. Both redraw for their width.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from shareinbox.widgets.cells import fit

EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"
RISING = " ▁▂▃▄▅▆▇"


def hbar(value: float, largest: float, width: int) -> str:
    """A horizontal bar of `width` cells at most, in eighths of a cell."""
    if largest <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = max(1, round(8 * width * value / largest))
    full, part = divmod(eighths, 8)
    return FULL * full + (EIGHTHS[part] if part else "")


def column_cell(value: float, largest: float, height: int, row: int) -> str:
    """One cell of a vertical column: `row` counts up from 0 at the bottom."""
    if largest <= 0 or value <= 0:
        return " "
    eighths = max(1, round(8 * height * value / largest)) - 8 * row
    if eighths >= 8:
        return FULL
    return RISING[eighths] if eighths > 0 else " "


def figure(value: float) -> str:
    """A count as shown beside a bar (no trailing .0)."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


@dataclass(frozen=True)
class Series:
    """One kind of figure in a chart: its name and its style."""

    name: str
    style: str


class BarChart(Widget):
    """Rows of labelled horizontal bars, one column per series.

    Args:
        series: the columns (all drawn to one scale, the largest value).
        rows: (label, one value per series).
        label_width: cells for the labels.
    """

    DEFAULT_CSS = "BarChart { height: auto; }"

    def __init__(
        self,
        series: Sequence[Series],
        rows: Sequence[tuple[str, Sequence[float]]],
        *,
        label_width: int = 10,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.series = list(series)
        self.rows = [(label, list(values)) for label, values in rows]
        self.label_width = label_width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """A header line and a line per row."""
        return len(self.rows) + 1

    def render(self) -> Text:
        """The chart for the current width."""
        return self.chart(self.size.width)

    def chart(self, width: int) -> Text:
        """The chart as text `width` cells wide."""
        count = max(len(self.series), 1)
        column = max((width - self.label_width) // count - 1, 4)
        numbers = max((len(figure(v)) for _l, vs in self.rows for v in vs), default=1)
        bar_width = max(column - numbers - 1, 1)
        largest = max((v for _l, vs in self.rows for v in vs), default=0)
        text = Text(" " * self.label_width)
        for s in self.series:
            text.append(" " + fit(s.name, column), s.style + " bold")
        for label, values in self.rows:
            text.append("\n" + fit(label, self.label_width))
            for s, value in zip(self.series, values, strict=False):
                bar = hbar(value, largest, bar_width)
                text.append(" " + bar, s.style)
                text.append(" " + figure(value).rjust(numbers))
                text.append(" " * (bar_width - len(bar)))
        return text


class ColumnChart(Widget):
    """Vertical columns with a label under every `label_every`-th one.

    Args:
        values: (label, value) per column, left to right.
        height: rows of the tallest column.
        style: the columns' style.
    """

    DEFAULT_CSS = "ColumnChart { height: auto; }"

    def __init__(
        self,
        values: Sequence[tuple[str, float]],
        *,
        height: int = 6,
        style: str = "",
        label_every: int = 3,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.values = list(values)
        self.chart_height = height
        self.style_name = style
        self.label_every = label_every

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The columns, then the labels."""
        return self.chart_height + 1

    def render(self) -> Text:
        """The chart for the current width."""
        return self.chart(self.size.width)

    def chart(self, width: int) -> Text:
        """The chart as text `width` cells wide."""
        largest = max((v for _l, v in self.values), default=0)
        axis = max(len(figure(largest)), 1)
        step = 3 if axis + 1 + 3 * len(self.values) <= width else 2
        text = Text()
        for row in range(self.chart_height - 1, -1, -1):
            mark = figure(largest) if row == self.chart_height - 1 else ""
            text.append(mark.rjust(axis) + "│", "dim")
            for _label, value in self.values:
                cell = column_cell(value, largest, self.chart_height, row)
                text.append(cell * (step - 1) + " ", self.style_name)
            text.append("\n")
        text.append("0".rjust(axis) + "└", "dim")
        for index, (label, _value) in enumerate(self.values):
            shown = label if index % self.label_every == 0 else ""
            text.append(fit(shown, step), "dim")
        return text
