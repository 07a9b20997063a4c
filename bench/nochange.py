"""The no-change re-sync of a large folder, on a store built without IMAP.

Fills a private Dovecot with `count` generated messages
(`bench.mailserver`), builds the same messages into a store with
`bench.bigstore` (or takes one already built), gives the store's INBOX the
server's UIDVALIDITY / UIDNEXT / HIGHESTMODSEQ, and times `sync_folder` of
the unchanged folder on an open session (CONDSTORE), as `bench.sync` does
after a real initial sync. For comparison in the same run, the same sync
with the stored message count taken by ``COUNT(*)`` over the locations, as
before migration ``m007_speed``.

    python -m bench.nochange --messages 100000 [--store built.db]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import time
from pathlib import Path

from bench import bigstore
from bench.mailserver import Context, Options
from bench.sync import account, unchanged_folder
from shareinbox.store import mirror
from shareinbox.store.db import Store
from shareinbox.sync.imap import ImapSession

REPEAT = 7


def align(ctx: Context, store: Store, user: str) -> None:
    """Give the store's INBOX cursor and locations the server's identity."""
    session = ImapSession.connect(account(ctx, user).imap, ctx.dovecot.password)
    try:
        state = session.status("INBOX")
    finally:
        session.close()
    with store.write() as conn:
        row = conn.execute("SELECT id FROM folder WHERE name = 'INBOX'").fetchone()
        conn.execute(
            "UPDATE message_location SET uidvalidity = ? WHERE folder_id = ?",
            (state.uidvalidity, row[0]),
        )
        mirror.save_cursor(
            conn, row[0], uidvalidity=state.uidvalidity, uidnext=state.uidnext,
            highestmodseq=state.highestmodseq, full_scan_at=time.time(),
        )  # fmt: skip


def _counted(conn: sqlite3.Connection, folder_id: int, uidvalidity: int) -> int:
    row = conn.execute(
        "SELECT COUNT(*) FROM message_location WHERE folder_id = ? AND uidvalidity = ?",
        (folder_id, uidvalidity),
    ).fetchone()
    return int(row[0])


def times(ctx: Context, store: Store, user: str) -> list[float]:
    """Seconds of `REPEAT` no-change folder syncs."""
    return [unchanged_folder(ctx, store, user, condstore=True) for _ in range(REPEAT)]


def main() -> None:
    """Build, align, and print the medians with the stored and counted count."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--store", type=Path, help="a store built by bench.bigstore")
    args = parser.parse_args()
    ctx = Context(Options(sizes=(args.messages,)))
    try:
        mailbox = ctx.mailbox(args.messages)
        path = ctx.options.work / "big.db"
        if args.store:
            shutil.copyfile(args.store, path)
        else:
            bigstore.build(path, args.messages)
        store = Store(path)
        align(ctx, store, mailbox.user)
        stored = times(ctx, store, mailbox.user)
        original = mirror.local_count
        mirror.local_count = _counted
        try:
            counted = times(ctx, store, mailbox.user)
        finally:
            mirror.local_count = original
        store.close()
        for label, seconds in (("folder_count", stored), ("COUNT(*)", counted)):
            print(
                f"{args.messages:,}: no-change folder sync, {label}:"
                f" median {statistics.median(seconds) * 1000:.1f} ms,"
                f" max {max(seconds) * 1000:.1f} ms"
            )
    finally:
        ctx.close()


if __name__ == "__main__":
    main()
