"""The footer at 80x24: help (``?``) and the command palette (ctrl+p) stay
visible on the inbox and thread screens, in both languages; the keys left
out of the footer are still in help and the palette."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from shareinbox.app import ShareinboxApp
from shareinbox.screens.help import HelpScreen
from tests.tui.conftest import AppMaker, started, wait_until
from tests.tui.screen_text import screen_lines

HELP = {"en": "? Help", "ja": "? ヘルプ"}
PALETTE = {"en": "^p Commands", "ja": "^p コマンド"}


async def _footer(pilot: Pilot[None], app: ShareinboxApp) -> str:
    await wait_until(pilot, lambda: "^p" in screen_lines(app)[-1])
    return screen_lines(app)[-1]


@pytest.mark.parametrize("language", ["en", "ja"])
async def test_help_and_the_palette_fit_in_80_columns(
    tui: AppMaker, language: str
) -> None:
    app = tui(language=language)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, app, 2)
        footer = await _footer(pilot, app)
        assert HELP[language] in footer, footer
        assert footer.rstrip().endswith(PALETTE[language]), footer
        await pilot.press("j", "enter")
        await wait_until(pilot, lambda: getattr(app.screen, "detail", None) is not None)
        footer = await _footer(pilot, app)
        assert HELP[language] in footer, footer
        assert footer.rstrip().endswith(PALETTE[language]), footer


async def test_keys_left_out_of_the_footer_are_in_help(tui: AppMaker) -> None:
    app = tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, app, 2)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        shown = str(app.screen.query_one("#keys", Static).render())
        for label in ("Quit", "Outbox", "Approvals", "Assign", "History"):
            assert label in shown, label
