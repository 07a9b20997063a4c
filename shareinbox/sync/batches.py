"""The transactions of a folder sync: metadata first, then batches of mail.

Cursor discipline (what makes a kill -9 harmless): the cursor written with a
transaction never claims more than the store then holds.

- After the metadata transaction (expunges, flag changes) and after each
  batch but the last, ``uidnext`` is one past the highest UID handled so far.
  In QRESYNC/CONDSTORE mode ``highestmodseq`` is the SELECT's value (every
  change up to it is applied); in full/flag-scan mode it stays empty, so a
  run that dies half-way is resumed by a full flag scan.
- The last transaction writes the SELECT's ``uidnext`` and ``highestmodseq``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from shareinbox.clock import Clock
from shareinbox.store import mirror
from shareinbox.store.db import Store
from shareinbox.store.ingest import Incoming, IngestPolicy, Mailbox
from shareinbox.store.ingest_safe import ingest_or_raw
from shareinbox.store.mirror import FolderRow
from shareinbox.sync import onboard
from shareinbox.sync.imap_wire import FetchedMessage
from shareinbox.sync.plan import Mode, Plan, ServerFolder
from shareinbox.sync.reports import FolderReport, SyncOptions

if TYPE_CHECKING:
    from shareinbox.sync.parse import ParsedMessage


@dataclass
class FolderChanges:
    """What the server reported for a folder this run.

    Attributes:
        sizes: UIDs that may need fetching -> RFC822.SIZE (with
            `full_listing`: every UID on the server).
        server_flags: UID -> flags as the server has them (changed ones, or
            all with a full listing).
        vanished: UIDs the server no longer has.
        server_uids: every UID, when an expunge check needed them.
    """

    plan: Plan
    state: ServerFolder
    sizes: dict[int, int] = field(default_factory=dict)
    server_flags: dict[int, str] = field(default_factory=dict)
    vanished: list[int] = field(default_factory=list)
    server_uids: list[int] | None = None
    full_listing: bool = False


@dataclass
class Fetched:
    """A fetched batch whose parse is under way."""

    uids: list[int]
    messages: list[FetchedMessage]
    parsing: Future[list[ParsedMessage]]


def split_batches(
    uids: list[int], sizes: dict[int, int], options: SyncOptions
) -> list[list[int]]:
    """`uids` in batches of at most `batch_size` messages and `batch_bytes`."""
    out: list[list[int]] = []
    current: list[int] = []
    total = 0
    for uid in uids:
        size = sizes.get(uid, 0)
        if current and (
            len(current) >= options.batch_size or total + size > options.batch_bytes
        ):
            out.append(current)
            current, total = [], 0
        current.append(uid)
        total += size
    if current:
        out.append(current)
    return out


def _incremental(plan: Plan) -> bool:
    return plan.mode in (Mode.QRESYNC, Mode.CONDSTORE)


def _save(
    conn: sqlite3.Connection,
    row: FolderRow,
    changes: FolderChanges,
    *,
    handled_up_to: int,
    final: bool,
    now: float,
) -> None:
    plan, state = changes.plan, changes.state
    floor = 1 if plan.mode is Mode.FULL else plan.new_from
    if final:
        mirror.save_cursor(
            conn,
            row.id,
            uidvalidity=state.uidvalidity,
            uidnext=max(state.uidnext, handled_up_to + 1, floor),
            highestmodseq=state.highestmodseq,
            full_scan_at=None if _incremental(plan) else now,
        )
        mirror.end_first_sync(conn, row.id)
        return
    mirror.save_cursor(
        conn,
        row.id,
        uidvalidity=state.uidvalidity,
        uidnext=max(floor, handled_up_to + 1),
        highestmodseq=state.highestmodseq if _incremental(plan) else None,
    )


def write_changes(
    store: Store,
    row: FolderRow,
    changes: FolderChanges,
    known: dict[int, str],
    fetch: Sequence[int],
    clock: Clock,
    report: FolderReport,
) -> None:
    """Expunges and flag changes, with the cursor, in one transaction."""
    uidvalidity = changes.state.uidvalidity
    flag_updates = [
        (uid, flags, None)
        for uid, flags in changes.server_flags.items()
        if uid in known and known[uid] != flags
    ]
    with store.write() as conn:
        if changes.plan.mode is Mode.FULL:
            report.expunged += mirror.drop_other_incarnations(conn, row.id, uidvalidity)
        gone = [uid for uid in changes.vanished if uid in known]
        report.expunged += mirror.drop_locations(conn, row.id, uidvalidity, gone)
        report.changed += mirror.update_flags(conn, row.id, uidvalidity, flag_updates)
        first = min(fetch) if fetch else 0
        _save(
            conn,
            row,
            changes,
            handled_up_to=first - 1 if fetch else 0,
            final=not fetch,
            now=clock.now(),
        )


def store_batch(
    store: Store,
    row: FolderRow,
    mailbox: Mailbox,
    changes: FolderChanges,
    batch: Sequence[int],
    messages: Sequence[FetchedMessage],
    parsed: Sequence[ParsedMessage],
    policy: IngestPolicy,
    clock: Clock,
    report: FolderReport,
    *,
    final: bool,
) -> None:
    """Store one fetched batch and advance the cursor past it, atomically."""
    uidvalidity = changes.state.uidvalidity
    with store.write() as conn:
        now = clock.now()
        locations = []
        old_threads: list[int] = []
        for message, parse in zip(messages, parsed, strict=True):
            received = message.internaldate or now
            old = onboard.is_history(row, received)
            incoming = Incoming(
                raw=message.raw,
                parsed=parse,
                received_at=received,
                folder_role=row.role,
                source=onboard.SOURCE if old else "imap",
            )
            stored = ingest_or_raw(
                store, mailbox, incoming, policy=onboard.HISTORY if old else policy,
                now=now, notify=not old,
            )  # fmt: skip
            if old and (thread_id := onboard.quiet(conn, stored)) is not None:
                old_threads.append(thread_id)
            report.new += int(stored.created)
            report.history += int(stored.created and old)
            report.fetched += 1
            locations.append(
                (stored.message_id, row.id, uidvalidity, message.uid, message.flags,
                 message.modseq)
            )  # fmt: skip
        mirror.put_locations(conn, locations)
        onboard.close(conn, old_threads, now=now)
        _save(conn, row, changes, handled_up_to=max(batch), final=final, now=now)
    report.batches += 1
