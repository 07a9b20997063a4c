"""Attachments, decoded from the raw message bytes kept in the store.

The index of an attachment is its position among the message's attachment
parts in the order `email` walks them (`attachment_parts`): parts marked
``Content-Disposition: attachment``, and non-text parts with a filename.
Handing one out is an export and is audited.
"""

from __future__ import annotations

import base64
import email
import email.policy
from email.message import EmailMessage
from typing import Any

from shareinbox.errors import NotFound
from shareinbox.service.core import Context, get_row, operation
from shareinbox.store import details


def attachment_parts(raw: bytes) -> list[EmailMessage]:
    """The attachment parts of a raw message, in index order."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    found = []
    for part in message.walk():
        if part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        if disposition == "attachment" or (
            filename and part.get_content_maintype() != "text"
        ):
            found.append(part)
    return found


@operation("get_attachment")
def get_attachment(ctx: Context, message_id: int, index: int) -> dict[str, Any]:
    """One attachment's bytes (base64) with its filename and content type."""
    with ctx.store.read() as conn:
        message = get_row(conn, "message", message_id, "message")
        raw = details.raw_message(conn, message_id)
    if raw is None:
        raise NotFound(f"the raw mail of message {message_id} is not stored")
    parts = attachment_parts(raw)
    if not 0 <= index < len(parts):
        raise NotFound(f"message {message_id} has no attachment {index}")
    part = parts[index]
    data = part.get_payload(decode=True)
    payload = data if isinstance(data, bytes) else b""
    filename = part.get_filename() or f"attachment-{index}"
    with ctx.store.write() as conn:
        ctx.audit(
            conn,
            "export",
            target=f"message:{message_id}",
            thread_id=message["thread_id"],
            detail={"index": index, "filename": filename, "size": len(payload)},
        )
    return {
        "filename": filename,
        "content_type": part.get_content_type(),
        "size": len(payload),
        "data_b64": base64.b64encode(payload).decode("ascii"),
    }
