"""The JSON of an outbox entry, the checks of recipients, and building the mail.

Shared by the draft operations (`replies`) and the review/outbox operations
(`approvals`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from shareinbox.config import AccountConfig
from shareinbox.errors import ProtocolError
from shareinbox.service.core import Context
from shareinbox.service.views import iso
from shareinbox.store import outbox
from shareinbox.sync import compose, mimeout, routes
from shareinbox.sync.mailtypes import Address

MAX_RECIPIENTS = 50
THEN_STATUSES = ("open", "waiting", "done")


def outbox_json(
    ctx: Context, conn: sqlite3.Connection, row: sqlite3.Row, *, full: bool = True
) -> dict[str, Any]:
    """An outbox entry as clients see it (`full`: with body and files)."""
    tz = ctx.config.shop.tz
    result: dict[str, Any] = {
        "id": row["id"],
        "thread_id": row["thread_id"],
        "account": row["account"],
        "author": row["author"],
        "author_name": ctx.staff_name(row["author"]),
        "state": row["state"],
        "to": outbox.parties(row["to_json"]),
        "cc": outbox.parties(row["cc_json"]),
        "subject": row["subject"],
        "template": row["template"],
        "then_status": row["after_status"],
        "message_id": row["message_id"],
        "attempts": row["attempts"],
        "last_error": row["last_error"],
        "next_attempt_at": iso(row["next_attempt_at"], tz),
        "approved_by": row["approved_by"],
        "review_comment": row["review_comment"],
        "route": row["route"],
        "created_at": iso(row["created_at"], tz),
        "updated_at": iso(row["updated_at"], tz),
        "submitted_at": iso(row["submitted_at"], tz),
        "sent_at": iso(row["sent_at"], tz),
        "filed_in_sent": row["appended_at"] is not None,
    }
    if full:
        result["body"] = row["body"]
        result["in_reply_to"] = row["in_reply_to"]
        result["references"] = row["refs"].split() if row["refs"] else []
        result["attachments"] = [
            dict(a) for a in outbox.attachments(conn, int(row["id"]))
        ]
    else:
        result["attachment_count"] = row["attachment_count"]
    return result


def parse_parties(value: list[Any] | None, what: str) -> list[dict[str, str]]:
    """To/Cc from a client: addresses or ``{"name", "addr"}``; checked."""
    if value is None:
        return []
    if len(value) > MAX_RECIPIENTS:
        raise ProtocolError(f"at most {MAX_RECIPIENTS} {what} recipients")
    out: list[dict[str, str]] = []
    for item in value:
        if isinstance(item, str):
            name, addr = "", item
        elif isinstance(item, dict) and isinstance(item.get("addr"), str):
            name, addr = str(item.get("name") or ""), item["addr"]
        else:
            raise ProtocolError(f"{what}: expected addresses or {{name, addr}} objects")
        out.append(
            {"name": mimeout.single_line(name), "addr": mimeout.check_address(addr)}
        )
    return out


def check_then_status(value: str | None) -> str | None:
    """The status a thread takes once its reply is sent (None: unchanged)."""
    if value is not None and value not in THEN_STATUSES:
        raise ProtocolError(
            f"then_status must be one of {', '.join(THEN_STATUSES)} (or null)"
        )
    return value


def recipients(row: sqlite3.Row) -> list[str]:
    """Every recipient address of an outbox row."""
    return [p["addr"] for p in outbox.parties(row["to_json"])] + [
        p["addr"] for p in outbox.parties(row["cc_json"])
    ]


def sender_of(
    ctx: Context, account: AccountConfig, recipients: Sequence[str] = ()
) -> Address:
    """The From of a reply: the account's from_name (else the shop's name)
    and address, or the address a mall relay for `recipients` requires."""
    address = account.address
    if recipients:
        try:
            address = routes.route_for(account, recipients).from_address or address
        except ProtocolError:
            pass  # mixed routes: the confirmation reports it; no mail is sent
    return Address(account.from_name or ctx.config.shop.name, address)


def build_raw(ctx: Context, conn: sqlite3.Connection, row: sqlite3.Row) -> bytes:
    """The message bytes of an outbox row, dated now."""
    account = ctx.config.account(row["account"])
    files = tuple(
        compose.OutgoingFile(a["filename"], a["content_type"], bytes(a["data"]))
        for a in outbox.attachments(conn, int(row["id"]), with_data=True)
    )
    mail = compose.OutgoingMail(
        sender=sender_of(ctx, account, recipients(row)),
        to=tuple(Address(p["name"], p["addr"]) for p in outbox.parties(row["to_json"])),
        cc=tuple(Address(p["name"], p["addr"]) for p in outbox.parties(row["cc_json"])),
        subject=row["subject"],
        body=row["body"],
        message_id=row["message_id"],
        date=ctx.now(),
        in_reply_to=row["in_reply_to"],
        references=tuple(row["refs"].split()),
        attachments=files,
        charset=account.charset,
    )
    return compose.render(mail, ctx.config.shop.tz)


def state_event(
    ctx: Context,
    conn: sqlite3.Connection,
    row: sqlite3.Row,
    state: str,
    previous: str | None,
) -> None:
    """The ``outbox.state`` event of a change."""
    ctx.event(
        conn,
        "outbox.state",
        thread_id=row["thread_id"],
        data={
            "outbox_id": row["id"],
            "state": state,
            "previous": previous,
            "author": row["author"],
            "subject": row["subject"],
        },
    )
