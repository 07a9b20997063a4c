"""Submitting, approving and rejecting replies; the outbox list; retry and edit.

A reply by staff with ``needs_approval`` waits in 承認待ち (awaiting
approval): supervisors get an ``approval.requested`` event, read the draft,
may edit it, and approve (it is queued and sent) or send it back with a
comment its author sees on the draft. A failed reply stays in the outbox:
``retry`` queues it again, ``edit_failed`` makes it a draft again;
``withdraw`` takes back one not yet being sent. Every
step is audited and pushed as an ``outbox.state`` event.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from shareinbox.errors import Conflict, NotFound, PermissionDenied, ProtocolError
from shareinbox.service import outbox_views as views
from shareinbox.service.core import Context, operation
from shareinbox.service.locks import free_lock
from shareinbox.service.replies import confirmation, draft_fields, own_draft
from shareinbox.store import outbox
from shareinbox.store.outbox import STATES


def _row(conn: sqlite3.Connection, outbox_id: int) -> sqlite3.Row:
    row = outbox.get(conn, outbox_id)
    if row is None:
        raise NotFound(f"no outbox entry with id {outbox_id}", title="No such reply")
    return row


def _queue(
    ctx: Context, conn: sqlite3.Connection, row: sqlite3.Row, **fields: Any
) -> None:
    """Build the mail (dated now) and queue it for the sender."""
    raw = views.build_raw(ctx, conn, row)
    moved = outbox.move(
        conn, int(row["id"]), [row["state"]], "queued", ctx.now(), raw=raw,
        attempts=0, next_attempt_at=None, last_error=None, **fields,
    )  # fmt: skip
    if not moved:
        raise Conflict(f"reply {row['id']} changed meanwhile; look again")
    views.state_event(ctx, conn, row, "queued", row["state"])


def _fresh(ctx: Context, conn: sqlite3.Connection, outbox_id: int) -> dict[str, Any]:
    return views.outbox_json(ctx, conn, _row(conn, outbox_id))


@operation("submit")
def submit(
    ctx: Context, thread_id: int, then_status: str | None = None
) -> dict[str, Any]:
    """Send the caller's draft: to approval if they need it, else to the queue.

    Frees the thread's lock. Warnings do not stop it (the client showed them
    in the confirmation); problems (no recipients, mixed routes) do.
    """
    views.check_then_status(then_status)
    me, now = ctx.actor.login, ctx.now()
    with ctx.store.write() as conn:
        row = own_draft(ctx, conn, thread_id, create=False)
        check = confirmation(ctx, conn, row)
        if check["problems"]:
            raise ProtocolError("; ".join(check["problems"]))
        fields: dict[str, Any] = {"submitted_at": now, "review_comment": None}
        if then_status is not None:
            fields["after_status"] = then_status
        outbox.update(conn, int(row["id"]), now, **fields)
        row = _row(conn, int(row["id"]))
        if ctx.actor.needs_approval:
            outbox.move(conn, int(row["id"]), ["draft"], "awaiting_approval", now)
            views.state_event(ctx, conn, row, "awaiting_approval", "draft")
            ctx.event(conn, "approval.requested", thread_id=thread_id,
                      data={"outbox_id": row["id"], "author": me,
                            "subject": row["subject"]})  # fmt: skip
        else:
            _queue(ctx, conn, row)
        state = "awaiting_approval" if ctx.actor.needs_approval else "queued"
        ctx.audit(conn, "submit", target=f"outbox:{row['id']}", thread_id=thread_id,
                  detail={"state": state, "warnings": [w["code"] for w in check["warnings"]]})  # fmt: skip
        holder = conn.execute(
            "SELECT locked_by FROM thread WHERE id = ?", (thread_id,)
        ).fetchone()
        if holder is not None and holder[0] == me:
            free_lock(ctx, conn, thread_id, me, "submitted")
        result = _fresh(ctx, conn, int(row["id"]))
        result["warnings"] = check["warnings"]
        return result


def _awaiting(conn: sqlite3.Connection, outbox_id: int) -> sqlite3.Row:
    row = _row(conn, outbox_id)
    if row["state"] != "awaiting_approval":
        by = f" by {row['approved_by']}" if row["approved_by"] else ""
        raise Conflict(
            f"reply {outbox_id} is not awaiting approval: it is {row['state']}{by}",
            title="Already decided",
        )
    return row


# What an approver may change: the column, and the name the audit row uses.
APPROVER_EDITS = (("body", "body"), ("subject", "subject"), ("to_json", "to"),
                  ("cc_json", "cc"))  # fmt: skip


def _approver_edits(
    conn: sqlite3.Connection, row: sqlite3.Row, fields: dict[str, Any], now: float
) -> dict[str, Any]:
    """Apply the approver's edits that change something; the audit's account
    of them: the fields changed and the subject and recipients before."""
    changed = {c: v for c, v in fields.items() if v != row[c]}
    if not changed:
        return {"edited": False}
    outbox.update(conn, int(row["id"]), now, **changed)
    names = [name for column, name in APPROVER_EDITS if column in changed]
    before: dict[str, Any] = {}
    for column, name in APPROVER_EDITS[1:]:
        if column in changed:
            old = row[column]
            before[name] = old if column == "subject" else outbox.parties(old)
    return {"edited": True, "changed": names, "before": before}


@operation("approve", role="supervisor")
def approve(
    ctx: Context,
    outbox_id: int,
    body: str | None = None,
    subject: str | None = None,
    to: list[Any] | None = None,
    cc: list[Any] | None = None,
) -> dict[str, Any]:
    """Approve a reply: it is queued and sent.

    Args:
        body, subject: the approver's edits (None: as submitted).
        to, cc: edited recipients, checked as ``save_draft`` checks them.
    """
    fields = draft_fields(body=body, subject=subject, to=to, cc=cc)
    me, now = ctx.actor.login, ctx.now()
    with ctx.store.write() as conn:
        row = _awaiting(conn, outbox_id)
        edits = _approver_edits(conn, row, fields, now)
        if edits["edited"]:
            row = _row(conn, outbox_id)
            problems = confirmation(ctx, conn, row)["problems"]
            if problems:  # nothing is kept: the transaction is rolled back
                raise ProtocolError("; ".join(problems))
        _queue(ctx, conn, row, approved_by=me, reviewed_at=now)
        ctx.audit(conn, "approve", target=f"outbox:{outbox_id}",
                  thread_id=row["thread_id"], detail={"author": row["author"], **edits})  # fmt: skip
        ctx.event(conn, "approval.decided", thread_id=row["thread_id"],
                  data={"outbox_id": outbox_id, "decision": "approved", "by": me,
                        "author": row["author"], "edited": edits["edited"]})  # fmt: skip
        return _fresh(ctx, conn, outbox_id)


@operation("reject", role="supervisor")
def reject(ctx: Context, outbox_id: int, reason: str) -> dict[str, Any]:
    """Send a reply back to its author as a draft, with a comment they see."""
    reason = reason.strip()
    if not reason:
        raise ProtocolError("say why the reply goes back (the author reads it)")
    me, now = ctx.actor.login, ctx.now()
    with ctx.store.write() as conn:
        row = _awaiting(conn, outbox_id)
        outbox.move(conn, outbox_id, ["awaiting_approval"], "draft", now,
                    review_comment=reason, reviewed_at=now)  # fmt: skip
        views.state_event(ctx, conn, row, "draft", "awaiting_approval")
        ctx.audit(conn, "reject", target=f"outbox:{outbox_id}",
                  thread_id=row["thread_id"],
                  detail={"author": row["author"], "reason": reason})  # fmt: skip
        ctx.event(conn, "approval.decided", thread_id=row["thread_id"],
                  data={"outbox_id": outbox_id, "decision": "rejected", "by": me,
                        "author": row["author"], "reason": reason})  # fmt: skip
        return _fresh(ctx, conn, outbox_id)


def _failed(ctx: Context, conn: sqlite3.Connection, outbox_id: int) -> sqlite3.Row:
    row = _row(conn, outbox_id)
    if row["author"] != ctx.actor.login and not ctx.actor.at_least("supervisor"):
        raise PermissionDenied(
            f"reply {outbox_id} is {row['author']}'s; its author or a supervisor "
            "may retry or edit it",
            title="Not allowed",
        )
    if row["state"] != "failed":
        raise Conflict(f"reply {outbox_id} is {row['state']}, not failed")
    return row


@operation("retry")
def retry(ctx: Context, outbox_id: int) -> dict[str, Any]:
    """Queue a failed reply again (same Message-ID, attempts counted afresh)."""
    with ctx.store.write() as conn:
        row = _failed(ctx, conn, outbox_id)
        again: dict[str, Any] = {} if row["has_raw"] else {
            "raw": views.build_raw(ctx, conn, row)
        }  # fmt: skip
        outbox.move(conn, outbox_id, ["failed"], "queued", ctx.now(), attempts=0,
                    next_attempt_at=None, **again)  # fmt: skip
        views.state_event(ctx, conn, row, "queued", "failed")
        ctx.audit(conn, "outbox.retry", target=f"outbox:{outbox_id}",
                  thread_id=row["thread_id"], detail={"error": row["last_error"]})  # fmt: skip
        return _fresh(ctx, conn, outbox_id)


@operation("edit_failed")
def edit_failed(ctx: Context, outbox_id: int) -> dict[str, Any]:
    """Turn a failed reply back into its author's draft, to fix and send again."""
    with ctx.store.write() as conn:
        row = _failed(ctx, conn, outbox_id)
        outbox.move(conn, outbox_id, ["failed"], "draft", ctx.now(), raw=None,
                    attempts=0, next_attempt_at=None)  # fmt: skip
        views.state_event(ctx, conn, row, "draft", "failed")
        ctx.audit(conn, "outbox.edit", target=f"outbox:{outbox_id}",
                  thread_id=row["thread_id"], detail={"error": row["last_error"]})  # fmt: skip
        return _fresh(ctx, conn, outbox_id)


@operation("withdraw")
def withdraw(ctx: Context, outbox_id: int) -> dict[str, Any]:
    """Take back a reply awaiting approval or queued (not yet sending): a draft again."""
    with ctx.store.write() as conn:
        row = _row(conn, outbox_id)
        if row["author"] != ctx.actor.login and not ctx.actor.at_least("supervisor"):
            raise PermissionDenied(
                f"reply {outbox_id} is {row['author']}'s; its author or a supervisor "
                "may take it back",
                title="Not allowed",
            )
        if not outbox.move(conn, outbox_id, ["awaiting_approval", "queued"], "draft",
                           ctx.now(), raw=None, attempts=0, next_attempt_at=None):  # fmt: skip
            raise Conflict(
                f"reply {outbox_id} is {row['state']}: too late to take it back",
                title="Too late",
            )
        views.state_event(ctx, conn, row, "draft", row["state"])
        ctx.audit(conn, "outbox.withdraw", target=f"outbox:{outbox_id}",
                  thread_id=row["thread_id"], detail={"from": row["state"]})  # fmt: skip
        return _fresh(ctx, conn, outbox_id)


@operation("list_outbox")
def list_outbox(
    ctx: Context, state: str | None = None, limit: int = 100
) -> dict[str, Any]:
    """Outbox entries (one state or all), newest change first, with counts."""
    if state is not None and state not in STATES:
        raise ProtocolError(f"unknown state {state!r}: use {', '.join(STATES)}")
    if not 1 <= limit <= 1000:
        raise ProtocolError("limit must be between 1 and 1000")
    with ctx.store.read() as conn:
        rows = outbox.listing(conn, state, limit)
        counts = dict(
            conn.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall()
        )
        return {
            "outbox": [views.outbox_json(ctx, conn, r, full=False) for r in rows],
            "counts": {s: counts.get(s, 0) for s in STATES},
        }


@operation("get_outbox")
def get_outbox(ctx: Context, outbox_id: int) -> dict[str, Any]:
    """One outbox entry in full (body, files, review comment, last error)."""
    with ctx.store.read() as conn:
        return _fresh(ctx, conn, outbox_id)
