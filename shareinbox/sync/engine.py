"""Mirroring one folder: plan, fetch in batches, store each batch atomically.

Every batch of messages is parsed and written with the folder's cursor in
ONE `store.write()` transaction, and storing is idempotent (see
`shareinbox.store.ingest`), so a process killed at any point and started
again converges on the server's state: no loss, no duplicate. Bodies are
fetched with ``BODY.PEEK[]`` only; syncing never sets ``\\Seen``.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import replace

from shareinbox.clock import Clock
from shareinbox.config import AccountConfig
from shareinbox.errors import ShareinboxError, SyncError
from shareinbox.store import mirror
from shareinbox.store.db import Store
from shareinbox.store.ingest import IngestPolicy, Mailbox
from shareinbox.store.mirror import FolderRow
from shareinbox.sync import onboard
from shareinbox.sync.batches import (
    Fetched,
    FolderChanges,
    split_batches,
    store_batch,
    write_changes,
)
from shareinbox.sync.imap import ConnectionLost, ImapSession, Selected
from shareinbox.sync.pipeline import Parser
from shareinbox.sync.plan import (
    Cursor,
    Mode,
    Plan,
    ServerFolder,
    gone_uids,
    new_uids,
    plan_sync,
)
from shareinbox.sync.reports import AccountReport, FolderReport, SyncOptions

__all__ = [
    "AccountReport",
    "FolderReport",
    "SyncOptions",
    "account_folders",
    "record_account_state",
    "sync_account",
    "sync_folder",
    "sync_folders",
]
log = logging.getLogger(__name__)


def default_role(name: str) -> str:
    """The role of a folder not configured otherwise."""
    return "inbox" if name.upper() == "INBOX" else "other"


def sync_folder(
    store: Store,
    client: ImapSession,
    account_id: int,
    folder_name: str,
    policy: IngestPolicy,
    clock: Clock,
    *,
    role: str | None = None,
    options: SyncOptions | None = None,
) -> FolderReport:
    """Bring the stored copy of one folder up to the server's state.

    Raises:
        SyncError: the server failed or the connection was lost; what was
            committed before stays and the next run continues from there.
    """
    options = options or SyncOptions()
    with store.write() as conn:
        row = mirror.folder(conn, account_id, folder_name)
        if row is None or (role is not None and row.role != role):
            row = mirror.ensure_folder(
                conn, account_id, folder_name, role or default_role(folder_name)
            )
        row = onboard.begin(
            conn, row, now=clock.now(), history_days=options.history_days
        )
        mailbox = _mailbox(conn, account_id, options)
        local = mirror.local_count(conn, row.id, row.uidvalidity or 0)
    cursor = Cursor(
        row.uidvalidity, row.uidnext, row.highestmodseq, row.last_full_scan_at
    )
    client.unselect()
    report = FolderReport(folder_name)
    plan = _plan(client.status(folder_name), cursor, local, client, clock, options)
    if plan.mode is Mode.UNCHANGED:
        report.mode, report.reason = plan.mode.value, plan.reason
        return report
    qresync = None
    if plan.mode is Mode.QRESYNC and cursor.uidvalidity and cursor.highestmodseq:
        qresync = (cursor.uidvalidity, cursor.highestmodseq, plan.known_uids)
    selected = client.select(folder_name, qresync=qresync)
    plan = _plan(selected.state, cursor, local, client, clock, options)
    if plan.mode is Mode.QRESYNC and qresync is None:
        plan = replace(plan, mode=Mode.CONDSTORE)
    report.mode, report.reason = plan.mode.value, plan.reason
    if plan.mode is Mode.UNCHANGED:
        return report
    log.info("sync %s: %s (%s)", folder_name, plan.mode.value, plan.reason)
    changes = _changes(client, plan, selected, local)
    _apply(store, client, row, mailbox, changes, policy, clock, options, report)
    return report


def _plan(
    state: ServerFolder, cursor: Cursor, local: int, client: ImapSession,
    clock: Clock, options: SyncOptions,
) -> Plan:  # fmt: skip
    return plan_sync(
        state,
        cursor,
        local_count=local,
        caps=client.caps,
        now=clock.now(),
        full_scan_every=options.full_scan_every,
    )


def _mailbox(
    conn: sqlite3.Connection, account_id: int, options: SyncOptions
) -> Mailbox:
    row = conn.execute(
        "SELECT address FROM account WHERE id = ?", (account_id,)
    ).fetchone()
    own = frozenset({row[0].strip().lower()} if row and row[0] else set())
    return Mailbox(account_id, own, options.order_patterns)


def _changes(
    client: ImapSession, plan: Plan, selected: Selected, local: int
) -> FolderChanges:
    """Ask the server what changed, as the plan's mode allows."""
    state = selected.state
    changes = FolderChanges(plan=plan, state=state)
    if plan.mode in (Mode.FULL, Mode.FLAGSCAN):
        everything = client.fetch_meta(
            "1:*", flags=plan.mode is Mode.FLAGSCAN, size=True
        )
        changes.sizes = {uid: meta.size or 0 for uid, meta in everything.items()}
        changes.server_flags = {
            uid: meta.flags
            for uid, meta in everything.items()
            if meta.flags is not None
        }
        changes.full_listing = True
        return changes
    if plan.mode is Mode.QRESYNC:
        changes.vanished = list(selected.vanished)
        changes.server_flags = {
            u: m.flags for u, m in selected.changed.items() if m.flags is not None
        }
    elif plan.new_from > 1:
        found = client.fetch_meta(
            f"1:{plan.new_from - 1}", changed_since=plan.changed_since
        )
        changes.server_flags = {
            u: m.flags for u, m in found.items() if m.flags is not None
        }
    fresh = client.fetch_meta(
        f"{plan.new_from}:*", flags=False, size=True, at_least=plan.new_from
    )
    changes.sizes = {uid: meta.size or 0 for uid, meta in fresh.items()}
    if plan.mode is Mode.CONDSTORE and state.messages != local + len(fresh):
        changes.server_uids = client.uids()
    return changes


def _apply(
    store: Store, client: ImapSession, row: FolderRow, mailbox: Mailbox,
    changes: FolderChanges, policy: IngestPolicy, clock: Clock,
    options: SyncOptions, report: FolderReport,
) -> None:  # fmt: skip
    """Write the non-body changes, then fetch and store new mail in batches."""
    plan, state = changes.plan, changes.state
    asked: set[int] | None = None  # an incremental sync needs what changed only
    if plan.mode in (Mode.QRESYNC, Mode.CONDSTORE) and changes.server_uids is None:
        asked = {*changes.server_flags, *changes.vanished, *changes.sizes}
    with store.write() as conn:
        known = mirror.local_flags(conn, row.id, state.uidvalidity, asked)
    if changes.server_uids is not None:
        changes.vanished = gone_uids(changes.server_uids, known, plan.new_from)
    elif changes.full_listing:
        changes.vanished = [uid for uid in known if uid not in changes.sizes]
    fetch = new_uids(plan, changes.sizes, known)
    write_changes(store, row, changes, known, fetch, clock, report)
    if options.on_commit is not None:
        options.on_commit()
    batches = split_batches(fetch, changes.sizes, options)

    def save(fetched: Fetched, parser: Parser) -> None:
        parsed = parser.result(fetched.parsing, [m.raw for m in fetched.messages])
        store_batch(
            store, row, mailbox, changes, fetched.uids, fetched.messages, parsed,
            policy, clock, report, final=fetched.uids is batches[-1],
        )  # fmt: skip
        if options.on_commit is not None:
            options.on_commit()

    # Batch N is stored while the next one is fetched and parsed; each is
    # still stored in order, in its own transaction with the cursor.
    with Parser(options.parse, len(batches)) as parser:
        pending: Fetched | None = None
        try:
            for uids in batches:
                messages = client.fetch_bodies(uids)
                parsing = parser.submit([m.raw for m in messages])
                if pending is not None:
                    done, pending = pending, None
                    save(done, parser)
                pending = Fetched(uids, messages, parsing)
        finally:  # what was fetched is kept, also when the connection drops
            if pending is not None:
                save(pending, parser)


def account_folders(account: AccountConfig) -> list[tuple[str, str]]:
    """(folder, role) pairs to mirror: the configured folders plus Sent."""
    folders = [(name, default_role(name)) for name in account.imap.folders]
    sent = account.imap.sent_folder
    if sent:
        folders = [(name, role) for name, role in folders if name != sent]
        folders.append((sent, "sent"))
    return folders


def sync_folders(
    store: Store,
    client: ImapSession,
    account_id: int,
    account: AccountConfig,
    policy: IngestPolicy,
    clock: Clock,
    options: SyncOptions | None = None,
) -> AccountReport:
    """Sync every folder of an account on an open session.

    A folder that fails (e.g. it does not exist) is reported and the others
    still sync; a lost connection ends the run.

    Raises:
        ConnectionLost: the connection broke.
    """
    report = AccountReport(account.name)
    for name, role in account_folders(account):
        if role == "sent" and not client.folder_exists(name):
            # The default "Sent" may not exist yet (nothing was ever sent).
            report.folders.append(
                FolderReport(name, mode="absent", reason="no such folder")
            )
            continue
        try:
            folder_report = sync_folder(
                store,
                client,
                account_id,
                name,
                policy,
                clock,
                role=role,
                options=options,
            )
        except ConnectionLost:
            raise
        except SyncError as e:
            log.warning("account %s, folder %s: %s", account.name, name, e.message)
            folder_report = FolderReport(name, error=e.message)
            report.error = report.error or f"folder {name!r}: {e.message}"
        report.folders.append(folder_report)
    return report


def record_account_state(
    store: Store, account_id: int, error: str | None, clock: Clock
) -> None:
    """Save an account's sync outcome (state, last error, events)."""
    with store.write() as conn:
        mirror.set_account_state(conn, account_id, error=error, now=clock.now())


def sync_account(
    store: Store,
    account: AccountConfig,
    password: str,
    policy: IngestPolicy,
    clock: Clock,
    *,
    options: SyncOptions | None = None,
) -> AccountReport:
    """Connect, sync every folder of `account` once, record the outcome.

    Never raises for mail-server trouble: the error (login refused, TLS,
    unreachable, lost connection) is in the report, in the ``account`` row
    (state 'error', last_error) and in an ``account.error`` event.
    """
    with store.write() as conn:
        account_id = mirror.ensure_account(conn, account.name, account.address)
    try:
        client = ImapSession.connect(account.imap, password)
    except ShareinboxError as e:
        return _failed(store, account, account_id, e.message, clock)
    try:
        report = sync_folders(
            store, client, account_id, account, policy, clock, options
        )
    except ShareinboxError as e:
        return _failed(store, account, account_id, e.message, clock)
    finally:
        client.close()
    record_account_state(store, account_id, report.error, clock)
    return report


def _failed(
    store: Store, account: AccountConfig, account_id: int, error: str, clock: Clock
) -> AccountReport:
    log.error("account %s: %s", account.name, error)
    try:
        record_account_state(store, account_id, error, clock)
    except ShareinboxError as e:  # e.g. the disk is still full
        log.error("account %s: the error could not be recorded: %s", account.name, e)
    return AccountReport(account.name, error=error)
