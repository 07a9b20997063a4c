"""Daemon memory at the largest size, and with a 25 MB message.

The initial sync's peak comes from the sync benchmark's ``daemon --once``
(ru_maxrss). Then the long-running daemon is started on that store: its
RSS after the start-up sync and a round of client work (thread pages and
searches), then after a 25 MB message (a 19 MB attachment, base64) arrives
by IDLE and is stored — each with the process's peak (VmHWM).
"""

from __future__ import annotations

import base64
import os
import time
from email.message import EmailMessage

from bench.mailserver import Context, imap_login, peak_rss_mb, wait_for_sync
from bench.report import Figure, Section, size_label, under
from shareinbox.client import SyncClient

BIG = 25 * 1024 * 1024


def big_message() -> bytes:
    """A customer mail of about 25 MB: a short text and a large attachment."""
    mail = EmailMessage()
    mail["From"] = "佐藤 健太 <sato@example.jp>"
    mail["To"] = "support@shop.example"
    mail["Subject"] = "動画を添付します"
    mail["Message-ID"] = "<big-attachment@example.jp>"
    mail.set_content("届いた商品の状態を撮影しました。ご確認ください。")
    payload = os.urandom(BIG * 3 // 4 - 200_000)
    mail.add_attachment(
        payload, maintype="video", subtype="mp4", filename="開封時の動画.mp4"
    )
    raw = bytes(mail)
    assert len(raw) > len(base64.b64encode(payload))
    return raw


def client_work(client: SyncClient) -> None:
    """What a busy morning asks of the daemon: pages, counts, searches."""
    client.call("view_counts")
    cursor = None
    for _ in range(20):
        cursor = client.call("list_threads", limit=100, cursor=cursor)["next"]
    for query in ("返品", "注文番号", "invoice"):
        client.call("search", query=query)


def wait_for_subject(client: SyncClient, subject: str, timeout: float = 120) -> None:
    """Wait until a thread with `subject` is listed."""
    deadline = time.monotonic() + timeout
    while not client.call("search", query=subject)["threads"]:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{subject!r} never arrived")
        time.sleep(0.1)


def run(ctx: Context) -> list[Section]:
    """Measure the daemon's memory on the largest store."""
    count = ctx.options.largest
    n = size_label(count)
    mailbox = ctx.mailbox(count)
    synced = ctx.synced(count)
    section = Section("Daemon memory")
    section.add(Figure(f"initial sync of {n} (`daemon --once`), peak",
                       synced.peak_rss_mb, "MB", under(200)))  # fmt: skip
    started = time.time()
    with ctx.daemon(count) as process:
        wait_for_sync(synced.socket, started)
        with SyncClient(synced.socket, client="bench") as client:
            client_work(client)
            rss, peak = peak_rss_mb(process.pid)
            section.add(Figure(f"daemon on {n}, after start-up and client work",
                               rss, "MB", under(200), note=f"peak {peak:.0f} MB"))  # fmt: skip
            imap = imap_login(ctx.dovecot, mailbox.user)
            raw = big_message()
            imap.append("INBOX", raw)
            imap.logout()
            wait_for_subject(client, "動画を添付します")
            rss, peak = peak_rss_mb(process.pid)
    section.add(Figure(f"daemon on {n}, peak after a {len(raw) / 1e6:.0f} MB message",
                       peak, "MB", under(200), note=f"then {rss:.0f} MB"))  # fmt: skip
    section.notes.append(
        "RSS and peak (VmRSS, VmHWM) of the daemon process from /proc; the"
        " initial sync's peak is the `daemon --once` process's ru_maxrss."
    )
    return [section]
