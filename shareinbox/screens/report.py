"""The team report for supervisors: a date range (today, 7 days, 30 days or
custom), the totals and first-response times, charts of mail per day,
busiest hours and backlog by age, and tables per staff, tag and category.

The figures come from the daemon's ``report`` operation (the same as
``shareinbox report``); this screen only draws them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Footer, Static

from shareinbox.bindings import translate_bindings
from shareinbox.errors import PermissionDenied, ShareinboxError
from shareinbox.i18n import N_, _
from shareinbox.screens import report_parts as parts
from shareinbox.screens.base import AppScreen
from shareinbox.screens.report_range import (
    RangeDialog,
    days_range,
    preset_range,
    range_label,
)
from shareinbox.text import one_line
from shareinbox.widgets.banner import ConnectionBanner

if TYPE_CHECKING:
    pass

PRESET_NAMES = {"today": N_("Today"), "7d": N_("7 days"), "30d": N_("30 days"),
                "custom": N_("Custom")}  # fmt: skip


class ReportScreen(AppScreen[None]):
    """Team metrics over a range of days, with charts.

    Attributes:
        preset: "today", "7d", "30d" or "custom".
        since, until: the range shown (epoch seconds, until exclusive).
        report: the daemon's last answer (None until it came).
    """

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", N_("Back"), id="report.back"),
        Binding("t", "preset('today')", N_("Today"), id="report.today"),
        Binding("w", "preset('7d')", N_("7 days"), id="report.week"),
        Binding("m", "preset('30d')", N_("30 days"), id="report.month"),
        Binding("c", "custom", N_("Custom range"), id="report.custom"),
        Binding("left", "shift(-1)", N_("Earlier"), show=False, id="report.earlier"),
        Binding("right", "shift(1)", N_("Later"), show=False, id="report.later"),
        Binding("j,down", "scroll(1)", N_("Down"), show=False, id="report.down"),
        Binding("k,up", "scroll(-1)", N_("Up"), show=False, id="report.up"),
    ]

    def __init__(self, preset: str = "7d") -> None:
        super().__init__()
        translate_bindings(self)
        self.preset = preset
        self.since, self.until = 0.0, 0.0
        self.report: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        """Banner, title, the report, footer."""
        yield ConnectionBanner()
        yield Static(_("Loading…"), id="report-title", markup=False)
        yield VerticalScroll(id="report-body")
        yield Footer()

    def on_mount(self) -> None:
        """Show the starting preset."""
        self.action_preset(self.preset)

    def daemon_connected(self) -> None:
        """After a reconnect: load again."""
        self.run_worker(self.load(), exclusive=True, group="load")

    def action_preset(self, preset: str) -> None:
        """Show today, the last 7 or the last 30 days."""
        app = self.inbox_app
        self.preset = preset
        self.since, self.until = preset_range(preset, app.now(), app.config.shop.tz)
        self.run_worker(self.load(), exclusive=True, group="load")

    def action_custom(self) -> None:
        """Ask for the first and last day."""
        tz = self.inbox_app.config.shop.tz
        current = range_label(self.since, self.until, tz).replace(" – ", " ")

        def chosen(days: tuple[date, date] | None) -> None:
            if days is not None:
                self.preset = "custom"
                self.since, self.until = days_range(*days, tz)
                self.run_worker(self.load(), exclusive=True, group="load")

        self.app.push_screen(RangeDialog(current), chosen)

    def action_shift(self, direction: int) -> None:
        """The range of the same length just before (-1) or after (1)."""
        length = self.until - self.since
        self.preset = "custom"
        self.since += direction * length
        self.until += direction * length
        self.run_worker(self.load(), exclusive=True, group="load")

    async def load(self) -> None:
        """Ask the daemon for the report and draw it."""
        try:
            report = await self.inbox_app.request(
                "report", since=self.since, until=self.until
            )
        except PermissionDenied:
            await self._say(_("The report is for supervisors."))
            return
        except ShareinboxError as e:
            self.notify(one_line(e.message), severity="error", markup=False)
            return
        self.report = report
        await self.show(report)

    async def show(self, report: dict[str, Any]) -> None:
        """Replace the body with `report`."""
        tz = self.inbox_app.config.shop.tz
        title = _("Report: {range} ({preset})").format(
            range=range_label(self.since, self.until, tz),
            preset=_(PRESET_NAMES[self.preset]),
        )
        self.query_one("#report-title", Static).update(title)
        body = self.query_one("#report-body", VerticalScroll)
        await body.remove_children()
        await body.mount_all(self._widgets(report))
        body.scroll_home(animate=False)

    async def _say(self, message: str) -> None:
        body = self.query_one("#report-body", VerticalScroll)
        await body.remove_children()
        await body.mount(Static(Text(message, "yellow"), id="report-message"))

    def _widgets(self, report: dict[str, Any]) -> list[Widget]:
        return [
            Static(parts.summary(report), id="report-summary"),
            *parts.charts(report),
            parts.heading(_("Per staff")),
            Static(parts.staff_table(report), id="report-staff"),
            parts.heading(_("Per tag")),
            Static(parts.group_table(report, "tag"), id="report-tags"),
            parts.heading(_("Per category")),
            Static(parts.group_table(report, "category"), id="report-categories"),
        ]

    def action_back(self) -> None:
        """Back to where I was."""
        self.dismiss(None)

    def action_scroll(self, lines: int) -> None:
        """Scroll the report."""
        self.query_one("#report-body", VerticalScroll).scroll_relative(
            y=lines, animate=False
        )
