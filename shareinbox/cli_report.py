"""`shareinbox report`: team metrics for a date range, as a table, CSV or JSON.

The figures come from the daemon (operation ``report``, supervisors only);
see `shareinbox.reports.metrics` for what each one means.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from shareinbox import cli_output as out
from shareinbox.cli_team import parse_when
from shareinbox.client import SyncClient
from shareinbox.config import load_config
from shareinbox.reports.render import Section, bar, format_cell, sections, to_csv
from shareinbox.text import one_line


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    """`report [--since D] [--until D] [--format table|csv|json]`."""
    parser.add_argument("--since", help="first DATE (or ISO time); default: 6 days ago")
    parser.add_argument(
        "--until", help="last DATE, inclusive (or ISO time); default: today"
    )
    parser.add_argument("--format", choices=["table", "csv", "json"], default=None)
    parser.add_argument(
        "--bom",
        action="store_true",
        help="start the CSV with a UTF-8 byte order mark (for Excel)",
    )


def run_report(args: argparse.Namespace) -> int:
    """Fetch the report from the daemon and print it."""
    config = load_config(args.config)
    tz = config.shop.tz
    call_args: dict[str, Any] = {}
    if args.since:
        call_args["since"] = parse_when(args.since, tz)
    if args.until:
        call_args["until"] = parse_when(args.until, tz, end_of_day=True)
    with SyncClient(config.server.socket, as_login=args.as_login) as client:
        report = client.call("report", **call_args)
    fmt = args.format or ("json" if args.json else "table")
    if fmt == "json":
        out.print_json(report)
    elif fmt == "csv":
        # Excel takes a CSV without a BOM for Shift_JIS and garbles Japanese.
        sys.stdout.write(("\ufeff" if args.bom else "") + to_csv(report))
    else:
        print_tables(report)
    return 0


def _table(section: Section) -> Table:
    table = Table(box=None, pad_edge=False, show_edge=False)
    for column in section.columns:
        numeric = column not in ("date", "age", "login", "name", "tag", "category")
        table.add_column(column.upper(), no_wrap=True,
                         justify="right" if numeric else "left")  # fmt: skip
    if section.name == "hours":
        table.add_column("")
        largest = max((row[1] for row in section.rows), default=0)
    for row in section.rows:
        cells = [
            Text(one_line(format_cell(c, v)))
            for c, v in zip(section.columns, row, strict=True)
        ]
        if section.name == "hours":
            cells.append(Text(bar(row[1], largest)))
        table.add_row(*cells)
    return table


def print_tables(report: dict[str, Any]) -> None:
    """Every section as an aligned table (Rich measures wide characters)."""
    console = Console(file=sys.stdout, highlight=False, markup=False, emoji=False,
                      width=None if sys.stdout.isatty() else 200)  # fmt: skip
    console.print(
        Text(f"report {report['since']} .. {report['until']} ({report['timezone']})")
    )
    for section in sections(report):
        console.print()
        console.print(Text(section.name.replace("_", " ")))
        console.print(_table(section))
