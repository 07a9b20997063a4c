"""Attachments, decoded from the raw message bytes kept in the store.

The index of an attachment is the one the parser gave it when the message
was stored (`shareinbox.sync.parse`), so it matches the message's
``attachments`` list. Handing one out is an export and is audited.
"""

from __future__ import annotations

import base64
from typing import Any

from shareinbox.errors import NotFound
from shareinbox.service.core import Context, get_row, operation
from shareinbox.store import details
from shareinbox.sync.parse import attachment_bytes


@operation("get_attachment")
def get_attachment(ctx: Context, message_id: int, index: int) -> dict[str, Any]:
    """One attachment's bytes (base64) with its filename and content type."""
    with ctx.store.read() as conn:
        message = get_row(conn, "message", message_id, "message")
        raw = details.raw_message(conn, message_id)
    if raw is None:
        raise NotFound(f"the raw mail of message {message_id} is not stored")
    attachment, payload = attachment_bytes(raw, index)
    with ctx.store.write() as conn:
        ctx.audit(
            conn,
            "export",
            target=f"message:{message_id}",
            thread_id=message["thread_id"],
            detail={
                "index": index,
                "filename": attachment.filename,
                "size": len(payload),
            },
        )
    return {
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": len(payload),
        "data_b64": base64.b64encode(payload).decode("ascii"),
    }
