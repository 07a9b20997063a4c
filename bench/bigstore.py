"""A large store built fast: generated mail ingested directly, no IMAP.

`build` generates `count` messages with `bench.mailgen` (the seed
`bench.mailserver.fill_maildir` uses, so the store holds what a synced
maildir of that size would), parses them in a worker process and stores them
with `shareinbox.store.ingest` in batches, each with its INBOX locations
(UIDs 1..count) and the folder's cursor, as a sync would. About 2 ms a
message on the 2-core test machine; for search and sync benchmarks that
need a 100k-message store without the 10-minute IMAP initial sync.

    python -m bench.bigstore /tmp/big.db --messages 100000
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench.mailgen import SHOP, MailboxGenerator
from shareinbox.store import mirror
from shareinbox.store.db import Store
from shareinbox.store.ingest import Incoming, Mailbox, PlainPolicy
from shareinbox.store.ingest_safe import ingest_or_raw
from shareinbox.sync.pipeline import parse_all

BATCH = 500
UIDVALIDITY = 1


def _batches(count: int, seed: int) -> Iterator[list[tuple[bytes, float]]]:
    batch: list[tuple[bytes, float]] = []
    for raw, when in MailboxGenerator(seed=seed).messages(count):
        batch.append((raw, when.timestamp()))
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def build(
    path: Path, count: int, *, seed: int = 7, highestmodseq: int | None = 1
) -> float:
    """Fill a new store at `path` with `count` messages; return the seconds.

    The INBOX cursor ends as (UIDVALIDITY 1, uidnext count + 1,
    `highestmodseq`).
    """
    start = time.perf_counter()
    store = Store(path)
    policy = PlainPolicy()
    with store.write() as conn:
        account_id = mirror.ensure_account(conn, "bench", SHOP)
        folder = mirror.ensure_folder(conn, account_id, "INBOX", "inbox")
    mailbox = Mailbox(account_id, frozenset({SHOP}))
    uid = 0
    with ProcessPoolExecutor(1) as pool:
        batches = _batches(count, seed)
        nxt = next(batches, None)
        pending = (nxt, pool.submit(parse_all, [r for r, _ in nxt])) if nxt else None
        while pending is not None:
            batch, future = pending
            nxt = next(batches, None)
            pending = (
                (nxt, pool.submit(parse_all, [r for r, _ in nxt])) if nxt else None
            )
            with store.write() as conn:
                locations = []
                for (raw, at), parsed in zip(batch, future.result(), strict=True):
                    uid += 1
                    incoming = Incoming(raw=raw, parsed=parsed, received_at=at)
                    stored = ingest_or_raw(
                        store, mailbox, incoming, policy=policy, now=at
                    )
                    locations.append(
                        (stored.message_id, folder.id, UIDVALIDITY, uid, "", 1)
                    )
                mirror.put_locations(conn, locations)
                mirror.save_cursor(
                    conn, folder.id, uidvalidity=UIDVALIDITY, uidnext=uid + 1,
                    highestmodseq=highestmodseq,
                )  # fmt: skip
    store.close()
    return time.perf_counter() - start


def main() -> None:
    """Build a store from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.path.exists():
        parser.error(f"{args.path} exists")
    seconds = build(args.path, args.messages, seed=args.seed)
    print(f"{args.messages:,} messages in {seconds:.0f} s -> {args.path}")


if __name__ == "__main__":
    main()
