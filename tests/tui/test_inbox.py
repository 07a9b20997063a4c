"""The inbox screen against a real daemon: views, counts, the list, opening."""

from __future__ import annotations

from shareinbox.screens.inbox import InboxScreen
from shareinbox.screens.thread import ThreadScreen
from shareinbox.widgets.sidebar import ViewSidebar
from shareinbox.widgets.thread_list import ThreadList
from tests.daemon.harness import InProcessDaemon
from tests.tui.conftest import AppMaker, wait_until


def _ids(threads: ThreadList) -> list[int]:
    found = [threads.thread_at(i) for i in range(threads.total)]
    return [int(t["id"]) for t in found if t is not None]


async def test_inbox_shows_new_threads_and_live_counts(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui()
    ids = shop_daemon.threads  # type: ignore[attr-defined]
    async with app.run_test(size=(100, 30)) as pilot:
        threads = app.screen.query_one(ThreadList)
        await wait_until(pilot, lambda: threads.total == 2)
        assert _ids(threads) == [ids["fresh"], ids["late"]]
        sidebar = app.screen.query_one(ViewSidebar)
        assert sidebar.counts["new"] == 2
        assert sidebar.counts["open"] == 1
        assert sidebar.counts["overdue"] == 1
        assert sidebar.counts["mine"] == 1
        assert sidebar.counts["spam"] == 1
        assert sidebar.counts["due_today"] == 1
        await pilot.press("j")
        assert threads.cursor == 1
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ThreadScreen))
        screen = app.screen
        assert isinstance(screen, ThreadScreen)
        await wait_until(pilot, lambda: screen.detail is not None)
        assert screen.thread_id == ids["late"]
        await pilot.press("escape")
        assert isinstance(app.screen, InboxScreen)
