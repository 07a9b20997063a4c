"""The report screen against the real daemon and a hand-computed week of
mail (tests/tui/report_shop.py): presets, a custom range, the figures in
the summary, the charts and the tables, and who may open it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from textual.widgets import Input

from shareinbox.app import ShareinboxApp
from shareinbox.screens.report import ReportScreen
from shareinbox.screens.report_parts import table
from shareinbox.screens.report_range import RangeDialog, parse_range
from shareinbox.store import history
from shareinbox.widgets.charts import BarChart, ColumnChart, column_cell, hbar
from tests.daemon.harness import InProcessDaemon
from tests.tui.conftest import toasts, wait_until
from tests.tui.report_shop import NOW, start_week_daemon, week_app
from tests.tui.screen_text import screen_lines, screen_segments, screen_text

ReportApp = Callable[..., ShareinboxApp]


@pytest.fixture
def week_daemon(tmp_path: Path, socket_dir: Path) -> Iterator[InProcessDaemon]:
    """A daemon serving the hand-computed week."""
    running = start_week_daemon(tmp_path, socket_dir)
    yield running
    running.stop()


@pytest.fixture
def report_app(week_daemon: InProcessDaemon) -> ReportApp:
    """The app on the week's daemon (as `login`, default the supervisor)."""

    def make(login: str = "tanaka", language: str = "en") -> ShareinboxApp:
        return week_app(week_daemon, login, language)

    return make


async def open_report(pilot: Any, app: ShareinboxApp) -> ReportScreen:
    """Press R and wait for the report of the last 7 days."""
    await app.wait_connected()
    await pilot.press("R")
    await wait_until(pilot, lambda: isinstance(app.screen, ReportScreen))
    screen = app.screen
    assert isinstance(screen, ReportScreen)
    await wait_until(pilot, lambda: screen.query("#report-staff").first() is not None
                     if screen.report else False)  # fmt: skip
    await pilot.pause()
    return screen


def line_with(app: ShareinboxApp, start: str) -> str:
    """The screen line starting with `start` (stripped of the padding)."""
    found = [x.strip() for x in screen_lines(app) if x.strip().startswith(start)]
    assert found, f"no line starts with {start!r}"
    return found[0]


def words(line: str) -> list[str]:
    """The figures of a line with the bar characters left out."""
    return [w for w in line.split() if not set(w) <= set("█▉▊▋▌▍▎▏")]


async def test_the_week_shows_the_hand_computed_figures(report_app: ReportApp) -> None:
    app = report_app()
    async with app.run_test(size=(100, 120)) as pilot:
        await open_report(pilot, app)
        assert "2026-02-28 – 2026-03-06 (7 days)" in line_with(app, "Report:")
        assert line_with(app, "Received 5") == "Received 5 · Replied 3 · Resolved 3"
        assert line_with(app, "First response (business") .endswith(
            "median 2h 00m · p90 5h 00m")  # fmt: skip
        assert line_with(app, "First response (calendar").endswith(
            "median 17h 00m · p90 18h 00m")  # fmt: skip
        assert line_with(app, "Within SLA") == (
            "Within SLA (3h 00m): 50.0%  2 within · 2 late · 1 pending"
        )
        # per day: received, replied, resolved
        assert words(line_with(app, "03-02 Mon")) == ["03-02", "Mon", "2", "1", "1"]
        assert words(line_with(app, "03-03 Tue")) == ["03-03", "Tue", "1", "1", "1"]
        assert words(line_with(app, "03-04 Wed")) == ["03-04", "Wed", "0", "1", "1"]
        assert words(line_with(app, "03-05 Thu")) == ["03-05", "Thu", "1", "0", "0"]
        assert words(line_with(app, "02-28 Sat")) == ["02-28", "Sat", "0", "0", "0"]
        # backlog: new, open, waiting
        assert words(line_with(app, "under 4h")) == ["under", "4h", "1", "0", "0"]
        assert words(line_with(app, "1-3 days")) == ["1-3", "days", "1", "0", "0"]
        assert words(line_with(app, "3-7 days")) == ["3-7", "days", "0", "0", "0"]
        assert line_with(app, "鈴木 一郎").split()[2:] == [
            "2", "2", "1", "2", "3h", "15m", "9h", "45m"]  # fmt: skip
        assert line_with(app, "田中 花子").split()[2:] == [
            "1", "1", "2", "1", "2h", "00m", "17h", "00m"]  # fmt: skip
        assert line_with(app, "佐藤 美咲").split()[2:] == ["0"] * 4 + ["-", "-"]
        assert line_with(app, "返品").split()[1:] == [
            "2",
            "2",
            "1h",
            "45m",
            "9h",
            "15m",
        ]
        assert line_with(app, "配送").split()[1:] == [
            "1",
            "1",
            "5h",
            "00m",
            "18h",
            "00m",
        ]
        assert line_with(app, "(no tag)").split()[2:] == ["2", "0", "-", "-"]
        assert line_with(app, "delivery").split()[1:] == [
            "1", "1", "5h", "00m", "18h", "00m"]  # fmt: skip
        assert line_with(app, "(no category)").split()[2:] == [
            "4", "2", "1h", "45m", "9h", "15m"]  # fmt: skip


async def test_the_busiest_hours_chart_has_a_column_per_mail_hour(
    report_app: ReportApp,
) -> None:
    app = report_app()
    async with app.run_test(size=(100, 120)) as pilot:
        screen = await open_report(pilot, app)
        chart = screen.query_one("#chart-hours", ColumnChart)
        assert [h for h, v in chart.values if v] == ["9", "10", "11", "17", "20"]
        lines = chart.chart(80).plain.splitlines()
        top = lines[0]
        # every hour with mail has a full column of the same height
        columns = [i for i, c in enumerate(top) if c == "█"]
        assert len(columns) == 5 * 2  # two cells per column at 80 wide
        assert lines[-1].startswith("0└0")


async def test_presets_and_a_custom_range(report_app: ReportApp) -> None:
    app = report_app(language="ja")
    async with app.run_test(size=(100, 120)) as pilot:
        screen = await open_report(pilot, app)
        await pilot.press("t")
        await wait_until(pilot, lambda: "(今日)" in line_with(app, "レポート"))
        assert line_with(app, "受信 1") == "受信 1 · 返信 0 · 完了 0"
        await pilot.press("m")
        await wait_until(
            pilot, lambda: "2026-02-05 – 2026-03-06" in line_with(app, "レポート")
        )
        assert line_with(app, "受信 5").startswith("受信 5")
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, RangeDialog))
        app.screen.query_one(Input).value = "2026-03-03 2026-03-04"
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: "2026-03-03 – 2026-03-04" in line_with(app, "レポート")
        )
        assert screen.since == pytest.approx(NOW - 3 * 86400 - 12 * 3600)
        # Tue and Wed: C in; B and C replied and resolved
        assert line_with(app, "受信 1") == "受信 1 · 返信 2 · 完了 2"
        assert words(line_with(app, "03-03 火")) == ["03-03", "火", "1", "1", "1"]


async def test_agents_cannot_open_the_report(report_app: ReportApp) -> None:
    app = report_app(login="suzuki")
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await app.wait_connected()
        await pilot.press("R")
        await wait_until(
            pilot, lambda: any("Only supervisors" in t for t in toasts(app))
        )
        assert not isinstance(app.screen, ReportScreen)


def test_bars_use_eighths_and_columns_rise() -> None:
    assert hbar(1, 2, 4) == "██"
    assert hbar(1, 8, 1) == "▏"
    assert hbar(3, 16, 2) == "▍"
    assert hbar(5, 8, 2) == "█▎"
    assert hbar(0, 5, 10) == ""
    assert column_cell(4, 8, 2, 0) == "█"
    assert column_cell(4, 8, 2, 1) == " "
    assert column_cell(3, 8, 2, 0) == "▆"
    chart = BarChart([], [("返品について", [])], label_width=6)
    assert chart.chart(40).plain.splitlines()[1] == "返品… "


def test_custom_ranges_are_read_or_refused() -> None:
    first, last = parse_range("2026-03-01 2026-03-31")
    assert (first.day, last.day) == (1, 31)
    assert parse_range("2026-03-05")[0] == parse_range("2026-03-05")[1]
    for bad in ("2026-03-05 2026-03-01", "March", "2026-03-01 2026-03-02 2026-03-03"):
        with pytest.raises(ValueError):
            parse_range(bad)


def test_tables_stay_aligned_with_wide_and_ambiguous_characters() -> None:
    columns = [("Name", 10, False), ("n", 4, True), ("Median", 8, True)]
    rows = [("田中 花子", "12", "2h 00m"), ("木村 ①様", "3", "-"),
            ("a-very-long-login", "1234", "17h 00m")]  # fmt: skip
    lines = table(columns, rows).plain.splitlines()
    assert len(lines) == 4
    assert {cell_len(line) for line in lines} == {10 + 1 + 4 + 1 + 8}
    # equal widths and the same ASCII tail: the name column is exactly 10 cells
    assert lines[1].endswith("  12   2h 00m")
    assert lines[2].endswith("   3        -")
    assert lines[3] == "a-very-lo… 1234  17h 00m"


async def test_hostile_tags_are_plain_text(
    report_app: ReportApp, week_daemon: InProcessDaemon
) -> None:
    hostile = "\x1b]52;c;QUFB\x07[@click=app.quit]返品\x1b[2J"
    with week_daemon.store.write() as conn:
        history.add_tags(conn, _thread_id(week_daemon, "件名 D"), [hostile])
    app = report_app()
    async with app.run_test(size=(100, 120)) as pilot:
        await open_report(pilot, app)
        assert "\x1b" not in screen_segments(app)
        assert "[@click=app.q…" in screen_text(app)  # cut to its column, as text
        assert isinstance(app.screen, ReportScreen)


def _thread_id(daemon: InProcessDaemon, subject: str) -> int:
    with daemon.store.read() as conn:
        row = conn.execute(
            "SELECT id FROM thread WHERE subject = ?", (subject,)
        ).fetchone()
    return int(row[0])
