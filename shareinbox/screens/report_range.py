"""The report's date range: presets (today, 7 days, 30 days) and a custom
range typed as two dates, all in the shop's calendar (whole days)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label

from shareinbox.i18n import _
from shareinbox.screens.dialogs import BaseDialog
from shareinbox.text import one_line

PRESET_DAYS = {"today": 1, "7d": 7, "30d": 30}


def day_start(day: date, tz: ZoneInfo) -> float:
    """Epoch seconds of `day` 00:00 in the shop's zone."""
    return datetime.combine(day, time(), tzinfo=tz).timestamp()


def days_range(first: date, last: date, tz: ZoneInfo) -> tuple[float, float]:
    """[first 00:00, the day after last 00:00) as epoch seconds."""
    return day_start(first, tz), day_start(last + timedelta(days=1), tz)


def preset_range(preset: str, now: float, tz: ZoneInfo) -> tuple[float, float]:
    """The range of a preset: the last N days of the calendar, today included."""
    today = datetime.fromtimestamp(now, tz).date()
    return days_range(today - timedelta(days=PRESET_DAYS[preset] - 1), today, tz)


def parse_range(text: str) -> tuple[date, date]:
    """``2026-03-01 2026-03-06`` (or one date: that day) as (first, last).

    Raises:
        ValueError: not one or two dates, or the end before the start.
    """
    parts = text.replace("..", " ").replace("~", " ").split()
    if len(parts) not in (1, 2):
        raise ValueError(text)
    first = date.fromisoformat(parts[0])
    last = date.fromisoformat(parts[-1])
    if last < first:
        raise ValueError(text)
    return first, last


def range_label(since: float, until: float, tz: ZoneInfo) -> str:
    """``2026-03-02 – 2026-03-06`` (the last day shown inclusive)."""
    first = datetime.fromtimestamp(since, tz).date()
    last = datetime.fromtimestamp(until - 1, tz).date()
    if first == last:
        return first.isoformat()
    return f"{first.isoformat()} – {last.isoformat()}"


class RangeDialog(BaseDialog[tuple[date, date]]):
    """Ask for a custom range (Enter shows it, Esc cancels)."""

    def __init__(self, current: str = "") -> None:
        super().__init__(_("Report range"))
        self.current = current

    def compose(self) -> ComposeResult:
        """The title, the field, a hint."""
        with Vertical():
            yield Label(Content(self.title_text))
            yield Input(value=self.current, placeholder="2026-03-01 2026-03-31",
                        id="range")  # fmt: skip
            yield Label(Content(_("first and last day, e.g. 2026-03-01 2026-03-31")),
                        classes="hint")  # fmt: skip

    def on_mount(self) -> None:
        """Focus the field."""
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: the range, or an explanation of what is wrong with it."""
        try:
            self.dismiss(parse_range(one_line(event.value)))
        except ValueError:
            self.notify(_("Cannot read that range; use 2026-03-01 2026-03-31"),
                        severity="error", markup=False)  # fmt: skip
