"""Importing a mail client's export (mbox, Maildir) into the history.

Each message is parsed by `shareinbox.sync.parse` and stored by
`shareinbox.store.ingest` exactly as the IMAP mirror stores mail: the
direction comes from the account's own address (and Sent folders), replies
join their threads, the text is indexed for search, and a message is known
by its Message-ID (else the sha256 of its bytes), so importing twice adds
nothing. A message the parser cannot read is kept with its raw bytes and a
parse error, never dropped. Threads that hold imported mail only are set to
done: this is history, not work. Live threads an old message joins keep
their status. Deadlines are computed in business time (as for live mail);
a thread started by mail the spam filter flagged (``X-Spam-Flag``) or a
blocked sender becomes spam; the sorting rules are not run on history.

The import writes the database directly, so it runs only while the daemon
is stopped (it takes the data dir's lock, like ``daemon --once``).
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.parser import BytesParser
from pathlib import Path

from shareinbox.clock import Clock
from shareinbox.config import Config
from shareinbox.mailfiles import Source, find_sources, read_source
from shareinbox.policy import TeamPolicy
from shareinbox.rules import MailFacts, spam_verdict
from shareinbox.store import audit, details, history, mirror, sorting, teamwork
from shareinbox.store.db import Store
from shareinbox.store.ingest import Incoming, Mailbox
from shareinbox.store.ingest_safe import ingest_or_raw
from shareinbox.store.threading import msgid
from shareinbox.sync.headers import message_ids
from shareinbox.sync.mime import POLICY
from shareinbox.sync.parse import ParsedMessage, parse_message

log = logging.getLogger(__name__)

BATCH = 200
_HEADERS = BytesParser(policy=POLICY)


@dataclass
class ImportReport:
    """What an import did."""

    folders: list[str] = field(default_factory=list)
    seen: int = 0
    added: int = 0
    known: int = 0
    unparsed: int = 0  # stored raw with a parse error
    failed: int = 0  # could not be stored at all (logged)
    closed: int = 0  # threads set to done

    def summary(self) -> str:
        """One line for the terminal."""
        return (
            f"{self.seen} messages in {len(self.folders)} folder(s): "
            f"{self.added} added, {self.known} already stored, "
            f"{self.unparsed} kept raw (unreadable), {self.failed} failed; "
            f"{self.closed} threads set to done"
        )


@dataclass(frozen=True)
class _Item:
    raw: bytes
    delivered: float | None
    role: str


def _items(sources: list[Source]) -> Iterator[_Item]:
    for source in sources:
        for raw, delivered in read_source(source):
            yield _Item(raw, delivered, source.role)


def import_path(
    store: Store,
    config: Config,
    account_name: str,
    path: Path,
    *,
    clock: Clock,
    actor: str,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import every message under `path` into account `account_name`.

    Raises:
        ConfigError: no such account in the config.
        MailFileError: `path` holds no mbox or Maildir.
    """
    account = config.account(account_name)
    sources = find_sources(path)
    report = ImportReport(folders=[s.name for s in sources])
    with store.write() as conn:
        account_id = mirror.ensure_account(conn, account.name, account.address)
    mailbox = Mailbox(account_id, account.own_addresses, config.orders.patterns)
    policy = _ImportPolicy(config, account.name)
    batch: list[_Item] = []
    for item in _items(sources):
        batch.append(item)
        if len(batch) >= BATCH:
            _store_batch(store, mailbox, policy, batch, report, clock)
            batch = []
            if progress is not None:
                progress(report)
    _store_batch(store, mailbox, policy, batch, report, clock)
    with store.write() as conn:
        audit.append(conn, at=clock.now(), actor=actor, action="import",
                     target=f"account:{account.name}",
                     detail={"path": str(path), "added": report.added,
                             "known": report.known, "failed": report.failed})  # fmt: skip
    return report


class _ImportPolicy:
    """Business-time deadlines (`TeamPolicy`) and the spam check, no rules."""

    def __init__(self, config: Config, account: str) -> None:
        self.team = TeamPolicy(config)
        self.config = config
        self.account = account

    def first_response_due(self, received_at: float) -> float | None:
        """As for live mail."""
        return self.team.first_response_due(received_at)

    def on_new_inbound(self, conn: sqlite3.Connection, thread_id: int,
                       message_row_id: int, parsed: ParsedMessage,
                       now: float) -> None:  # fmt: skip
        """Not called: history is stored with ``notify=False``."""

    def check_spam(self, conn: sqlite3.Connection, thread_id: int,
                   message_row_id: int, parsed: ParsedMessage,
                   now: float) -> None:  # fmt: skip
        """Make a thread that this message started spam, if it is."""
        if history.message_count(conn, thread_id) != 1:
            return
        facts = MailFacts.from_parsed(
            self.account,
            parsed,
            lambda: details.raw_message(conn, message_row_id) or b"",
        )
        verdict = spam_verdict(facts, honour_headers=self.config.spam.honour_headers,
                               blocked=sorting.block_patterns(conn))  # fmt: skip
        if verdict is not None:
            teamwork.set_status(conn, thread_id, "spam", now=now, spam_reason=verdict)


def _ours(parsed: ParsedMessage, role: str, mailbox: Mailbox) -> bool:
    """Mail we sent (a Sent folder, or from our own address)."""
    sender = parsed.from_.addr.lower() if parsed.from_ else ""
    return role == "sent" or sender in mailbox.own_addresses


def quick_key(raw: bytes) -> str:
    """The dedupe key of a message from its headers alone (no body parse).

    Used to skip mail already stored; a message it misjudges as new is
    still recognised by `ingest`, which uses the full parse.
    """
    try:
        ids = message_ids(_HEADERS.parsebytes(raw, headersonly=True).get("message-id"))
        key = msgid(ids[0]) if ids else None
    except Exception:  # any bytes: fall back to the content hash
        key = None
    return key or f"sha256:{hashlib.sha256(raw).hexdigest()}"


def _store_batch(
    store: Store,
    mailbox: Mailbox,
    policy: _ImportPolicy,
    batch: list[_Item],
    report: ImportReport,
    clock: Clock,
) -> None:
    """Store a batch in one transaction; a message that fails is rolled back
    alone (savepoint) and counted."""
    touched: set[int] = set()
    now = clock.now()
    with store.write() as conn:
        keys = [quick_key(item.raw) for item in batch]
        stored = history.stored_keys(conn, mailbox.account_id, keys)
        for item, key in zip(batch, keys, strict=True):
            report.seen += 1
            if key in stored:
                report.known += 1
                continue
            parsed = parse_message(item.raw)
            received = parsed.date.timestamp() if parsed.date else item.delivered
            incoming = Incoming(item.raw, parsed, received if received else now,
                                folder_role=item.role, source="import")  # fmt: skip
            try:
                done = ingest_or_raw(store, mailbox, incoming, policy=policy,
                                     now=now, notify=False)  # fmt: skip
            except Exception:
                log.exception("message %d could not be stored", report.seen)
                report.failed += 1
                continue
            if not done.created:
                report.known += 1
                continue
            report.added += 1
            report.unparsed += parsed.parse_error is not None
            if done.thread_id is not None:
                touched.add(done.thread_id)
                if not _ours(parsed, item.role, mailbox):
                    policy.check_spam(
                        conn, done.thread_id, done.message_id, parsed, now
                    )
        report.closed += history.close_imported(conn, touched, now=now)
