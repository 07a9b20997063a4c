"""Writing the team's work on threads: locks, status, assignee, notes, memos,
customer merges.

Plain SQL run inside the caller's write transaction (`Store.write()`); the
service layer decides whether a change is allowed and records the audit row
and event in the same transaction.
"""

from __future__ import annotations

import sqlite3

from shareinbox.errors import NotFound


def active_holder(row: sqlite3.Row, now: float) -> str | None:
    """Who holds a thread's reply lock at `now` (None: free or lapsed)."""
    holder = row["locked_by"]
    expires = row["lock_expires_at"]
    if holder is None or (expires is not None and expires <= now):
        return None
    return str(holder)


def set_lock(
    conn: sqlite3.Connection,
    thread_id: int,
    login: str,
    *,
    locked_at: float,
    expires_at: float,
    client: str,
) -> None:
    """Give the reply lock to `login` until `expires_at`, held by `client`."""
    conn.execute(
        "UPDATE thread SET locked_by = ?, locked_at = ?, lock_expires_at = ?,"
        " lock_client = ? WHERE id = ?",
        (login, locked_at, expires_at, client or None, thread_id),
    )


def clear_lock(conn: sqlite3.Connection, thread_id: int) -> None:
    """Free a thread's reply lock."""
    conn.execute(
        "UPDATE thread SET locked_by = NULL, locked_at = NULL, lock_expires_at = NULL,"
        " lock_client = NULL WHERE id = ?",
        (thread_id,),
    )


def lapsed_locks(conn: sqlite3.Connection, now: float) -> list[sqlite3.Row]:
    """Threads whose lock has expired but is still recorded."""
    return conn.execute(
        "SELECT id, locked_by, locked_at, lock_expires_at FROM thread"
        " WHERE locked_by IS NOT NULL AND lock_expires_at <= ?",
        (now,),
    ).fetchall()


def next_lock_expiry(conn: sqlite3.Connection) -> float | None:
    """When the next recorded lock expires (None: no lock is held)."""
    row = conn.execute(
        "SELECT min(lock_expires_at) FROM thread WHERE locked_by IS NOT NULL"
    ).fetchone()
    return float(row[0]) if row[0] is not None else None


def shorten_locks(
    conn: sqlite3.Connection, until: float, *, client: str | None = None
) -> int:
    """Make locks lapse by `until` at the latest: those of `client`, or all.

    Returns the number of locks shortened.
    """
    sql = (
        "UPDATE thread SET lock_expires_at = min(coalesce(lock_expires_at, ?), ?)"
        " WHERE locked_by IS NOT NULL"
    )
    params: list[object] = [until, until]
    if client is not None:
        sql += " AND lock_client = ?"
        params.append(client)
    return conn.execute(sql, params).rowcount


def set_status(
    conn: sqlite3.Connection,
    thread_id: int,
    status: str,
    *,
    now: float,
    reason: str | None = None,
    until: float | None = None,
    spam_reason: str | None = None,
) -> None:
    """Change a thread's status; the waiting reason/until go with `waiting`."""
    conn.execute(
        "UPDATE thread SET status = ?, waiting_reason = ?, waiting_until = ?,"
        " spam_reason = ?, updated_at = ? WHERE id = ?",
        (status, reason, until, spam_reason, now, thread_id),
    )


def set_assignee(
    conn: sqlite3.Connection, thread_id: int, login: str | None, *, now: float
) -> None:
    """Assign a thread to `login` (None: nobody)."""
    conn.execute(
        "UPDATE thread SET assignee = ?, updated_at = ? WHERE id = ?",
        (login, now, thread_id),
    )


def insert_note(
    conn: sqlite3.Connection, thread_id: int, author: str, body: str, *, now: float
) -> int:
    """Add an internal note to a thread; return its id."""
    cursor = conn.execute(
        "INSERT INTO note (thread_id, author, body, created_at) VALUES (?, ?, ?, ?)",
        (thread_id, author, body, now),
    )
    return int(cursor.lastrowid or 0)


def insert_memo(
    conn: sqlite3.Connection,
    *,
    author: str,
    body: str,
    thread_id: int | None,
    customer_id: int | None,
    phone: str,
    direction: str,
    called_at: float,
    now: float,
) -> int:
    """Add a phone memo about a thread and/or a customer; return its id."""
    cursor = conn.execute(
        "INSERT INTO phone_memo (customer_id, thread_id, author, phone, direction,"
        " body, called_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (customer_id, thread_id, author, phone, direction, body, called_at, now),
    )
    return int(cursor.lastrowid or 0)


def address_customer(conn: sqlite3.Connection, address: str) -> int:
    """The customer id an address is filed under; NotFound when unknown."""
    row = conn.execute(
        "SELECT customer_id FROM customer_address WHERE address = ?",
        (address.strip().lower(),),
    ).fetchone()
    if row is None:
        raise NotFound(f"no customer with the address {address}")
    return int(row[0])


def merge_customers(conn: sqlite3.Connection, source: int, target: int) -> None:
    """Fold customer `source` into `target`: addresses, threads, memos, orders.

    The source row stays (``merged_into`` points at the target), so old
    references still resolve.
    """
    for table in ("customer_address", "thread", "phone_memo", "order_ref"):
        conn.execute(
            f"UPDATE {table} SET customer_id = ? WHERE customer_id = ?",
            (target, source),
        )
    conn.execute(
        "UPDATE customer SET merged_into = ? WHERE id = ? OR merged_into = ?",
        (target, source, source),
    )
    conn.execute(
        "UPDATE customer SET name = (SELECT name FROM customer WHERE id = ?)"
        " WHERE id = ? AND name = ''",
        (source, target),
    )
