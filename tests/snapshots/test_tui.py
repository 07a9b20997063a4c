"""SVG snapshots of the main screens at 80x24, in English and Japanese.

The daemon's and the app's clocks are fixed, so times and deadlines are
stable. Update after a deliberate change with ``pytest --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from shareinbox.app import ShareinboxApp
from tests.tui.conftest import AppMaker, started, wait_until

Compare = Callable[..., bool]
pytestmark = pytest.mark.snapshot


def _ready(app: ShareinboxApp, view: str | None = None) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await started(pilot, app, 2)
        if view is not None:
            from shareinbox.widgets.thread_list import ThreadList

            app.screen.show_view(view)  # type: ignore[attr-defined]
            threads = app.screen.query_one(ThreadList)
            await wait_until(
                pilot, lambda: threads.total == 5 and threads.selected is not None
            )

    return run_before


def _thread(app: ShareinboxApp) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await started(pilot, app, 2)
        await pilot.press("j", "enter")
        await wait_until(pilot, lambda: getattr(app.screen, "detail", None) is not None)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("language", ["en", "ja"])
def test_inbox(snap_compare: Compare, tui: AppMaker, language: str) -> None:
    app = tui(language=language)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_ready(app, "all"))


@pytest.mark.parametrize("language", ["en", "ja"])
def test_thread(snap_compare: Compare, tui: AppMaker, language: str) -> None:
    app = tui(language=language)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_thread(app))


@pytest.mark.parametrize("language", ["en", "ja"])
def test_status_dialog(snap_compare: Compare, tui: AppMaker, language: str) -> None:
    app = tui(language=language)
    assert snap_compare(
        app, press=["s"], terminal_size=(80, 24), run_before=_ready(app)
    )


@pytest.mark.parametrize("language", ["en", "ja"])
def test_history(snap_compare: Compare, tui: AppMaker, language: str) -> None:
    app = tui(language=language)

    async def run_before(pilot: Pilot[Any]) -> None:
        from shareinbox.screens.history import HistoryScreen

        await started(pilot, app, 2)
        await pilot.press("j", "h")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await wait_until(pilot, lambda: len(screen.targets) > 0)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
