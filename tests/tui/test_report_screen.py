"""The report screen: the daemon's figures as text charts and tables.

The seeded shop (tests/tui/shop.py; now = Thu 2026-01-01 11:00 JST), last
seven days Fri 12-26 .. Thu 01-01, spam left out (on the report screen of screens/report.py):

    Mon 12-29 03:00  done thread's mail        Tue 12-30 09:00  waiting
    Wed 12-31 09:00  mine; tanaka replies 10:00 (1h business, 1h calendar)
    Thu 01-01 06:00  late     10:30  fresh     (spam at 08:00 is left out)
"""

from __future__ import annotations

import pytest

from shareinbox.screens.report import ReportScreen
from shareinbox.widgets.thread_list import ThreadList
from tests.daemon.harness import InProcessDaemon
from tests.tui.conftest import AppMaker, started, wait_until
from tests.tui.screen_text import screen_lines, screen_text


def _line(lines: list[str], start: str) -> str:
    """The first line whose words begin with the words of `start`."""
    words = start.split()
    return next(x.strip() for x in lines if x.split()[: len(words)] == words)


async def test_report_shows_the_week(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui()
    async with app.run_test(size=(110, 90)) as pilot:
        await started(pilot, app, 2)
        screen = ReportScreen()
        app.push_screen(screen)
        await wait_until(pilot, lambda: bool(screen.query("#report-staff")))
        await pilot.pause()
        text = screen_text(app)
        assert "Report: 2025-12-26 – 2026-01-01 (7 days)" in text
        assert "Threads started: 5, answered: 1" in text
        assert "First response (business time): median 1h 00m · p90 1h 00m" in text
        assert "First response (calendar time): median 1h 00m · p90 1h 00m" in text
        lines = screen_lines(app)
        # received, replied, resolved; Thu 01-01: late and fresh (spam left out)
        thursday = [w for w in _line(lines, "01-01 Thu").split() if w.isdigit()]
        assert thursday == ["2", "0", "0"]
        wednesday = [w for w in _line(lines, "12-31 Wed").split() if w.isdigit()]
        assert wednesday == ["1", "1", "0"]  # tanaka's reply on Wed
        tanaka = _line(lines, "田中 花子").split()
        assert tanaka[2:7] == ["1", "1", "0", "1", "1h"]
        await pilot.press("left")
        await wait_until(pilot, lambda: "2025-12-19 – 2025-12-25" in screen_text(app))
        await wait_until(
            pilot, lambda: "Threads started: 0, answered: 0" in screen_text(app)
        )
        await pilot.press("escape")
        await wait_until(pilot, lambda: bool(app.screen.query(ThreadList)))


async def test_agents_are_told_it_is_for_supervisors(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui("suzuki")
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        app.push_screen(ReportScreen())
        await wait_until(pilot, lambda: "for supervisors" in screen_text(app))


@pytest.mark.parametrize("language", ["ja"])
async def test_in_japanese(
    tui: AppMaker, shop_daemon: InProcessDaemon, language: str
) -> None:
    app = tui(language=language)
    async with app.run_test(size=(110, 90)) as pilot:
        await started(pilot, app, 2)
        screen = ReportScreen()
        app.push_screen(screen)
        await wait_until(pilot, lambda: bool(screen.query("#report-staff")))
        await pilot.pause()
        text = screen_text(app)
        assert "レポート: 2025-12-26 – 2026-01-01 (7日間)" in text
        thursday = [
            w for w in _line(screen_lines(app), "01-01 木").split() if w.isdigit()
        ]
        assert thursday == ["2", "0", "0"]
        assert "新規スレッド: 5、返信済み: 1" in text
