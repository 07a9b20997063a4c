"""The team report: a week at a time, with text bar charts.

Per-day received / replied / resolved, first-response times (business and
calendar), the share answered within the SLA, the backlog by age, the
busiest hours and the per-staff, per-tag and per-category tables. The
figures come from the daemon's ``report`` operation (supervisors only);
bars are drawn with ``#`` so they line up whatever the terminal's width for
ambiguous characters.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from shareinbox.bindings import translate_bindings
from shareinbox.errors import PermissionDenied, ShareinboxError
from shareinbox.i18n import N_, _, pgettext
from shareinbox.reports.render import bar, format_cell, format_duration, sections
from shareinbox.text import one_line
from shareinbox.widgets.banner import ConnectionBanner
from shareinbox.widgets.cells import fit

if TYPE_CHECKING:
    from shareinbox.app import ShareinboxApp

WEEK = 7 * 86400.0
BAR = 24
COLUMNS = {
    "login": N_("Staff"), "name": N_("Name"), "handled": N_("Threads"),
    "replies": N_("Replies"), "resolved": N_("Resolved"),
    "first_responses": N_("First replies"), "median_business": N_("Median (business)"),
    "median_calendar": N_("Median (calendar)"), "tag": N_("Tag"),
    "category": N_("Category"), "threads": N_("Threads"), "answered": N_("Answered"),
}  # fmt: skip
AGES = {
    "under 4h": N_("under 4h"), "4-24h": N_("4-24h"), "1-3d": N_("1-3d"),
    "3-7d": N_("3-7d"), "over 7d": N_("over 7d"),
}  # fmt: skip
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def _short_day(iso_date: str) -> str:
    day = datetime.fromisoformat(iso_date)
    return day.strftime("%m-%d ") + _(WEEKDAYS[day.weekday()])


def day_chart(report: dict[str, Any]) -> Text:
    """Received (customer mail) and replied per day, with resolved counts."""
    days = report["days"]
    largest = max([d["received"] for d in days] + [d["replied"] for d in days] + [1])
    text = Text()
    for d in days:
        text.append(fit(_short_day(d["date"]), 10) + " ", "dim")
        text.append(fit(pgettext("report", "in"), 4) + " ", "cyan")
        text.append(
            f"{bar(d['received'], largest, BAR):<{BAR}} {d['received']:>4}\n", "cyan"
        )
        text.append(" " * 11 + fit(pgettext("report", "out"), 4) + " ", "green")
        text.append(
            f"{bar(d['replied'], largest, BAR):<{BAR}} {d['replied']:>4}", "green"
        )
        text.append("  " + _("resolved {n}").format(n=d["resolved"]) + "\n", "dim")
    text.rstrip()
    return text


def first_response_text(report: dict[str, Any]) -> Text:
    """Median and p90 first response, and the SLA share."""
    first = report["first_response"]

    def span(value: float | None) -> str:
        return "-" if value is None else format_duration(value)

    lines = [
        _("Threads started: {threads}, answered: {answered}").format(**first),
        _("Median {median} (business), {calendar} (calendar)").format(
            median=span(first["business"]["median"]),
            calendar=span(first["calendar"]["median"])),
        _("90th percentile {p90} (business), {calendar} (calendar)").format(
            p90=span(first["business"]["p90"]), calendar=span(first["calendar"]["p90"])),
        _("Within {target}: {pct} ({within} of {total}; {pending} not due yet)").format(
            target=format_duration(first["sla_target"]),
            pct=format_cell("within_sla_pct", first["within_sla_pct"]),
            within=first["within_sla"], total=first["within_sla"] + first["breached"],
            pending=first["pending"]),
    ]  # fmt: skip
    return Text("\n".join(lines))


def backlog_chart(report: dict[str, Any]) -> Text:
    """Threads still to do by how long the customer has waited."""
    buckets = report["backlog"]["buckets"]
    largest = max([b["total"] for b in buckets] + [1])
    text = Text()
    for b in buckets:
        text.append(fit(_(AGES.get(b["age"], b["age"])), 10) + " ", "dim")
        text.append(f"{bar(b['total'], largest, BAR):<{BAR}} {b['total']:>4}", "yellow")
        detail = _("new {new}, open {open}, waiting {waiting}").format(**b)
        text.append(f"  {detail}\n", "dim")
    text.rstrip()
    return text


def hours_chart(report: dict[str, Any]) -> Text:
    """Customer mail by hour of the day (hours with mail only)."""
    hours = [h for h in report["hours"] if h["received"]]
    largest = max([h["received"] for h in hours] + [1])
    text = Text()
    for h in hours:
        text.append(f"{h['hour']:02d}:00 ", "dim")
        text.append(f"{bar(h['received'], largest, BAR):<{BAR}} {h['received']:>4}\n")
    text.rstrip()
    return text if hours else Text(_("no customer mail"), "dim")


def table(report: dict[str, Any], name: str) -> Table:
    """The staff, tags or categories section as a table."""
    section = next(s for s in sections(report) if s.name == name)
    grid = Table(box=None, pad_edge=False, show_edge=False)
    for column in section.columns:
        left = column in ("login", "name", "tag", "category")
        grid.add_column(_(COLUMNS[column]), no_wrap=True,
                        justify="left" if left else "right")  # fmt: skip
    for row in section.rows:
        grid.add_row(*(Text(one_line(format_cell(c, v)))
                       for c, v in zip(section.columns, row, strict=True)))  # fmt: skip
    return grid


def report_view(report: dict[str, Any]) -> RenderableType:
    """Every part of the report, with headings."""
    parts: list[RenderableType] = []
    for title, body in (
        (_("First response"), first_response_text(report)),
        (_("Per day"), day_chart(report)),
        (_("Backlog by age"), backlog_chart(report)),
        (_("Busiest hours"), hours_chart(report)),
        (_("Staff"), table(report, "staff")),
        (_("Tags"), table(report, "tags")),
        (_("Categories"), table(report, "categories")),
    ):
        parts += [Text(title, "bold underline"), body, Text("")]
    return Group(*parts)


class ReportScreen(Screen[None]):
    """The report of one week; left and right move a week back and forth.

    Attributes:
        report: the figures shown (None until they arrive).
    """

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", N_("Back"), id="report.back"),
        Binding("left", "earlier", N_("Earlier week"), id="report.earlier"),
        Binding("right", "later", N_("Later week"), id="report.later"),
    ]

    def __init__(self, until: float | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.until = until
        self.report: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        """Banner, title, the report, footer."""
        yield ConnectionBanner()
        yield Static(Text(_("Report"), "bold"), id="report-title")
        with VerticalScroll(id="report-body"):
            yield Static(Text(_("Loading…"), "dim"), id="report-view")
        yield Footer()

    def on_mount(self) -> None:
        """Load the report."""
        self.run_worker(self.load(), exclusive=True, group="report")

    def daemon_connected(self) -> None:
        """Reload after a reconnect."""
        self.run_worker(self.load(), exclusive=True, group="report")

    async def load(self) -> None:
        """Ask the daemon for the week ending at `until` (default: today)."""
        app = cast("ShareinboxApp", self.app)
        args = (
            {}
            if self.until is None
            else {"since": self.until - WEEK, "until": self.until}
        )
        view = self.query_one("#report-view", Static)
        try:
            report = await app.request("report", **args)
        except PermissionDenied:
            view.update(Text(_("The report is for supervisors."), "yellow"))
            return
        except ShareinboxError as e:
            view.update(Text(one_line(e.message), "red"))
            return
        self.report = report
        self.until = float(report["until_ts"])
        title = _("Report {since} – {until} ({zone})").format(
            since=report["since"][:10], until=_last_day(report), zone=report["timezone"]
        )
        self.query_one("#report-title", Static).update(Text(title, "bold"))
        view.update(report_view(report))

    def action_back(self) -> None:
        """Back."""
        self.dismiss(None)

    def action_earlier(self) -> None:
        """The week before."""
        if self.until is not None:
            self.until -= WEEK
            self.run_worker(self.load(), exclusive=True, group="report")

    def action_later(self) -> None:
        """The week after."""
        if self.until is not None:
            self.until += WEEK
            self.run_worker(self.load(), exclusive=True, group="report")


def _last_day(report: dict[str, Any]) -> str:
    """The range's last day (``until`` is the start of the next one)."""
    days = report["days"]
    return str(days[-1]["date"]) if days else str(report["until"])[:10]
