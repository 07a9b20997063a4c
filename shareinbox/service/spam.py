"""Spam: marking a thread spam (optionally blocking its sender), restoring
it, and the block list.

Spam threads stay out of every working view and out of the metrics (views
and reports leave ``status = 'spam'`` out); restoring one makes it ``new``.
Any staff member may mark spam and block the exact sender with it, and undo
that; blocking or unblocking other patterns (a whole ``@domain``) needs a
supervisor. Patterns from ``[spam] block`` follow the config file and are
changed there.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from shareinbox.errors import Conflict, NotFound, ProtocolError
from shareinbox.service.core import Context, get_row, operation
from shareinbox.service.locks import free_lock, held_by_other
from shareinbox.service.threads import load_thread
from shareinbox.service.views import iso
from shareinbox.store import sorting, teamwork

_PATTERN = re.compile(r"^(?:[^@\s]+@|@)[a-z0-9.-]+\.[a-z0-9-]+$")


def check_pattern(pattern: str) -> str:
    """A block-list pattern in its stored form (lower case).

    Raises:
        ProtocolError: not an address or an ``@domain``.
    """
    value = pattern.strip().lower()
    if len(value) > 254 or not _PATTERN.match(value):
        raise ProtocolError(
            f"not an address or @domain: {pattern!r} (e.g. spam@example.com, @example.com)"
        )
    return value


def _entry_json(ctx: Context, row: sqlite3.Row) -> dict[str, Any]:
    return {
        "pattern": row["pattern"],
        "added_by": row["added_by"],
        "added_at": iso(row["added_at"], ctx.config.shop.tz),
        "note": row["note"],
        "from_config": row["note"] == sorting.CONFIG_NOTE,
    }


def _change(
    ctx: Context,
    conn: sqlite3.Connection,
    thread_id: int,
    status: str,
    data: dict[str, Any],
) -> None:
    row = get_row(conn, "thread", thread_id, "thread")
    holder = teamwork.active_holder(row, ctx.now())
    if holder is not None and holder != ctx.actor.login:
        raise held_by_other(ctx, row, holder)
    reason = f"staff:{ctx.actor.login}" if status == "spam" else None
    teamwork.set_status(conn, thread_id, status, now=ctx.now(), spam_reason=reason)
    change = {"from": row["status"], "to": status, **data}
    ctx.audit(conn, "spam" if status == "spam" else "unspam",
              target=f"thread:{thread_id}", thread_id=thread_id, detail=change)  # fmt: skip
    ctx.event(conn, "thread.status", thread_id=thread_id,
              data={"status": status, "previous": row["status"], **data})  # fmt: skip
    if holder == ctx.actor.login and status == "spam":
        free_lock(ctx, conn, thread_id, holder, "closed")


@operation("mark_spam")
def mark_spam(
    ctx: Context, thread_id: int, block_sender: bool = False
) -> dict[str, Any]:
    """Move a thread to spam; with `block_sender`, block its sender's address."""
    with ctx.store.write() as conn:
        blocked = None
        if block_sender:
            sender = sorting.thread_sender(conn, thread_id)
            if sender is None:
                raise NotFound(f"thread {thread_id} has no sender to block")
            blocked = check_pattern(sender)
            sorting.add_block(conn, blocked, by=ctx.actor.login, now=ctx.now(),
                              note=f"thread:{thread_id}")  # fmt: skip
        _change(ctx, conn, thread_id, "spam", {"blocked": blocked})
        return load_thread(ctx, conn, thread_id)


@operation("restore_spam")
def restore_spam(ctx: Context, thread_id: int, unblock: bool = False) -> dict[str, Any]:
    """Take a thread out of spam (back to new); `unblock` its sender's address."""
    with ctx.store.write() as conn:
        row = get_row(conn, "thread", thread_id, "thread")
        if row["status"] != "spam":
            raise Conflict(f"thread {thread_id} is not spam (it is {row['status']})")
        unblocked = None
        sender = sorting.thread_sender(conn, thread_id)
        if unblock and sender is not None:
            entry = sorting.block_entry(conn, sender)
            if entry is not None and entry["note"] == sorting.CONFIG_NOTE:
                raise Conflict(_config_owned(sender))
            if sorting.remove_block(conn, sender):
                unblocked = sender
        _change(ctx, conn, thread_id, "new", {"unblocked": unblocked})
        return load_thread(ctx, conn, thread_id)


def _config_owned(pattern: str) -> str:
    return (
        f"{pattern} is blocked by [spam] block in the config file; "
        "remove it there and restart the daemon"
    )


@operation("list_blocklist")
def list_blocklist(ctx: Context) -> dict[str, Any]:
    """The block list, by pattern."""
    with ctx.store.read() as conn:
        return {"blocked": [_entry_json(ctx, r) for r in sorting.blocklist(conn)]}


@operation("block", role="supervisor")
def block(ctx: Context, pattern: str, note: str = "") -> dict[str, Any]:
    """Block mail from an address or an ``@domain`` (new threads go to spam)."""
    value = check_pattern(pattern)
    with ctx.store.write() as conn:
        added = sorting.add_block(conn, value, by=ctx.actor.login, now=ctx.now(),
                                  note=note.strip()[:200])  # fmt: skip
        if added:
            ctx.audit(conn, "block", target=f"block:{value}", detail={"note": note})
        entry = sorting.block_entry(conn, value)
        assert entry is not None
        return {"added": added, "entry": _entry_json(ctx, entry)}


@operation("unblock", role="supervisor")
def unblock(ctx: Context, pattern: str) -> dict[str, Any]:
    """Remove an address or ``@domain`` from the block list."""
    value = pattern.strip().lower()
    with ctx.store.write() as conn:
        entry = sorting.block_entry(conn, value)
        if entry is None:
            raise NotFound(f"{value} is not on the block list")
        if entry["note"] == sorting.CONFIG_NOTE:
            raise Conflict(_config_owned(value))
        sorting.remove_block(conn, value)
        ctx.audit(conn, "unblock", target=f"block:{value}")
        return {"removed": value}
