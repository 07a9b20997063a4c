"""Storing a fetched message: raw bytes, message row, body, thread, customer.

`ingest` is idempotent: a message is identified per account by its
Message-ID (else the sha256 of its raw bytes), so the same mail in INBOX and
an archive folder, or fetched again after a crash or a UIDVALIDITY change,
is stored once and keeps its thread with status, assignee and notes.
Everything happens in the caller's write transaction.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from shareinbox.orders import find_order_ids
from shareinbox.store import events, search, threading
from shareinbox.store.customers import customer_for_address, normalize_address
from shareinbox.store.threading import msgid, msgids
from shareinbox.sync.parse import normalize_subject

if TYPE_CHECKING:
    from shareinbox.config import Config
    from shareinbox.sync.parse import Address, ParsedMessage


_SLICE = 1 << 20  # a raw message larger than this is written in slices


class IngestPolicy(Protocol):
    """The team rules applied to new mail (business hours, sorting, spam)."""

    def first_response_due(self, received_at: float) -> float | None:
        """When the first reply to mail received at `received_at` is due."""
        ...

    def on_new_inbound(
        self,
        conn: sqlite3.Connection,
        thread_id: int,
        message_row_id: int,
        parsed: ParsedMessage,
        now: float,
    ) -> None:
        """Called once for each new inbound message, inside its transaction."""
        ...


class PlainPolicy:
    """Due = received + the first-response target in calendar time; no rules."""

    def __init__(self, first_response: float = 3 * 3600.0) -> None:
        self.first_response = first_response

    @classmethod
    def from_config(cls, config: Config) -> PlainPolicy:
        """The plain policy with the config's ``[sla] first_response``."""
        return cls(float(config.sla.first_response))

    def first_response_due(self, received_at: float) -> float | None:
        """`received_at` plus the target."""
        return received_at + self.first_response

    def on_new_inbound(
        self,
        conn: sqlite3.Connection,
        thread_id: int,
        message_row_id: int,
        parsed: ParsedMessage,
        now: float,
    ) -> None:
        """No rules."""


@dataclass(frozen=True)
class Mailbox:
    """The account a message is stored for."""

    account_id: int
    own_addresses: frozenset[str]
    order_patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Incoming:
    """A message to store: raw bytes, its parse, when it arrived, where."""

    raw: bytes
    parsed: ParsedMessage
    received_at: float
    folder_role: str = "inbox"  # inbox | sent | other
    source: str = "imap"  # imap | import | sent | demo


@dataclass(frozen=True)
class Ingested:
    """The stored message row and thread; `created` is False for a known one."""

    message_id: int
    thread_id: int | None
    created: bool


def dedupe_key(parsed: ParsedMessage, sha256: str) -> str:
    """The per-account identity of a message: Message-ID, else content hash."""
    return msgid(parsed.message_id) or f"sha256:{sha256}"


def ingest(
    conn: sqlite3.Connection,
    mailbox: Mailbox,
    incoming: Incoming,
    *,
    policy: IngestPolicy,
    now: float,
    notify: bool = True,
) -> Ingested:
    """Store one message (or find it already stored); see the module docstring.

    Args:
        notify: a live arrival: reopen done/waiting threads on a customer's
            reply and run `policy.on_new_inbound`. False for history imports.
    """
    parsed = incoming.parsed
    sha = hashlib.sha256(incoming.raw).hexdigest()
    key = dedupe_key(parsed, sha)
    row = conn.execute(
        "SELECT id, thread_id FROM message WHERE account_id = ? AND dedupe_key = ?",
        (mailbox.account_id, key),
    ).fetchone()
    if row is not None:
        return Ingested(int(row[0]), row[1], created=False)
    store_raw(conn, sha, incoming.raw)
    sender = parsed.from_
    from_addr = normalize_address(sender.addr) if sender else ""
    outgoing = incoming.folder_role == "sent" or from_addr in mailbox.own_addresses
    counterpart = _counterpart(parsed, mailbox.own_addresses) if outgoing else sender
    at = min(incoming.received_at, now)
    subject = _clean(parsed.subject or "")
    body = _clean(parsed.text or "")
    order_ids = find_order_ids(subject + "\n" + body, mailbox.order_patterns)
    customer_id = None
    if counterpart is not None:
        customer_id = customer_for_address(
            conn, counterpart.addr, counterpart.name, now=now, order_ids=order_ids
        )
    refs = msgids([parsed.in_reply_to, *reversed(parsed.references)])
    thread = threading.place(
        conn,
        account_id=mailbox.account_id,
        message_id=msgid(parsed.message_id),
        refs=refs,
        subject=subject,
        subject_key=normalize_subject(subject),
        customer_id=customer_id,
        outgoing=outgoing,
        at=at,
        now=now,
    )
    message_row = _insert_message(
        conn, mailbox, incoming, key, sha, thread.id, outgoing, at
    )
    conn.execute(
        "INSERT INTO message_body (message_id, text) VALUES (?, ?)", (message_row, body)
    )
    conn.executemany(
        "INSERT OR IGNORE INTO message_ref (account_id, ref, message_id) VALUES (?, ?, ?)",
        [(mailbox.account_id, ref, message_row) for ref in refs[:50]],
    )
    sender_name = _clean(sender.name) if sender else ""
    search.index_messages(
        conn, [(message_row, search.document(subject, sender_name, from_addr, body))]
    )
    _record_orders(conn, thread.id, customer_id, order_ids)
    due = None if outgoing or thread.last_inbound_at else policy.first_response_due(at)
    threading.add_message(
        conn,
        thread,
        outgoing=outgoing,
        at=at,
        now=now,
        notify=notify,
        first_response_due=due,
    )
    events.append(
        conn,
        "message.new",
        at=now,
        thread_id=thread.id,
        data={
            "message_id": message_row,
            "direction": "out" if outgoing else "in",
            "subject": subject,
            "from": from_addr,
        },
    )
    if notify and not outgoing:
        policy.on_new_inbound(conn, thread.id, message_row, parsed, now)
    return Ingested(message_row, thread.id, created=True)


def store_raw(conn: sqlite3.Connection, sha: str, raw: bytes) -> None:
    """Keep the raw bytes once per content hash.

    A large message is written into a zero-filled blob a slice at a time:
    binding it whole made SQLite copy it twice (the bound value and the
    row it builds), 50 MB more for a 25 MB mail.
    """
    size = len(raw)
    if size <= _SLICE:
        conn.execute(
            "INSERT OR IGNORE INTO raw_message (sha256, size, data) VALUES (?, ?, ?)",
            (sha, size, raw),
        )
        return
    cursor = conn.execute(
        "INSERT OR IGNORE INTO raw_message (sha256, size, data)"
        " VALUES (?, ?, zeroblob(?))",
        (sha, size, size),
    )
    if not cursor.rowcount:  # already stored
        return
    view = memoryview(raw)
    with conn.blobopen("raw_message", "data", int(cursor.lastrowid or 0)) as blob:
        for start in range(0, size, _SLICE):
            blob.write(view[start : start + _SLICE])


def _counterpart(parsed: ParsedMessage, own: frozenset[str]) -> Address | None:
    """For our own mail: the first recipient who is not us."""
    for address in (*parsed.to, *parsed.cc):
        if normalize_address(address.addr) not in own:
            return address
    return None


def _insert_message(
    conn: sqlite3.Connection,
    mailbox: Mailbox,
    incoming: Incoming,
    key: str,
    sha: str,
    thread_id: int,
    outgoing: bool,
    at: float,
) -> int:
    parsed = incoming.parsed
    sender = parsed.from_
    refs = msgids(parsed.references)
    cursor = conn.execute(
        "INSERT INTO message (thread_id, account_id, dedupe_key, direction, message_id,"
        " in_reply_to, refs, subject, from_addr, from_name, to_json, cc_json, date_at,"
        " received_at, raw_sha256, size, attachments_json, headers_json, defects_json,"
        " parse_error, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?, ?, ?, ?)",
        (
            thread_id,
            mailbox.account_id,
            key,
            "out" if outgoing else "in",
            msgid(parsed.message_id),
            msgid(parsed.in_reply_to),
            " ".join(refs),
            _clean(parsed.subject or ""),
            normalize_address(sender.addr) if sender else "",
            _clean(sender.name) if sender else "",
            _addresses_json(parsed.to),
            _addresses_json(parsed.cc),
            parsed.date.timestamp() if parsed.date else None,
            at,
            sha,
            len(incoming.raw),
            _attachments_json(parsed),
            _json(dict(parsed.headers)),
            _json([str(d) for d in parsed.defects]),
            _clean(parsed.parse_error) if parsed.parse_error else None,
            incoming.source,
        ),
    )
    return int(cursor.lastrowid or 0)


def _record_orders(
    conn: sqlite3.Connection,
    thread_id: int,
    customer_id: int | None,
    order_ids: Sequence[str],
) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO order_ref (order_id, thread_id, customer_id) VALUES (?, ?, ?)",
        [(order_id, thread_id, customer_id) for order_id in order_ids],
    )


def _addresses_json(addresses: Sequence[Address]) -> str:
    return _json([{"name": _clean(a.name), "addr": _clean(a.addr)} for a in addresses])


def _attachments_json(parsed: ParsedMessage) -> str:
    return _json(
        [
            {
                "index": a.index,
                "filename": _clean(a.filename or ""),
                "size": a.size,
                "content_type": a.content_type,
            }
            for a in parsed.attachments
        ]
    )


def _json(value: object) -> str:
    return _clean(json.dumps(value, ensure_ascii=False))


def _clean(text: str) -> str:
    """Text SQLite can store: lone surrogates (undecodable bytes) replaced."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text
