"""IMAP sync benchmark: shareinbox vs mbsync vs a raw imapclient fetch.

Generates a support mailbox (see `bench.mailgen`) straight into the maildir
of a private Dovecot on 127.0.0.1, lets Dovecot index it, then times in one
run: a raw imapclient fetch of every body, mbsync (isync, fsync on) into a
Maildir — initial and no-change — and shareinbox — initial sync (parsed,
threaded and searchable) and no-change re-sync — and prints the ratios and a
few search latencies.

    python -m bench.sync --messages 10000
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import imapclient

from bench.mailgen import MailboxGenerator
from shareinbox.clock import SystemClock
from shareinbox.config import AccountConfig, ImapConfig, SmtpConfig
from shareinbox.store import search
from shareinbox.store.db import Store
from shareinbox.store.ingest import PlainPolicy
from shareinbox.sync.engine import SyncOptions, sync_account, sync_folder
from shareinbox.sync.imap import ImapSession
from tests.fixtures.dovecot import DovecotServer, _mail_owner

USER = "bench"
QUERIES = ("返品", "注文", "在庫", "注文番号", "invoice", "tracking number", "株式会社")


def timed(label: str, action: Callable[[], object]) -> float:
    """Run `action`, print and return its wall time."""
    start = time.perf_counter()
    action()
    elapsed = time.perf_counter() - start
    print(f"  {label:<44} {elapsed:9.3f} s", flush=True)
    return elapsed


def fill_maildir(maildir: Path, count: int) -> int:
    """Write `count` generated messages as maildir files; return total bytes."""
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    total = 0
    for number, (raw, when) in enumerate(MailboxGenerator(seed=7).messages(count)):
        data = raw.replace(b"\r\n", b"\n")
        stamp = int(when.timestamp())
        name = f"{stamp}.M{number}P1.bench,S={len(data)},W={len(raw)}:2,"
        path = maildir / "cur" / name
        path.write_bytes(data)
        os.utime(path, (stamp, stamp))
        total += len(raw)
    uid, gid = _mail_owner()
    subprocess.run(["chown", "-R", f"{uid}:{gid}", str(maildir)], check=True)
    return total


def dovecot_index(server: DovecotServer) -> None:
    """Let Dovecot index the new maildir (first SELECT and a flag listing)."""
    client = imapclient.IMAPClient(server.host, port=server.port, ssl=False)
    client.login(USER, server.password)
    client.select_folder("INBOX", readonly=True)
    client._imap.uid("FETCH", "1:*", "(FLAGS RFC822.SIZE)")
    client.logout()


def raw_fetch(server: DovecotServer) -> int:
    """Every body with imapclient's own fetch, 500 UIDs a command."""
    client = imapclient.IMAPClient(server.host, port=server.port, ssl=False)
    client.login(USER, server.password)
    client.select_folder("INBOX", readonly=True)
    uids = client.search("ALL")
    got = 0
    for start in range(0, len(uids), 500):
        got += len(client.fetch(uids[start : start + 500], ["BODY.PEEK[]"]))
    client.logout()
    return got


def mbsync_config(work: Path, server: DovecotServer) -> Path:
    """An mbsyncrc pulling INBOX into a Maildir (FSync is on by default)."""
    (work / "mail").mkdir(parents=True)
    rc = work / "mbsyncrc"
    rc.write_text(
        f"IMAPAccount bench\nHost {server.host}\nPort {server.port}\nUser {USER}\n"
        f"Pass {server.password}\nSSLType None\nAuthMechs LOGIN\n\n"
        "IMAPStore remote\nAccount bench\n\n"
        f"MaildirStore local\nPath {work}/mail/\nInbox {work}/mail/INBOX\n\n"
        "Channel bench\nFar :remote:\nNear :local:\nPatterns INBOX\n"
        "Sync Pull\nCreate Near\nSyncState *\n"
    )
    return rc


def mbsync(rc: Path) -> None:
    """One mbsync run."""
    subprocess.run(
        ["mbsync", "-q", "-c", str(rc), "-a"], check=True, capture_output=True
    )


def account(server: DovecotServer) -> AccountConfig:
    """The benchmark mailbox as a shareinbox account (plain IMAP on loopback)."""
    return AccountConfig(
        name="bench",
        address="support@shop.example",
        imap=ImapConfig(
            host=server.host,
            port=server.port,
            security="none",
            username=USER,
            folders=("INBOX",),
            sent_folder="",
        ),
        smtp=SmtpConfig(host="127.0.0.1"),
    )


def shareinbox_sync(store: Store, server: DovecotServer, batch: int) -> None:
    """`sync_account`: connect, sync, record."""
    report = sync_account(
        store, account(server), server.password, PlainPolicy(), SystemClock(),
        options=SyncOptions(batch_size=batch),
    )  # fmt: skip
    assert report.ok, report.error


def unchanged_folder(store: Store, server: DovecotServer) -> float:
    """Time `sync_folder` alone on an open session (no connect/login)."""
    session = ImapSession.connect(account(server).imap, server.password)
    try:
        with store.read() as conn:
            account_id = conn.execute("SELECT id FROM account").fetchone()[0]
        start = time.perf_counter()
        report = sync_folder(
            store, session, account_id, "INBOX", PlainPolicy(), SystemClock()
        )
        elapsed = time.perf_counter() - start
        assert report.mode == "unchanged", report
    finally:
        session.close()
    print(f"  {'shareinbox no-change, folder only':<44} {elapsed:9.3f} s")
    return elapsed


def search_latency(store: Store) -> None:
    """Print how long some searches take over the synced store."""
    with store.read() as conn:
        for query in QUERIES:
            start = time.perf_counter()
            hits = search.search_messages(conn, query, limit=100)
            threads = search.search_threads(conn, query, limit=100)
            elapsed = (time.perf_counter() - start) * 1000
            print(
                f"  search {query!r:<24} {len(hits):4} msgs {len(threads):4} threads {elapsed:7.1f} ms"
            )


def machine() -> str:
    """One line about this machine and the software versions."""
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    dovecot = subprocess.run(
        ["dovecot", "--version"], capture_output=True, text=True
    ).stdout
    isync = subprocess.run(
        ["mbsync", "--version"], capture_output=True, text=True
    ).stdout
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, Dovecot {dovecot.split()[0]}, {isync.strip()}"
    )


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=SyncOptions.batch_size)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="shareinbox-bench-"))
    base.chmod(0o755)  # Dovecot's mail user must reach the maildir below
    server = DovecotServer(base / "dovecot")
    try:
        print(machine())
        server.start()
        size = fill_maildir(server.maildir(USER), args.messages)
        print(f"{args.messages} messages, {size / 1e6:.1f} MB")
        timed("Dovecot indexes the maildir", lambda: dovecot_index(server))
        raw = timed("raw imapclient fetch of all bodies", lambda: raw_fetch(server))
        rc = mbsync_config(base / "mbsync", server)
        mb_initial = timed("mbsync initial (fsync on)", lambda: mbsync(rc))
        mb_again = timed("mbsync no-change", lambda: mbsync(rc))
        store = Store(base / "shareinbox.db")
        si_initial = timed(
            "shareinbox initial sync",
            lambda: shareinbox_sync(store, server, args.batch_size),
        )
        si_again = timed(
            "shareinbox no-change re-sync (with login)",
            lambda: shareinbox_sync(store, server, args.batch_size),
        )
        si_folder = unchanged_folder(store, server)
        search_latency(store)
        store.close()
        db_size = (base / "shareinbox.db").stat().st_size
        print(f"  store size {db_size / 1e6:.0f} MB")
        print(
            f"initial: shareinbox / mbsync = {si_initial / mb_initial:.2f}; shareinbox / raw imapclient fetch = {si_initial / raw:.2f}"
        )
        print(
            f"no-change: mbsync / shareinbox = {mb_again / si_again:.1f}x (with login), {mb_again / si_folder:.0f}x (folder only)"
        )
    finally:
        server.stop()
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
