"""Hostile mail in the reply screens is plain text: the quoted mail and the
subject in the editor, the template preview, the confirmation, the approval
queue and the outbox carry no escape sequence and no live markup."""

from __future__ import annotations

import re

from textual.widgets import Input

from shareinbox.app import ShareinboxApp
from shareinbox.screens.approvals import ApprovalsScreen
from shareinbox.screens.compose import ComposeScreen
from shareinbox.screens.confirm_send import ConfirmSendDialog
from shareinbox.screens.outbox import OutboxScreen
from tests.daemon.harness import InProcessDaemon
from tests.fixtures.seed import seed_thread
from tests.tui.conftest import AppMaker, wait_until
from tests.tui.replies.helpers import body_of, picker_options
from tests.tui.screen_text import screen_segments, screen_text
from tests.tui.shop import NOW

SUBJECT = "\x1b[2J[link=https://evil.example]請求書[/] \x1b]52;c;ZXZpbA==\x07[@click=app.quit]x[/]"
BODY = "本文\x1b]0;owned\x07です\n[/]\x9b31m赤\n[ @click=app.quit]押して[/]\r上書き"
NAME = "[b]悪意[/b]\x1b[31m"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")


def _clean(app: ShareinboxApp) -> None:
    written = screen_segments(app)
    assert "\x1b" not in written
    assert not CONTROL.search(written.replace("\n", ""))


def _thread(daemon: InProcessDaemon) -> int:
    return seed_thread(daemon.store, subject=SUBJECT, body=BODY, customer_name=NAME,
                       customer_addr="evil@example.jp", received_at=NOW)  # fmt: skip


async def test_hostile_mail_in_the_reply_screens_is_plain_text(
    reply_tui: AppMaker, reply_daemon: InProcessDaemon
) -> None:
    thread = _thread(reply_daemon)
    app = reply_tui(login="sato")
    async with app.run_test(size=(120, 36)) as pilot:
        await app.wait_connected()
        app.push_screen(ComposeScreen(thread))
        await picker_options(pilot, app)
        await wait_until(pilot, lambda: "押して" in screen_text(app))
        _clean(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ComposeScreen))
        await wait_until(pilot, lambda: "押して" in body_of(app).text)
        text = screen_text(app)
        assert "[link=https://evil.example]請求書[/]" in text
        assert "> [ @click=app.quit]押して[/]" in text
        assert "[b]悪意[/b]" in text
        assert "\x1b" not in body_of(app).text
        subject = app.screen.query_one("#subject", Input).value
        assert subject.startswith("Re: [link=https://evil.example]請求書[/]")
        _clean(app)
        await pilot.click("#compose-header", offset=(30, 0))  # markup would quit
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmSendDialog))
        assert "[@click=app.quit]x[/]" in screen_text(app)
        _clean(app)
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: not isinstance(app.screen, ComposeScreen | ConfirmSendDialog)
        )
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, OutboxScreen))
        await wait_until(pilot, lambda: "押して" in screen_text(app))
        _clean(app)
        assert app.is_running
    boss = reply_tui(login="tanaka")
    async with boss.run_test(size=(120, 36)) as pilot:
        await boss.wait_connected()
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(boss.screen, ApprovalsScreen))
        await wait_until(pilot, lambda: "押して" in screen_text(boss))
        assert "[link=https://evil.example]請求書[/]" in screen_text(boss)
        _clean(boss)
        await pilot.click("#pending", offset=(30, 0))
        assert boss.is_running
