"""The event log: what changed, in order, for pushing to clients.

Every write that a connected TUI should see appends an event in the same
transaction. The daemon pushes new rows to every client; a client that
reconnects asks for the events after the last id it saw.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any


def append(
    conn: sqlite3.Connection,
    kind: str,
    *,
    at: float,
    thread_id: int | None = None,
    actor: str | None = None,
    data: dict[str, Any] | None = None,
) -> int:
    """Append an event inside the caller's write transaction; return its id.

    Kinds in use: ``message.new``, ``thread.new``, ``thread.status``,
    ``thread.assigned``, ``thread.lock``, ``thread.note``, ``thread.memo``,
    ``thread.rule``, ``thread.tags``, ``thread.category``, ``sla.due_soon``,
    ``outbox.state``, ``approval.requested``, ``approval.decided``,
    ``account.error``, ``account.ok``. Events of the daemon's own rules
    (actor ``system``) carry ``data.text``, a phrase for the thread's
    history; ``data.toast`` names the staff login to show a toast to;
    ``data.notify`` false on ``message.new``/``thread.new`` means no toast.
    """
    cursor = conn.execute(
        "INSERT INTO event (at, kind, thread_id, actor, data) VALUES (?, ?, ?, ?, ?)",
        (at, kind, thread_id, actor, json.dumps(data or {}, ensure_ascii=False)),
    )
    return int(cursor.lastrowid or 0)


def since(
    conn: sqlite3.Connection, after: int, limit: int = 1000
) -> list[dict[str, Any]]:
    """Events with id > `after`, oldest first, as plain dicts."""
    rows = conn.execute(
        "SELECT id, at, kind, thread_id, actor, data FROM event WHERE id > ?"
        " ORDER BY id LIMIT ?",
        (after, limit),
    ).fetchall()
    return [
        {
            "seq": row["id"],
            "at": row["at"],
            "kind": row["kind"],
            "thread_id": row["thread_id"],
            "actor": row["actor"],
            "data": json.loads(row["data"]),
        }
        for row in rows
    ]


def last_id(conn: sqlite3.Connection) -> int:
    """The id of the newest event (0 when there is none)."""
    row = conn.execute("SELECT MAX(id) FROM event").fetchone()
    return int(row[0] or 0)
