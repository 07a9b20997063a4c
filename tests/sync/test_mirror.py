"""The IMAP mirror against a real Dovecot: initial, incremental, flags, expunges."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from shareinbox.config import AccountConfig
from tests.sync.conftest import Mirror
from tests.sync.mail import SAMPLES, message

pytestmark = pytest.mark.imap


def test_initial_sync_stores_japanese_mail(mirror: Mirror) -> None:
    mirror.append("INBOX", *SAMPLES)
    report = mirror.sync()
    assert report.ok, report.error
    inbox = report.folders[0]
    assert (inbox.folder, inbox.mode, inbox.new) == ("INBOX", "full", 5)
    subjects = [r[0] for r in mirror.rows("SELECT subject FROM message ORDER BY id")]
    assert subjects == [
        "返品について",
        "注文番号123456-20250301-0000000001の配送",
        "在庫の確認",
        "Where is my order?",
        "Re: 返品について",
    ]
    bodies = [
        r[0] for r in mirror.rows("SELECT text FROM message_body ORDER BY message_id")
    ]
    assert "株式会社テスト" in bodies[2]
    # The reply joined its thread; four threads, each with its customer.
    threads = mirror.rows("SELECT id, message_count, status FROM thread ORDER BY id")
    assert [(t[1], t[2]) for t in threads] == [
        (2, "new"),
        (1, "new"),
        (1, "new"),
        (1, "new"),
    ]
    names = {r[0] for r in mirror.rows("SELECT name FROM customer")}
    assert {"山田 太郎", "佐藤 花子", "鈴木 一郎", "John Smith"} <= names
    orders = {r[0] for r in mirror.rows("SELECT order_id FROM order_ref")}
    assert orders == {"123456-20250301-0000000001", "249-1234567-7654321"}
    assert mirror.stored_state() == mirror.server_state()
    kinds = [r[0] for r in mirror.rows("SELECT kind FROM event ORDER BY id")]
    assert kinds.count("message.new") == 5
    assert kinds.count("thread.new") == 4
    assert kinds[-1] == "account.ok"
    account = mirror.rows("SELECT state, last_sync_at FROM account")[0]
    assert account["state"] == "ok"
    assert account["last_sync_at"] == mirror.clock.now()


def test_sync_never_sets_seen(mirror: Mirror) -> None:
    mirror.append("INBOX", *SAMPLES[:3])
    mirror.sync()
    assert all("\\Seen" not in flags for flags in mirror.server_state().values())


def test_resync_without_change_does_nothing(mirror: Mirror) -> None:
    mirror.append("INBOX", *SAMPLES)
    mirror.append("Sent", message(9, sender=("Shop", mirror.account.address)))
    mirror.sync()
    events_before = mirror.count("event")
    report = mirror.sync()
    assert [(f.mode, f.new, f.changed, f.expunged) for f in report.folders] == [
        ("unchanged", 0, 0, 0),
        ("unchanged", 0, 0, 0),
    ]
    assert mirror.count("event") == events_before
    assert mirror.count("message") == 6


def test_new_mail_is_fetched_incrementally(mirror: Mirror) -> None:
    mirror.append("INBOX", *SAMPLES[:2])
    mirror.sync()
    mirror.append("INBOX", *SAMPLES[2:])
    report = mirror.sync()
    inbox = report.folders[0]
    assert (inbox.mode, inbox.new, inbox.fetched) == ("qresync", 3, 3)
    assert mirror.count("message") == 5
    assert mirror.stored_state() == mirror.server_state()


def test_flag_change_by_another_client(mirror: Mirror) -> None:
    mirror.append("INBOX", *SAMPLES)
    mirror.sync()
    other = mirror.other()
    other.select("INBOX")
    other.client.add_flags([2, 4], [b"\\Flagged", b"$Label1"])
    other.client.add_flags([3], [b"\\Seen"])
    other.close()
    report = mirror.sync()
    assert (report.folders[0].mode, report.folders[0].changed) == ("qresync", 3)
    stored = mirror.stored_state()
    assert stored[2] == "$Label1 \\Flagged"
    assert stored[3] == "\\Seen"
    assert stored == mirror.server_state()


def test_expunge_by_another_client_keeps_history(mirror: Mirror) -> None:
    mirror.append("INBOX", *SAMPLES)
    mirror.sync()
    other = mirror.other()
    other.select("INBOX")
    other.client.delete_messages([1, 3])
    other.client.uid_expunge([1, 3])
    other.close()
    report = mirror.sync()
    assert report.folders[0].expunged == 2
    assert sorted(mirror.stored_state()) == [2, 4, 5]
    # The messages and their threads stay: history is never lost.
    assert mirror.count("message") == 5
    assert mirror.count("thread") == 4
    gone = mirror.rows(
        "SELECT subject FROM message m WHERE NOT EXISTS"
        " (SELECT 1 FROM message_location l WHERE l.message_id = m.id) ORDER BY id"
    )
    assert [r[0] for r in gone] == ["返品について", "在庫の確認"]


def test_same_message_id_in_two_folders_is_one_message(mirror: Mirror) -> None:
    mirror.account = _with_folders(mirror, ("INBOX", "Archive"))
    mirror.append("INBOX", SAMPLES[0], SAMPLES[1])
    mirror.append("Archive", SAMPLES[0])
    report = mirror.sync()
    assert report.ok, report.error
    assert mirror.count("message") == 2
    assert mirror.count("message_location") == 3
    places = mirror.rows(
        "SELECT f.name FROM message_location l JOIN folder f ON f.id = l.folder_id"
        " JOIN message m ON m.id = l.message_id WHERE m.message_id = '<1.test@example.jp>'"
        " ORDER BY f.name"
    )
    assert [p[0] for p in places] == ["Archive", "INBOX"]


def test_sent_mail_is_outgoing_and_joins_the_thread(mirror: Mirror) -> None:
    mirror.append("INBOX", SAMPLES[0])
    reply = message(
        10,
        subject="Re: 返品について",
        body="返品を承りました。",
        sender=("ショップ", mirror.account.address),
        to="yamada@example.jp",
        message_id="<reply.10@example.test>",
        in_reply_to="<1.test@example.jp>",
        charset="utf-8",
    )
    mirror.append("Sent", reply, flags=("\\Seen",))
    report = mirror.sync()
    assert [(f.folder, f.new) for f in report.folders] == [("INBOX", 1), ("Sent", 1)]
    rows = mirror.rows("SELECT direction, thread_id FROM message ORDER BY id")
    assert [r[0] for r in rows] == ["in", "out"]
    assert rows[0][1] == rows[1][1]
    thread = mirror.rows("SELECT * FROM thread")[0]
    assert thread["message_count"] == 2
    assert thread["first_response_at"] is not None
    roles = {r[0]: r[1] for r in mirror.rows("SELECT name, role FROM folder")}
    assert roles == {"INBOX": "inbox", "Sent": "sent"}


def test_customer_reply_reopens_a_done_thread(mirror: Mirror) -> None:
    mirror.append("INBOX", SAMPLES[0])
    mirror.sync()
    with mirror.store.write() as conn:
        conn.execute(
            "UPDATE thread SET status = 'waiting', waiting_reason = 'customer',"
            " assignee = 'suzuki'"
        )
    mirror.append("INBOX", SAMPLES[4])
    mirror.sync()
    thread = mirror.rows("SELECT * FROM thread")[0]
    assert (thread["status"], thread["waiting_reason"], thread["assignee"]) == (
        "new",
        None,
        "suzuki",
    )
    event = mirror.rows("SELECT actor, data FROM event WHERE kind = 'thread.status'")
    assert event[0]["actor"] == "system"
    assert json.loads(event[0]["data"]) == {
        "status": "new",
        "previous": "waiting",
        "reason": "customer replied",
        "assignee": "suzuki",
        "toast": "suzuki",
    }


def _with_folders(mirror: Mirror, folders: tuple[str, ...]) -> AccountConfig:
    return replace(mirror.account, imap=replace(mirror.account.imap, folders=folders))
