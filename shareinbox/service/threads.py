"""Reading threads: view counts, pages of a view, one thread in full, search.

``show_thread`` is audited: looking at a customer's mail is an action.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from shareinbox.errors import NotFound, ProtocolError
from shareinbox.service.core import Context, operation
from shareinbox.service.views import (
    event_json,
    memo_json,
    message_json,
    note_json,
    thread_json,
)
from shareinbox.store import details, queries
from shareinbox.store import search as search_index

MAX_PAGE = 1000


def _scope(ctx: Context) -> queries.ViewScope:
    return queries.ViewScope(ctx.actor.login, ctx.now(), ctx.config.shop.tz)


def load_thread(
    ctx: Context, conn: sqlite3.Connection, thread_id: int
) -> dict[str, Any]:
    """One Thread as JSON; NotFound when there is no such thread."""
    rows = queries.threads_by_id(conn, [thread_id])
    if not rows:
        raise NotFound(f"no thread with id {thread_id}", title="No such thread")
    return thread_json(ctx, rows[0])


@operation("view_counts")
def view_counts(ctx: Context) -> dict[str, int]:
    """The number of threads in every view (for the sidebar)."""
    with ctx.store.read() as conn:
        return queries.count_views(conn, _scope(ctx))


@operation("list_threads")
def list_threads(
    ctx: Context,
    view: str = "all",
    limit: int = 100,
    cursor: list[Any] | None = None,
    offset: int | None = None,
    status: str | None = None,
    assignee: str | None = None,
    account: str | None = None,
) -> dict[str, Any]:
    """A page of a view, newest activity first.

    Args:
        view: a view name (see `store.queries.VIEWS`, ``account:NAME``, ``tag:TAG``).
        limit: page size (at most 1000).
        cursor: the ``next`` of the previous page.
        offset: rows to skip instead of a cursor (jumping to a position).
        status: only threads in this status.
        assignee: only threads of this login ("me": the caller, "none": nobody's).
        account: only threads of this account.

    Returns:
        ``{"threads": [...], "next": cursor or None, "total": n}``; ``total``
        counts the whole view with its filters.
    """
    if not 1 <= limit <= MAX_PAGE:
        raise ProtocolError(f"limit must be between 1 and {MAX_PAGE}")
    if cursor is not None and (len(cursor) != 2 or not isinstance(cursor[1], int)):
        raise ProtocolError("cursor must be [last_message_ts, id]")
    if offset is not None and offset < 0:
        raise ProtocolError("offset must not be negative")
    where, params = queries.view_clause(view, _scope(ctx))
    extra, extra_params = queries.filter_clause(
        status=status,
        assignee=ctx.actor.login if assignee == "me" else assignee,
        account=account,
    )
    where, params = f"{where} AND {extra}", params + extra_params
    with ctx.store.read() as conn:
        rows = queries.list_threads(
            conn, where, params, limit=limit, cursor=cursor, offset=offset
        )
        total = queries.count_threads(conn, where, params)
        threads = [thread_json(ctx, row) for row in rows]
    last = rows[-1] if len(rows) == limit else None
    return {
        "threads": threads,
        "next": [last["last_message_at"], last["id"]] if last else None,
        "total": total,
    }


@operation("thread_position")
def thread_position(ctx: Context, thread_id: int, view: str = "all") -> dict[str, Any]:
    """Where a thread sits in a view (``{"position": n}``, 0-based; null if absent).

    With ``list_threads(offset=position)`` a client jumps to a thread.
    """
    where, params = queries.view_clause(view, _scope(ctx))
    with ctx.store.read() as conn:
        return {"position": queries.position(conn, where, params, thread_id)}


@operation("show_thread")
def show_thread(ctx: Context, thread_id: int) -> dict[str, Any]:
    """A thread with its messages, notes, memos, events, orders and outbox."""
    tz = ctx.config.shop.tz
    with ctx.store.read() as conn:
        result = {
            "thread": load_thread(ctx, conn, thread_id),
            "messages": [
                message_json(r, tz) for r in details.messages(conn, thread_id)
            ],
            "notes": [note_json(ctx, r) for r in details.notes(conn, thread_id)],
            "memos": [
                memo_json(ctx, r) for r in details.memos(conn, thread_ids=[thread_id])
            ],
            "events": [
                event_json(r, tz) for r in details.thread_events(conn, [thread_id])
            ],
            "orders": details.orders(conn, thread_id),
            "outbox": [dict(r) for r in details.outbox(conn, thread_id)],
        }
    # Recorded after reading, so a long thread never holds the writer up.
    with ctx.store.write() as conn:
        ctx.audit(conn, "view", target=f"thread:{thread_id}", thread_id=thread_id)
    return result


@operation("search")
def search(ctx: Context, query: str, limit: int = 100) -> dict[str, Any]:
    """Threads with a message holding every term of `query`, newest first.

    Exact substring search over subject, sender and body, Japanese words of
    any length included (`shareinbox.store.search`).
    """
    if not 1 <= limit <= MAX_PAGE:
        raise ProtocolError(f"limit must be between 1 and {MAX_PAGE}")
    with ctx.store.read() as conn:
        ids = search_index.search_threads(conn, query, limit=limit)
        rows = queries.threads_by_id(conn, ids)
        return {"threads": [thread_json(ctx, row) for row in rows]}
