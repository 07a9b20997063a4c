"""Reading threads for the team: views, pages, counts, one thread's parts.

Every list is ordered newest activity first (``last_message_at DESC, id
DESC``) so a page can continue from a cursor (the last row's
``[last_message_at, id]``) with an index seek instead of an OFFSET scan; an
OFFSET is offered too, for jumping to a position. A view is a WHERE clause
over the alias ``t`` (see `view_clause`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shareinbox.errors import ProtocolError

VIEWS = (
    "all",
    "new",
    "open",
    "waiting",
    "done",
    "spam",
    "mine",
    "unassigned",
    "overdue",
    "due_today",
)
STATUSES = ("new", "open", "waiting", "done", "spam")
_ACTIVE = "t.status NOT IN ('done', 'spam')"

THREAD_COLUMNS = """
t.*, a.name AS account_name, c.name AS customer_db_name,
(SELECT m.from_addr FROM message m WHERE m.thread_id = t.id AND m.direction = 'in'
  ORDER BY m.date_at, m.id LIMIT 1) AS first_from_addr,
(SELECT m.from_name FROM message m WHERE m.thread_id = t.id AND m.direction = 'in'
  ORDER BY m.date_at, m.id LIMIT 1) AS first_from_name,
(SELECT min(ca.address) FROM customer_address ca
  WHERE ca.customer_id = t.customer_id) AS customer_any_addr,
(SELECT group_concat(tt.tag, char(31)) FROM thread_tag tt
  WHERE tt.thread_id = t.id) AS tag_list
"""
_FROM = "FROM thread t JOIN account a ON a.id = t.account_id LEFT JOIN customer c ON c.id = t.customer_id"


@dataclass(frozen=True)
class ViewScope:
    """What a view depends on besides its name: who asks, when, where."""

    login: str
    now: float
    tz: ZoneInfo


def day_bounds(now: float, tz: ZoneInfo) -> tuple[float, float]:
    """Start and end (epoch seconds) of the shop's calendar day holding `now`."""
    local = datetime.fromtimestamp(now, tz)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + timedelta(days=1)
    return start.timestamp(), end.timestamp()


def view_clause(view: str, scope: ViewScope) -> tuple[str, list[Any]]:
    """The WHERE clause (over ``t``) of a named view, and its parameters.

    ``mine`` and ``unassigned`` hold the work still to do (not done, not
    spam); ``due_today`` holds the waiting threads whose hold ends before the
    end of today, so a hold that lapsed yesterday is not lost.

    Raises:
        ProtocolError: an unknown view.
    """
    simple: dict[str, tuple[str, list[Any]]] = {
        "all": ("t.status != 'spam'", []),
        "mine": (f"t.assignee = ? AND {_ACTIVE}", [scope.login]),
        "unassigned": (f"t.assignee IS NULL AND {_ACTIVE}", []),
        "overdue": (
            "t.first_response_due_at < ? AND t.first_response_at IS NULL"
            " AND t.status IN ('new', 'open')",
            [scope.now],
        ),
    }
    if view in simple:
        clause, params = simple[view]
        return clause, params
    if view in STATUSES:
        return "t.status = ?", [view]
    if view == "due_today":
        _, end = day_bounds(scope.now, scope.tz)
        return "t.waiting_until < ? AND t.status = 'waiting'", [end]
    kind, _, value = view.partition(":")
    if kind == "account" and value:
        return (
            "t.account_id = (SELECT id FROM account WHERE name = ?)"
            " AND t.status != 'spam'",
            [value],
        )
    if kind == "tag" and value:
        return (
            "t.id IN (SELECT thread_id FROM thread_tag WHERE tag = ?)"
            " AND t.status != 'spam'",
            [value],
        )
    raise ProtocolError(
        f"unknown view {view!r}: use one of {', '.join(VIEWS)}, account:NAME, tag:TAG"
    )


def filter_clause(
    *, status: str | None, assignee: str | None, account: str | None
) -> tuple[str, list[Any]]:
    """Extra conditions AND-ed to a view (``assignee`` "none": unassigned)."""
    parts: list[str] = []
    params: list[Any] = []
    if status is not None:
        if status not in STATUSES:
            raise ProtocolError(f"unknown status {status!r}: {', '.join(STATUSES)}")
        parts.append("t.status = ?")
        params.append(status)
    if assignee == "none":
        parts.append("t.assignee IS NULL")
    elif assignee is not None:
        parts.append("t.assignee = ?")
        params.append(assignee)
    if account is not None:
        parts.append("t.account_id = (SELECT id FROM account WHERE name = ?)")
        params.append(account)
    return " AND ".join(parts) or "1", params


def list_threads(
    conn: sqlite3.Connection,
    where: str,
    params: Sequence[Any],
    *,
    limit: int,
    cursor: Sequence[Any] | None = None,
    offset: int | None = None,
) -> list[sqlite3.Row]:
    """One page of threads matching `where`, newest first.

    Args:
        cursor: ``[last_message_at, id]`` of the previous page's last row.
        offset: rows to skip instead (for jumping; ignored with a cursor).
    """
    sql = f"SELECT {THREAD_COLUMNS} {_FROM} WHERE ({where})"
    args = list(params)
    if cursor is not None:
        sql += " AND (t.last_message_at, t.id) < (?, ?)"
        args += [cursor[0], cursor[1]]
    sql += " ORDER BY t.last_message_at DESC, t.id DESC LIMIT ?"
    args.append(limit)
    if offset and cursor is None:
        sql += " OFFSET ?"
        args.append(offset)
    return conn.execute(sql, args).fetchall()


def count_threads(conn: sqlite3.Connection, where: str, params: Sequence[Any]) -> int:
    """How many threads match `where`."""
    row = conn.execute(f"SELECT count(*) FROM thread t WHERE {where}", params)
    return int(row.fetchone()[0])


def position(
    conn: sqlite3.Connection, where: str, params: Sequence[Any], thread_id: int
) -> int | None:
    """The 0-based row of a thread in a view's order (None: not in the view)."""
    row = conn.execute(
        f"SELECT t.last_message_at, t.id FROM thread t WHERE t.id = ? AND ({where})",
        [thread_id, *params],
    ).fetchone()
    if row is None:
        return None
    before = conn.execute(
        f"SELECT count(*) FROM thread t WHERE ({where})"
        " AND (t.last_message_at, t.id) > (?, ?)",
        [*params, row[0], row[1]],
    ).fetchone()
    return int(before[0])


def threads_by_id(conn: sqlite3.Connection, ids: Sequence[int]) -> list[sqlite3.Row]:
    """The threads with these ids, in the order given (missing ones skipped)."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT {THREAD_COLUMNS} {_FROM} WHERE t.id IN ({marks})", list(ids)
    ).fetchall()
    by_id = {row["id"]: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def count_views(conn: sqlite3.Connection, scope: ViewScope) -> dict[str, int]:
    """The number of threads in every view, accounts and tags included.

    One scan of the covering index ``thread_counts``, grouped by account.
    """
    _, end = day_bounds(scope.now, scope.tz)
    rows = conn.execute(
        f"""SELECT account_id, count(*) FILTER (WHERE status != 'spam'),
        count(*) FILTER (WHERE status = 'new'), count(*) FILTER (WHERE status = 'open'),
        count(*) FILTER (WHERE status = 'waiting'), count(*) FILTER (WHERE status = 'done'),
        count(*) FILTER (WHERE status = 'spam'),
        count(*) FILTER (WHERE assignee = ? AND {_ACTIVE}),
        count(*) FILTER (WHERE assignee IS NULL AND {_ACTIVE}),
        count(*) FILTER (WHERE first_response_due_at < ? AND first_response_at IS NULL
          AND status IN ('new', 'open')),
        count(*) FILTER (WHERE waiting_until < ? AND status = 'waiting')
        FROM thread t GROUP BY account_id""",
        (scope.login, scope.now, end),
    ).fetchall()
    counts = dict.fromkeys(VIEWS, 0)
    by_account = {int(row[0]): int(row[1]) for row in rows}
    for row in rows:
        for view, value in zip(VIEWS, row[1:], strict=True):
            counts[view] += int(value)
    for account_id, name in conn.execute("SELECT id, name FROM account"):
        counts[f"account:{name}"] = by_account.get(int(account_id), 0)
    for tag, n in conn.execute(
        "SELECT tt.tag, count(*) FROM thread_tag tt JOIN thread t ON t.id = tt.thread_id"
        " WHERE t.status != 'spam' GROUP BY tt.tag"
    ):
        counts[f"tag:{tag}"] = int(n)
    return counts
