"""The JSON shapes clients see: Thread, Message, note, memo, event.

Times are ISO 8601 with the shop's offset; where a client needs arithmetic
the raw epoch seconds are given too (``*_ts``). Text is passed through as
stored: the clients clean it (`shareinbox.text.clean`) before showing it.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from shareinbox.service.core import Context
from shareinbox.store.teamwork import active_holder


def iso(ts: float | None, tz: ZoneInfo) -> str | None:
    """Epoch seconds as ISO 8601 in `tz` (None stays None)."""
    if ts is None:
        return None
    try:
        return datetime.fromtimestamp(ts, tz).isoformat(timespec="seconds")
    except (OverflowError, ValueError, OSError):  # a stored time out of range
        return None


def _json_list(text: str | None) -> list[Any]:
    try:
        value = json.loads(text or "[]")
    except json.JSONDecodeError:
        return []
    return value if isinstance(value, list) else []


def thread_json(ctx: Context, row: sqlite3.Row) -> dict[str, Any]:
    """A Thread as clients see it (the row comes from `store.queries`)."""
    tz, now = ctx.config.shop.tz, ctx.now()
    holder = active_holder(row, now)
    due = row["first_response_due_at"]
    # The address the customer writes from (as filed: lower case), else any
    # address of the customer (a thread that only holds our own mail).
    customer = (
        row["first_from_addr"] or row["customer_any_addr"] or ""
    ).lower() or None
    tags = str(row["tag_list"]).split("\x1f") if row["tag_list"] else []
    return {
        "id": row["id"],
        "account": row["account_name"],
        "subject": row["subject"],
        "status": row["status"],
        "assignee": row["assignee"],
        "assignee_name": ctx.staff_name(row["assignee"]),
        "locked_by": holder,
        "locked_by_name": ctx.staff_name(holder),
        "locked_at": iso(row["locked_at"], tz) if holder else None,
        "lock_expires_at": iso(row["lock_expires_at"], tz) if holder else None,
        "lock_expires_ts": row["lock_expires_at"] if holder else None,
        "customer": customer,
        "customer_name": row["customer_db_name"] or row["first_from_name"] or "",
        "customer_id": row["customer_id"],
        "message_count": row["message_count"],
        "last_message_at": iso(row["last_message_at"], tz),
        "last_message_ts": row["last_message_at"],
        "created_at": iso(row["created_at"], tz),
        "first_response_due": iso(due, tz),
        "due_ts": due,
        "first_response_at": iso(row["first_response_at"], tz),
        "overdue": bool(
            due is not None
            and due < now
            and row["first_response_at"] is None
            and row["status"] in ("new", "open")
        ),
        "waiting_reason": row["waiting_reason"],
        "waiting_until": iso(row["waiting_until"], tz),
        "waiting_until_ts": row["waiting_until"],
        "tags": sorted(tags),
        "category": row["category"],
        "viewers": ctx.presence.viewers(int(row["id"])),
    }


def attachments_json(text: str | None) -> list[dict[str, Any]]:
    """The attachment list of a message, each with its index."""
    found = []
    for index, item in enumerate(_json_list(text)):
        if not isinstance(item, dict):
            continue
        found.append(
            {
                "index": item.get("index", index),
                "filename": item.get("filename") or "",
                "size": item.get("size") or 0,
                "content_type": item.get("content_type") or "",
            }
        )
    return found


def message_json(row: sqlite3.Row, tz: ZoneInfo) -> dict[str, Any]:
    """A Message as clients see it (`store.details.messages` rows)."""
    date = row["date_at"] if row["date_at"] is not None else row["received_at"]
    return {
        "id": row["id"],
        "direction": row["direction"],
        "from": row["from_addr"],
        "from_name": row["from_name"],
        "to": _json_list(row["to_json"]),
        "cc": _json_list(row["cc_json"]),
        "date": iso(date, tz),
        "date_ts": date,
        "subject": row["subject"],
        "text": row["body_text"] or "",
        "attachments": attachments_json(row["attachments_json"]),
        "parse_error": row["parse_error"],
        "sent_by": row["sent_by"],
    }


def note_json(ctx: Context, row: sqlite3.Row) -> dict[str, Any]:
    """An internal note."""
    return {
        "id": row["id"],
        "thread_id": row["thread_id"],
        "author": row["author"],
        "author_name": ctx.staff_name(row["author"]),
        "text": row["body"],
        "at": iso(row["created_at"], ctx.config.shop.tz),
        "at_ts": row["created_at"],
    }


def memo_json(ctx: Context, row: sqlite3.Row) -> dict[str, Any]:
    """A phone memo."""
    tz = ctx.config.shop.tz
    return {
        "id": row["id"],
        "thread_id": row["thread_id"],
        "customer_id": row["customer_id"],
        "author": row["author"],
        "author_name": ctx.staff_name(row["author"]),
        "phone": row["phone"],
        "direction": row["direction"],
        "text": row["body"],
        "called_at": iso(row["called_at"], tz),
        "called_ts": row["called_at"],
        "at": iso(row["created_at"], tz),
    }


def event_json(row: sqlite3.Row, tz: ZoneInfo) -> dict[str, Any]:
    """A stored event, as shown in a thread's history."""
    return {
        "seq": row["id"],
        "kind": row["kind"],
        "thread_id": row["thread_id"],
        "actor": row["actor"],
        "at": iso(row["at"], tz),
        "at_ts": row["at"],
        "data": json.loads(row["data"] or "{}"),
    }
