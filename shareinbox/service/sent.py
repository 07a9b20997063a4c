"""Recording a reply that left: the outbox row, the thread's history, its status.

Run by the daemon's sender (as the system actor) in one transaction: the
row becomes ``sent``; the mail is stored in its thread like any message
(`shareinbox.store.ingest`, so history, search and the first-response time
see it, and the Sent folder's copy is recognised by its Message-ID when the
mirror fetches it); the thread takes the status the author chose
(``then_status``).
"""

from __future__ import annotations

import sqlite3

from shareinbox.service import outbox_views as views
from shareinbox.service.core import Context
from shareinbox.store import outbox, teamwork
from shareinbox.store.ingest import Incoming, Mailbox, PlainPolicy, ingest
from shareinbox.sync.parse import parse_message

WAITING_REASON = "customer"


def record_sent(
    ctx: Context, conn: sqlite3.Connection, outbox_id: int, answer: str, *, filed: bool
) -> None:
    """Mark a ``sending`` reply as sent and file it in its thread.

    Args:
        answer: the server's answer (kept on the row).
        filed: a copy is in the Sent folder (ours or the server's).
    """
    row = outbox.get(conn, outbox_id, with_raw=True)
    if row is None or row["state"] != "sending":
        return
    now = ctx.now()
    account = ctx.config.account(row["account"])
    raw = bytes(row["raw"])
    mailbox = Mailbox(
        int(row["account_id"]),
        account.own_addresses,
        ctx.config.orders.patterns,
    )
    stored = ingest(
        conn,
        mailbox,
        Incoming(raw, parse_message(raw), now, folder_role="sent", source="sent"),
        policy=PlainPolicy.from_config(ctx.config),
        now=now,
    )
    conn.execute(
        "UPDATE message SET sent_by = ? WHERE id = ?",
        (row["author"], stored.message_id),
    )
    outbox.move(conn, outbox_id, ["sending"], "sent", now, sent_at=now,
                smtp_reply=answer, appended_at=now if filed else None,
                raw=None if filed else raw,
                sent_message=stored.message_id, next_attempt_at=None)  # fmt: skip
    views.state_event(ctx, conn, row, "sent", "sending")
    ctx.audit(conn, "outbox.sent", target=f"outbox:{outbox_id}",
              thread_id=row["thread_id"],
              detail={"author": row["author"], "message_id": row["message_id"],
                      "route": row["route"] or "", "answer": answer})  # fmt: skip
    if row["thread_id"] is not None and row["after_status"]:
        _then_status(ctx, conn, int(row["thread_id"]), row["after_status"], outbox_id)


def _then_status(
    ctx: Context, conn: sqlite3.Connection, thread_id: int, status: str, outbox_id: int
) -> None:
    thread = conn.execute(
        "SELECT status FROM thread WHERE id = ?", (thread_id,)
    ).fetchone()
    if thread is None or thread["status"] == status:
        return
    reason = WAITING_REASON if status == "waiting" else None
    teamwork.set_status(conn, thread_id, status, now=ctx.now(), reason=reason)
    ctx.audit(conn, "status", target=f"thread:{thread_id}", thread_id=thread_id,
              detail={"from": thread["status"], "to": status,
                      "by": f"reply outbox:{outbox_id}"})  # fmt: skip
    ctx.event(conn, "thread.status", thread_id=thread_id,
              data={"status": status, "previous": thread["status"]})  # fmt: skip


def mark_filed(conn: sqlite3.Connection, outbox_id: int, now: float) -> None:
    """A sent reply's copy is now in the Sent folder (its bytes stay in the
    thread's stored message; the outbox no longer needs them)."""
    outbox.update(conn, outbox_id, now, appended_at=now, raw=None)
