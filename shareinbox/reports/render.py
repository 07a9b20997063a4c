"""The report as flat sections: for CSV, for tables, for the TUI's charts.

Each section has a name, its column names and rows of raw values (durations
in seconds, None where there is nothing to measure). `format_cell` turns a
raw value into what a person reads: ``2h 05m``, ``93.3%``, ``-``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

DURATION_COLUMNS = frozenset(
    {"median_business", "p90_business", "median_calendar", "p90_calendar",
     "sla_target"}
)  # fmt: skip


@dataclass(frozen=True)
class Section:
    """One table of the report."""

    name: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def _rows(
    items: list[dict[str, Any]], columns: tuple[str, ...]
) -> list[tuple[Any, ...]]:
    return [tuple(item[c] for c in columns) for item in items]


def sections(report: dict[str, Any]) -> list[Section]:
    """The report's tables, in the order they are printed."""
    first = report["first_response"]
    summary = {
        **{k: first[k] for k in ("threads", "answered", "within_sla", "breached",
                                 "pending", "within_sla_pct", "sla_target")},
        "median_business": first["business"]["median"],
        "p90_business": first["business"]["p90"],
        "median_calendar": first["calendar"]["median"],
        "p90_calendar": first["calendar"]["p90"],
    }  # fmt: skip
    spec: list[tuple[str, list[dict[str, Any]], tuple[str, ...]]] = [
        ("days", report["days"],
         ("date", "received", "new_threads", "replied", "resolved")),
        ("first_response", [summary],
         ("threads", "answered", "median_business", "p90_business",
          "median_calendar", "p90_calendar", "sla_target", "within_sla",
          "breached", "pending", "within_sla_pct")),
        ("backlog", report["backlog"]["buckets"],
         ("age", "new", "open", "waiting", "total")),
        ("staff", report["staff"],
         ("login", "name", "handled", "replies", "resolved", "first_responses",
          "median_business", "median_calendar")),
        ("tags", report["tags"],
         ("tag", "threads", "answered", "median_business", "median_calendar")),
        ("categories", report["categories"],
         ("category", "threads", "answered", "median_business",
          "median_calendar")),
        ("hours", report["hours"], ("hour", "received")),
    ]  # fmt: skip
    return [Section(name, cols, _rows(items, cols)) for name, items, cols in spec]


def to_csv(report: dict[str, Any]) -> str:
    """Every section as CSV: a header row, then rows, each starting with the
    section's name; a blank line between sections. Durations in seconds."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for index, section in enumerate(sections(report)):
        if index:
            buffer.write("\n")
        writer.writerow(("section", *section.columns))
        for row in section.rows:
            writer.writerow((section.name, *("" if v is None else v for v in row)))
    return buffer.getvalue()


def format_duration(seconds: float) -> str:
    """``45s``, ``12m``, ``2h 05m``, ``3d 04h`` (rounded to the minute past 1m)."""
    if seconds < 60:
        return f"{round(seconds)}s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours:02d}h"


def format_cell(column: str, value: Any) -> str:
    """A raw value as a person reads it in column `column`."""
    if value is None:
        return "-"
    if column in DURATION_COLUMNS:
        return format_duration(float(value))
    if column.endswith("_pct"):
        return f"{value}%"
    return str(value)


def bar(value: int, largest: int, width: int = 30) -> str:
    """A bar of ``#`` (one cell each, whatever the terminal's ambiguous width)."""
    if largest <= 0 or value <= 0:
        return ""
    return "#" * max(1, round(width * value / largest))
