"""Writing mail history that did not arrive live: imports and the demo sample.

Plain SQL run inside the caller's write transaction (`Store.write()`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


def mark_sent_by(conn: sqlite3.Connection, message_id: int, login: str) -> None:
    """Record which staff login sent an outgoing message."""
    conn.execute(
        "UPDATE message SET sent_by = ? WHERE id = ? AND direction = 'out'",
        (login, message_id),
    )


def add_tags(conn: sqlite3.Connection, thread_id: int, tags: Iterable[str]) -> None:
    """Tag a thread (tags it already has are kept once)."""
    conn.executemany(
        "INSERT OR IGNORE INTO thread_tag (thread_id, tag) VALUES (?, ?)",
        [(thread_id, tag) for tag in tags],
    )


def set_category(conn: sqlite3.Connection, thread_id: int, category: str) -> None:
    """Set a thread's category."""
    conn.execute("UPDATE thread SET category = ? WHERE id = ?", (category, thread_id))


def close_imported(
    conn: sqlite3.Connection, thread_ids: Iterable[int], *, now: float
) -> int:
    """Set to done the given threads that hold history only.

    History is imported mail (source ``import``) and the old mail of an
    account's first sync (source ``history``). A thread that also holds
    mail from the live mirror keeps its status (an
    old message joining a thread someone works on must not close it); spam
    stays spam. Returns the number of threads closed.
    """
    ids = sorted(set(thread_ids))
    closed = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        closed += conn.execute(
            f"UPDATE thread SET status = 'done', waiting_reason = NULL,"
            f" waiting_until = NULL, updated_at = ? WHERE id IN ({marks})"
            " AND status NOT IN ('done', 'spam') AND NOT EXISTS (SELECT 1 FROM"
            " message m WHERE m.thread_id = thread.id"
            " AND m.source NOT IN ('import', 'history'))",
            (now, *chunk),
        ).rowcount
    return closed


def stored_keys(
    conn: sqlite3.Connection, account_id: int, keys: Iterable[str]
) -> set[str]:
    """Which of these dedupe keys (Message-ID, else ``sha256:...``) the account
    already has."""
    wanted = sorted(set(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(
            row[0]
            for row in conn.execute(
                f"SELECT dedupe_key FROM message WHERE account_id = ?"
                f" AND dedupe_key IN ({marks})",
                (account_id, *chunk),
            )
        )
    return found


def message_count(conn: sqlite3.Connection, thread_id: int) -> int:
    """How many messages a thread holds."""
    row = conn.execute(
        "SELECT message_count FROM thread WHERE id = ?", (thread_id,)
    ).fetchone()
    return int(row[0]) if row else 0
