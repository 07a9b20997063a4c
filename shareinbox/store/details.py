"""Reading the parts of a thread and of a customer: messages, notes, memos,
events, order numbers, outgoing mail, addresses, the audit trail.

Plain SQL over a connection; the service layer turns the rows into JSON.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values)) or "NULL"


def messages(conn: sqlite3.Connection, thread_id: int) -> list[sqlite3.Row]:
    """A thread's messages, oldest first, each with its decoded text."""
    return conn.execute(
        "SELECT m.*, b.text AS body_text FROM message m"
        " LEFT JOIN message_body b ON b.message_id = m.id"
        " WHERE m.thread_id = ? ORDER BY coalesce(m.date_at, m.received_at), m.id",
        (thread_id,),
    ).fetchall()


def notes(conn: sqlite3.Connection, thread_id: int) -> list[sqlite3.Row]:
    """A thread's internal notes, oldest first."""
    return conn.execute(
        "SELECT * FROM note WHERE thread_id = ? ORDER BY created_at, id", (thread_id,)
    ).fetchall()


def memos(
    conn: sqlite3.Connection,
    *,
    thread_ids: Sequence[int] = (),
    customer_ids: Sequence[int] = (),
) -> list[sqlite3.Row]:
    """Phone memos about these threads or customers, oldest call first."""
    return conn.execute(
        f"SELECT * FROM phone_memo WHERE thread_id IN ({_marks(thread_ids)})"
        f" OR customer_id IN ({_marks(customer_ids)}) ORDER BY called_at, id",
        [*thread_ids, *customer_ids],
    ).fetchall()


def thread_events(
    conn: sqlite3.Connection,
    thread_ids: Sequence[int],
    *,
    kinds: Sequence[str] = (),
    limit: int = 500,
) -> list[sqlite3.Row]:
    """The newest stored events of these threads, returned oldest first."""
    sql = f"SELECT * FROM event WHERE thread_id IN ({_marks(thread_ids)})"
    params: list[Any] = list(thread_ids)
    if kinds:
        sql += f" AND kind IN ({_marks(kinds)})"
        params += list(kinds)
    rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", [*params, limit])
    return list(reversed(rows.fetchall()))


def orders(conn: sqlite3.Connection, thread_id: int) -> list[str]:
    """The order numbers found in a thread's mail."""
    rows = conn.execute(
        "SELECT order_id FROM order_ref WHERE thread_id = ? ORDER BY order_id",
        (thread_id,),
    )
    return [str(r[0]) for r in rows]


def outbox(conn: sqlite3.Connection, thread_id: int) -> list[sqlite3.Row]:
    """Drafts and outgoing replies of a thread (bodies left out)."""
    return conn.execute(
        "SELECT id, author, state, subject, approved_by, last_error, created_at,"
        " updated_at, sent_at FROM outbox WHERE thread_id = ? ORDER BY id",
        (thread_id,),
    ).fetchall()


def raw_message(conn: sqlite3.Connection, message_id: int) -> bytes | None:
    """The raw RFC 5322 bytes of a message, or None when it is unknown."""
    row = conn.execute(
        "SELECT r.data FROM message m JOIN raw_message r ON r.sha256 = m.raw_sha256"
        " WHERE m.id = ?",
        (message_id,),
    ).fetchone()
    return bytes(row[0]) if row is not None else None


def customer_of_address(conn: sqlite3.Connection, address: str) -> int | None:
    """The customer an address belongs to (after merges), or None."""
    row = conn.execute(
        "SELECT customer_id FROM customer_address WHERE address = ?",
        (address.strip().lower(),),
    ).fetchone()
    return final_customer(conn, int(row[0])) if row else None


def final_customer(conn: sqlite3.Connection, customer_id: int) -> int:
    """Follow `merged_into` to the customer that absorbed this one."""
    seen = {customer_id}
    while True:
        row = conn.execute(
            "SELECT merged_into FROM customer WHERE id = ?", (customer_id,)
        ).fetchone()
        if row is None or row[0] is None or row[0] in seen:
            return customer_id
        customer_id = int(row[0])
        seen.add(customer_id)


def merged_customers(conn: sqlite3.Connection, customer_id: int) -> list[int]:
    """A customer and every customer merged into it (directly or not)."""
    found = [customer_id]
    index = 0
    while index < len(found):
        rows = conn.execute(
            "SELECT id FROM customer WHERE merged_into = ?", (found[index],)
        )
        found += [int(r[0]) for r in rows if int(r[0]) not in found]
        index += 1
    return found


def addresses(
    conn: sqlite3.Connection, customer_ids: Sequence[int]
) -> list[sqlite3.Row]:
    """The addresses of these customers."""
    return conn.execute(
        "SELECT address, customer_id, masked FROM customer_address"
        f" WHERE customer_id IN ({_marks(customer_ids)}) ORDER BY address",
        list(customer_ids),
    ).fetchall()


def customer_thread_ids(
    conn: sqlite3.Connection, customer_ids: Sequence[int], limit: int = 1000
) -> list[int]:
    """The customers' threads, newest activity first."""
    rows = conn.execute(
        f"SELECT id FROM thread WHERE customer_id IN ({_marks(customer_ids)})"
        " ORDER BY last_message_at DESC, id DESC LIMIT ?",
        [*customer_ids, limit],
    )
    return [int(r[0]) for r in rows]


def thread_messages_brief(
    conn: sqlite3.Connection, thread_ids: Sequence[int]
) -> list[sqlite3.Row]:
    """Direction, time, sender and subject of every message of these threads."""
    return conn.execute(
        "SELECT id, thread_id, direction, coalesce(date_at, received_at) AS at,"
        " from_addr, from_name, subject, sent_by FROM message"
        f" WHERE thread_id IN ({_marks(thread_ids)})",
        list(thread_ids),
    ).fetchall()


def thread_notes(
    conn: sqlite3.Connection, thread_ids: Sequence[int]
) -> list[sqlite3.Row]:
    """The notes of these threads."""
    return conn.execute(
        f"SELECT * FROM note WHERE thread_id IN ({_marks(thread_ids)})",
        list(thread_ids),
    ).fetchall()


def audit_rows(
    conn: sqlite3.Connection,
    *,
    actor: str | None = None,
    thread_id: int | None = None,
    since: float | None = None,
    until: float | None = None,
    limit: int = 200,
) -> list[sqlite3.Row]:
    """Audit rows matching the filters, newest first."""
    where: list[str] = ["1"]
    params: list[Any] = []
    for clause, value in (
        ("actor = ?", actor),
        ("thread_id = ?", thread_id),
        ("at >= ?", since),
        ("at < ?", until),
    ):
        if value is not None:
            where.append(clause)
            params.append(value)
    return conn.execute(
        f"SELECT * FROM audit WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ?",
        [*params, limit],
    ).fetchall()
