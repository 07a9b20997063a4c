"""`shareinbox.text.clean`: nothing a terminal would interpret gets through."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shareinbox.text import clean, one_line

HOSTILE = [
    ("clear\x1b[2Jscreen", "clearscreen"),
    ("copy\x1b]52;c;ZWNobyBwd25lZA==\x07me", "copyme"),
    ("title\x1b]0;owned\x1b\\ok", "titleok"),
    ("link \x1b]8;;http://evil\x1b\\text\x1b]8;;\x1b\\", "link text"),
    ("c1\x9b31mred\x9b0m", "c1red"),
    ("c1 osc\x9d0;t\x9cafter", "c1 oscafter"),
    ("dcs\x1bPq#0;2;0;0;0\x1b\\end", "dcsend"),
    ("apc\x1b_hidden\x1b\\shown", "apcshown"),
    ("reset\x1bcdone", "resetdone"),
    ("charset\x1b(Bx", "charsetx"),
    ("safe\rEVIL", "safe\nEVIL"),
    ("crlf\r\nline", "crlf\nline"),
    ("bell\x07back\x08space\x7fdel", "bellbackspacedel"),
    ("\u202egnp.exe", "gnp.exe"),
    ("iso\u2066late\u2069", "isolate"),
    ("unterminated \x1b]52;c;abc", "unterminated 52;c;abc"),
    ("half csi \x1b[", "half csi "),
    ("nel\x85x", "nelx"),
    ("sep\u2028line", "sep\nline"),
    ("bad \ud800 surrogate", "bad \ufffd surrogate"),
]


@pytest.mark.parametrize(("raw", "shown"), HOSTILE)
def test_hostile_sequences_are_removed(raw: str, shown: str) -> None:
    assert clean(raw) == shown


def test_ordinary_text_is_kept() -> None:
    text = "ご注文①の件 ※至急\n\t返品 ■ 髙橋 😀 café"
    assert clean(text) == text


def test_tabs_can_become_spaces() -> None:
    assert clean("a\tb", tabsize=4) == "a   b"


def test_one_line_joins_lines() -> None:
    assert one_line(" 件名\n\t続き\x1b[1m ") == "件名 続き"


_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@given(
    st.text(
        alphabet=st.characters(codec="utf-8")
        | st.sampled_from("\x1b\x9b\x9d\x07[]\\;P_^")
    )
)
def test_no_control_character_survives(text: str) -> None:
    assert not _UNSAFE.search(clean(text))


def test_many_introducers_stay_fast() -> None:
    import time

    text = "\x1b]" * 50_000 + "\x9d" * 50_000 + "x" * 100_000
    start = time.perf_counter()
    clean(text)
    assert time.perf_counter() - start < 1.0
