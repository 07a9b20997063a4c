"""Search latency over the largest synced mailbox, through the daemon's socket.

Runs the real daemon on the data dir the sync benchmark built and sends each
query as a client does (``search``, the newest 100 threads): short Japanese
words that have no trigram (返品, 注文), longer Japanese and English words and
phrases, two-letter English, and words found nowhere. Each query runs
`REPEAT` times; the table shows the median and the slowest.
"""

from __future__ import annotations

import statistics
import time

from bench.mailserver import Context, wait_for_sync
from bench.report import Figure, Section, size_label, under
from shareinbox.client import SyncClient

REPEAT = 7
QUERIES = (
    ("Japanese, 1–2 characters", ("返品", "注文", "在庫", "交換", "株", "猫舌")),
    (
        "Japanese, 3+ characters",
        ("領収書", "キャンセル", "注文番号", "株式会社", "配送状況", "二重に注文"),
    ),
    ("English, 2 letters", ("id", "my", "qx")),
    (
        "English, 3+ letters",
        ("refund", "invoice", "tracking number", "damaged item", "zebra"),
    ),
    ("mixed", ("返品 return", "注文 order")),
)


def timings(client: SyncClient, query: str) -> tuple[list[float], int]:
    """Seconds of each run of `query`, and how many threads it found."""
    seconds, found = [], 0
    for _ in range(REPEAT):
        start = time.perf_counter()
        result = client.call("search", query=query, limit=100)
        seconds.append(time.perf_counter() - start)
        found = len(result["threads"])
    return seconds, found


def run(ctx: Context) -> list[Section]:
    """Time every query against the daemon on the largest store."""
    count = ctx.options.largest
    section = Section(f"Search at {size_label(count)} messages")
    socket = ctx.synced(count).socket
    started = time.time()
    with ctx.daemon(count), SyncClient(socket, client="bench") as client:
        wait_for_sync(socket, started)
        for kind, queries in QUERIES:
            for query in queries:
                seconds, found = timings(client, query)
                ms = [s * 1000 for s in seconds]
                section.add(Figure(
                    f"{kind}: `{query}` (median)", statistics.median(ms), "ms",
                    under(100), note=f"max {max(ms):.0f} ms; {found} threads",
                ))  # fmt: skip
    section.notes.append(
        f"`search` through the daemon's socket (`SyncClient`, the CLI's client),"
        f" the newest 100 matching threads with their list fields; {REPEAT} runs"
        " each. Results are exact. The newest 512 threads are read first (a"
        " common word is found there); otherwise terms of 1–2 characters are"
        " looked up in the character index, longer ones in the trigram index,"
        " the matches mapped to threads through `message_id_thread` and"
        " confirmed on the stored text newest first. Two-letter English words"
        " are in neither index: when the newest threads hold too few, all the"
        " stored text is read once (`qx`, found nowhere, is this worst case)."
    )
    return [section]
