"""Holds and deadlines in the TUI: a waiting thread's reason and time left in
the list; toasts when a hold ends (its time came, or the customer wrote)
and when a first reply is soon due. The daemon's real timer worker
(`Reminders`) makes the events; the shared clock is moved by hand."""

from __future__ import annotations

import dataclasses

from shareinbox.clock import ManualClock
from shareinbox.config import Config
from shareinbox.daemon.reminders import Reminders
from shareinbox.widgets.thread_list import ThreadList
from tests.daemon.harness import InProcessDaemon
from tests.reports.fixture import Shop
from tests.tui.conftest import AppMaker, started, thread_row, toasts, wait_until
from tests.tui.screen_text import screen_text
from tests.tui.shop import HOUR, NOW
from tests.tui.waits import settled


def _ids(daemon: InProcessDaemon) -> dict[str, int]:
    ids: dict[str, int] = daemon.threads  # type: ignore[attr-defined]
    return ids


def _reminders(daemon: InProcessDaemon, clock: ManualClock, before: int) -> Reminders:
    sla = dataclasses.replace(daemon.config.sla, reminder_before=before)
    config: Config = dataclasses.replace(daemon.config, sla=sla)
    return Reminders(daemon.store, config, clock=clock, on_commit=daemon.server.notify)


async def test_waiting_rows_show_the_reason_and_the_time_left(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui(language="ja")
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        app.screen.show_view("waiting")  # type: ignore[attr-defined]
        await wait_until(pilot, lambda: "入荷待ちの確認" in screen_text(app))
        line = next(x for x in screen_text(app).splitlines() if "入荷待ちの確認" in x)
        # seeded: reason "customer", back at NOW + 3h
        assert "(お客様の返事待ち) 入荷待ちの確認" in line
        assert "3h00" in line


async def test_a_hold_that_ends_is_toasted_to_its_assignee(
    tui: AppMaker, shop_daemon: InProcessDaemon, clock: ManualClock
) -> None:
    waiting = _ids(shop_daemon)["waiting"]
    with shop_daemon.client(as_login="tanaka") as client:
        client.call("assign", thread_id=waiting, login="suzuki")
    worker = _reminders(shop_daemon, clock, 0)
    mine, other = tui(login="suzuki"), tui(login="tanaka")
    async with (
        mine.run_test(size=(100, 30), notifications=True) as pilot,
        other.run_test(size=(100, 30), notifications=True) as other_pilot,
    ):
        await started(pilot, mine, 2)
        await started(other_pilot, other, 2)
        clock.advance(3 * HOUR + 1)
        assert worker.tick() == 1
        shop_daemon.server.notify()
        await wait_until(
            pilot, lambda: any(f"Thread {waiting} is back" in t for t in toasts(mine))
        )
        assert thread_row(shop_daemon, waiting)["status"] == "new"
        await other_pilot.pause(0.2)
        assert not any("is back" in t for t in toasts(other))
        await wait_until(pilot, lambda: settled(mine) and settled(other))


async def test_a_customer_writing_to_a_held_thread_is_toasted(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    shop = Shop(shop_daemon.store, shop_daemon.config)
    shop.mail("Q", NOW - HOUR)
    held = shop.threads["Q"]
    with shop_daemon.client(as_login="tanaka") as client:
        client.call("assign", thread_id=held, login="tanaka")
        client.call("set_status", thread_id=held, status="waiting", reason="refund")
    app = tui()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await started(pilot, app, 2)
        shop.mail("Q", NOW - 60)  # the customer writes again: real ingest
        shop_daemon.server.notify()
        await wait_until(
            pilot, lambda: any(f"Thread {held} is new again" in t for t in toasts(app))
        )
        assert thread_row(shop_daemon, held)["status"] == "new"
        threads = app.screen.query_one(ThreadList)
        await wait_until(pilot, lambda: threads.total == 3 and settled(app))


async def test_a_first_reply_soon_due_is_toasted(
    tui: AppMaker, shop_daemon: InProcessDaemon, clock: ManualClock
) -> None:
    fresh = _ids(shop_daemon)["fresh"]  # unassigned, due NOW + 2.5h
    worker = _reminders(shop_daemon, clock, 15 * 60)
    app = tui(language="ja")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await started(pilot, app, 2)
        clock.advance(2.5 * HOUR - 10 * 60)
        assert worker.tick() == 1
        shop_daemon.server.notify()
        await wait_until(
            pilot,
            lambda: any(f"スレッド {fresh}" in t and "13:30" in t for t in toasts(app)),
        )
        await wait_until(pilot, lambda: settled(app))
