"""Spam from the TUI against the real daemon: marking spam with a block makes
the sender's next mail go straight to spam (real ingest with the team's
policy); restoring brings a thread back to new and can unblock; the block
list screen adds and removes entries; agents cannot open it."""

from __future__ import annotations

import dataclasses

from textual.widgets import Input, OptionList

from shareinbox.config import UiConfig
from shareinbox.policy import TeamPolicy
from shareinbox.screens.blocklist import BlocklistScreen, PatternDialog
from shareinbox.screens.dialogs import ChoiceDialog
from shareinbox.screens.help import HelpScreen
from shareinbox.screens.palette import screen_commands
from shareinbox.store import mirror
from shareinbox.store.ingest import Incoming, Mailbox, ingest
from shareinbox.sync.parse import parse_message
from shareinbox.widgets.thread_list import ThreadList
from tests.daemon.harness import InProcessDaemon
from tests.ops.conftest import mail
from tests.tui.conftest import AppMaker, started, thread_row, toasts, wait_until
from tests.tui.screen_text import screen_text
from tests.tui.shop import NOW
from tests.tui.waits import settled

SHOP = "support@shop.example"


def _ids(daemon: InProcessDaemon) -> dict[str, int]:
    ids: dict[str, int] = daemon.threads  # type: ignore[attr-defined]
    return ids


def _deliver(daemon: InProcessDaemon, sender: str, message_id: str) -> int:
    """A live arrival through the real ingest and the team's policy."""
    raw = mail(sender=sender, to=SHOP, subject="またのご案内", message_id=message_id)
    policy = TeamPolicy(daemon.config)
    with daemon.store.write() as conn:
        account = mirror.ensure_account(conn, "support", SHOP)
        done = ingest(conn, Mailbox(account, frozenset({SHOP})),
                      Incoming(raw, parse_message(raw), NOW), policy=policy,
                      now=NOW)  # fmt: skip
    assert done.thread_id is not None
    return done.thread_id


async def test_marking_spam_with_a_block_sends_the_next_mail_to_spam(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    fresh = _ids(shop_daemon)["fresh"]  # from jane@example.com
    app = tui(login="suzuki")  # any staff member may block the exact sender
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        assert app.screen.query_one(ThreadList).selected["id"] == fresh  # type: ignore[index]
        await pilot.press("exclamation_mark")
        assert isinstance(app.screen, ChoiceDialog)
        assert "jane@example.com" in screen_text(app)
        await pilot.press("down", "enter")  # spam, and block the sender
        await wait_until(
            pilot, lambda: thread_row(shop_daemon, fresh)["status"] == "spam"
        )
        threads = app.screen.query_one(ThreadList)
        await wait_until(pilot, lambda: threads.total == 1 and settled(app))
    with shop_daemon.client(as_login="tanaka") as client:
        blocked = client.call("list_blocklist")["blocked"]
    assert [e["pattern"] for e in blocked] == ["jane@example.com"]
    again = _deliver(shop_daemon, "Jane Doe <jane@example.com>", "<again@example.com>")
    other = _deliver(shop_daemon, "Ken <ken@example.com>", "<other@example.com>")
    assert thread_row(shop_daemon, again)["status"] == "spam"
    assert thread_row(shop_daemon, other)["status"] == "new"


async def test_spam_only_blocks_nobody(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    fresh = _ids(shop_daemon)["fresh"]
    app = tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        await pilot.press("s")  # the status dialog's spam asks the same question
        await pilot.press("down", "down", "down", "down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog)
                         and "Spam only" in screen_text(app))  # fmt: skip
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: thread_row(shop_daemon, fresh)["status"] == "spam"
        )
        threads = app.screen.query_one(ThreadList)
        await wait_until(pilot, lambda: threads.total == 1 and settled(app))
    with shop_daemon.client(as_login="tanaka") as client:
        assert client.call("list_blocklist")["blocked"] == []


async def test_restore_brings_spam_back_and_can_unblock(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    spam = _ids(shop_daemon)["spam"]
    with shop_daemon.client(as_login="tanaka") as client:
        client.call("block", pattern="spam@bad.example")
    app = tui()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await started(pilot, app, 2)
        app.screen.show_view("spam")  # type: ignore[attr-defined]
        threads = app.screen.query_one(ThreadList)
        await wait_until(
            pilot, lambda: threads.total == 1 and threads.selected is not None
        )
        await pilot.press("U")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        assert "unblock spam@bad.example" in screen_text(app)
        await pilot.press("down", "enter")
        await wait_until(
            pilot, lambda: thread_row(shop_daemon, spam)["status"] == "new"
        )
        await wait_until(pilot, lambda: threads.total == 0 and settled(app))
        assert any(f"Thread {spam} is back in new" in t for t in toasts(app))
    with shop_daemon.client(as_login="tanaka") as client:
        assert client.call("list_blocklist")["blocked"] == []


async def test_block_list_screen_adds_and_removes(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        await pilot.press("B")
        await wait_until(pilot, lambda: isinstance(app.screen, BlocklistScreen))
        await wait_until(pilot, lambda: "Nobody is blocked" in screen_text(app))
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, PatternDialog))
        app.screen.query_one(Input).value = "@Spam.Example"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "@spam.example" in screen_text(app))
        assert "tanaka" in screen_text(app)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, PatternDialog))
        app.screen.query_one(Input).value = "not a pattern"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, BlocklistScreen))
        options = app.screen.query_one(OptionList)
        assert options.option_count == 1
        await pilot.press("d")
        await wait_until(pilot, lambda: "Nobody is blocked" in screen_text(app))
    with shop_daemon.client(as_login="tanaka") as client:
        assert client.call("list_blocklist")["blocked"] == []


async def test_agents_do_not_get_the_block_list(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui(login="suzuki")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await started(pilot, app, 2)
        await pilot.press("B")
        await wait_until(
            pilot, lambda: any("Only supervisors" in t for t in toasts(app))
        )
        assert not isinstance(app.screen, BlocklistScreen)


async def test_new_keys_are_in_help_and_palette_and_can_be_remapped(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    shop_daemon.config = dataclasses.replace(
        shop_daemon.config, ui=UiConfig(keymap=(("app.blocklist", "f8"),))
    )
    app = tui(language="ja")
    async with app.run_test(size=(100, 90)) as pilot:
        await started(pilot, app, 2)
        titles = {c.title for c in screen_commands(app, app.screen)}
        assert {"迷惑メールにする", "迷惑メールではない", "レポート",
                "ブロックリスト"} <= titles  # fmt: skip
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for ident in ("thread.spam", "thread.unspam", "app.report", "app.blocklist"):
            assert ident in text
        await pilot.press("escape")
        await pilot.press("B")
        assert not isinstance(app.screen, BlocklistScreen)
        await pilot.press("f8")
        await wait_until(pilot, lambda: isinstance(app.screen, BlocklistScreen))
