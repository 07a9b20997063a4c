"""Customers: one person's history across threads and addresses; merging.

A customer may write from several addresses (a personal address, a mall's
masked relay address). A supervisor merges them into one customer; from
then on the history shows every thread, message, note, phone memo, status
change and assignment of all of them, oldest first.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from shareinbox.errors import Conflict, NotFound, ProtocolError
from shareinbox.service.core import Context, get_row, operation
from shareinbox.service.views import iso, thread_json
from shareinbox.store import details, queries, teamwork

_EVENT_KINDS = {"thread.status": "status", "thread.assigned": "assign"}


def _resolve(
    conn: sqlite3.Connection, address: str | None, customer_id: int | None
) -> int:
    if address:
        found = details.customer_of_address(conn, address)
        if found is None:
            raise NotFound(
                f"no customer with the address {address}", title="Unknown customer"
            )
        return found
    if customer_id is None:
        raise ProtocolError("give an address or a customer_id")
    get_row(conn, "customer", customer_id, "customer")
    return details.final_customer(conn, customer_id)


def _entry(
    at: float | None, kind: str, thread_id: int | None, actor: Any, **more: Any
) -> dict[str, Any]:
    return {"at_ts": at, "kind": kind, "thread_id": thread_id, "actor": actor, **more}


def _timeline(
    ctx: Context,
    conn: sqlite3.Connection,
    customer_ids: list[int],
    thread_ids: list[int],
) -> list[dict[str, Any]]:
    """Messages, notes, memos, status changes and assignments, oldest first."""
    entries = [
        _entry(m["at"], m["direction"], m["thread_id"],
               m["sent_by"] if m["direction"] == "out" else m["from_addr"],
               message_id=m["id"], summary=m["subject"])
        for m in details.thread_messages_brief(conn, thread_ids)
    ]  # fmt: skip
    entries += [
        _entry(n["created_at"], "note", n["thread_id"], n["author"], text=n["body"])
        for n in details.thread_notes(conn, thread_ids)
    ]
    entries += [
        _entry(m["called_at"], "memo", m["thread_id"], m["author"], text=m["body"],
               phone=m["phone"], direction=m["direction"])
        for m in details.memos(conn, thread_ids=thread_ids, customer_ids=customer_ids)
    ]  # fmt: skip
    for e in details.thread_events(
        conn, thread_ids, kinds=list(_EVENT_KINDS), limit=5000
    ):
        data = _event_data(e["data"])
        value = (
            data.get("status") if e["kind"] == "thread.status" else data.get("assignee")
        )
        entries.append(_entry(e["at"], _EVENT_KINDS[e["kind"]], e["thread_id"],
                              e["actor"], summary=str(value)))  # fmt: skip
    entries.sort(key=lambda item: item["at_ts"] or 0.0)
    tz = ctx.config.shop.tz
    return [{**entry, "at": iso(entry["at_ts"], tz)} for entry in entries]


def _event_data(text: str) -> dict[str, Any]:
    value = json.loads(text or "{}")
    return value if isinstance(value, dict) else {}


@operation("customer_history")
def customer_history(
    ctx: Context, address: str | None = None, customer_id: int | None = None
) -> dict[str, Any]:
    """A customer's addresses, threads and timeline, merged customers included."""
    with ctx.store.read() as conn:
        final = _resolve(conn, address, customer_id)
        ids = details.merged_customers(conn, final)
        customer = get_row(conn, "customer", final, "customer")
        thread_ids = details.customer_thread_ids(conn, ids)
        result = {
            "customer": {
                "id": final,
                "name": customer["name"],
                "merged": ids[1:],
                "created_at": iso(customer["created_at"], ctx.config.shop.tz),
            },
            "addresses": [
                {"address": r["address"], "masked": bool(r["masked"])}
                for r in details.addresses(conn, ids)
            ],
            "threads": [
                thread_json(ctx, r) for r in queries.threads_by_id(conn, thread_ids)
            ],
            "timeline": _timeline(ctx, conn, ids, thread_ids),
        }
    with ctx.store.write() as conn:
        ctx.audit(
            conn, "view", target=f"customer:{final}", detail={"customer_id": final}
        )
    return result


@operation("merge_customers", role="supervisor")
def merge_customers(ctx: Context, address: str, into_address: str) -> dict[str, Any]:
    """File the customer of `address` under the customer of `into_address`."""
    with ctx.store.write() as conn:
        source = details.final_customer(conn, teamwork.address_customer(conn, address))
        target = details.final_customer(
            conn, teamwork.address_customer(conn, into_address)
        )
        if source == target:
            raise Conflict(
                f"{address} and {into_address} are already one customer",
                title="Already merged",
            )
        teamwork.merge_customers(conn, source, target)
        detail = {
            "address": address,
            "into_address": into_address,
            "from_customer": source,
            "to_customer": target,
        }
        ctx.audit(conn, "customer.merge", target=f"customer:{target}", detail=detail)
        ctx.event(conn, "customer.merged", data=detail)
    history: dict[str, Any] = customer_history(ctx, customer_id=target)
    return history
