"""8-bit Shift_JIS bodies keep the CP932 characters (① ㈱ 髙)."""

from __future__ import annotations

import pytest

from shareinbox.sync.parse import parse_message

TEXT = "お問い合わせ①の件、㈱髙橋商店です。"


def _message(charset: str, cte: str, body: bytes, multipart: bool = False) -> bytes:
    head = (
        b"From: =?ISO-2022-JP?B?GyRCOWJLNhsoQg==?= <takahashi@example.jp>\r\n"
        b"To: shop@example.test\r\nSubject: test\r\nMIME-Version: 1.0\r\n"
    )
    part = (
        (
            f"Content-Type: text/plain; charset={charset}\r\n"
            f"Content-Transfer-Encoding: {cte}\r\n\r\n"
        ).encode("ascii")
        + body
        + b"\r\n"
    )
    if not multipart:
        return head + part
    return (
        head
        + b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\n'
        + part
        + b"--b1--\r\n"
    )


@pytest.mark.parametrize("charset", ["Shift_JIS", "shift-jis", "x-sjis", "Windows-31J"])
@pytest.mark.parametrize("multipart", [False, True])
def test_8bit_shift_jis_keeps_cp932_characters(charset: str, multipart: bool) -> None:
    raw = _message(charset, "8bit", TEXT.encode("cp932"), multipart)
    parsed = parse_message(raw)
    assert parsed.text.strip() == TEXT
    assert "\ufffd" not in parsed.text


def test_8bit_utf8_unchanged() -> None:
    parsed = parse_message(_message("utf-8", "8bit", TEXT.encode("utf-8")))
    assert parsed.text.strip() == TEXT


def test_8bit_without_charset_is_detected() -> None:
    raw = (
        b"From: a@example.jp\r\nSubject: x\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + TEXT.encode("cp932")
        + b"\r\n"
    )
    assert TEXT in parse_message(raw).text
