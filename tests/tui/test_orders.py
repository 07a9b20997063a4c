"""The order panel beside a thread, with a real order command (a small
script): good JSON, a failing command, a command that times out, and a
hostile order number; the order link is an OSC 8 hyperlink built from the
URL-quoted number, and nothing from the mail becomes a link."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.style import Style

from shareinbox.app import ShareinboxApp, make_app
from shareinbox.client import Client
from shareinbox.clock import ManualClock
from shareinbox.config import load_config
from shareinbox.screens.thread import ThreadScreen
from shareinbox.widgets.order_panel import OrderPanel, safe_link
from tests.daemon.harness import InProcessDaemon
from tests.fixtures.configs import write_config
from tests.fixtures.seed import seed_thread
from tests.tui.conftest import AppMaker, wait_until
from tests.tui.screen_text import screen_segments, screen_text
from tests.tui.shop import NOW

GOOD = "123456-20251231-0000000001"
FAILS = "123456-20251231-0000000002"
SLOW = "123456-20251231-0000000003"
HOSTILE = "9\x1b]52;c;QUFB\x07[@click=app.quit]x"
SCRIPT = f"""
import json, sys, time
order = sys.argv[-1]
if order == "{GOOD}":
    print(json.dumps({{"status": "発送済み",
        "items": [{{"name": "湯呑み[/]", "quantity": 2}}, "箸置き"],
        "shipping": {{"carrier": "ヤマト運輸", "tracking": "1234-5678-9012"}}}}))
elif order == "{FAILS}":
    print("no such order in the shop system", file=sys.stderr)
    sys.exit(2)
else:
    time.sleep(5)
"""
URL = "https://oms.example/orders?id={order_id}"


@pytest.fixture
def order_daemon(tmp_path: Path, socket_dir: Path) -> Iterator[InProcessDaemon]:
    """A daemon whose config has an order link and an order command."""
    script = tmp_path / "order_lookup.py"
    script.write_text(SCRIPT, encoding="utf-8")
    extra = (
        f'socket = "{socket_dir / "s.sock"}"\n\n[orders]\nurl = "{URL}"\n'
        f'command = "{sys.executable} {script}"\ntimeout = 1\n'
    )
    config = load_config(write_config(tmp_path, extra=extra))
    running = InProcessDaemon(config, clock=ManualClock(NOW)).start()
    yield running
    running.stop()


def _thread_with_orders(daemon: InProcessDaemon, *orders: str) -> int:
    thread = seed_thread(daemon.store, subject="注文の件", received_at=NOW - 3600,
                         body="注文番号 " + " ".join(orders))  # fmt: skip
    with daemon.store.write() as conn:
        for order in orders:
            conn.execute(
                "INSERT INTO order_ref (order_id, thread_id, customer_id) SELECT ?,"
                " id, customer_id FROM thread WHERE id = ?",
                (order, thread),
            )
    return thread


def _app(daemon: InProcessDaemon) -> ShareinboxApp:
    async def connect() -> Client:
        return await Client.connect(daemon.socket, as_login="tanaka")

    return make_app(daemon.config, connect, clock=ManualClock(NOW), language="ja")


def _links(app: ShareinboxApp) -> set[str]:
    strips = app.screen._compositor.render_strips()
    return {
        seg.style.link
        for strip in strips
        for seg in strip
        if isinstance(seg.style, Style) and seg.style.link
    }


async def test_order_panel_shows_lookups_errors_and_timeouts(
    order_daemon: InProcessDaemon,
) -> None:
    thread = _thread_with_orders(order_daemon, GOOD, FAILS, SLOW)
    app = _app(order_daemon)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.wait_connected()
        app.push_screen(ThreadScreen(thread))
        await wait_until(pilot, lambda: bool(app.screen.query(OrderPanel)))
        panel = app.screen.query_one(OrderPanel)
        await wait_until(pilot, lambda: len(panel.infos) == 3 and not any(
            i.get("pending") for i in panel.infos.values()))  # fmt: skip
        await pilot.pause()
        assert "状態: 発送済み" in screen_text(app)
        text = panel.shown.plain
        assert "· 湯呑み[/] ×2" in text  # markup in the command's output is text
        assert "· 箸置き" in text
        assert "配送: carrier: ヤマト運輸, tracking: 1234-5678-9012" in text
        assert "照会に失敗: the order command failed (exit 2): no such order" in text
        assert "longer than 1 s" in text
        assert _links(app) == {
            f"https://oms.example/orders?id={n}" for n in (GOOD, FAILS, SLOW)
        }
        assert isinstance(app.screen, ThreadScreen)  # nothing crashed the view


async def test_a_hostile_order_number_is_text_and_its_link_is_quoted(
    order_daemon: InProcessDaemon,
) -> None:
    thread = _thread_with_orders(order_daemon, HOSTILE)
    app = _app(order_daemon)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.wait_connected()
        app.push_screen(ThreadScreen(thread))
        await wait_until(pilot, lambda: bool(app.screen.query(OrderPanel)))
        panel = app.screen.query_one(OrderPanel)
        await wait_until(pilot, lambda: bool(panel.infos) and not any(
            i.get("pending") for i in panel.infos.values()))  # fmt: skip
        await pilot.pause()
        assert "\x1b" not in screen_segments(app)
        assert "\x07" not in screen_segments(app)
        assert "9[@click=app.quit]x" in screen_text(app)
        assert "not an order number" in panel.shown.plain
        assert _links(app) == {
            "https://oms.example/orders?id=9%1B%5D52%3Bc%3BQUFB%07%5B%40click%3Dapp.quit%5Dx"
        }


async def test_a_thread_without_orders_has_no_panel(
    order_daemon: InProcessDaemon,
) -> None:
    thread = seed_thread(order_daemon.store, subject="質問", received_at=NOW - 60)
    app = _app(order_daemon)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.wait_connected()
        app.push_screen(ThreadScreen(thread))
        await wait_until(pilot, lambda: getattr(app.screen, "detail", None) is not None)
        await pilot.pause()
        assert not app.screen.query_one(OrderPanel).display


def test_only_plain_http_links_are_accepted() -> None:
    assert safe_link("https://oms.example/o?id=1%1B") == "https://oms.example/o?id=1%1B"
    for bad in ("javascript:alert(1)", "https://x.example/\x1b\\", "https://a b",
                "https://例え.jp/", None, 5):  # fmt: skip
        assert safe_link(bad) is None


async def test_without_a_link_or_command_the_header_is_enough(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    late = shop_daemon.threads["late"]  # type: ignore[attr-defined]
    app = tui()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.wait_connected()
        app.push_screen(ThreadScreen(late))
        await wait_until(pilot, lambda: bool(app.screen.query(OrderPanel)))
        panel = app.screen.query_one(OrderPanel)
        await wait_until(pilot, lambda: bool(panel.orders))
        await wait_until(
            pilot, lambda: "Orders: 123456-20251231-0000000001" in screen_text(app)
        )
        assert not panel.display
