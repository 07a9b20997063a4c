"""Writing what rules and spam handling decide: tags, category, quiet mail,
the block list.

Plain SQL inside the caller's write transaction. Block-list patterns are
lower-case addresses or ``@domain``; those from the config file carry the
note ``config`` and follow the file (`seed_blocklist`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

CONFIG_NOTE = "config"


def add_tags(
    conn: sqlite3.Connection, thread_id: int, tags: Iterable[str]
) -> list[str]:
    """Tag a thread; return the tags that were new to it."""
    added = []
    for tag in tags:
        cursor = conn.execute(
            "INSERT OR IGNORE INTO thread_tag (thread_id, tag) VALUES (?, ?)",
            (thread_id, tag),
        )
        if cursor.rowcount:
            added.append(tag)
    return added


def set_category(
    conn: sqlite3.Connection, thread_id: int, category: str | None, *, now: float
) -> None:
    """Set a thread's category (None: none)."""
    conn.execute(
        "UPDATE thread SET category = ?, updated_at = ? WHERE id = ?",
        (category, now, thread_id),
    )


def quiet_message(
    conn: sqlite3.Connection, thread_id: int, message_id: int, *, new_thread: bool
) -> None:
    """Mark the new-mail events of a message ``notify: false`` (no toast).

    Called in the transaction that stored the message, before its events
    are pushed: the message's ``message.new`` event and, when the message
    started the thread, the thread's ``thread.new`` event.
    """
    quiet = "UPDATE event SET data = json_set(data, '$.notify', json('false'))"
    conn.execute(
        f"{quiet} WHERE thread_id = ? AND kind = 'message.new'"
        " AND json_extract(data, '$.message_id') = ?",
        (thread_id, message_id),
    )
    if new_thread:
        conn.execute(
            f"{quiet} WHERE thread_id = ? AND kind = 'thread.new'", (thread_id,)
        )


def blocklist(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every block-list entry, by pattern."""
    return conn.execute(
        "SELECT pattern, added_by, added_at, note FROM blocklist ORDER BY pattern"
    ).fetchall()


def block_patterns(conn: sqlite3.Connection) -> list[str]:
    """The block-list patterns."""
    return [row[0] for row in conn.execute("SELECT pattern FROM blocklist")]


def block_entry(conn: sqlite3.Connection, pattern: str) -> sqlite3.Row | None:
    """The entry of one pattern, or None."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT pattern, added_by, added_at, note FROM blocklist WHERE pattern = ?",
        (pattern,),
    ).fetchone()
    return row


def add_block(
    conn: sqlite3.Connection, pattern: str, *, by: str, now: float, note: str = ""
) -> bool:
    """Block a pattern; False if it was already blocked."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO blocklist (pattern, added_by, added_at, note)"
        " VALUES (?, ?, ?, ?)",
        (pattern, by, now, note),
    )
    return bool(cursor.rowcount)


def remove_block(conn: sqlite3.Connection, pattern: str) -> bool:
    """Unblock a pattern; False if it was not blocked."""
    return bool(
        conn.execute("DELETE FROM blocklist WHERE pattern = ?", (pattern,)).rowcount
    )


def seed_blocklist(
    conn: sqlite3.Connection, patterns: Sequence[str], *, now: float
) -> tuple[list[str], list[str]]:
    """Make the config's patterns the block list's ``config`` entries.

    Patterns added by staff stay as they are. Returns (added, removed).
    """
    wanted = set(patterns)
    have = {
        row[0]
        for row in conn.execute(
            "SELECT pattern FROM blocklist WHERE note = ?", (CONFIG_NOTE,)
        )
    }
    removed = sorted(have - wanted)
    for pattern in removed:
        remove_block(conn, pattern)
    added = [
        p
        for p in sorted(wanted - have)
        if add_block(conn, p, by="system", now=now, note=CONFIG_NOTE)
    ]
    return added, removed


def rule_target(conn: sqlite3.Connection, thread_id: int) -> sqlite3.Row:
    """What rules need of a thread: account name, status, assignee, lock, count."""
    row: sqlite3.Row = conn.execute(
        "SELECT t.id, t.status, t.assignee, t.category, t.message_count,"
        " t.locked_by, t.lock_expires_at, a.name AS account_name FROM thread t JOIN account a ON a.id = t.account_id"
        " WHERE t.id = ?",
        (thread_id,),
    ).fetchone()
    return row


def thread_sender(conn: sqlite3.Connection, thread_id: int) -> str | None:
    """The address of a thread's first inbound message (None: none)."""
    row = conn.execute(
        "SELECT from_addr FROM message WHERE thread_id = ? AND direction = 'in'"
        " AND from_addr != '' ORDER BY date_at, id LIMIT 1",
        (thread_id,),
    ).fetchone()
    return str(row[0]) if row else None
