"""Threads whose time has come: holds that end, first replies soon due.

Read and written inside the caller's transactions by the daemon's timer
worker (`shareinbox.daemon.reminders`).
"""

from __future__ import annotations

import sqlite3


def waiting_over(conn: sqlite3.Connection, now: float) -> list[sqlite3.Row]:
    """Waiting threads whose ``waiting_until`` has passed, oldest first."""
    return conn.execute(
        "SELECT id, assignee, waiting_reason, waiting_until FROM thread"
        " WHERE waiting_until <= ? AND status = 'waiting' ORDER BY waiting_until",
        (now,),
    ).fetchall()


def due_soon(conn: sqlite3.Connection, now: float, window: float) -> list[sqlite3.Row]:
    """Unanswered new/open threads due within `window` and not yet reminded.

    Threads already overdue are left out: the overdue view shows them.
    """
    return conn.execute(
        "SELECT id, assignee, first_response_due_at FROM thread"
        " WHERE first_response_at IS NULL AND due_reminded_at IS NULL"
        " AND first_response_due_at > ? AND first_response_due_at <= ?"
        " AND status IN ('new', 'open') ORDER BY first_response_due_at",
        (now, now + window),
    ).fetchall()


def mark_reminded(conn: sqlite3.Connection, thread_id: int, now: float) -> None:
    """Record that a thread's due-soon reminder went out."""
    conn.execute("UPDATE thread SET due_reminded_at = ? WHERE id = ?", (now, thread_id))


def next_timer(conn: sqlite3.Connection, now: float, window: float) -> float | None:
    """When the next hold ends or the next reminder is due (None: nothing).

    Args:
        window: the reminder lead time; 0 means no reminders.
    """
    row = conn.execute(
        "SELECT min(waiting_until) FROM thread WHERE status = 'waiting'"
        " AND waiting_until IS NOT NULL"
    ).fetchone()
    times = [float(row[0])] if row[0] is not None else []
    if window > 0:
        row = conn.execute(
            "SELECT min(first_response_due_at) FROM thread"
            " WHERE first_response_at IS NULL AND due_reminded_at IS NULL"
            " AND first_response_due_at > ? AND status IN ('new', 'open')",
            (now,),
        ).fetchone()
        if row[0] is not None:
            times.append(float(row[0]) - window)
    return min(times) if times else None
