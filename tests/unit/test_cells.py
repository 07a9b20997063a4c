"""Fitting untrusted text into terminal cells: wide characters, truncation."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from shareinbox.widgets.cells import duration, fit, received, time_left

NOW = 1_767_232_800.0


@pytest.mark.parametrize(
    ("text", "width", "shown"),
    [
        ("abc", 5, "abc  "),
        ("ご注文の商品", 8, "ご注文… "),  # a wide character is never cut in half
        ("ご注文の商品", 7, "ご注文…"),
        ("木村 ①様", 7, "木村 ①…"),  # ① is ambiguous: one cell, like Rich counts it
        ("a\x1b[2Jb\nc", 5, "ab c "),
        ("[b]x[/b]", 8, "[b]x[/b]"),
        ("anything", 0, ""),
    ],
)
def test_fit_pads_or_cuts_on_character_boundaries(
    text: str, width: int, shown: str
) -> None:
    assert fit(text, width) == shown
    assert cell_len(fit(text, width)) == width


def test_time_left_only_for_threads_awaiting_a_first_answer() -> None:
    thread = {"status": "new", "due_ts": NOW + 5400, "first_response_at": None}
    assert time_left(thread, NOW) == ("1h30", False)
    assert time_left({**thread, "due_ts": NOW - 600}, NOW) == ("-10m", True)
    assert time_left({**thread, "status": "waiting"}, NOW) == ("", False)
    assert time_left({**thread, "first_response_at": "2026-01-01"}, NOW) == ("", False)
    assert duration(3 * 86400) == "3d"


def test_received_times_fit_five_cells() -> None:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Tokyo")
    assert received(NOW - 3600, NOW, tz) == "10:00"
    assert received(NOW - 26 * 3600, NOW, tz) == "12/31"  # yesterday, last year
    assert received(NOW - 400 * 86400, NOW, tz) == "2024"
