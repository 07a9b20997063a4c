"""SVG snapshots of the reply editor and the approval queue, in English and
Japanese, at 80x24 and 120x36. The clocks are fixed and cursors do not
blink, so the pictures are stable; update them after a deliberate change
with ``pytest --snapshot-update``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from shareinbox.app import ShareinboxApp
from shareinbox.screens.approvals import ApprovalsScreen
from tests.daemon.harness import InProcessDaemon
from tests.tui.conftest import AppMaker, wait_until
from tests.tui.replies.conftest import ids
from tests.tui.replies.helpers import open_reply
from tests.tui.screen_text import screen_text

Compare = Callable[..., bool]
RunBefore = Callable[[Pilot[Any]], Awaitable[None]]
pytestmark = pytest.mark.snapshot
SIZES = [(80, 24), (120, 36)]


async def _still(pilot: Pilot[Any], app: ShareinboxApp, focus: str | None) -> None:
    """No blinking, the focus in a known place (on no text field: a text
    cursor is drawn or not depending on when its blink timer last ran)."""
    for area in app.screen.query(TextArea):
        area.cursor_blink = False
        area.move_cursor((0, 0))
        area.scroll_home(animate=False)
    for field in app.screen.query(Input):
        field.cursor_blink = False
    app.screen.set_focus(app.screen.query_one(focus) if focus else None)
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()


def _composing(app: ShareinboxApp) -> RunBefore:
    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await open_reply(pilot, app, template=True)
        await wait_until(pilot, lambda: screen.query_one("#body", TextArea).text != "")
        await wait_until(pilot, lambda: "11:00:00" in screen_text(app))
        original = screen.query_one("#original", Static)
        await wait_until(
            pilot, lambda: "Do you have it in M?" in str(original.render())
        )
        await _still(pilot, app, None)

    return run_before


def _approving(app: ShareinboxApp, daemon: InProcessDaemon) -> RunBefore:
    async def run_before(pilot: Pilot[Any]) -> None:
        thread = ids(daemon)["late"]
        with daemon.client(as_login="sato") as client:
            client.call("claim", thread_id=thread)
            client.call("save_draft", thread_id=thread,
                        body="山田様\n\nお問い合わせありがとうございます。\n倉庫に確認いたします。")  # fmt: skip
            client.call("submit", thread_id=thread)
        await app.wait_connected()
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(app.screen, ApprovalsScreen))
        await wait_until(pilot, lambda: "倉庫に確認いたします" in screen_text(app))
        await _still(pilot, app, "#pending")

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", ["en", "ja"])
def test_compose(
    snap_compare: Compare, reply_tui: AppMaker, language: str, size: tuple[int, int]
) -> None:
    app = reply_tui(language=language)
    assert snap_compare(app, terminal_size=size, run_before=_composing(app))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", ["en", "ja"])
def test_approvals(
    snap_compare: Compare,
    reply_tui: AppMaker,
    reply_daemon: InProcessDaemon,
    language: str,
    size: tuple[int, int],
) -> None:
    app = reply_tui(language=language)
    assert snap_compare(
        app, terminal_size=size, run_before=_approving(app, reply_daemon)
    )
