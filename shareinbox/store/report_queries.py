"""The rows the team reports are computed from (`shareinbox.reports.metrics`).

Spam stays out: every query skips threads whose status is ``spam``. A
message's time is ``received_at`` (when it reached the mailbox; the Date
header is the sender's claim). A *human reply* is an outgoing message not
sent by the daemon itself (``sent_by = 'system'``: rules, auto-replies) and
not marked ``Auto-Submitted`` (RFC 3834) other than ``no``; mail staff sent
from another client (found in the Sent folder, ``sent_by`` unknown) counts.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

HUMAN_REPLY = (
    "m.direction = 'out' AND coalesce(m.sent_by, '') != 'system'"
    " AND lower(trim(coalesce(json_extract(m.headers_json, '$.\"auto-submitted\"'),"
    " 'no'))) = 'no'"
)


@dataclass(frozen=True)
class FirstResponse:
    """A thread whose first customer mail arrived in the range.

    Attributes:
        thread_id: the thread.
        first_in: when the customer's first mail arrived.
        reply_at: the first human reply after it (None: not answered yet).
        reply_by: the staff login who sent it (None: unknown, another client).
        category: the thread's category.
        tags: the thread's tags.
    """

    thread_id: int
    first_in: float
    reply_at: float | None
    reply_by: str | None
    category: str | None
    tags: tuple[str, ...]


@dataclass(frozen=True)
class MessageTime:
    """A message in the range: when, which way, by whom, human or automatic."""

    thread_id: int
    direction: str
    at: float
    sent_by: str | None
    human: bool


@dataclass(frozen=True)
class Resolution:
    """A thread set to done in the range, and by whom."""

    thread_id: int
    at: float
    actor: str | None


@dataclass(frozen=True)
class OpenThread:
    """A thread still to do (new, open, waiting), with when the customer last wrote."""

    thread_id: int
    status: str
    waiting_since: float


_FIRSTS = f"""
WITH firsts AS MATERIALIZED (
  SELECT t.id AS thread_id, t.category AS category,
    (SELECT min(m.received_at) FROM message m
      WHERE m.thread_id = t.id AND m.direction = 'in') AS first_in
  FROM thread t
  WHERE t.status != 'spam' AND t.last_inbound_at >= :since
    AND t.first_message_at < :until
)
SELECT f.thread_id, f.category, f.first_in, r.received_at AS reply_at,
  r.sent_by AS reply_by,
  (SELECT group_concat(tt.tag, char(31)) FROM thread_tag tt
    WHERE tt.thread_id = f.thread_id) AS tags
FROM firsts f
LEFT JOIN message r ON r.id = (
  SELECT m.id FROM message m
  WHERE m.thread_id = f.thread_id AND {HUMAN_REPLY} AND m.received_at >= f.first_in
  ORDER BY m.received_at, m.id LIMIT 1)
WHERE f.first_in >= :since AND f.first_in < :until
ORDER BY f.thread_id
"""


def first_responses(
    conn: sqlite3.Connection, since: float, until: float
) -> list[FirstResponse]:
    """Threads whose first customer mail arrived in [since, until), with their
    first human reply (whenever it came)."""
    rows = conn.execute(_FIRSTS, {"since": since, "until": until}).fetchall()
    return [
        FirstResponse(
            thread_id=int(r["thread_id"]),
            first_in=float(r["first_in"]),
            reply_at=None if r["reply_at"] is None else float(r["reply_at"]),
            reply_by=r["reply_by"],
            category=r["category"],
            tags=tuple(sorted(str(r["tags"]).split("\x1f"))) if r["tags"] else (),
        )
        for r in rows
    ]


def message_times(
    conn: sqlite3.Connection, since: float, until: float
) -> list[MessageTime]:
    """Every message of a non-spam thread received in [since, until)."""
    rows = conn.execute(
        f"SELECT m.thread_id, m.direction, m.received_at, m.sent_by,"
        f" ({HUMAN_REPLY}) AS human FROM message m JOIN thread t ON t.id = m.thread_id"
        " WHERE m.received_at >= ? AND m.received_at < ? AND t.status != 'spam'"
        " ORDER BY m.received_at, m.id",
        (since, until),
    ).fetchall()
    return [
        MessageTime(int(r[0]), str(r[1]), float(r[2]), r[3], bool(r[4])) for r in rows
    ]


# A reply sent with "then done" is closed by the daemon's sender (actor
# "system") as the reply leaves: it is the reply's author who resolved it.
_RESOLVER = """
CASE WHEN e.actor = 'system' THEN coalesce((
  SELECT m.sent_by FROM message m WHERE m.thread_id = e.thread_id
    AND m.direction = 'out' AND m.sent_by IS NOT NULL AND m.sent_by != 'system'
    AND m.received_at BETWEEN e.at - 60 AND e.at
  ORDER BY m.received_at DESC LIMIT 1), 'system') ELSE e.actor END
"""


def resolutions(
    conn: sqlite3.Connection, since: float, until: float
) -> list[Resolution]:
    """Status changes to done in [since, until) (from the event log).

    A change the daemon made as a reply left (within a minute of it) is
    credited to the reply's author.
    """
    rows = conn.execute(
        f"SELECT e.thread_id, e.at, {_RESOLVER} FROM event e JOIN thread t"
        " ON t.id = e.thread_id WHERE e.kind = 'thread.status'"
        " AND e.at >= ? AND e.at < ? AND json_extract(e.data, '$.status') = 'done'"
        " AND t.status != 'spam' ORDER BY e.at, e.id",
        (since, until),
    ).fetchall()
    return [Resolution(int(r[0]), float(r[1]), r[2]) for r in rows]


def open_threads(conn: sqlite3.Connection) -> list[OpenThread]:
    """Threads still to do, with the time of the customer's last mail."""
    rows = conn.execute(
        "SELECT id, status, coalesce(last_inbound_at, created_at) FROM thread"
        " WHERE status IN ('new', 'open', 'waiting') ORDER BY id"
    ).fetchall()
    return [OpenThread(int(r[0]), str(r[1]), float(r[2])) for r in rows]
