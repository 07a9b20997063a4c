"""Reply locks (排他ロック): one person replies to a thread at a time.

``claim`` succeeds when the thread is free, its lock has lapsed, or the
caller already holds it (then it renews). A lock lapses ``lock_timeout``
after the last claim/renew; the holder's client renews it while composing.
When a connection drops, the daemon shortens its locks to
``release_on_disconnect`` (`lapse_connection_locks`) and `sweep_locks` frees
the lapsed ones, recording each in the audit trail and as a ``thread.lock``
event. Drafts are never touched here: a lapsed lock keeps its draft.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from shareinbox.errors import Conflict, PermissionDenied
from shareinbox.service.core import Context, get_row, operation
from shareinbox.service.threads import load_thread
from shareinbox.store import teamwork


def _when(ctx: Context, ts: float | None) -> str:
    if ts is None:
        return "?"
    local = datetime.fromtimestamp(ts, ctx.config.shop.tz)
    today = datetime.fromtimestamp(ctx.now(), ctx.config.shop.tz).date()
    return local.strftime("%H:%M" if local.date() == today else "%Y-%m-%d %H:%M")


def held_by_other(ctx: Context, row: sqlite3.Row, holder: str) -> Conflict:
    """The Conflict for a thread whose lock someone else holds."""
    return Conflict(
        f"thread {row['id']} is locked: {ctx.staff_name(holder)} ({holder}) has been "
        f"replying since {_when(ctx, row['locked_at'])}; the lock lapses at "
        f"{_when(ctx, row['lock_expires_at'])} unless renewed",
        title="Locked",
    )


def _lock_event(
    ctx: Context, conn: sqlite3.Connection, thread_id: int, **data: object
) -> None:
    ctx.event(conn, "thread.lock", thread_id=thread_id, data=dict(data))


def _start_work(ctx: Context, conn: sqlite3.Connection, row: sqlite3.Row) -> None:
    """Claiming a thread means someone is on it: new -> open, assign if nobody."""
    me, now, thread_id = ctx.actor.login, ctx.now(), int(row["id"])
    if row["status"] == "new":
        teamwork.set_status(conn, thread_id, "open", now=now)
        ctx.audit(
            conn,
            "status",
            target=f"thread:{thread_id}",
            thread_id=thread_id,
            detail={"from": "new", "to": "open", "by": "claim"},
        )
        ctx.event(
            conn,
            "thread.status",
            thread_id=thread_id,
            data={"status": "open", "previous": "new"},
        )
    if row["assignee"] is None:
        teamwork.set_assignee(conn, thread_id, me, now=now)
        ctx.audit(
            conn,
            "assign",
            target=f"thread:{thread_id}",
            thread_id=thread_id,
            detail={"from": None, "to": me, "by": "claim"},
        )
        ctx.event(
            conn,
            "thread.assigned",
            thread_id=thread_id,
            data={"assignee": me, "previous": None},
        )


def _take(ctx: Context, thread_id: int, *, start_work: bool) -> dict[str, object]:
    me, now = ctx.actor.login, ctx.now()
    expires = now + ctx.config.server.lock_timeout
    with ctx.store.write() as conn:
        row = get_row(conn, "thread", thread_id, "thread")
        holder = teamwork.active_holder(row, now)
        if holder is not None and holder != me:
            raise held_by_other(ctx, row, holder)
        renewing = holder == me
        locked_at = row["locked_at"] if renewing and row["locked_at"] else now
        teamwork.set_lock(
            conn,
            thread_id,
            me,
            locked_at=locked_at,
            expires_at=expires,
            client=ctx.connection_id,
        )
        if not renewing:
            detail: dict[str, object] = {"expires_at": expires}
            if row["locked_by"] is not None and row["locked_by"] != me:
                detail["lapsed_holder"] = row["locked_by"]
            ctx.audit(
                conn,
                "claim",
                target=f"thread:{thread_id}",
                thread_id=thread_id,
                detail=detail,
            )
            _lock_event(ctx, conn, thread_id, locked_by=me, expires_at=expires)
            if start_work:
                _start_work(ctx, conn, row)
        return load_thread(ctx, conn, thread_id)


@operation("claim")
def claim(ctx: Context, thread_id: int) -> dict[str, object]:
    """Take the reply lock (or renew one's own); Conflict when someone else holds it.

    Claiming a new thread also opens it and, when nobody has it, assigns it
    to the caller.
    """
    return _take(ctx, thread_id, start_work=True)


@operation("renew")
def renew(ctx: Context, thread_id: int) -> dict[str, object]:
    """Extend one's own lock (retaking it if it lapsed and nobody took it)."""
    return _take(ctx, thread_id, start_work=False)


@operation("release")
def release(ctx: Context, thread_id: int, force: bool = False) -> dict[str, object]:
    """Give back the reply lock; supervisors may `force` someone else's off."""
    me, now = ctx.actor.login, ctx.now()
    with ctx.store.write() as conn:
        row = get_row(conn, "thread", thread_id, "thread")
        holder = teamwork.active_holder(row, now)
        if holder is not None and holder != me:
            if not ctx.actor.at_least("supervisor"):
                raise PermissionDenied(
                    f"thread {thread_id} is locked by {ctx.staff_name(holder)} "
                    f"({holder}); only a supervisor can release someone else's lock",
                    title="Not allowed",
                )
            if not force:
                raise held_by_other(ctx, row, holder)
        if holder is not None:
            forced = holder != me
            free_lock(ctx, conn, thread_id, holder, "forced" if forced else "released",
                      action="release.force" if forced else "release")  # fmt: skip
        return load_thread(ctx, conn, thread_id)


def free_lock(
    ctx: Context,
    conn: sqlite3.Connection,
    thread_id: int,
    holder: str,
    reason: str,
    *,
    action: str = "release",
    **detail: object,
) -> None:
    """Clear a thread's lock inside the caller's transaction, audited, with an event.

    For the operations that end a reply: sending it, cancelling it, closing
    the thread (`reason` says which: "sent", "cancelled", "closed", ...).
    """
    teamwork.clear_lock(conn, thread_id)
    ctx.audit(conn, action, target=f"thread:{thread_id}", thread_id=thread_id,
              detail={"holder": holder, "reason": reason, **detail})  # fmt: skip
    _lock_event(ctx, conn, thread_id, locked_by=None, previous=holder, reason=reason)


def sweep_locks(ctx: Context) -> float | None:
    """Free every lapsed lock (audited as the acting system); return the next expiry."""
    now = ctx.now()
    with ctx.store.read() as conn:
        if not teamwork.lapsed_locks(conn, now):
            return teamwork.next_lock_expiry(conn)
    with ctx.store.write() as conn:
        for row in teamwork.lapsed_locks(conn, now):
            free_lock(ctx, conn, int(row["id"]), row["locked_by"], "lapsed",
                      action="lock.lapse", locked_at=row["locked_at"])  # fmt: skip
        return teamwork.next_lock_expiry(conn)


def lapse_connection_locks(
    ctx: Context, connection_id: str | None, after: float
) -> int:
    """Make the locks of a dropped connection (None: of all) lapse within `after` s."""
    with ctx.store.write() as conn:
        return teamwork.shorten_locks(conn, ctx.now() + after, client=connection_id)
