"""Triage from the keyboard against a real daemon: claim, release, status (with
a waiting reason and a come-back time), assign, note, memo, reply, keymap."""

from __future__ import annotations

import dataclasses

from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, OptionList, TextArea

from shareinbox.clock import ManualClock
from shareinbox.config import UiConfig
from shareinbox.screens.actions import ThreadActions
from shareinbox.screens.dialogs import (
    ChoiceDialog,
    MemoDialog,
    TextDialog,
    WaitingDialog,
)
from shareinbox.widgets.thread_list import ThreadList
from tests.daemon.harness import InProcessDaemon
from tests.tui.conftest import AppMaker, started, thread_row, toasts, wait_until
from tests.tui.shop import NOW
from tests.tui.waits import settled


def _ids(daemon: InProcessDaemon) -> dict[str, int]:
    ids: dict[str, int] = daemon.threads  # type: ignore[attr-defined]
    return ids


async def test_claim_then_release(tui: AppMaker, shop_daemon: InProcessDaemon) -> None:
    app = tui()
    fresh = _ids(shop_daemon)["fresh"]
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        await pilot.press("c")
        await wait_until(
            pilot, lambda: thread_row(shop_daemon, fresh)["locked_by"] == "tanaka"
        )
        row = thread_row(shop_daemon, fresh)
        assert (row["status"], row["assignee"]) == ("open", "tanaka")
        # The thread left the new view; it is found under "open" with its lock.
        app.screen.show_view("open")  # type: ignore[attr-defined]
        threads = app.screen.query_one(ThreadList)
        await wait_until(
            pilot, lambda: threads.total == 2 and threads.selected is not None
        )
        selected = threads.selected
        assert selected is not None
        assert (selected["id"], selected["locked_by"]) == (fresh, "tanaka")
        await wait_until(pilot, lambda: settled(app))
        await pilot.press("u")
        await wait_until(
            pilot, lambda: thread_row(shop_daemon, fresh)["locked_by"] is None
        )


async def test_waiting_asks_for_a_reason_and_a_come_back_time(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui()
    fresh = _ids(shop_daemon)["fresh"]
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        await pilot.press("s")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("down", "down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, WaitingDialog))
        reasons = app.screen.query_one(OptionList)
        assert [o.id for o in reasons.options] == list(
            shop_daemon.config.waiting_reasons
        )
        await pilot.press("down", "enter")  # supplier, then the time field
        await pilot.press("plus", "2", "d", "enter")
        await wait_until(
            pilot, lambda: thread_row(shop_daemon, fresh)["status"] == "waiting"
        )
        row = thread_row(shop_daemon, fresh)
        assert row["waiting_reason"] == "supplier"
        assert row["waiting_until"] == NOW + 2 * 86400
        threads = app.screen.query_one(ThreadList)
        await wait_until(pilot, lambda: threads.total == 1)


async def test_status_done_and_a_time_that_cannot_be_read(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui()
    fresh = _ids(shop_daemon)["fresh"]
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        await pilot.press("s", "down", "down", "enter", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen.focused, Input))
        await pilot.press("x", "y", "enter")
        assert isinstance(app.screen, WaitingDialog)  # still open, nothing lost
        assert any("Cannot read that time" in t for t in toasts(app))
        await pilot.press("escape")
        await pilot.press("s", "down", "down", "down", "enter")
        await wait_until(
            pilot, lambda: thread_row(shop_daemon, fresh)["status"] == "done"
        )


async def test_assign_to_someone_else(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui()
    fresh = _ids(shop_daemon)["fresh"]
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        await pilot.press("a")
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        assert [v for v, _label in dialog.choices] == ["tanaka", "suzuki", "sato", ""]
        await pilot.press("down", "enter")
        await wait_until(
            pilot, lambda: thread_row(shop_daemon, fresh)["assignee"] == "suzuki"
        )
        threads = app.screen.query_one(ThreadList)
        await wait_until(
            pilot, lambda: (threads.selected or {}).get("assignee") == "suzuki"
        )


async def test_note_and_memo_are_saved_and_shown(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui()
    fresh = _ids(shop_daemon)["fresh"]
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        await pilot.press("enter")
        await wait_until(pilot, lambda: getattr(app.screen, "detail", None) is not None)
        await pilot.press("n")
        assert isinstance(app.screen, TextDialog)
        app.screen.query_one(TextArea).insert("在庫を確認します\x1b]52;c;eA==\x07")
        await pilot.press("ctrl+s")
        await pilot.press("m")
        assert isinstance(app.screen, MemoDialog)
        app.screen.query_one("#phone", Input).value = "090-0000-1111"
        app.screen.query_one(TextArea).insert("Mサイズ希望とのこと")
        await pilot.press("ctrl+s")

        def count(table: str) -> int:
            with shop_daemon.store.read() as conn:  # a fresh snapshot each time
                sql = f"SELECT count(*) FROM {table} WHERE thread_id = ?"
                return int(conn.execute(sql, (fresh,)).fetchone()[0])

        await wait_until(pilot, lambda: count("note") == 1 and count("phone_memo") == 1)
        with shop_daemon.store.read() as conn:
            note = conn.execute(
                "SELECT body FROM note WHERE thread_id = ?", (fresh,)
            ).fetchone()
            memo = conn.execute("SELECT phone, body FROM phone_memo WHERE thread_id = ?",
                                (fresh,)).fetchone()  # fmt: skip
        assert note[0] == "在庫を確認します"  # the pasted escape never left the dialog
        assert tuple(memo) == ("090-0000-1111", "Mサイズ希望とのこと")
        from tests.tui.screen_text import screen_text

        await wait_until(pilot, lambda: "Mサイズ希望とのこと" in screen_text(app))
        assert "在庫を確認します" in screen_text(app)


async def test_reply_without_a_compose_screen_says_so(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui(reply_screen=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        await pilot.press("r")
        assert any("shareinbox reply" in t for t in toasts(app))


async def test_reply_opens_the_screen_the_factory_makes(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    made: list[int] = []

    class ComposeScreen(Screen[None]):
        pass

    def factory(app: object, thread: dict[str, object]) -> Screen[None]:
        made.append(int(str(thread["id"])))
        return ComposeScreen()

    app = tui(reply_screen=factory)
    posted: list[Message] = []
    async with app.run_test(size=(100, 30), message_hook=posted.append) as pilot:
        await started(pilot, app, 2)
        await pilot.press("r")
        assert isinstance(app.screen, ComposeScreen)
        assert made == [_ids(shop_daemon)["fresh"]]
        requested = [m for m in posted if isinstance(m, ThreadActions.ReplyRequested)]
        assert [m.thread["id"] for m in requested] == made


async def test_keys_are_remapped_from_config(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    shop_daemon.config = dataclasses.replace(
        shop_daemon.config, ui=UiConfig(keymap=(("thread.claim", "C"),))
    )
    app = tui()
    fresh = _ids(shop_daemon)["fresh"]
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        await pilot.press("c")
        assert thread_row(shop_daemon, fresh)["locked_by"] is None
        await pilot.press("C")
        await wait_until(
            pilot, lambda: thread_row(shop_daemon, fresh)["locked_by"] == "tanaka"
        )


async def test_the_thread_screen_keeps_my_lock_alive(
    tui: AppMaker, shop_daemon: InProcessDaemon, clock: ManualClock
) -> None:
    short = dataclasses.replace(
        shop_daemon.config,
        server=dataclasses.replace(shop_daemon.config.server, lock_timeout=6),
    )
    shop_daemon.config = shop_daemon.server.config = short
    app = tui()
    fresh = _ids(shop_daemon)["fresh"]
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        await pilot.press("enter")
        await wait_until(pilot, lambda: getattr(app.screen, "detail", None) is not None)
        await pilot.press("c")
        await wait_until(
            pilot, lambda: thread_row(shop_daemon, fresh)["locked_by"] == "tanaka"
        )
        assert thread_row(shop_daemon, fresh)["lock_expires_at"] == NOW + 6
        clock.advance(4)
        await wait_until(
            pilot, lambda: thread_row(shop_daemon, fresh)["lock_expires_at"] == NOW + 10
        )
