"""The other screens and ways in: search, history, help, the command palette,
saving an attachment, the mouse, a narrow terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from shareinbox.screens.dialogs import ChoiceDialog, parse_until
from shareinbox.screens.help import HelpScreen
from shareinbox.screens.history import HistoryScreen
from shareinbox.screens.inbox import InboxScreen
from shareinbox.screens.palette import screen_commands
from shareinbox.screens.save import PathDialog, save_bytes
from shareinbox.screens.thread import ThreadScreen
from shareinbox.widgets.thread_list import ThreadList
from tests.daemon.harness import InProcessDaemon
from tests.tui.conftest import AppMaker, started, thread_row, wait_until
from tests.tui.screen_text import screen_lines, screen_text
from tests.tui.shop import NOW


def _ids(daemon: InProcessDaemon) -> dict[str, int]:
    ids: dict[str, int] = daemon.threads  # type: ignore[attr-defined]
    return ids


async def test_search_lists_matching_threads_and_escape_returns(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        await pilot.press("slash")
        assert isinstance(app.screen.focused, Input)
        app.screen.focused.value = "返品"
        await pilot.press("enter")
        threads = app.screen.query_one(ThreadList)
        await wait_until(
            pilot, lambda: threads.total == 1 and threads.selected is not None
        )
        assert (threads.selected or {})["id"] == _ids(shop_daemon)["mine"]
        assert "Search: 返品 (1)" in screen_text(app)
        await pilot.press("slash")
        assert isinstance(app.screen.focused, Input)
        app.screen.focused.value = "存在しない語"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "No threads here" in screen_text(app))
        assert threads.total == 0
        await pilot.press("escape")
        await wait_until(pilot, lambda: threads.total == 2)


async def test_history_shows_every_thread_of_the_customer(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui()
    ids = _ids(shop_daemon)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        await pilot.press("j", "h")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await wait_until(pilot, lambda: len(screen.timeline) > 0)
        kinds = {e["kind"] for e in screen.timeline}
        assert {"in", "note", "memo"} <= kinds
        assert {e["thread_id"] for e in screen.timeline} == {
            ids["late"],
            ids["waiting"],
        }
        text = screen_text(app)
        assert "入荷待ちの確認" in text
        assert "倉庫に確認中" in text
        # Enter on the highlighted (newest) entry opens its thread.
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ThreadScreen))


async def test_help_lists_every_binding_with_its_id(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui()
    async with app.run_test(size=(100, 80)) as pilot:
        await started(pilot, app, 2)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for ident in ("thread.claim", "thread.status", "thread.assign", "thread.reply",
                      "thread.note", "thread.memo", "thread.history", "inbox.search",
                      "list.down", "list.open", "app.help"):  # fmt: skip
            assert ident in text
        await pilot.press("escape")
        assert isinstance(app.screen, InboxScreen)


async def test_command_palette_offers_every_action_and_runs_one(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui()
    fresh = _ids(shop_daemon)["fresh"]
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        titles = {c.title for c in screen_commands(app, app.screen)}
        assert {"Claim", "Release", "Assign", "Status", "Reply", "Note", "Memo",
                "History", "Search", "Help", "Quit"} <= titles  # fmt: skip
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"claim")
        commands = app.screen.query_one(CommandList)
        await wait_until(
            pilot,
            lambda: (
                commands.option_count > 0
                and "Claim" in str(commands.get_option_at_index(0).prompt)
            ),
        )
        await pilot.press("down", "enter")
        await wait_until(
            pilot, lambda: thread_row(shop_daemon, fresh)["locked_by"] == "tanaka"
        )


async def test_attachment_is_saved_under_a_safe_name(
    tui: AppMaker, shop_daemon: InProcessDaemon, tmp_path: Path
) -> None:
    app = tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        await pilot.press("enter")
        await wait_until(pilot, lambda: getattr(app.screen, "detail", None) is not None)
        assert "サイズ表.pdf" in screen_text(app)
        await pilot.press("d")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PathDialog))
        app.screen.query_one(Input).value = str(tmp_path)
        await pilot.press("enter")
        target = tmp_path / "サイズ表.pdf"
        await wait_until(pilot, target.exists)
        assert target.read_bytes() == b"%PDF-1.4 test"
        assert target.stat().st_mode & 0o777 == 0o600


def test_save_never_overwrites_or_leaves_the_directory(tmp_path: Path) -> None:
    first = save_bytes(tmp_path, "../../a.txt", b"1")
    second = save_bytes(tmp_path, "a.txt", b"2")
    third = save_bytes(tmp_path, "\x1b]52;c;eA==\x07", b"3")
    assert (first.name, second.name) == ("a.txt", "a (2).txt")
    assert third.parent == tmp_path
    assert "\x1b" not in third.name
    assert first.read_bytes() == b"1"
    assert second.read_bytes() == b"2"


async def test_mouse_click_highlights_and_double_click_opens(
    tui: AppMaker, shop_daemon: InProcessDaemon
) -> None:
    app = tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        threads = app.screen.query_one(ThreadList)
        await pilot.click("#threads", offset=(10, 1))
        assert threads.cursor == 1
        await pilot.click("#views", offset=(2, 1))  # 対応中 / open
        await wait_until(
            pilot, lambda: threads.total == 1 and threads.selected is not None
        )
        assert (threads.selected or {})["id"] == _ids(shop_daemon)["mine"]
        await pilot.click("#threads", offset=(10, 0), times=2)
        await wait_until(pilot, lambda: isinstance(app.screen, ThreadScreen))


@pytest.mark.parametrize("language", ["en", "ja"])
async def test_80x24_columns_line_up_with_double_width_text(
    tui: AppMaker, shop_daemon: InProcessDaemon, language: str
) -> None:
    app = tui(language=language)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, app, 2)
        app.screen.show_view("all")  # type: ignore[attr-defined]
        await wait_until(pilot, lambda: app.screen.query_one(ThreadList).total == 5)
        await wait_until(pilot, lambda: "木村" in screen_text(app))
        lines = screen_lines(app)
        from rich.cells import cell_len

        assert all(cell_len(line) == 80 for line in lines)
        rows = [
            line
            for line in lines
            if "example" in line or "Jane" in line or "山田" in line
        ]
        # The time column starts in the same cell on every row.
        times = [line for line in lines if ":" in line and "▕" in line][1:]
        columns = {cell_len(line[: line.index(":")]) for line in times}
        assert len(columns) == 1, times
        assert rows is not None


def test_come_back_times() -> None:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Tokyo")
    assert parse_until("", NOW, tz) is None
    assert parse_until("+3d", NOW, tz) == NOW + 3 * 86400
    assert parse_until("+4h", NOW, tz) == NOW + 4 * 3600
    assert parse_until("2026-01-02", NOW, tz) == NOW + 22 * 3600  # 09:00 next day
    assert parse_until("2026-01-01 14:30", NOW, tz) == NOW + 3.5 * 3600
    with pytest.raises(ValueError):
        parse_until("tomorrow", NOW, tz)
