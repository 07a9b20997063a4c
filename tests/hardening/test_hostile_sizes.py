"""Hostile mail shapes that once made parsing quadratic (a stalled sync)."""

from __future__ import annotations

import time

import pytest

from shareinbox.sync.html_text import html_to_text
from shareinbox.sync.parse import parse_message

# Each took 2 s to 23 s at this size before; linear work takes milliseconds.
# The bound is loose so a busy shared machine cannot fail it by chance.
UNCLOSED = ["<a ", "<!--", "<![", "<a x=\"", "<div\n"]  # fmt: skip


@pytest.mark.parametrize("piece", UNCLOSED)
def test_unclosed_html_is_converted_in_linear_time(piece: str) -> None:
    html = "<p>本文</p>" + piece * 10_000
    start = time.perf_counter()
    text = html_to_text(html)
    assert time.perf_counter() - start < 2.0
    assert text.startswith("本文")


def test_an_html_mail_of_unclosed_tags_parses_quickly_and_keeps_its_text() -> None:
    raw = (
        b"Subject: x\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        + "<p>ご注文</p>".encode()
        + b"<a " * 10_000
    )
    start = time.perf_counter()
    parsed = parse_message(raw)
    assert time.perf_counter() - start < 2.0
    assert parsed.text.startswith("ご注文")
    assert "<a <a" in parsed.text
