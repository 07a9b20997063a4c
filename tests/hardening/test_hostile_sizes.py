"""Hostile mail shapes that once made parsing quadratic (a stalled sync)."""

from __future__ import annotations

import time

import pytest

from shareinbox.sync.filenames import sanitize_filename
from shareinbox.sync.html_text import MAX_QUOTE, html_to_text
from shareinbox.sync.parse import parse_message
from shareinbox.sync.subject import normalize_subject

# Each took 2 s to 23 s at this size before; linear work takes milliseconds.
# The bound is loose so a busy shared machine cannot fail it by chance.
UNCLOSED = ["<a ", "<!--", "<![", "<a x=\"", "<div\n",
            "<!--]]>", "<br/>#<!--]]>", "<![CDATA[x]>"]  # fmt: skip


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


def test_a_long_attachment_name_is_cut_in_linear_time() -> None:
    """RFC 2231 and RFC 2047 let a name run over many lines; cutting it to
    200 bytes one character at a time was quadratic (seconds per mail)."""
    name = "髙" * 50_000 + ".pdf"
    start = time.perf_counter()
    safe = sanitize_filename(name, "attachment.bin")
    assert time.perf_counter() - start < 1.0
    assert safe == "髙" * 65 + ".pdf"
    params = b"filename*0*=utf-8''%E9%AB%99; " + b"".join(
        b"filename*%d*=%%E9%%AB%%99; " % i for i in range(1, 3000)
    )
    raw = (
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
        b"Content-Type: application/pdf\r\nContent-Disposition: attachment; "
        + params
        + b"\r\n\r\nJVBERi0=\r\n--b--\r\n"
    )
    (attachment,) = parse_message(raw).attachments
    assert attachment.filename == "髙" * 66


def test_a_subject_of_many_reply_prefixes_normalises_in_linear_time() -> None:
    subject = "Re: Fwd[2]: 【楽天】[shop] " * 20_000 + "ご注文について"
    start = time.perf_counter()
    assert normalize_subject(subject) == "ご注文について"
    assert time.perf_counter() - start < 2.0


def test_nested_quotes_do_not_multiply_the_text() -> None:
    """Each level added "> " to every line inside it: 150 KB of nested
    <blockquote> became 288 MB of text (memory, database, search index)."""
    html = "x<blockquote>" * 12_000
    text = html_to_text(html)
    assert len(text) < 10 * len(html)
    assert text.splitlines()[-2] == "> " * MAX_QUOTE + "x"
