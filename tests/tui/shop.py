"""A small shop's mail for the TUI tests (fixed times, Japanese and English)."""

from __future__ import annotations

from tests.daemon.harness import InProcessDaemon
from tests.fixtures.seed import add_message, seed_thread

NOW = 1_767_232_800.0  # 2026-01-01 11:00 Asia/Tokyo
HOUR = 3600.0


def seed_shop(daemon: InProcessDaemon) -> dict[str, int]:
    """Threads in every state; returns their ids by name."""
    store = daemon.store
    ids = {
        "late": seed_thread(
            store, subject="ご注文の商品が届きません", customer_addr="yamada@example.jp",
            customer_name="山田 太郎", received_at=NOW - 5 * HOUR,
            first_response_due_at=NOW - 2 * HOUR,
            body="注文番号 123456-20251231-0000000001 の件です。\n至急ご確認ください。",
        ),
        "fresh": seed_thread(
            store, subject="Question about sizes", customer_addr="jane@example.com",
            customer_name="Jane Doe", received_at=NOW - 0.5 * HOUR,
            first_response_due_at=NOW + 2.5 * HOUR, body="Do you have it in M?",
            attachments=[("../../etc/サイズ表.pdf", "application/pdf", b"%PDF-1.4 test")],
        ),
        "mine": seed_thread(
            store, subject="返品の手続きについて", customer_addr="sato.k@example.jp",
            customer_name="佐藤 健", status="open", assignee="tanaka",
            received_at=NOW - 26 * HOUR,
        ),
        "waiting": seed_thread(
            store, subject="入荷待ちの確認", customer_addr="yamada@example.jp",
            customer_name="山田 太郎", status="waiting", received_at=NOW - 50 * HOUR,
            waiting_until=NOW + 3 * HOUR,
        ),
        "done": seed_thread(
            store, subject="領収書の発行", customer_addr="kimura@example.jp",
            customer_name="木村 ①", status="done", received_at=NOW - 80 * HOUR,
        ),
        "spam": seed_thread(
            store, subject="You won a prize", customer_addr="spam@bad.example",
            customer_name="Winner", status="spam", received_at=NOW - 3 * HOUR,
        ),
    }  # fmt: skip
    add_message(store, ids["mine"], body="返品を受け付けました。", at=NOW - 25 * HOUR,
                direction="out", sent_by="tanaka")  # fmt: skip
    with store.write() as conn:
        conn.execute(
            "INSERT INTO order_ref (order_id, thread_id, customer_id) SELECT ?, id,"
            " customer_id FROM thread WHERE id = ?",
            ("123456-20251231-0000000001", ids["late"]),
        )
    with daemon.client(as_login="suzuki") as client:
        client.call("add_note", thread_id=ids["late"], text="倉庫に確認中")
        client.call("add_memo", thread_id=ids["late"], text="電話で催促あり",
                    phone="03-1234-5678")  # fmt: skip
    return ids
