"""Thread views at 100k threads: counts, first pages, deep pages, jumps.

Fills a temporary store with N threads (one message each; statuses,
assignees, tags and accounts spread like a busy shop's) and times the
service operations the TUI calls while scrolling: ``view_counts``,
``list_threads`` for each view (first page + total), a page deep behind a
cursor, an OFFSET jump, and ``search`` (indexed, as the ingest indexes).

    python bench/views.py [--threads 100000]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import Figure, Section  # noqa: E402
from shareinbox.config import parse_config  # noqa: E402
from shareinbox.service import core  # noqa: E402
from shareinbox.service import operations as _operations  # noqa: E402
from shareinbox.store import search  # noqa: E402
from shareinbox.store.db import Store  # noqa: E402

assert _operations.MODULES
CONFIG = """[shop]
timezone = "Asia/Tokyo"
[server]
data_dir = "{data}"
[[staff]]
login = "suzuki"
name = "鈴木"
"""
STATUSES = ["new"] * 5 + ["open"] * 10 + ["waiting"] * 5 + ["done"] * 75 + ["spam"] * 5
WORDS = [
    "返品",
    "注文",
    "在庫",
    "交換",
    "配送",
    "領収書",
    "キャンセル",
    "refund",
    "order",
]


def fill(store: Store, count: int, now: float) -> None:
    """N threads with one inbound message each."""
    rnd = random.Random(7)
    with store.write() as conn:
        conn.execute(
            "INSERT INTO raw_message (sha256, size, data) VALUES ('x', 1, x'00')"
        )
        for name in ("support", "info", "rakuten"):
            conn.execute("INSERT INTO account (name) VALUES (?)", (name,))
        threads, messages, bodies, tags = [], [], [], []
        for i in range(1, count + 1):
            at = now - (count - i) * 60 - rnd.random()
            status = rnd.choice(STATUSES)
            word = rnd.choice(WORDS)
            threads.append((
                i, rnd.randint(1, 3), f"{word}について {i}", status,
                rnd.choice([None, None, "suzuki", "tanaka", "sato"]), at, at, at,
                at + 3 * 3600 if status in ("new", "open") else None,
                at + rnd.randint(-3, 5) * 86400 if status == "waiting" else None,
            ))  # fmt: skip
            messages.append((i, i, rnd.randint(1, 3), f"k{i}", f"{word}について {i}",
                             f"c{i % 5000}@example.jp", at, at))  # fmt: skip
            bodies.append(
                (i, f"お世話になっております。{word}の件でご連絡しました。" * 5)
            )
            if rnd.random() < 0.1:
                tags.append((i, rnd.choice(["VIP", "クレーム", "法人"])))
        conn.executemany(
            "INSERT INTO thread (id, account_id, subject, status, assignee, created_at,"
            " updated_at, last_message_at, first_response_due_at, waiting_until,"
            " message_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            threads,
        )
        conn.executemany(
            "INSERT INTO message (id, thread_id, account_id, dedupe_key, direction,"
            " subject, from_addr, date_at, received_at, raw_sha256)"
            " VALUES (?, ?, ?, ?, 'in', ?, ?, ?, ?, 'x')",
            messages,
        )
        conn.executemany("INSERT INTO message_body VALUES (?, ?)", bodies)
        search.index_messages(
            conn,
            [
                (m[0], search.document(m[4], "", m[5], b[1]))
                for m, b in zip(messages, bodies, strict=True)
            ],
        )
        conn.executemany("INSERT INTO thread_tag VALUES (?, ?)", tags)
    store.db.execute("ANALYZE")


def best(fn: Any, repeat: int = 5) -> tuple[float, Any]:
    """The best time of `repeat` runs of `fn`, and its result."""
    fastest, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest, result


def measurements(count: int) -> list[tuple[str, float]]:
    """(what, best seconds) of each view operation on a store of `count` threads."""
    directory = Path(tempfile.mkdtemp(prefix="si-views-"))
    config = parse_config(CONFIG.format(data=directory), directory / "config.toml")
    store = Store(directory / "shareinbox.db")
    out: list[tuple[str, float]] = []
    try:
        start = time.perf_counter()
        fill(store, count, time.time())
        out.append(("fill and index the store", time.perf_counter() - start))
        ctx = core.Context(store, config, core.Actor.from_staff(config.staff[0]))

        def call(op: str, **kw: Any) -> Any:
            return core.call(ctx, op, kw)

        out.append(("`view_counts`", best(lambda: call("view_counts"))[0]))
        for view in ("all", "new", "open", "waiting", "done", "spam", "mine",
                     "unassigned", "overdue", "due_today", "account:info",
                     "tag:VIP"):  # fmt: skip
            seconds = best(lambda v=view: call("list_threads", view=v))[0]
            out.append((f"`list_threads` {view}, first 100 + total", seconds))
        cursor = None
        for _ in range(count // 200):
            cursor = call("list_threads", limit=100, cursor=cursor)["next"]
        seconds = best(lambda: call("list_threads", cursor=cursor))[0]
        out.append((f"`list_threads` all, a page {count // 2:,} rows deep", seconds))
        seconds = best(lambda: call("list_threads", offset=count // 2))[0]
        out.append((f"`list_threads` all, `offset={count // 2}`", seconds))
    finally:
        store.close()
        shutil.rmtree(directory, ignore_errors=True)
    return out


def run(ctx: object) -> list[Section]:
    """The view timings as figures (`bench.run_all`), at 100k threads."""
    count = 100_000
    section = Section(f"Thread views at {count // 1000}k threads")
    for label, seconds in measurements(count):
        unit, value = ("s", seconds) if seconds > 1 else ("ms", seconds * 1000)
        section.add(Figure(label, value, unit))
    section.notes.append(
        "Service operations in the process (no socket), best of five, on a store"
        f" filled with {count:,} threads of one message each (75% done, 60%"
        " assigned, 10% tagged, three accounts). These feed the TUI's first"
        " screen and scrolling; the TUI's own targets are measured by its"
        " benchmark."
    )
    return [section]


def main() -> int:
    """Fill a store and print the timings."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=100_000)
    args = parser.parse_args()
    for label, seconds in measurements(args.threads):
        print(f"{label:<50} {seconds * 1000:9.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
