"""Importing a mail client's export (mbox, Maildir) into the history.

Each message is parsed by `shareinbox.sync.parse` and stored by
`shareinbox.store.ingest` exactly as the IMAP mirror stores mail: the
direction comes from the account's own address (and Sent folders), replies
join their threads, the text is indexed for search, and a message is known
by its Message-ID (else the sha256 of its bytes), so importing twice adds
nothing. A message the parser cannot read is kept with its raw bytes and a
parse error, never dropped. Threads that hold imported mail only are set to
done: this is history, not work. Live threads an old message joins keep
their status.

The import writes the database directly, so it runs only while the daemon
is stopped (it takes the data dir's lock, like ``daemon --once``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from shareinbox.clock import Clock
from shareinbox.config import Config
from shareinbox.mailfiles import Source, find_sources, read_source
from shareinbox.store import audit, history, mirror
from shareinbox.store.db import Store
from shareinbox.store.ingest import Incoming, Mailbox, PlainPolicy, ingest
from shareinbox.sync.parse import parse_message

log = logging.getLogger(__name__)

BATCH = 200


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
    mailbox = Mailbox(
        account_id, frozenset({account.address.strip().lower()}), config.orders.patterns
    )
    policy = PlainPolicy.from_config(config)
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


def _store_batch(
    store: Store,
    mailbox: Mailbox,
    policy: PlainPolicy,
    batch: list[_Item],
    report: ImportReport,
    clock: Clock,
) -> None:
    """Store a batch in one transaction; a message that fails is rolled back
    alone (savepoint) and counted."""
    touched: set[int] = set()
    now = clock.now()
    with store.write() as conn:
        for item in batch:
            report.seen += 1
            parsed = parse_message(item.raw)
            received = parsed.date.timestamp() if parsed.date else item.delivered
            incoming = Incoming(item.raw, parsed, received if received else now,
                                folder_role=item.role, source="import")  # fmt: skip
            try:
                with store.write() as inner:
                    done = ingest(inner, mailbox, incoming, policy=policy, now=now,
                                  notify=False)  # fmt: skip
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
        report.closed += history.close_imported(conn, touched, now=now)
