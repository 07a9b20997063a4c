"""The parsed form of a mail message: plain frozen dataclasses, nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Address:
    """One mailbox from an address header.

    Attributes:
        name: decoded display name, '' if none.
        addr: lower-cased addr-spec, '' if unparseable.
    """

    name: str
    addr: str


@dataclass(frozen=True)
class Attachment:
    """One attachment of a message (nested messages' attachments included).

    Attributes:
        index: stable position among the message's attachments (0-based).
        filename: decoded and sanitised; never empty, no path parts.
        content_type: lower-case ``type/subtype``.
        size: decoded size in bytes.
        inline: whether the sender marked it for inline display.
        content_id: the Content-ID without <>, if any (for inline images).
    """

    index: int
    filename: str
    content_type: str
    size: int
    inline: bool
    content_id: str | None = None


@dataclass(frozen=True)
class ParsedMessage:
    """Everything the rest of shareinbox needs from one raw message.

    Attributes:
        message_id: without <>, stripped; None if missing.
        in_reply_to: the first msg-id of In-Reply-To, without <>.
        references: msg-ids of References, without <>, in order.
        subject: decoded, single line, '' if missing.
        from_: the first From address, None if there is none.
        reply_to: Reply-To addresses.
        to: To addresses.
        cc: Cc addresses.
        date: timezone-aware Date; None if missing or unparseable.
        text: readable plain-text body (HTML-only mail converted, forwarded
            messages included).
        html: the HTML body part if any, decoded but otherwise raw.
        attachments: every attachment, in a stable order.
        headers: selected decoded headers with lower-case keys (only those
            present): x-spam-flag, x-spam-status, auto-submitted, list-id,
            precedence, x-mailer, return-path, delivered-to.
        defects: readable notes on what was wrong and how it was recovered.
        parse_error: set when the message could not be parsed at all; the
            other fields then hold best-effort values.
    """

    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str
    from_: Address | None
    reply_to: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    date: datetime | None
    text: str
    html: str | None
    attachments: tuple[Attachment, ...]
    headers: Mapping[str, str]
    defects: tuple[str, ...]
    parse_error: str | None = None
