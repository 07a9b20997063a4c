"""Masked mall addresses are linked to their buyer by order number."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest

from shareinbox.clock import ManualClock
from shareinbox.service import core
from shareinbox.service import operations as _operations
from shareinbox.store import mirror
from shareinbox.store.customers import is_masked
from shareinbox.store.db import Store
from shareinbox.store.ingest import Incoming, Mailbox, PlainPolicy, ingest
from shareinbox.sync.parse import parse_message
from tests.daemon.harness import daemon_config

assert _operations.MODULES
SHOP = "shop@example.jp"
ORDER_A = "123456-20260101-0000000001"
ORDER_B = "123456-20260201-0000000002"
NOW = 1_767_225_600.0


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty store with the shop's account."""
    opened = Store(tmp_path / "s.db")
    yield opened
    opened.close()


def _receive(store: Store, sender: str, subject: str, body: str) -> int:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = SHOP
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain="mall.example")
    mail.set_content(body)
    raw = bytes(mail)
    with store.write() as conn:
        account_id = mirror.ensure_account(conn, "rakuten", SHOP)
        stored = ingest(
            conn,
            Mailbox(account_id, frozenset({SHOP})),
            Incoming(raw, parse_message(raw), NOW),
            policy=PlainPolicy(),
            now=NOW,
        )
    assert stored.thread_id is not None
    return stored.thread_id


def _customer(store: Store, thread_id: int) -> int:
    with store.read() as conn:
        row = conn.execute(
            "SELECT customer_id FROM thread WHERE id = ?", (thread_id,)
        ).fetchone()
    return int(row[0])


def _masked(store: Store, address: str) -> bool:
    with store.read() as conn:
        row = conn.execute(
            "SELECT masked FROM customer_address WHERE address = ?", (address,)
        ).fetchone()
    return bool(row[0])


def test_masked_domains() -> None:
    assert is_masked("A1B2@pc.fw.rakuten.ne.jp")
    assert is_masked("x@marketplace.amazon.co.jp")
    assert not is_masked("x@rakuten.co.jp")
    assert not is_masked("x@evilfw.rakuten.ne.jp")


def test_a_masked_address_joins_the_buyer_who_owns_the_order(store: Store) -> None:
    first = _receive(
        store, "山田 太郎 <taro@example.jp>", "注文の件", f"注文番号 {ORDER_A}"
    )
    relayed = _receive(
        store, "a1b2c3@pc.fw.rakuten.ne.jp", "[楽天市場]お問い合わせ",
        f"注文番号：{ORDER_A}\n届きません。",
    )  # fmt: skip
    assert _customer(store, relayed) == _customer(store, first)
    assert _masked(store, "a1b2c3@pc.fw.rakuten.ne.jp")
    assert not _masked(store, "taro@example.jp")
    unrelated = _receive(
        store, "zz99@pc.fw.rakuten.ne.jp", "別件", f"注文番号：{ORDER_B}"
    )
    assert _customer(store, unrelated) != _customer(store, first)


def test_history_stays_together_across_orders_and_addresses(
    store: Store, tmp_path: Path
) -> None:
    one = _receive(store, "m1@pc.fw.rakuten.ne.jp", "注文A", f"{ORDER_A} について")
    two = _receive(
        store, "m2@pc.fw.rakuten.ne.jp", "注文Bも", f"{ORDER_B} と {ORDER_A} の件"
    )
    real = _receive(store, "hanako@example.jp", "直接のご連絡", f"注文 {ORDER_B}")
    buyer = _customer(store, one)
    assert _customer(store, two) == buyer
    assert (
        _customer(store, real) == buyer
    )  # the masked-only buyer learns a real address
    other = _receive(store, "jiro@example.jp", "転送", f"注文 {ORDER_A}")
    assert _customer(store, other) != buyer  # a known buyer is not extended by others
    amazon = _receive(
        store, "q@marketplace.amazon.co.jp", "Amazon", "249-1234567-1234567"
    )
    assert _customer(store, amazon) not in (buyer, _customer(store, other))
    config = daemon_config(tmp_path, tmp_path)
    ctx = core.Context(store, config, core.Actor.system(), ManualClock(NOW))
    history = core.call(ctx, "customer_history", {"address": "m2@pc.fw.rakuten.ne.jp"})
    assert {t["id"] for t in history["threads"]} == {one, two, real}
    masked = {a["address"]: a["masked"] for a in history["addresses"]}
    assert masked == {
        "m1@pc.fw.rakuten.ne.jp": True,
        "m2@pc.fw.rakuten.ne.jp": True,
        "hanako@example.jp": False,
    }
