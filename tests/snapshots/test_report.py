"""SVG snapshots of the report screen at 80x24 (en, ja) over the
hand-computed week of tests/tui/report_shop.py; the clocks are fixed, so
the range and every figure are stable. Update after a deliberate change
with ``pytest --snapshot-update``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.pilot import Pilot

from shareinbox.app import ShareinboxApp
from shareinbox.screens.report import ReportScreen
from tests.daemon.harness import InProcessDaemon, remove_tree, short_dir
from tests.tui.conftest import wait_until
from tests.tui.report_shop import start_week_daemon, week_app

Compare = Callable[..., bool]
pytestmark = pytest.mark.snapshot


@pytest.fixture
def week(tmp_path: Any) -> Iterator[InProcessDaemon]:
    """The week's daemon on a short socket path."""
    sockets = short_dir()
    running = start_week_daemon(tmp_path, sockets)
    yield running
    running.stop()
    remove_tree(sockets)


def _report_open(
    app: ShareinboxApp, press: tuple[str, ...] = ()
) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await app.wait_connected()
        await pilot.press("R", *press)
        await wait_until(pilot, lambda: isinstance(app.screen, ReportScreen))
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        await wait_until(pilot, lambda: bool(screen.query("#report-staff")))
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("language", ["en", "ja"])
def test_report(snap_compare: Compare, week: InProcessDaemon, language: str) -> None:
    app = week_app(week, language=language)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_report_open(app))


@pytest.mark.parametrize("language", ["en", "ja"])
def test_report_tables(
    snap_compare: Compare, week: InProcessDaemon, language: str
) -> None:
    app = week_app(week, language=language)
    assert snap_compare(app, terminal_size=(80, 24),
                        run_before=_report_open(app, ("end",)))  # fmt: skip
