"""Triage: assign a thread, change its status, add notes and phone memos.

A status change never silently breaks someone else's reply lock: while
another person holds the lock, ``set_status`` is a Conflict (a supervisor
force-releases first). Closing a thread (done, spam) frees the caller's own
lock.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from shareinbox.errors import NotFound, PermissionDenied, ProtocolError
from shareinbox.service.core import Context, get_row, operation
from shareinbox.service.locks import free_lock, held_by_other
from shareinbox.service.threads import load_thread
from shareinbox.service.views import memo_json, note_json
from shareinbox.store import teamwork
from shareinbox.store.queries import STATUSES

MAX_TEXT = 100_000


def _text(text: str, what: str) -> str:
    text = text.strip()
    if not text:
        raise ProtocolError(f"an empty {what} is not saved")
    if len(text) > MAX_TEXT:
        raise ProtocolError(f"a {what} may hold at most {MAX_TEXT} characters")
    return text


@operation("assign")
def assign(ctx: Context, thread_id: int, login: str | None) -> dict[str, Any]:
    """Assign a thread to a staff login (None: unassign).

    Agents may take a thread that is free or theirs, and give up their own;
    moving a thread between people needs a supervisor.
    """
    me = ctx.actor.login
    if login is not None and ctx.config.staff_by_login(login) is None:
        raise NotFound(
            f"no staff member with the login {login!r}", title="Unknown staff"
        )
    with ctx.store.write() as conn:
        row = get_row(conn, "thread", thread_id, "thread")
        previous = row["assignee"]
        if previous == login:
            return load_thread(ctx, conn, thread_id)
        if not ctx.actor.at_least("supervisor") and (
            previous not in (None, me) or login not in (None, me)
        ):
            raise PermissionDenied(
                f"moving thread {thread_id} from {previous or 'nobody'} to "
                f"{login or 'nobody'} needs a supervisor; agents take free threads "
                "and give up their own",
                title="Not allowed",
            )
        teamwork.set_assignee(conn, thread_id, login, now=ctx.now())
        ctx.audit(
            conn,
            "assign",
            target=f"thread:{thread_id}",
            thread_id=thread_id,
            detail={"from": previous, "to": login},
        )
        ctx.event(
            conn,
            "thread.assigned",
            thread_id=thread_id,
            data={"assignee": login, "previous": previous},
        )
        return load_thread(ctx, conn, thread_id)


def _check_status(
    ctx: Context, status: str, reason: str | None, until: float | None
) -> None:
    if status not in STATUSES:
        raise ProtocolError(f"unknown status {status!r}: use {', '.join(STATUSES)}")
    if status == "waiting":
        if reason not in ctx.config.waiting_reasons:
            raise ProtocolError(
                f"waiting needs a reason: one of {', '.join(ctx.config.waiting_reasons)}"
            )
    elif reason is not None or until is not None:
        raise ProtocolError(
            "a reason and an until date go with the waiting status only"
        )


@operation("set_status")
def set_status(
    ctx: Context,
    thread_id: int,
    status: str,
    reason: str | None = None,
    until: float | None = None,
) -> dict[str, Any]:
    """Move a thread to `status` (waiting takes a reason and an optional until)."""
    _check_status(ctx, status, reason, until)
    me, now = ctx.actor.login, ctx.now()
    with ctx.store.write() as conn:
        row = get_row(conn, "thread", thread_id, "thread")
        holder = teamwork.active_holder(row, now)
        if holder is not None and holder != me:
            raise held_by_other(ctx, row, holder)
        if (row["status"], row["waiting_reason"], row["waiting_until"]) != (
            status, reason, until
        ):  # fmt: skip
            _change_status(ctx, conn, row, status, reason, until)
        if holder == me and status in ("done", "spam"):
            free_lock(ctx, conn, thread_id, me, "closed")
        return load_thread(ctx, conn, thread_id)


def _change_status(
    ctx: Context,
    conn: sqlite3.Connection,
    row: sqlite3.Row,
    status: str,
    reason: str | None,
    until: float | None,
) -> None:
    thread_id = int(row["id"])
    spam_reason = f"staff:{ctx.actor.login}" if status == "spam" else None
    teamwork.set_status(conn, thread_id, status, now=ctx.now(), reason=reason,
                        until=until, spam_reason=spam_reason)  # fmt: skip
    change = {"reason": reason, "until": until}
    ctx.audit(conn, "status", target=f"thread:{thread_id}", thread_id=thread_id,
              detail={"from": row["status"], "to": status, **change})  # fmt: skip
    ctx.event(conn, "thread.status", thread_id=thread_id,
              data={"status": status, "previous": row["status"], **change})  # fmt: skip


@operation("add_note")
def add_note(ctx: Context, thread_id: int, text: str) -> dict[str, Any]:
    """Add an internal note (never sent to the customer) to a thread."""
    body = _text(text, "note")
    with ctx.store.write() as conn:
        get_row(conn, "thread", thread_id, "thread")
        note_id = teamwork.insert_note(
            conn, thread_id, ctx.actor.login, body, now=ctx.now()
        )
        ctx.audit(
            conn,
            "note",
            target=f"note:{note_id}",
            thread_id=thread_id,
            detail={"note_id": note_id, "chars": len(body)},
        )
        ctx.event(
            conn,
            "thread.note",
            thread_id=thread_id,
            data={"note_id": note_id, "author": ctx.actor.login},
        )
        row = conn.execute("SELECT * FROM note WHERE id = ?", (note_id,)).fetchone()
        return note_json(ctx, row)


@operation("add_memo")
def add_memo(
    ctx: Context,
    text: str,
    thread_id: int | None = None,
    customer_id: int | None = None,
    phone: str = "",
    direction: str = "in",
    called_at: float | None = None,
) -> dict[str, Any]:
    """Record a phone call (電話メモ) about a thread and/or a customer."""
    body = _text(text, "memo")
    if direction not in ("in", "out"):
        raise ProtocolError("direction is 'in' (they called) or 'out' (we called)")
    if thread_id is None and customer_id is None:
        raise ProtocolError("a memo belongs to a thread or a customer: give one")
    with ctx.store.write() as conn:
        if thread_id is not None:
            thread = get_row(conn, "thread", thread_id, "thread")
            customer_id = (
                customer_id if customer_id is not None else thread["customer_id"]
            )
        if customer_id is not None:
            get_row(conn, "customer", customer_id, "customer")
        memo_id = teamwork.insert_memo(
            conn,
            author=ctx.actor.login,
            body=body,
            thread_id=thread_id,
            customer_id=customer_id,
            phone=phone.strip(),
            direction=direction,
            called_at=ctx.now() if called_at is None else called_at,
            now=ctx.now(),
        )
        ctx.audit(
            conn,
            "memo",
            target=f"memo:{memo_id}",
            thread_id=thread_id,
            detail={"memo_id": memo_id, "customer_id": customer_id},
        )
        ctx.event(
            conn,
            "thread.memo",
            thread_id=thread_id,
            data={
                "memo_id": memo_id,
                "customer_id": customer_id,
                "author": ctx.actor.login,
            },
        )
        row = conn.execute(
            "SELECT * FROM phone_memo WHERE id = ?", (memo_id,)
        ).fetchone()
        return memo_json(ctx, row)
