"""New mail on the server -> an event on every connected client.

Starts the real daemon on the largest synced store (it syncs, then IDLEs on
INBOX), connects `CLIENTS` clients over the socket, each subscribed to
events, and APPENDs messages to Dovecot from another IMAP session. Latency
is from just before the APPEND to the ``message.new`` event of that message
arriving at a client; a message counts by its slowest client.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

from bench.mailserver import Context, imap_login, wait_for_sync
from bench.report import Figure, Section, size_label, under
from shareinbox.client import Client

CLIENTS = 10
MESSAGES = 20


def new_message(subject: str) -> bytes:
    """A small Japanese customer mail with `subject`."""
    mail = EmailMessage()
    mail["From"] = "山田 太郎 <yamada@example.jp>"
    mail["To"] = "support@shop.example"
    mail["Subject"] = subject
    mail["Message-ID"] = f"<{abs(hash(subject)):x}.{time.time_ns()}@example.jp>"
    mail.set_content("先日注文した商品がまだ届きません。確認をお願いします。")
    return bytes(mail)


async def arrival(client: Client, subject: str) -> float:
    """When the ``message.new`` event of `subject` reaches `client`."""
    async for event in client.events():
        data = event.get("data") or {}
        if event.get("kind") == "message.new" and data.get("subject") == subject:
            return time.perf_counter()
    raise RuntimeError("the connection ended before the event came")


async def one_message(
    clients: list[Client], append: Callable[[bytes], object], subject: str
) -> list[float]:
    """APPEND one message; the latency as each client saw it (seconds)."""
    waits = [asyncio.create_task(arrival(c, subject)) for c in clients]
    start = time.perf_counter()
    await asyncio.to_thread(append, new_message(subject))
    arrived = await asyncio.wait_for(asyncio.gather(*waits), 30)
    return [t - start for t in arrived]


async def measure(ctx: Context, socket: Path, user: str) -> list[float]:
    """The slowest client's latency for each of `MESSAGES` messages."""
    imap = imap_login(ctx.dovecot, user)
    clients = [
        await Client.connect(socket, as_login=f"agent{n:02d}", client="bench")
        for n in range(CLIENTS)
    ]
    try:
        for client in clients:
            await client.subscribe()

        def append(raw: bytes) -> object:
            return imap.append("INBOX", raw)

        await one_message(clients, append, "warm-up")
        worst = []
        for n in range(MESSAGES):
            latencies = await one_message(clients, append, f"新着テスト {n}")
            worst.append(max(latencies))
        return worst
    finally:
        for client in clients:
            await client.close()
        imap.logout()


def run(ctx: Context) -> list[Section]:
    """Time new mail reaching connected clients."""
    count = ctx.options.largest
    mailbox = ctx.mailbox(count)
    synced = ctx.synced(count)
    section = Section("New mail to connected clients")
    started = time.time()
    with ctx.daemon(count):
        wait_for_sync(synced.socket, started)
        worst = asyncio.run(measure(ctx, synced.socket, mailbox.user))
    ms = sorted(w * 1000 for w in worst)
    section.add(Figure("median", statistics.median(ms), "ms", under(1500)))
    section.add(Figure("slowest", ms[-1], "ms", under(1500)))
    section.notes.append(
        f"The daemon runs on the {size_label(count)} store and IDLEs on INBOX;"
        f" {CLIENTS} clients are connected and subscribed. {MESSAGES} messages"
        " are APPENDed one at a time from another IMAP session; each figure is"
        " from just before the APPEND to the `message.new` event at the"
        " slowest of the clients. Dovecot's IDLE notice itself takes about"
        " 0.5 s of this."
    )
    return [section]
