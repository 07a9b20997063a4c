"""Warnings before sending, and the choice of SMTP route by recipient domain."""

from __future__ import annotations

import pytest

from shareinbox.config import AccountConfig, ImapConfig, RelayConfig, SmtpConfig
from shareinbox.errors import ProtocolError
from shareinbox.sync.presend import check_reply
from shareinbox.sync.routes import route_for, route_of


def _codes(body: str, files: int = 0, customer: str = "山田 太郎") -> list[str]:
    return [f.code for f in check_reply(body, files, customer)]


@pytest.mark.parametrize(
    ("body", "files", "customer", "expected"),
    [
        ("山田様\n\n見積書を添付いたします。", 0, "山田 太郎", ["missing_attachment"]),
        ("山田様\n\n見積書を添付いたします。", 1, "山田 太郎", []),
        ("Dear Taro,\nPlease find the invoice attached.", 0, "Taro Yamada",
         ["missing_attachment"]),
        ("山田様\n\n> 添付ファイルを見てください\n了解しました。", 0, "山田 太郎", []),
        ("", 0, "山田 太郎", ["empty_body"]),
        ("> 元のメール\n>> さらに前\n\n", 0, "山田 太郎", ["empty_body"]),
        ("佐藤様\n\nお世話になっております。", 0, "山田 太郎", ["name_mismatch"]),
        ("株式会社ABC 佐藤 様\n", 0, "山田 太郎", ["name_mismatch"]),
        ("山田 太郎 様\n", 0, "山田太郎", []),
        ("山田様、いつもありがとうございます。", 0, "山田 太郎", []),
        ("お客様\n\nご注文いただいた商品は、お客様のご都合で", 0, "山田 太郎", []),
        ("Dear Mr. Sato,\nThanks.", 0, "Taro Yamada", ["name_mismatch"]),
        ("山田様\n", 0, "Taro Yamada", []),  # scripts differ: no guess
        ("佐藤様\n", 0, "", []),  # unknown customer name
    ],
)  # fmt: skip
def test_warnings(body: str, files: int, customer: str, expected: list[str]) -> None:
    assert _codes(body, files, customer) == expected


def test_warning_messages_name_what_was_found() -> None:
    found = check_reply("佐藤様\n資料を添付します", 0, "山田 太郎")
    messages = " ".join(f.message for f in found)
    assert "'佐藤'" in messages
    assert "'山田 太郎'" in messages
    assert "'添付'" in messages


def _account() -> AccountConfig:
    relay = SmtpConfig(host="sub.fw.rakuten.ne.jp", username="shop-relay", port=587)
    return AccountConfig(
        name="rakuten",
        address="shop@example.jp",
        imap=ImapConfig(host="imap.example.jp", username="shop"),
        smtp=SmtpConfig(host="smtp.example.jp", username="shop"),
        relays=(
            RelayConfig(domains=("fw.rakuten.ne.jp",), smtp=relay, name="rakuten"),
            RelayConfig(domains=("marketplace.amazon.co.jp",), smtp=relay),
        ),
    )


def test_routes_by_recipient_domain() -> None:
    account = _account()
    assert route_of(account, "abc123@pc.fw.rakuten.ne.jp").name == "rakuten"
    assert route_of(account, "abc123@pc.fw.rakuten.ne.jp").password_key == (
        "rakuten.rakuten"
    )
    assert route_of(account, "x@fw.rakuten.ne.jp").name == "rakuten"
    assert route_of(account, "x@notfw.rakuten.ne.jp").name == ""
    assert route_of(account, "b@marketplace.amazon.co.jp").name == "relay2"
    plain = route_of(account, "taro@example.jp")
    assert (plain.name, plain.smtp.host, plain.password_key) == (
        "", "smtp.example.jp", "rakuten",
    )  # fmt: skip


def test_mixed_routes_are_refused_with_a_reason() -> None:
    with pytest.raises(ProtocolError) as refused:
        route_for(_account(), ["abc@pc.fw.rakuten.ne.jp", "taro@example.jp"])
    assert "separate" in refused.value.message
    with pytest.raises(ProtocolError):
        route_for(_account(), [])
