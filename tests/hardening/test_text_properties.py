"""Properties of the one sanitiser and the normalisations built on text."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from shareinbox.store.search import normalize
from shareinbox.sync.subject import normalize_subject
from shareinbox.text import clean, one_line
from shareinbox.widgets.cells import fit, full_time, received

FAST = settings(max_examples=200, deadline=None)

# Everything a terminal interprets: C0 (but newline and tab), DEL, C1, ESC,
# the bidi embeddings, overrides and isolates.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE_PIECES = [
    "\x1b[2J",
    "\x1b]52;c;ZWNobyBwd25lZA==\x07",
    "\x1b]0;title\x1b\\",
    "\x9b31m",
    "\x9d0;t\x9c",
    "\x1bP1$r\x1b\\",
    "\x1b",
    "\x9b",
    "\r",
    "\r\n",
    "\u202e",
    "\u2066",
    "[link=https://evil]",
    "[/]",
    "[@click=app.quit]",
    "\ud800",
    "\u2028",
    "\x00",
]
WIDE = "①※○■😀👍🏽👨‍👩‍👧ｶﾞガ注文髙e\u0301\u3099\u200d\ufe0f"

hostile_text = st.lists(
    st.sampled_from(HOSTILE_PIECES)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=5)
    | st.text(alphabet=st.sampled_from(WIDE + "\x1b[]\\;P_^\x07\x9c abc"), max_size=5),
    max_size=12,
).map("".join)


@FAST
@given(hostile_text)
def test_clean_and_one_line_leave_nothing_a_terminal_interprets(text: str) -> None:
    shown = clean(text)
    assert not UNSAFE.search(shown)
    assert not re.search("[\ud800-\udfff]", shown)
    shown.encode("utf-8")
    assert clean(shown) == shown  # idempotent
    assert clean(clean(text, tabsize=8), tabsize=8) == clean(text, tabsize=8)
    line = one_line(text)
    assert "\n" not in line
    assert "\t" not in line
    assert not UNSAFE.search(line)
    assert one_line(line) == line


@FAST
@given(hostile_text)
def test_subject_and_search_normalisation_are_idempotent(text: str) -> None:
    once = normalize_subject(text)
    assert normalize_subject(once) == once
    folded = normalize(text)
    assert normalize(folded) == folded


def _graphemes_kept(text: str, shown: str) -> bool:
    """The cut text is a prefix of the full text that ends on a cluster edge."""
    body = shown.rstrip(" ").removesuffix("…")
    if not text.startswith(body):
        return False
    rest = text[len(body) :]
    return not body or not rest or not _joins(rest[0])


def _joins(char: str) -> bool:
    import unicodedata

    return unicodedata.category(char) in ("Mn", "Me") or char in "\u200d\ufe0f"


@FAST
@given(hostile_text, st.integers(min_value=0, max_value=40))
def test_fit_is_exactly_the_width_and_cuts_between_characters(
    text: str, width: int
) -> None:
    shown = fit(text, width)
    assert cell_len(shown) == width
    assert not UNSAFE.search(shown)
    assert _graphemes_kept(one_line(text), shown)


@FAST
@given(
    st.text(alphabet=st.sampled_from("①※○■😀注文a\u0301\u200d\ufe0f"), max_size=20),
    st.integers(min_value=1, max_value=12),
)
def test_fit_with_ambiguous_and_wide_characters(text: str, width: int) -> None:
    shown = fit(text, width)
    assert cell_len(shown) == width
    assert _graphemes_kept(one_line(text), shown)


def test_found_cases_fit_their_width() -> None:
    """Cases the properties found: orphan joiners and split clusters."""
    assert fit("\u200d", 1) == " "
    assert fit("a\u200d b", 4) == "a b "
    assert fit("ご注文\u200d①", 7) == "ご注文①"
    assert fit("e\u0301e\u0301e\u0301", 2) == "e\u0301…"
    assert fit("👨\u200d👩\u200d👧 様", 3) == "👨\u200d👩\u200d👧…"


def test_found_case_half_width_kana_before_a_combining_mark() -> None:
    """Found by the property: ｶ + U+3099 normalised to カ + U+3099, not ガ."""
    assert normalize("ｶ\u3099") == "ガ"
    assert normalize("ｶﾞ") == normalize("ガ") == "ガ"


def test_times_out_of_range_show_as_nothing() -> None:
    """A date stored before dates were checked (year 9999 UTC is year 10000
    in Tokyo) made the conversation view raise instead of drawing."""
    tokyo = ZoneInfo("Asia/Tokyo")
    assert full_time(253402297200.0, tokyo) == ""
    assert received(253402297200.0, 1_767_225_600.0, tokyo) == ""
    assert full_time(1_767_225_600.0, tokyo) == "2026-01-01 09:00"
