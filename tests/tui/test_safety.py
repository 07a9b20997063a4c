"""Hostile mail is shown as plain text: no escape sequence reaches the
terminal, no Rich markup is interpreted, nothing crashes."""

from __future__ import annotations

import re

from shareinbox.screens.history import HistoryScreen
from shareinbox.screens.thread import ThreadScreen
from shareinbox.store import events
from tests.daemon.harness import InProcessDaemon
from tests.fixtures.seed import seed_thread
from tests.tui.conftest import AppMaker, started, toasts, wait_until
from tests.tui.screen_text import screen_segments, screen_text
from tests.tui.shop import NOW

SUBJECT = "\x1b[2J[link=https://evil.example]請求書[/] \x1b]52;c;ZXZpbA==\x07[@click=app.quit]x[/]"
BODY = "本文\x1b]0;owned\x07です\n[/]\x9b31m赤\n[ @click=app.quit]押して[/]\r上書き"
NAME = "[b]悪意[/b]\x1b[31m"
FILENAME = "\x1b]52;c;ZXZpbA==\x07../../.bashrc"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")


def _seed(daemon: InProcessDaemon) -> int:
    thread = seed_thread(daemon.store, subject=SUBJECT, body=BODY, customer_name=NAME,
                         customer_addr="evil@example.jp", received_at=NOW,
                         attachments=[(FILENAME, "text/plain", b"x")])  # fmt: skip
    with daemon.store.write() as conn:
        events.append(conn, "message.new", at=NOW, thread_id=thread,
                      data={"direction": "in", "subject": SUBJECT, "from": NAME})  # fmt: skip
    return thread


def _clean(app: object) -> None:
    written = screen_segments(app)  # type: ignore[arg-type]
    assert "\x1b" not in written
    assert not CONTROL.search(written.replace("\n", ""))


async def test_hostile_subject_body_and_names_are_plain_text(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui()
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await started(pilot, app, 2)
        thread = _seed(shop_daemon)
        shop_daemon.server.notify()
        await wait_until(
            pilot, lambda: "[link=https://evil.example]" in screen_text(app)
        )
        _clean(app)
        await wait_until(pilot, lambda: any("請求書" in t for t in toasts(app)))
        assert all("\x1b" not in t and "\x07" not in t for t in toasts(app))
        await pilot.click("#threads", offset=(20, 0))  # markup would make this quit
        await pilot.press("home", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ThreadScreen))
        await wait_until(pilot, lambda: "押して" in screen_text(app))
        text = screen_text(app)
        assert "[link=https://evil.example]請求書[/]" in text
        assert "[ @click=app.quit]押して[/]" in text
        assert "[b]悪意[/b]" in text
        assert "bashrc" in text
        assert "../" not in text
        _clean(app)
        await pilot.click("#conversation", offset=(10, 3))
        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await wait_until(pilot, lambda: "請求書" in screen_text(app))
        _clean(app)
        assert app.is_running
        assert thread > 0
