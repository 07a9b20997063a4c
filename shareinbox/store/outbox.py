"""The outbox: drafts and outgoing replies, their states and attached files.

States: ``draft`` -> ``awaiting_approval`` -> ``queued`` -> ``sending`` ->
``sent`` | ``failed`` (``failed`` -> ``queued`` on retry, -> ``draft`` to
edit; a rejected reply goes back to ``draft``). Plain SQL run inside the
caller's transaction; the service layer decides what is allowed.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from typing import Any

STATES = ("draft", "awaiting_approval", "queued", "sending", "sent", "failed")
PENDING = ("awaiting_approval", "queued", "sending")
# Columns a draft edit may change.
EDITABLE = frozenset(
    {"to_json", "cc_json", "subject", "body", "template", "after_status"}
)
_LIST_COLUMNS = (
    "o.id, o.thread_id, o.account_id, a.name AS account, o.author, o.state,"
    " o.message_id, o.to_json, o.cc_json, o.subject, o.template, o.after_status,"
    " o.attempts, o.last_error, o.next_attempt_at, o.approved_by, o.review_comment,"
    " o.created_at, o.updated_at, o.submitted_at, o.reviewed_at, o.sent_at,"
    " o.appended_at, o.route, o.smtp_reply, o.sent_message,"
    " (SELECT count(*) FROM outbox_attachment x WHERE x.outbox_id = o.id)"
    " AS attachment_count"
)


def insert_draft(
    conn: sqlite3.Connection,
    *,
    thread_id: int,
    account_id: int,
    author: str,
    message_id: str,
    in_reply_to: str | None,
    refs: Sequence[str],
    now: float,
    **fields: Any,
) -> int:
    """Create a draft; `fields` are `EDITABLE` columns. Returns its id."""
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValueError(f"not draft columns: {sorted(unknown)}")
    names = ["thread_id", "account_id", "author", "state", "message_id",
             "in_reply_to", "refs", "created_at", "updated_at", *fields]  # fmt: skip
    values = [thread_id, account_id, author, "draft", message_id, in_reply_to,
              " ".join(refs), now, now, *fields.values()]  # fmt: skip
    cursor = conn.execute(
        f"INSERT INTO outbox ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        values,
    )
    return int(cursor.lastrowid or 0)


def update(conn: sqlite3.Connection, outbox_id: int, now: float, **fields: Any) -> None:
    """Set columns of one row (and its ``updated_at``)."""
    if not fields:
        return
    assignments = ", ".join(f"{name} = ?" for name in fields)
    conn.execute(
        f"UPDATE outbox SET {assignments}, updated_at = ? WHERE id = ?",
        [*fields.values(), now, outbox_id],
    )


def move(
    conn: sqlite3.Connection,
    outbox_id: int,
    from_states: Sequence[str],
    to_state: str,
    now: float,
    **fields: Any,
) -> bool:
    """Change the state if it is one of `from_states`; False if it was not."""
    assignments = "".join(f", {name} = ?" for name in fields)
    marks = ", ".join("?" * len(from_states))
    cursor = conn.execute(
        f"UPDATE outbox SET state = ?, updated_at = ?{assignments}"
        f" WHERE id = ? AND state IN ({marks})",
        [to_state, now, *fields.values(), outbox_id, *from_states],
    )
    return cursor.rowcount == 1


def get(
    conn: sqlite3.Connection, outbox_id: int, *, with_raw: bool = False
) -> sqlite3.Row | None:
    """One row with its body and account name (`with_raw`: the mail's bytes too)."""
    raw = ", o.raw" if with_raw else ""
    row: sqlite3.Row | None = conn.execute(
        f"SELECT {_LIST_COLUMNS}, o.body, o.in_reply_to, o.refs, o.sending_at,"
        f" o.raw IS NOT NULL AS has_raw{raw} FROM outbox o JOIN account a"
        " ON a.id = o.account_id WHERE o.id = ?",
        (outbox_id,),
    ).fetchone()
    return row


def draft_of(
    conn: sqlite3.Connection, thread_id: int, author: str
) -> sqlite3.Row | None:
    """The author's draft for a thread, if any."""
    row = conn.execute(
        "SELECT id FROM outbox WHERE thread_id = ? AND author = ? AND state = 'draft'"
        " ORDER BY id DESC LIMIT 1",
        (thread_id, author),
    ).fetchone()
    return get(conn, int(row[0])) if row else None


def pending_for_thread(conn: sqlite3.Connection, thread_id: int) -> list[sqlite3.Row]:
    """Replies to a thread that are on their way (awaiting approval, queued, sending)."""
    return conn.execute(
        f"SELECT {_LIST_COLUMNS} FROM outbox o JOIN account a ON a.id = o.account_id"
        " WHERE o.thread_id = ? AND o.state IN (?, ?, ?) ORDER BY o.id",
        (thread_id, *PENDING),
    ).fetchall()


def listing(
    conn: sqlite3.Connection, state: str | None, limit: int
) -> list[sqlite3.Row]:
    """Rows without bodies, newest change first (one state, or every state)."""
    where, params = ("WHERE o.state = ?", [state]) if state else ("", [])
    return conn.execute(
        f"SELECT {_LIST_COLUMNS} FROM outbox o JOIN account a ON a.id = o.account_id"
        f" {where} ORDER BY o.updated_at DESC, o.id DESC LIMIT ?",
        [*params, limit],
    ).fetchall()


def due(conn: sqlite3.Connection, now: float, limit: int = 20) -> list[int]:
    """Ids of queued replies whose next attempt is due, oldest first."""
    rows = conn.execute(
        "SELECT id FROM outbox WHERE state = 'queued'"
        " AND coalesce(next_attempt_at, 0) <= ? ORDER BY id LIMIT ?",
        (now, limit),
    )
    return [int(r[0]) for r in rows]


def next_due(conn: sqlite3.Connection) -> float | None:
    """When the next queued reply is due (None: nothing queued)."""
    row = conn.execute(
        "SELECT min(coalesce(next_attempt_at, 0)) FROM outbox WHERE state = 'queued'"
    ).fetchone()
    return float(row[0]) if row[0] is not None else None


def in_state(conn: sqlite3.Connection, state: str) -> list[int]:
    """Ids of every row in `state`."""
    rows = conn.execute("SELECT id FROM outbox WHERE state = ? ORDER BY id", (state,))
    return [int(r[0]) for r in rows]


def unfiled(conn: sqlite3.Connection) -> list[int]:
    """Sent replies not yet appended to the Sent folder."""
    rows = conn.execute(
        "SELECT id FROM outbox WHERE state = 'sent' AND appended_at IS NULL"
        " AND raw IS NOT NULL ORDER BY id"
    )
    return [int(r[0]) for r in rows]


def delete(conn: sqlite3.Connection, outbox_id: int) -> None:
    """Remove a draft and its files."""
    conn.execute("DELETE FROM outbox_attachment WHERE outbox_id = ?", (outbox_id,))
    conn.execute("DELETE FROM outbox WHERE id = ?", (outbox_id,))


def add_attachment(
    conn: sqlite3.Connection,
    outbox_id: int,
    filename: str,
    content_type: str,
    data: bytes,
    *,
    now: float,
) -> int:
    """Attach a file to a draft; return the attachment id."""
    cursor = conn.execute(
        "INSERT INTO outbox_attachment (outbox_id, filename, content_type, size,"
        " sha256, data, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (outbox_id, filename, content_type, len(data),
         hashlib.sha256(data).hexdigest(), data, now),
    )  # fmt: skip
    return int(cursor.lastrowid or 0)


def remove_attachment(
    conn: sqlite3.Connection, outbox_id: int, attachment_id: int
) -> bool:
    """Detach a file; False when the draft has no such attachment."""
    cursor = conn.execute(
        "DELETE FROM outbox_attachment WHERE id = ? AND outbox_id = ?",
        (attachment_id, outbox_id),
    )
    return cursor.rowcount == 1


def attachments(
    conn: sqlite3.Connection, outbox_id: int, *, with_data: bool = False
) -> list[sqlite3.Row]:
    """The files of a reply, in the order they were attached."""
    columns = "id, filename, content_type, size, sha256" + (
        ", data" if with_data else ""
    )
    return conn.execute(
        f"SELECT {columns} FROM outbox_attachment WHERE outbox_id = ? ORDER BY id",
        (outbox_id,),
    ).fetchall()


def parties(text: str | None) -> list[dict[str, str]]:
    """A stored To/Cc list: ``[{"name", "addr"}]``."""
    try:
        value = json.loads(text or "[]")
    except json.JSONDecodeError:
        return []
    return [
        {"name": str(p.get("name", "")), "addr": str(p.get("addr", ""))}
        for p in value
        if isinstance(p, dict)
    ]


def parties_json(items: Sequence[dict[str, str]]) -> str:
    """To/Cc as stored."""
    return json.dumps(
        [{"name": p.get("name", ""), "addr": p["addr"]} for p in items],
        ensure_ascii=False,
    )


def original_message(conn: sqlite3.Connection, thread_id: int) -> sqlite3.Row | None:
    """The message a reply answers: the newest inbound one, else the newest."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT m.id, m.message_id, m.subject, m.from_addr, m.from_name, r.data AS raw"
        " FROM message m JOIN raw_message r ON r.sha256 = m.raw_sha256"
        " WHERE m.thread_id = ? ORDER BY m.direction = 'in' DESC,"
        " coalesce(m.date_at, m.received_at) DESC, m.id DESC LIMIT 1",
        (thread_id,),
    ).fetchone()
    return row


def customer_name(conn: sqlite3.Connection, thread_id: int) -> str:
    """The thread's customer's name (the customer row, else the newest sender's)."""
    row = conn.execute(
        "SELECT coalesce(nullif(c.name, ''), (SELECT m.from_name FROM message m"
        " WHERE m.thread_id = t.id AND m.direction = 'in' ORDER BY m.id DESC"
        " LIMIT 1), '') FROM thread t LEFT JOIN customer c ON c.id = t.customer_id"
        " WHERE t.id = ?",
        (thread_id,),
    ).fetchone()
    return str(row[0]) if row else ""


def name_of_address(conn: sqlite3.Connection, address: str) -> str:
    """The name of the customer who owns `address` ('' if unknown or unnamed)."""
    row = conn.execute(
        "SELECT c.name FROM customer_address a JOIN customer c"
        " ON c.id = a.customer_id WHERE a.address = ?",
        (address.strip().lower(),),
    ).fetchone()
    return str(row[0]) if row else ""


def template_pairs(
    conn: sqlite3.Connection, limit: int = 5000
) -> list[tuple[str, str]]:
    """(text of the answered mail, template name) of sent template replies, newest first."""
    rows = conn.execute(
        "SELECT b.text, o.template FROM outbox o JOIN message m"
        " ON m.account_id = o.account_id AND m.message_id = o.in_reply_to"
        " JOIN message_body b ON b.message_id = m.id"
        " WHERE o.state = 'sent' AND o.template IS NOT NULL ORDER BY o.id DESC LIMIT ?",
        (limit,),
    )
    return [(str(r[0]), str(r[1])) for r in rows]
