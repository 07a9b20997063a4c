"""Live updates: other people's changes, new mail, toasts, account errors,
presence, and a daemon that goes away and comes back."""

from __future__ import annotations

from typing import Any

from shareinbox.clock import ManualClock
from shareinbox.screens.thread import ThreadScreen
from shareinbox.screens.toasts import MAIL_TOASTS
from shareinbox.store import events
from shareinbox.widgets.banner import ConnectionBanner
from shareinbox.widgets.status_bar import StatusBar
from shareinbox.widgets.thread_list import ThreadList
from tests.daemon.harness import InProcessDaemon
from tests.fixtures.seed import seed_thread
from tests.tui.conftest import AppMaker, started, toasts, wait_until
from tests.tui.screen_text import screen_text
from tests.tui.shop import NOW


def _ids(daemon: InProcessDaemon) -> dict[str, int]:
    ids: dict[str, int] = daemon.threads  # type: ignore[attr-defined]
    return ids


def _event(daemon: InProcessDaemon, kind: str, **fields: Any) -> None:
    with daemon.store.write() as conn:
        events.append(conn, kind, at=NOW, **fields)
    daemon.server.notify()


async def test_someone_elses_claim_shows_in_the_list(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui()
    fresh = _ids(shop_daemon)["fresh"]
    async with app.run_test(size=(120, 30)) as pilot:
        await started(pilot, app, 2)
        app.screen.show_view("all")  # type: ignore[attr-defined]
        await wait_until(pilot, lambda: app.screen.query_one(ThreadList).total == 5)
        with shop_daemon.client(as_login="suzuki") as other:
            other.call("claim", thread_id=fresh)
            await wait_until(pilot, lambda: "🔒鈴木" in screen_text(app))
            other.call("set_presence", thread_id=fresh)
            await wait_until(pilot, lambda: "👀" in screen_text(app))


async def test_new_mail_in_my_views_is_listed_and_announced(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await started(pilot, app, 2)
        new = seed_thread(shop_daemon.store, subject="在庫はありますか", received_at=NOW,
                          customer_addr="new@example.jp", customer_name="新規 客")  # fmt: skip
        _event(shop_daemon, "message.new", thread_id=new,
               data={"direction": "in", "subject": "在庫はありますか", "from": "new@example.jp"})  # fmt: skip
        threads = app.screen.query_one(ThreadList)
        await wait_until(pilot, lambda: threads.total == 3)
        await wait_until(
            pilot, lambda: any("在庫はありますか" in t for t in toasts(app))
        )
        assert threads.thread_at(0) is not None
        assert (threads.thread_at(0) or {})["id"] == new


async def test_quiet_mail_is_listed_without_a_toast(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await started(pilot, app, 2)
        quiet = seed_thread(shop_daemon.store, subject="メルマガ", received_at=NOW,
                            customer_addr="news@example.jp")  # fmt: skip
        _event(shop_daemon, "message.new", thread_id=quiet,
               data={"direction": "in", "subject": "メルマガ", "from": "news@example.jp",
                     "notify": False})  # fmt: skip
        loud = seed_thread(shop_daemon.store, subject="至急", received_at=NOW + 1,
                           customer_addr="urgent@example.jp")  # fmt: skip
        _event(shop_daemon, "message.new", thread_id=loud,
               data={"direction": "in", "subject": "至急", "from": "urgent@example.jp"})  # fmt: skip
        threads = app.screen.query_one(ThreadList)
        await wait_until(pilot, lambda: threads.total == 4)
        await wait_until(pilot, lambda: any("至急" in t for t in toasts(app)))
    assert not any("メルマガ" in t for t in toasts(app))


async def test_assignment_to_me_and_approvals_are_announced(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui(login="suzuki")
    fresh = _ids(shop_daemon)["fresh"]
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await started(pilot, app, 2)
        with shop_daemon.client(as_login="tanaka") as boss:
            boss.call("assign", thread_id=fresh, login="suzuki")
        await wait_until(
            pilot, lambda: any(f"Thread {fresh} was assigned" in t for t in toasts(app))
        )
        _event(shop_daemon, "approval.decided", thread_id=fresh,
               data={"author": "suzuki", "decision": "approved"})  # fmt: skip
        await wait_until(pilot, lambda: any("approved" in t for t in toasts(app)))
    boss_app = tui(login="tanaka")
    async with boss_app.run_test(size=(100, 30), notifications=True) as pilot:
        await started(pilot, boss_app, 2)
        _event(
            shop_daemon, "approval.requested", thread_id=fresh, data={"author": "sato"}
        )
        await wait_until(
            pilot, lambda: any("waits for approval" in t for t in toasts(boss_app))
        )


async def test_account_error_shows_in_the_status_bar(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        bar = app.screen.query_one(StatusBar)
        _event(shop_daemon, "account.error",
               data={"account": "support", "error": "login refused\x1b[2J"})  # fmt: skip
        await wait_until(pilot, lambda: "support: login refused" in screen_text(app))
        assert bar.has_class("-error")
        _event(shop_daemon, "account.ok", data={"account": "support"})
        await wait_until(pilot, lambda: "login refused" not in screen_text(app))


async def test_an_open_thread_updates_in_place(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        await pilot.press("enter")
        await wait_until(pilot, lambda: getattr(app.screen, "detail", None) is not None)
        screen = app.screen
        assert isinstance(screen, ThreadScreen)
        with shop_daemon.client(as_login="suzuki") as other:
            other.call(
                "add_note", thread_id=screen.thread_id, text="サイズ表を送ります"
            )
            await wait_until(pilot, lambda: "サイズ表を送ります" in screen_text(app))
            other.call("claim", thread_id=screen.thread_id)
            await wait_until(pilot, lambda: "🔒鈴木" in screen_text(app))


async def test_lost_daemon_shows_a_banner_and_reconnects(
    tui: AppMaker, shop_daemon: InProcessDaemon, clock: ManualClock
) -> None:
    app = tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        banner = app.screen.query_one(ConnectionBanner)
        assert not banner.display
        shop_daemon.stop()
        await wait_until(pilot, lambda: "Daemon unreachable" in screen_text(app))
        assert banner.display
        assert "│ offline" in screen_text(app)
        again = InProcessDaemon(shop_daemon.config, clock=clock).start()
        try:
            seed_thread(again.store, subject="再接続後のメール", received_at=NOW)
            threads = app.screen.query_one(ThreadList)
            await wait_until(pilot, lambda: not banner.display and threads.total == 3)
            assert "再接続後のメール" in screen_text(app)
            assert "offline" not in screen_text(app)
        finally:
            again.stop()


async def test_a_burst_of_new_mail_does_not_flood_the_screen(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await started(pilot, app, 2)
        with shop_daemon.store.write() as conn:
            for n in range(30):
                events.append(conn, "message.new", at=NOW, thread_id=_ids(shop_daemon)["fresh"],
                              data={"direction": "in", "subject": f"burst {n}", "from": "x@y"})  # fmt: skip
        shop_daemon.server.notify()
        await wait_until(
            pilot, lambda: sum("burst" in t for t in toasts(app)) == MAIL_TOASTS
        )
        assert len(app.mail_toasts) == MAIL_TOASTS  # the other 26 were not checked


async def test_the_highlighted_thread_stays_highlighted_when_mail_arrives(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        app.screen.show_view("all")  # type: ignore[attr-defined]
        threads = app.screen.query_one(ThreadList)
        await wait_until(pilot, lambda: threads.total == 5)
        await pilot.press("j", "j")
        chosen = (threads.selected or {})["id"]
        new = seed_thread(shop_daemon.store, subject="割り込み", received_at=NOW)
        _event(shop_daemon, "thread.new", thread_id=new, data={})
        await wait_until(pilot, lambda: threads.total == 6)
        await wait_until(pilot, lambda: threads.cursor == 3)
        assert (threads.selected or {})["id"] == chosen
