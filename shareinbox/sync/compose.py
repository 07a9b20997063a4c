"""Composing replies: recipients, subject, threading headers, the MIME bytes.

Pure functions. `reply_headers` works out To/Cc (reply or reply-all, never
to our own addresses), a ``Re:`` subject that does not stack, and
In-Reply-To/References from the message answered; `render` writes the whole
message: our own Message-ID, Date, From with the display name, the body and
attachments. An account with ``charset = "iso-2022-jp"`` gets ISO-2022-JP
(CP50220, so ① and 髙 survive) when every character of the subject, names
and body has a code, and UTF-8 otherwise.
"""

from __future__ import annotations

import mimetypes
import re
import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from zoneinfo import ZoneInfo

from shareinbox.store.customers import normalize_address
from shareinbox.sync import mimeout
from shareinbox.sync.jis_encode import encodable
from shareinbox.sync.mailtypes import Address
from shareinbox.sync.mimeout import CRLF

MAX_REFERENCES = 20
# "Re:", "RE :", "Re[2]:", "Re^3:", "Ｒｅ：", "AW:", "SV:", "返信:" and their stacks.
_PREFIX = re.compile(
    r"^\s*(?:(?:re|ｒｅ|aw|sv|vs|antw|返信|回复|答复)\s*(?:\[\d+\]|\^\d+)?\s*[:：]\s*)+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Original:
    """The message a reply answers (as stored)."""

    message_id: str | None
    subject: str
    from_: Address | None
    reply_to: tuple[Address, ...] = ()
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    references: tuple[str, ...] = ()
    in_reply_to: str | None = None


@dataclass(frozen=True)
class ReplyHeaders:
    """What a reply's headers say before anyone edits them."""

    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    subject: str
    in_reply_to: str | None
    references: tuple[str, ...]


@dataclass(frozen=True)
class OutgoingFile:
    """One attachment: name (as shown), content type and bytes."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class OutgoingMail:
    """Everything written into an outgoing message."""

    sender: Address
    to: tuple[Address, ...]
    subject: str
    body: str
    message_id: str
    date: float
    cc: tuple[Address, ...] = ()
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    attachments: tuple[OutgoingFile, ...] = field(default_factory=tuple)
    charset: str = "utf-8"  # the account's preference: utf-8 | iso-2022-jp


def reply_subject(subject: str) -> str:
    """``Re: <subject>`` without stacking prefixes (Re: Re: / RE: / Re[2]:)."""
    rest = _PREFIX.sub("", mimeout.single_line(subject))
    return f"Re: {rest}" if rest else "Re:"


def tidy_subject(subject: str) -> str:
    """A subject with stacked reply prefixes collapsed to one ``Re:``."""
    if _PREFIX.match(subject):
        return reply_subject(subject)
    return mimeout.single_line(subject)


def _unique(
    parties: Iterable[Address], skip: set[str]
) -> tuple[Address, ...]:  # fmt: skip
    out: list[Address] = []
    for party in parties:
        key = normalize_address(party.addr)
        if key and key not in skip:
            skip.add(key)
            out.append(Address(party.name, party.addr.strip()))
    return tuple(out)


def reply_headers(
    original: Original, own: Iterable[str], *, reply_all: bool = False
) -> ReplyHeaders:
    """To/Cc, subject and threading headers of a reply to `original`.

    To is Reply-To, else From; when we answer our own message (From is one
    of `own`), its To. Reply-all adds the other To and Cc recipients as Cc.
    Our own addresses never appear.
    """
    mine = {normalize_address(a) for a in own}
    sender = original.from_
    ours = sender is not None and normalize_address(sender.addr) in mine
    if original.reply_to and not ours:
        first: Sequence[Address] = original.reply_to
    elif sender is not None and not ours:
        first = (sender,)
    else:
        first = original.to
    seen = set(mine)
    to = _unique(first, seen)
    cc = _unique((*original.to, *original.cc), seen) if reply_all else ()
    refs = list(original.references) or (
        [original.in_reply_to] if original.in_reply_to else []
    )
    if original.message_id:
        refs.append(original.message_id)
    refs = [_bracket(r) for r in dict.fromkeys(refs) if r]
    if len(refs) > MAX_REFERENCES:  # RFC 5322: keep the first and the newest
        refs = [refs[0], *refs[-(MAX_REFERENCES - 1) :]]
    return ReplyHeaders(
        to=to,
        cc=cc,
        subject=reply_subject(original.subject),
        in_reply_to=_bracket(original.message_id) if original.message_id else None,
        references=tuple(refs),
    )


def _bracket(message_id: str) -> str:
    bare = message_id.strip().strip("<>").strip()
    return f"<{bare}>"


def new_message_id(address: str, now: float | None = None) -> str:
    """A fresh ``<time.random@domain>`` Message-ID in the account's domain."""
    domain = address.rpartition("@")[2].strip().lower() or "localhost"
    stamp = int((now if now is not None else time.time()) * 1000)
    return f"<{stamp}.{secrets.token_hex(8)}@{domain}>"


def guess_type(filename: str) -> str:
    """The content type for a file name (application/octet-stream if unknown)."""
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def chosen_charset(mail: OutgoingMail) -> str:
    """iso-2022-jp when asked for and every character has a code; else utf-8."""
    if mail.charset != "iso-2022-jp":
        return "utf-8"
    names = [p.name for p in (mail.sender, *mail.to, *mail.cc)]
    texts = [mail.subject, mail.body, *names]
    return "iso-2022-jp" if all(encodable(t) for t in texts) else "utf-8"


def render(mail: OutgoingMail, tz: ZoneInfo | None = None) -> bytes:
    """The complete message as bytes (CRLF line ends, 7-bit clean)."""
    charset = chosen_charset(mail)
    when = datetime.fromtimestamp(mail.date, tz or ZoneInfo("UTC"))
    headers = [
        mimeout.fold("From", mimeout.address(mail.sender, charset)),
        mimeout.fold("To", mimeout.address_list(mail.to, charset)),
    ]
    if mail.cc:
        headers.append(mimeout.fold("Cc", mimeout.address_list(mail.cc, charset)))
    headers += [
        mimeout.fold("Subject", mimeout.header_text(mail.subject, charset)),
        f"Date: {format_datetime(when)}",
        f"Message-ID: {_bracket(mail.message_id)}",
    ]
    if mail.in_reply_to:
        headers.append(f"In-Reply-To: {_bracket(mail.in_reply_to)}")
    if mail.references:
        headers.append(
            mimeout.fold("References", [_bracket(r) for r in mail.references])
        )
    headers.append("MIME-Version: 1.0")
    text_part = _text_part(mail.body, charset)
    if not mail.attachments:
        return (CRLF.join([*headers, text_part]) + CRLF).encode("ascii")
    boundary = f"=_si_{secrets.token_hex(12)}"
    parts = [text_part, *(_file_part(f) for f in mail.attachments)]
    body = "".join(f"--{boundary}{CRLF}{part}{CRLF}" for part in parts)
    headers.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
    message = CRLF.join(headers) + CRLF + CRLF + body + f"--{boundary}--{CRLF}"
    return message.encode("ascii")


def _text_part(body: str, charset: str) -> str:
    """Content headers, a blank line and the body (ending without CRLF)."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if charset == "iso-2022-jp":
        encoded = [mimeout.encode_line_jis(line) for line in lines]
        label = "ISO-2022-JP"
    else:
        encoded = [line.encode("utf-8") for line in lines]
        label = "UTF-8"
    data = b"\r\n".join(encoded) + b"\r\n"
    head = f'Content-Type: text/plain; charset="{label}"{CRLF}'
    if data.isascii() and all(len(line) <= 998 for line in encoded):
        return f"{head}Content-Transfer-Encoding: 7bit{CRLF}{CRLF}" + data.decode(
            "ascii"
        ).removesuffix(CRLF)
    return (
        f"{head}Content-Transfer-Encoding: base64{CRLF}{CRLF}"
        + mimeout.base64_lines(data)
    )


def _file_part(attachment: OutgoingFile) -> str:
    name, disposition = mimeout.filename_params(attachment.filename)
    content_type = mimeout.check_content_type(attachment.content_type)
    return (
        f"Content-Type: {content_type};{CRLF} {name}{CRLF}"
        f"Content-Disposition: attachment; {disposition}{CRLF}"
        f"Content-Transfer-Encoding: base64{CRLF}{CRLF}"
        + mimeout.base64_lines(attachment.data)
    )
