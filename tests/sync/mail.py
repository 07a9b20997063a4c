"""Japanese and English shop mail for the sync tests, built byte by byte."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from email.header import Header
from email.utils import format_datetime

SHOP = "shop@example.test"
BASE = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def _header(text: str, charset: str) -> str:
    return text if text.isascii() else Header(text, charset).encode()


def message(
    n: int,
    *,
    subject: str = "返品について",
    body: str = "先日注文した商品を返品したいです。",
    sender: tuple[str, str] = ("山田 太郎", "yamada@example.jp"),
    to: str = SHOP,
    charset: str = "iso-2022-jp",
    message_id: str | None = None,
    in_reply_to: str | None = None,
) -> bytes:
    """A text/plain message; ``message_id`` defaults to ``<n.test@example.jp>``."""
    when = BASE + timedelta(minutes=n)
    name, addr = sender
    headers = [
        f"From: {_header(name, charset)} <{addr}>",
        f"To: {to}",
        f"Subject: {_header(subject, charset)}",
        f"Date: {format_datetime(when)}",
        f"Message-ID: {message_id or f'<{n}.test@example.jp>'}",
        "MIME-Version: 1.0",
    ]
    if in_reply_to:
        headers += [f"In-Reply-To: {in_reply_to}", f"References: {in_reply_to}"]
    if charset == "iso-2022-jp":
        payload, cte = body.encode("iso-2022-jp"), "7bit"
    else:
        payload = base64.encodebytes(body.encode(charset))
        cte = "base64"
    headers += [
        f"Content-Type: text/plain; charset={charset}",
        f"Content-Transfer-Encoding: {cte}",
    ]
    head = "\r\n".join(headers).encode("ascii")
    return head + b"\r\n\r\n" + payload.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


SAMPLES = [
    message(1),
    message(
        2,
        subject="注文番号123456-20250301-0000000001の配送",
        body="注文した商品がまだ届きません。①②の件も確認してください。",
        sender=("佐藤 花子", "sato@example.jp"),
        charset="utf-8",
    ),
    message(
        3,
        subject="在庫の確認",
        body="この商品の在庫はありますか。株式会社テスト",
        sender=("鈴木 一郎", "suzuki@example.jp"),
        charset="shift_jis",
    ),
    message(
        4,
        subject="Where is my order?",
        body="My order 249-1234567-7654321 has not arrived.",
        sender=("John Smith", "john@example.com"),
        charset="utf-8",
    ),
    message(
        5,
        subject="Re: 返品について",
        body="追加の質問です。",
        in_reply_to="<1.test@example.jp>",
        charset="iso-2022-jp",
    ),
]
