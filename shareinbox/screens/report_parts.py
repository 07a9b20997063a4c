"""The pieces of the report screen, built from the daemon's ``report`` answer:
the summary, the charts and the tables (per staff, per tag, per category).

Figures are formatted as in ``shareinbox report`` (`format_cell`); names
and tags pass through `fit` (the sanitiser, then exact cell widths), so
Japanese names keep the columns aligned.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from shareinbox.i18n import N_, _
from shareinbox.reports.render import format_cell, format_duration
from shareinbox.widgets.cells import fit, status_label
from shareinbox.widgets.charts import BarChart, ColumnChart, Series

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"),
            N_("Sun"))  # fmt: skip
AGES = {"under 4h": N_("under 4h"), "4-24h": N_("4-24h"), "1-3d": N_("1-3 days"),
        "3-7d": N_("3-7 days"), "over 7d": N_("over 7 days")}  # fmt: skip
Column = tuple[str, int, bool]  # title, width in cells, right-aligned


def day_label(iso_day: str) -> str:
    """``03-02 Mon`` (the weekday in the UI language)."""
    day = date.fromisoformat(iso_day)
    return f"{day:%m-%d} {_(WEEKDAYS[day.weekday()])}"


def _cell(value: str, width: int, right: bool) -> str:
    shown = fit(value, width)
    if right:
        shown = shown.rstrip()
        shown = " " * (width - cell_len(shown)) + shown
    return shown


def table(columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> Text:
    """A header and rows, each column exactly its width (numbers right)."""
    text = Text(" ".join(_cell(t, w, r) for t, w, r in columns), "bold")
    for row in rows:
        text.append("\n" + " ".join(
            _cell(v, w, r) for v, (_t, w, r) in zip(row, columns, strict=True)))  # fmt: skip
    if not rows:
        text.append("\n" + _("(nothing in this range)"), "dim")
    return text


def totals(report: dict[str, Any]) -> dict[str, int]:
    """Received, replied and resolved over the whole range."""
    days = report["days"]
    return {
        k: sum(int(d[k]) for d in days) for k in ("received", "replied", "resolved")
    }


def summary(report: dict[str, Any]) -> Text:
    """The range's totals, first-response times and the SLA share."""
    first, sums = report["first_response"], totals(report)
    text = Text(_("Received {received} · Replied {replied} · Resolved {resolved}")
                .format(**sums) + "\n")  # fmt: skip
    text.append(_("Threads started: {threads}, answered: {answered}").format(
        threads=first["threads"], answered=first["answered"]) + "\n")  # fmt: skip
    for kind, label in (("business", _("business time")),
                        ("calendar", _("calendar time"))):  # fmt: skip
        spread = first[kind]
        text.append(_("First response ({kind}): median {median} · p90 {p90}").format(
            kind=label, median=format_cell("median_business", spread["median"]),
            p90=format_cell("p90_business", spread["p90"])) + "\n")  # fmt: skip
    share = format_cell("within_sla_pct", first["within_sla_pct"])
    text.append(_("Within SLA ({target}): {share}").format(
        target=format_duration(float(first["sla_target"])), share=share), "bold")  # fmt: skip
    text.append("  " + _("{within} within · {breached} late · {pending} pending").format(
        within=first["within_sla"], breached=first["breached"],
        pending=first["pending"]))  # fmt: skip
    return text


def _duration(value: Any) -> str:
    return format_cell("median_business", value)


def staff_table(report: dict[str, Any]) -> Text:
    """Per staff member: handled, replies, resolved, first responses, medians."""
    columns: list[Column] = [
        (_("Staff"), 14, False), (_("Handled"), 7, True), (_("Replies"), 7, True),
        (_("Resolved"), 8, True), (_("1st"), 5, True),
        (_("Med. (bus.)"), 12, True), (_("Med. (cal.)"), 12, True),
    ]  # fmt: skip
    rows = [
        (str(s["name"] or s["login"] or _("(other mail client)")), str(s["handled"]),
         str(s["replies"]), str(s["resolved"]), str(s["first_responses"]),
         _duration(s["median_business"]), _duration(s["median_calendar"]))
        for s in report["staff"]
    ]  # fmt: skip
    return table(columns, rows)


def group_table(report: dict[str, Any], key: str) -> Text:
    """Per tag (`key` "tag") or category: threads, answered, medians."""
    title = _("Tag") if key == "tag" else _("Category")
    nothing = _("(no tag)") if key == "tag" else _("(no category)")
    columns: list[Column] = [
        (title, 14, False), (_("Threads"), 8, True), (_("Answered"), 8, True),
        (_("Med. (bus.)"), 12, True), (_("Med. (cal.)"), 12, True),
    ]  # fmt: skip
    items = report["tags" if key == "tag" else "categories"]
    rows = [
        (str(g[key] or nothing), str(g["threads"]), str(g["answered"]),
         _duration(g["median_business"]), _duration(g["median_calendar"]))
        for g in items
    ]  # fmt: skip
    return table(columns, rows)


def charts(report: dict[str, Any]) -> list[Widget]:
    """Per day, busiest hours and backlog by age, each under a heading."""
    per_day = BarChart(
        [Series(_("Received"), "cyan"), Series(_("Replied"), "green"),
         Series(_("Resolved"), "magenta")],
        [(day_label(d["date"]), (d["received"], d["replied"], d["resolved"]))
         for d in report["days"]],
        label_width=10, id="chart-days",
    )  # fmt: skip
    hours = ColumnChart(
        [(str(h["hour"]), h["received"]) for h in report["hours"]],
        height=6, style="cyan", id="chart-hours",
    )  # fmt: skip
    backlog = BarChart(
        [Series(status_label("new"), "cyan"), Series(status_label("open"), "blue"),
         Series(status_label("waiting"), "yellow")],
        [(_(AGES.get(b["age"], b["age"])), (b["new"], b["open"], b["waiting"]))
         for b in report["backlog"]["buckets"]],
        label_width=12, id="chart-backlog",
    )  # fmt: skip
    return [
        heading(_("Per day")), per_day,
        heading(_("Busiest hours (customer mail by hour)")), hours,
        heading(_("Backlog by age ({total} to do)").format(
            total=report["backlog"]["total"])), backlog,
    ]  # fmt: skip


def heading(title: str) -> Static:
    """A section title."""
    return Static(Text(title, "bold underline"), classes="heading")
