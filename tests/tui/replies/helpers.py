"""Helpers of the reply tests: opening the editor, reading what is stored."""

from __future__ import annotations

import sqlite3
from typing import Any

from textual.pilot import Pilot
from textual.widgets import OptionList, TextArea

from shareinbox.app import ShareinboxApp
from shareinbox.screens.compose import ComposeScreen
from shareinbox.screens.template_picker import TemplateDialog
from tests.daemon.harness import InProcessDaemon
from tests.tui.conftest import started, wait_until


def outbox_rows(daemon: InProcessDaemon, thread_id: int) -> list[sqlite3.Row]:
    """The thread's outbox rows, oldest first."""
    with daemon.store.read() as conn:
        rows: list[sqlite3.Row] = conn.execute(
            "SELECT * FROM outbox WHERE thread_id = ? ORDER BY id", (thread_id,)
        ).fetchall()
    return rows


def body_of(app: ShareinboxApp) -> TextArea:
    """The reply editor's text area."""
    return app.screen.query_one("#body", TextArea)


async def open_reply(
    pilot: Pilot[Any],
    app: ShareinboxApp,
    *,
    template: bool = False,
    thread_id: int | None = None,
) -> ComposeScreen:
    """From the inbox, `r` on the highlighted thread (or open the reply to
    `thread_id` directly, as the outbox does); pick the first template (or
    none) when the picker opens for a new draft."""
    if thread_id is None:
        await started(pilot, app, 2)
        await pilot.press("r")
    else:
        await app.wait_connected()
        app.push_screen(ComposeScreen(thread_id))
    await wait_until(
        pilot, lambda: isinstance(app.screen, ComposeScreen | TemplateDialog)
    )
    if isinstance(app.screen, TemplateDialog):
        await picker_options(pilot, app)
        await pilot.press("enter" if template else "escape")
    await wait_until(pilot, lambda: isinstance(app.screen, ComposeScreen))
    screen = app.screen
    assert isinstance(screen, ComposeScreen)
    await wait_until(pilot, lambda: screen.draft is not None)
    return screen


async def picker_options(pilot: Pilot[Any], app: ShareinboxApp) -> OptionList:
    """The template picker's list once it is mounted and filled."""
    await wait_until(
        pilot,
        lambda: (
            isinstance(app.screen, TemplateDialog)
            and bool(app.screen.query(OptionList))
        ),
    )
    options = app.screen.query_one(OptionList)
    await wait_until(pilot, lambda: options.option_count > 0)
    return options
