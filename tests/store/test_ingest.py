"""Storing messages: dedupe, direction, threading, customers, orders, policy."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from shareinbox.store import mirror
from shareinbox.store.db import Store
from shareinbox.store.ingest import Incoming, Ingested, Mailbox, PlainPolicy, ingest
from shareinbox.store.threading import is_generic, msgid, msgids
from shareinbox.sync.parse import ParsedMessage, parse_message
from tests.sync.mail import message

DAY = 86400.0
T0 = 1_750_000_000.0
SHOP = "shop@example.test"


@dataclass
class RecordingPolicy:
    """PlainPolicy's due date, and a record of every on_new_inbound call."""

    calls: list[tuple[int, int, str]] = field(default_factory=list)

    def first_response_due(self, received_at: float) -> float | None:
        return received_at + 7200

    def on_new_inbound(
        self,
        conn: sqlite3.Connection,
        thread_id: int,
        message_row_id: int,
        parsed: ParsedMessage,
        now: float,
    ) -> None:
        self.calls.append((thread_id, message_row_id, parsed.subject))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "s.db")
    with store.write() as conn:
        mirror.ensure_account(conn, "support", SHOP)
    yield store
    store.close()


def put(
    store: Store,
    raw: bytes,
    *,
    at: float = T0,
    role: str = "inbox",
    policy: RecordingPolicy | None = None,
    notify: bool = True,
    parsed: ParsedMessage | None = None,
) -> Ingested:
    incoming = Incoming(raw, parsed or parse_message(raw), at, folder_role=role)
    with store.write() as conn:
        return ingest(
            conn,
            Mailbox(1, frozenset({SHOP}), ("SHOP-[0-9]{4}",)),
            incoming,
            policy=policy or RecordingPolicy(),
            now=at,
            notify=notify,
        )


def rows(store: Store, sql: str, *args: object) -> list[sqlite3.Row]:
    with store.read() as conn:
        return conn.execute(sql, args).fetchall()


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        pytest.param("abc@x", "<abc@x>", id="bare"),
        pytest.param(" <abc@x> ", "<abc@x>", id="bracketed"),
        pytest.param("", None, id="empty"),
        pytest.param("a b@x", None, id="space"),
        pytest.param(None, None, id="none"),
    ],
)
def test_msgid(value: str | None, canonical: str | None) -> None:
    assert msgid(value) == canonical


def test_msgids_keep_order_once() -> None:
    assert msgids(["<a@x> <b@x>", "b@x", None, "c"]) == ["<a@x>", "<b@x>", "<c>"]


@pytest.mark.parametrize(
    ("key", "generic"),
    [
        pytest.param("", True, id="empty"),
        pytest.param("お問い合わせ", True, id="inquiry"),
        pytest.param("お問い合わせ。", True, id="inquiry-punctuated"),
        pytest.param("question", True, id="english"),
        pytest.param("お問い合わせ(返品)", False, id="inquiry-with-matter"),
        pytest.param("返品について", False, id="specific"),
    ],
)
def test_generic_subjects(key: str, generic: bool) -> None:
    assert is_generic(key) is generic


def test_same_message_twice_is_stored_once(store: Store) -> None:
    first = put(store, message(1))
    again = put(store, message(1))
    assert first.created
    assert not again.created
    assert again.message_id == first.message_id
    assert rows(store, "SELECT COUNT(*) FROM message")[0][0] == 1
    assert (
        rows(store, "SELECT COUNT(*) FROM event WHERE kind = 'message.new'")[0][0] == 1
    )


def test_message_without_message_id_dedupes_by_content(store: Store) -> None:
    raw = message(1).replace(b"Message-ID: <1.test@example.jp>\r\n", b"")
    assert put(store, raw).created
    assert not put(store, raw).created
    key = rows(store, "SELECT dedupe_key FROM message")[0][0]
    assert key.startswith("sha256:")
    assert len(key) == 7 + 64


def test_inbound_message_row_and_events(store: Store) -> None:
    policy = RecordingPolicy()
    raw = message(1, body="注文番号 123456-20250301-0000000009 と SHOP-0042 の件")
    stored = put(store, raw, policy=policy)
    row = rows(store, "SELECT * FROM message")[0]
    assert (row["direction"], row["from_addr"], row["from_name"]) == (
        "in",
        "yamada@example.jp",
        "山田 太郎",
    )
    assert row["message_id"] == "<1.test@example.jp>"
    assert json.loads(row["to_json"]) == [{"name": "", "addr": SHOP}]
    assert rows(store, "SELECT text FROM message_body")[0][0].startswith("注文番号")
    thread = rows(store, "SELECT * FROM thread")[0]
    assert thread["first_response_due_at"] == T0 + 7200
    assert thread["customer_id"] is not None
    assert rows(store, "SELECT name FROM customer")[0][0] == "山田 太郎"
    orders = rows(
        store, "SELECT order_id, customer_id FROM order_ref ORDER BY order_id"
    )
    assert [(o[0], o[1]) for o in orders] == [
        ("123456-20250301-0000000009", thread["customer_id"]),
        ("SHOP-0042", thread["customer_id"]),
    ]
    events = rows(store, "SELECT kind, data FROM event ORDER BY id")
    assert [e[0] for e in events] == ["thread.new", "message.new"]
    assert json.loads(events[1][1]) == {
        "message_id": stored.message_id,
        "direction": "in",
        "subject": "返品について",
        "from": "yamada@example.jp",
    }
    assert policy.calls == [(stored.thread_id, stored.message_id, "返品について")]


def test_due_date_only_from_the_first_inbound(store: Store) -> None:
    put(store, message(1))
    put(
        store,
        message(2, subject="Re: 返品について", in_reply_to="<1.test@example.jp>"),
        at=T0 + DAY,
    )
    thread = rows(store, "SELECT * FROM thread")[0]
    assert thread["first_response_due_at"] == T0 + 7200
    assert (thread["message_count"], thread["last_inbound_at"]) == (2, T0 + DAY)


def test_history_import_runs_no_rules_and_reopens_nothing(store: Store) -> None:
    policy = RecordingPolicy()
    put(store, message(1), policy=policy, notify=False)
    with store.write() as conn:
        conn.execute("UPDATE thread SET status = 'done'")
    reply = message(2, subject="Re: 返品について", in_reply_to="<1.test@example.jp>")
    put(store, reply, policy=policy, notify=False, at=T0 + 60)
    assert policy.calls == []
    assert rows(store, "SELECT status FROM thread")[0][0] == "done"


def test_own_address_makes_mail_outgoing(store: Store) -> None:
    policy = RecordingPolicy()
    raw = message(
        1, subject="在庫のご案内", sender=("ショップ", SHOP), to="sato@example.jp"
    )
    stored = put(store, raw, policy=policy)
    assert rows(store, "SELECT direction FROM message")[0][0] == "out"
    thread = rows(store, "SELECT * FROM thread")[0]
    # We wrote first: nobody owes an answer, and the customer is the recipient.
    assert (thread["status"], thread["first_response_due_at"]) == ("done", None)
    customer = rows(
        store,
        "SELECT c.id FROM customer c JOIN customer_address a"
        " ON a.customer_id = c.id WHERE a.address = 'sato@example.jp'",
    )
    assert thread["customer_id"] == customer[0][0]
    assert policy.calls == []
    # The customer's answer reopens the thread and starts the clock.
    answer = message(2, subject="Re: 在庫のご案内", sender=("佐藤", "sato@example.jp"),
                     in_reply_to="<1.test@example.jp>")  # fmt: skip
    put(store, answer, at=T0 + 60, policy=policy)
    thread = rows(store, "SELECT * FROM thread")[0]
    assert (thread["status"], thread["first_response_due_at"]) == (
        "new",
        T0 + 60 + 7200,
    )
    assert stored.thread_id == thread["id"]


def test_sent_folder_mail_is_outgoing_and_counts_as_first_response(
    store: Store,
) -> None:
    put(store, message(1))
    reply = message(2, subject="Re: 返品について", sender=("Shop", "other@shop.example"),
                    to="yamada@example.jp", in_reply_to="<1.test@example.jp>")  # fmt: skip
    put(store, reply, role="sent", at=T0 + 600)
    thread = rows(store, "SELECT * FROM thread")[0]
    assert rows(store, "SELECT direction FROM message ORDER BY id")[1][0] == "out"
    assert (thread["message_count"], thread["first_response_at"]) == (2, T0 + 600)
    assert thread["status"] == "new"


@pytest.mark.parametrize(
    ("second", "delay", "same_thread"),
    [
        pytest.param(
            message(2, subject="Re: 返品について", in_reply_to="<1.test@example.jp>",
                    sender=("Other", "other@example.jp")),
            DAY, True, id="references-win-over-sender",
        ),
        pytest.param(message(2, subject="RE: 返品について"), DAY, True, id="subject-same-customer"),
        pytest.param(message(2, subject="返品について"), 31 * DAY, False, id="subject-after-window"),
        pytest.param(
            message(2, subject="返品について", sender=("Other", "other@example.jp")),
            DAY, False, id="subject-other-customer",
        ),
        pytest.param(message(2, subject="返品のお願い"), DAY, False, id="other-subject"),
    ],
)  # fmt: skip
def test_threading_rules(
    store: Store, second: bytes, delay: float, same_thread: bool
) -> None:
    first = put(store, message(1))
    other = put(store, second, at=T0 + delay)
    assert (first.thread_id == other.thread_id) is same_thread


def test_generic_subject_never_joins_by_subject(store: Store) -> None:
    first = put(store, message(1, subject="お問い合わせ"))
    second = put(store, message(2, subject="Re: お問い合わせ"), at=T0 + 60)
    assert first.thread_id != second.thread_id


def test_subject_never_joins_a_spam_thread(store: Store) -> None:
    first = put(store, message(1))
    with store.write() as conn:
        conn.execute("UPDATE thread SET status = 'spam'")
    assert put(store, message(2), at=T0 + 60).thread_id != first.thread_id


def test_reply_before_its_parent_still_joins(store: Store) -> None:
    reply = message(2, subject="Re: 別件", in_reply_to="<1.test@example.jp>",
                    sender=("Other", "other@example.jp"))  # fmt: skip
    first = put(store, reply)
    parent = put(store, message(1), at=T0 - 60)
    assert first.thread_id == parent.thread_id
    thread = rows(store, "SELECT * FROM thread")[0]
    assert (thread["message_count"], thread["first_message_at"]) == (2, T0 - 60)


def test_unparseable_message_is_still_listed(store: Store) -> None:
    raw = b"Subject: broken\r\n\r\n\xff\xfe"
    parsed = replace(
        parse_message(raw), parse_error="could not parse the MIME structure"
    )
    stored = put(store, raw, parsed=parsed)
    row = rows(store, "SELECT subject, parse_error, raw_sha256 FROM message")[0]
    assert (row[0], row[1]) == ("broken", "could not parse the MIME structure")
    assert (
        rows(store, "SELECT data FROM raw_message WHERE sha256 = ?", row[2])[0][0]
        == raw
    )
    assert stored.thread_id is not None


def test_customer_gets_a_name_later(store: Store) -> None:
    put(store, message(1, sender=("", "nameless@example.jp")))
    put(
        store, message(2, subject="別件", sender=("名無 権兵衛", "nameless@example.jp"))
    )
    assert [r[0] for r in rows(store, "SELECT name FROM customer")] == ["名無 権兵衛"]


def test_plain_policy_counts_calendar_time() -> None:
    assert PlainPolicy(3 * 3600).first_response_due(1000.0) == 1000.0 + 3 * 3600
