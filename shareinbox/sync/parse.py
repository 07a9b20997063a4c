"""MIME parsing: raw message bytes in, a `ParsedMessage` out. Pure; never raises.

Structure comes from the standard library's ``compat32`` parser (four times
faster than ``policy.default``, and tolerant); every header and body is
decoded by this package's own charset layer, which handles Japanese mail the
way Windows and webmail do (CP932 extensions in ISO-2022-JP and Shift_JIS,
``Windows-31J``, split encoded words, undeclared charsets).
"""

from __future__ import annotations

import logging
import re

from shareinbox.errors import NotFound
from shareinbox.sync.charsets import decode_bytes, detect
from shareinbox.sync.filenames import sanitize_filename
from shareinbox.sync.headers import HeaderDecoder, message_ids, parse_date
from shareinbox.sync.mailtypes import Address, Attachment, ParsedMessage
from shareinbox.sync.mime import MimePart, parse_bytes
from shareinbox.sync.payload import decode_payload
from shareinbox.sync.subject import normalize_subject
from shareinbox.sync.textparts import part_charset
from shareinbox.sync.walk import Walker

__all__ = [
    "Address",
    "Attachment",
    "ParsedMessage",
    "attachment_bytes",
    "decode_bytes",
    "normalize_subject",
    "parse_message",
    "sanitize_filename",
    "unparsed_message",
]

log = logging.getLogger(__name__)

KEPT_HEADERS = (
    "x-spam-flag",
    "x-spam-status",
    "auto-submitted",
    "list-id",
    "precedence",
    "x-mailer",
    "return-path",
    "delivered-to",
)
_SUBJECT_RE = re.compile(rb"^subject:[ \t]*(.*(?:\r?\n[ \t].*)*)", re.I | re.M)


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse one raw RFC 5322 message.

    Never raises: a message that cannot be parsed at all comes back with
    `ParsedMessage.parse_error` set and best-effort values elsewhere.
    """
    try:
        return _parse(bytes(raw))
    except Exception as e:  # any input bytes must give a result
        log.warning("message could not be parsed: %s", type(e).__name__)
        return _unparsed(bytes(raw), f"{type(e).__name__}: {e}"[:300])


def _parse(raw: bytes) -> ParsedMessage:
    msg = parse_bytes(raw)
    decoder = HeaderDecoder(part_charset(msg))
    walker = Walker(decoder)
    blocks = walker.walk(msg)
    text = "\n\n".join(b.strip("\n") for b in blocks)
    if walker.html is not None and "\x00" in walker.html:
        walker.html = walker.html.replace("\x00", "\ufffd")
    from_ = _addresses(decoder, msg, "from")
    headers = {}
    for key in KEPT_HEADERS:
        value = msg.get(key)
        if value is not None:
            headers[key] = decoder.text(value)
    message_id = message_ids(msg.get("message-id"))
    in_reply_to = message_ids(msg.get("in-reply-to"))
    date = parse_date(msg.get("date"))
    if date is None and msg.get("date"):
        decoder.defects.append("unreadable Date header")
    return ParsedMessage(
        message_id=message_id[0] if message_id else None,
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        references=tuple(message_ids(msg.get("references"))),
        subject=decoder.text(msg.get("subject")),
        from_=from_[0] if from_ else None,
        reply_to=_addresses(decoder, msg, "reply-to"),
        to=_addresses(decoder, msg, "to"),
        cc=_addresses(decoder, msg, "cc"),
        date=date,
        text=text,
        html=walker.html,
        attachments=tuple(walker.attachments),
        headers=headers,
        defects=tuple(dict.fromkeys(decoder.defects)),
    )


def _addresses(decoder: HeaderDecoder, msg: MimePart, name: str) -> tuple[Address, ...]:
    values = msg.get_all(name) or []
    pairs = decoder.addresses([str(v) for v in values])
    return tuple(Address(name=n, addr=a) for n, a in pairs)


def unparsed_message(raw: bytes, error: str) -> ParsedMessage:
    """A message as raw text only (for one that could not be stored parsed)."""
    return _unparsed(bytes(raw), error[:300])


def _unparsed(raw: bytes, error: str) -> ParsedMessage:
    """Best-effort values for a message the parser gave up on."""
    try:
        text = detect(raw)[0].replace("\x00", "\ufffd")
    except Exception:  # last resort must not fail
        text = raw.decode("utf-8", "replace").replace("\x00", "\ufffd")
    subject = ""
    match = _SUBJECT_RE.search(raw[:65536])
    if match:
        try:
            subject = HeaderDecoder().text(
                match.group(1).decode("utf-8", "surrogateescape")
            )
        except Exception:  # last resort must not fail
            subject = ""
    return ParsedMessage(
        message_id=None,
        in_reply_to=None,
        references=(),
        subject=subject,
        from_=None,
        reply_to=(),
        to=(),
        cc=(),
        date=None,
        text=text,
        html=None,
        attachments=(),
        headers={},
        defects=("message could not be parsed; shown as raw text",),
        parse_error=error,
    )


def attachment_bytes(raw: bytes, index: int) -> tuple[Attachment, bytes]:
    """The decoded payload of attachment `index` of a raw message.

    Raises:
        NotFound: the message has no attachment with that index.
    """
    try:
        msg = parse_bytes(bytes(raw))
        walker = Walker(HeaderDecoder(part_charset(msg)), render=False)
        walker.walk(msg)
    except Exception as e:
        raise NotFound(
            f"attachment {index} could not be read: the message is unparseable"
        ) from e
    if not 0 <= index < len(walker.attachments):
        raise NotFound(
            f"the message has no attachment {index} (it has {len(walker.attachments)})"
        )
    return walker.attachments[index], decode_payload(walker.parts[index])[0]
