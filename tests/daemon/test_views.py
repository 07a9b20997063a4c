"""Reading over the socket: views, pages, counts, search, history, attachments."""

from __future__ import annotations

import base64
import time

import pytest

from shareinbox.errors import Conflict, NotFound, PermissionDenied, ProtocolError
from tests.daemon.harness import InProcessDaemon
from tests.fixtures.seed import add_message, seed_thread

BASE = 1_767_225_600.0  # 2026-01-01 00:00 UTC


def _seed_many(daemon: InProcessDaemon, count: int) -> list[int]:
    # Every third thread shares its time with the next, so the tie-break by id
    # is exercised by the pages.
    return [
        seed_thread(daemon.store, subject=f"問い合わせ {n}", received_at=BASE + (n // 3) * 60,
                    customer_addr=f"c{n}@example.jp")
        for n in range(count)
    ]  # fmt: skip


def test_cursor_pages_walk_every_thread_once_newest_first(
    daemon: InProcessDaemon,
) -> None:
    ids = _seed_many(daemon, 250)
    expected = sorted(ids, key=lambda i: ((i - 1) // 3, i), reverse=True)
    seen: list[int] = []
    with daemon.client() as client:
        cursor = None
        while True:
            page = client.call("list_threads", view="all", limit=40, cursor=cursor)
            assert page["total"] == 250
            seen += [t["id"] for t in page["threads"]]
            cursor = page["next"]
            if cursor is None:
                break
        assert seen == expected
        jumped = client.call("list_threads", limit=10, offset=120)
        assert [t["id"] for t in jumped["threads"]] == expected[120:130]
        where = client.call("thread_position", thread_id=expected[77])
        assert where == {"position": 77}
        absent = client.call("thread_position", thread_id=expected[0], view="done")
        assert absent == {"position": None}


def test_views_and_counts_agree(daemon: InProcessDaemon) -> None:
    now = time.time()
    store = daemon.store
    overdue = seed_thread(
        store, first_response_due_at=now - 3600, received_at=now - 7200
    )
    seed_thread(store, first_response_due_at=now + 3600, received_at=now - 60)
    waiting = seed_thread(store, status="waiting", waiting_until=now - 60)
    seed_thread(store, status="waiting", waiting_until=now + 5 * 86400)
    mine = seed_thread(store, status="open", assignee="suzuki", tags=("返品",))
    seed_thread(store, status="done", assignee="suzuki")
    spam = seed_thread(store, status="spam")
    other = seed_thread(store, account="info", tags=("返品", "VIP"))
    with daemon.client("suzuki") as client:
        counts = client.call("view_counts")
        for view in ("all", "new", "open", "waiting", "done", "spam", "mine",
                     "unassigned", "overdue", "due_today", "account:info", "tag:返品"):  # fmt: skip
            listed = client.call("list_threads", view=view, limit=100)
            assert listed["total"] == counts[view] == len(listed["threads"]), view
        assert counts["all"] == 7
        assert [
            t["id"] for t in client.call("list_threads", view="mine")["threads"]
        ] == [mine]
        assert [
            t["id"] for t in client.call("list_threads", view="overdue")["threads"]
        ] == [overdue]
        assert [
            t["id"] for t in client.call("list_threads", view="due_today")["threads"]
        ] == [waiting]
        assert [
            t["id"] for t in client.call("list_threads", view="spam")["threads"]
        ] == [spam]
        assert [
            t["id"] for t in client.call("list_threads", view="account:info")["threads"]
        ] == [other]
        assert counts["tag:返品"] == 2
        assert counts["tag:VIP"] == 1
        filtered = client.call("list_threads", assignee="me", status="open")
        assert [t["id"] for t in filtered["threads"]] == [mine]
        with pytest.raises(ProtocolError):
            client.call("list_threads", view="nonsense")
        with pytest.raises(ProtocolError):
            client.call("list_threads", limit="many")


def test_thread_json_carries_the_contract_fields(daemon: InProcessDaemon) -> None:
    thread_id = seed_thread(daemon.store, subject="髙橋です ①", customer_addr="Taka@Example.jp",
                            customer_name="髙橋", first_response_due_at=BASE + 3 * 3600)  # fmt: skip
    add_message(daemon.store, thread_id, body="返信です", at=BASE + 600, direction="out",
                sent_by="suzuki")  # fmt: skip
    with daemon.client() as client:
        thread = client.call("list_threads")["threads"][0]
        shown = client.call("show_thread", thread_id=thread_id)
    assert thread["customer"] == "taka@example.jp"
    assert thread["customer_name"] == "髙橋"
    assert thread["subject"] == "髙橋です ①"
    assert thread["message_count"] == 2
    assert thread["first_response_due"] == "2026-01-01T12:00:00+09:00"
    assert thread["last_message_at"] == "2026-01-01T09:10:00+09:00"
    assert thread["overdue"] is True
    assert [m["direction"] for m in shown["messages"]] == ["in", "out"]
    first = shown["messages"][0]
    assert set(first) >= {
        "id",
        "direction",
        "from",
        "to",
        "date",
        "subject",
        "text",
        "attachments",
    }
    assert first["text"].strip() == "お世話になっております。"


def test_search_finds_short_japanese_words(daemon: InProcessDaemon) -> None:
    hit = seed_thread(daemon.store, subject="ご相談", body="商品を返品したいのですが")
    seed_thread(daemon.store, subject="在庫", body="入荷はいつですか")
    with daemon.client() as client:
        found = client.call("search", query="返品", limit=10)["threads"]
        assert [t["id"] for t in found] == [hit]
        assert client.call("search", query="返品 入荷")["threads"] == []
        assert client.call("search", query="100%")["threads"] == []


def test_history_spans_merged_addresses_and_merge_needs_a_supervisor(
    daemon: InProcessDaemon,
) -> None:
    first = seed_thread(
        daemon.store, customer_addr="hanako@example.jp", subject="注文A"
    )
    second = seed_thread(daemon.store, customer_addr="x1@fw.rakuten.ne.jp", subject="注文B",
                         received_at=BASE + 3600)  # fmt: skip
    with daemon.client("suzuki") as agent:
        with pytest.raises(PermissionDenied):
            agent.call("merge_customers", address="x1@fw.rakuten.ne.jp",
                       into_address="hanako@example.jp")  # fmt: skip
        before = agent.call("customer_history", address="hanako@example.jp")
        assert [t["id"] for t in before["threads"]] == [first]
        agent.call("add_note", thread_id=second, text="楽天経由")
    with daemon.client("tanaka") as supervisor:
        merged = supervisor.call("merge_customers", address="x1@fw.rakuten.ne.jp",
                                 into_address="hanako@example.jp")  # fmt: skip
        with pytest.raises(Conflict):
            supervisor.call("merge_customers", address="x1@fw.rakuten.ne.jp",
                            into_address="hanako@example.jp")  # fmt: skip
        with pytest.raises(NotFound):
            supervisor.call("customer_history", address="nobody@example.jp")
        supervisor.call("add_memo", text="電話で確認", customer_id=merged["customer"]["id"],
                        phone="03-1234-5678")  # fmt: skip
        history = supervisor.call("customer_history", address="x1@fw.rakuten.ne.jp")
    assert {a["address"] for a in history["addresses"]} == {
        "hanako@example.jp",
        "x1@fw.rakuten.ne.jp",
    }
    assert [t["id"] for t in history["threads"]] == [second, first]
    kinds = [item["kind"] for item in history["timeline"]]
    assert kinds[:2] == ["in", "in"]
    assert "note" in kinds
    assert "memo" in kinds


def test_attachments_come_from_the_raw_mail_and_are_audited(
    daemon: InProcessDaemon,
) -> None:
    pdf = b"%PDF-1.4 \x00\x01 invoice"
    thread_id = seed_thread(
        daemon.store, attachments=[("請求書.pdf", "application/pdf", pdf)]
    )
    with daemon.client("sato") as client:
        message = client.call("show_thread", thread_id=thread_id)["messages"][0]
        assert message["attachments"][0]["filename"] == "請求書.pdf"
        got = client.call("get_attachment", message_id=message["id"], index=0)
        with pytest.raises(NotFound):
            client.call("get_attachment", message_id=message["id"], index=1)
    assert base64.b64decode(got["data_b64"]) == pdf
    assert (got["filename"], got["content_type"]) == ("請求書.pdf", "application/pdf")
    with daemon.store.read() as conn:
        row = conn.execute(
            "SELECT actor, detail FROM audit WHERE action = 'export'"
        ).fetchone()
    assert row["actor"] == "sato"
    assert "請求書.pdf" in row["detail"]


def test_status_rules(daemon: InProcessDaemon) -> None:
    thread_id = seed_thread(daemon.store)
    with daemon.client("suzuki") as client:
        with pytest.raises(ProtocolError):
            client.call("set_status", thread_id=thread_id, status="waiting")
        with pytest.raises(ProtocolError):
            client.call("set_status", thread_id=thread_id, status="closed")
        held = client.call("set_status", thread_id=thread_id, status="waiting",
                           reason="supplier", until=BASE + 86400)  # fmt: skip
        assert (held["waiting_reason"], held["waiting_until_ts"]) == (
            "supplier",
            BASE + 86400,
        )
        reopened = client.call("set_status", thread_id=thread_id, status="open")
        assert reopened["waiting_reason"] is None
        with pytest.raises(NotFound):
            client.call("assign", thread_id=thread_id, login="ghost")
        assert (
            client.call("assign", thread_id=thread_id, login="suzuki")["assignee"]
            == "suzuki"
        )
        with pytest.raises(PermissionDenied):
            client.call("assign", thread_id=thread_id, login="sato")
        assert client.call("account_status")["accounts"] == []


def test_agents_read_only_their_own_audit_entries(daemon: InProcessDaemon) -> None:
    thread_id = seed_thread(daemon.store)
    with daemon.client("tanaka") as supervisor:
        supervisor.call("add_note", thread_id=thread_id, text="確認")
    with daemon.client("suzuki") as agent:
        agent.call("show_thread", thread_id=thread_id)
        own = agent.call("audit_list")["entries"]
        assert {e["actor"] for e in own} == {"suzuki"}
        with pytest.raises(PermissionDenied):
            agent.call("audit_list", actor="tanaka")
        with pytest.raises(PermissionDenied):
            agent.call("audit_verify")
    with daemon.client("tanaka") as supervisor:
        everyone = supervisor.call("audit_list", thread_id=thread_id)["entries"]
        assert [(e["actor"], e["action"]) for e in everyone] == [
            ("suzuki", "view"),
            ("tanaka", "note"),
        ]
        assert supervisor.call("audit_verify")["ok"] is True
