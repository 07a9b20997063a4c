"""The team report at 100k threads, and the import rate of an mbox.

Fills a temporary store with N threads spread over 90 days (a customer
mail, most with a staff reply a few hours later and a ``thread.status``
done event; some spam, tags and categories), then times the ``report``
operation for 7, 30 and 90 days. Then writes an mbox of M generated shop
mails and times ``import_path`` into a fresh store, twice (the second run
adds nothing).

    python bench/team_report.py [--threads 100000] [--mails 5000]
"""

from __future__ import annotations

import argparse
import json
import mailbox
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.mailgen import MailboxGenerator  # noqa: E402
from shareinbox.clock import SystemClock  # noqa: E402
from shareinbox.config import Config, parse_config  # noqa: E402
from shareinbox.importer import import_path  # noqa: E402
from shareinbox.service import core  # noqa: E402
from shareinbox.service import operations as _operations  # noqa: E402
from shareinbox.store.db import Store  # noqa: E402

assert _operations.MODULES
CONFIG = """[shop]
timezone = "Asia/Tokyo"
[server]
data_dir = "{data}"
[[account]]
name = "support"
address = "support@shop.example"
imap = {{ host = "127.0.0.1", security = "none", username = "x" }}
smtp = {{ host = "127.0.0.1", security = "none" }}
[[staff]]
login = "tanaka"
name = "田中"
role = "supervisor"
[[staff]]
login = "suzuki"
name = "鈴木"
"""
DAY = 86400.0


def _rows(i: int, rnd: random.Random, now: float) -> dict[str, Any]:
    at = now - rnd.random() * 90 * DAY
    spam = rnd.random() < 0.05
    replied = not spam and rnd.random() < 0.85
    reply = at + rnd.expovariate(1 / (4 * 3600))
    return {"at": at, "spam": spam, "replied": replied and reply < now,
            "reply": reply, "by": rnd.choice(["tanaka", "suzuki", None])}  # fmt: skip


def fill(store: Store, count: int, now: float) -> None:
    """N threads with a customer mail, most with a reply and a done event."""
    rnd = random.Random(11)
    threads, messages, events, tags = [], [], [], []
    for i in range(1, count + 1):
        r = _rows(i, rnd, now)
        status = "spam" if r["spam"] else ("done" if r["replied"] else "new")
        last = r["reply"] if r["replied"] else r["at"]
        threads.append((i, f"件名 {i}", status, r["at"], last, r["at"], last,
                        rnd.choice([None, "order", "delivery"])))  # fmt: skip
        messages.append((2 * i, i, f"k{2 * i}", "in", r["at"], None))
        if r["replied"]:
            messages.append((2 * i + 1, i, f"k{2 * i + 1}", "out", r["reply"], r["by"]))
            events.append((r["reply"] + 60, i, r["by"] or "system"))
        if rnd.random() < 0.2:
            tags.append((i, rnd.choice(["返品", "配送", "VIP"])))
    with store.write() as conn:
        conn.execute("INSERT INTO raw_message VALUES ('x', 1, x'00')")
        conn.execute("INSERT INTO account (name) VALUES ('support')")
        conn.executemany(
            "INSERT INTO thread (id, account_id, subject, status, created_at,"
            " updated_at, first_message_at, last_message_at, last_inbound_at,"
            " message_count, category) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, 2, ?)",
            [(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[5], t[7]) for t in threads],
        )
        conn.executemany(
            "INSERT INTO message (id, thread_id, account_id, dedupe_key, direction,"
            " received_at, raw_sha256, sent_by) VALUES (?, ?, 1, ?, ?, ?, 'x', ?)",
            messages,
        )
        conn.executemany(
            "INSERT INTO event (at, kind, thread_id, actor, data) VALUES"
            " (?, 'thread.status', ?, ?, ?)",
            [(e[0], e[1], e[2], json.dumps({"status": "done"})) for e in events],
        )
        conn.executemany("INSERT INTO thread_tag VALUES (?, ?)", tags)
    store.db.execute("ANALYZE")


def timed(label: str, fn: Any, repeat: int = 3) -> Any:
    """Run `fn` `repeat` times; print the best time."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<44} {best * 1000:8.1f} ms")
    return result


def bench_report(config: Config, directory: Path, count: int) -> None:
    """Time the report over 7, 30 and 90 days."""
    store = Store(directory / "report.db")
    now = time.time()
    start = time.perf_counter()
    fill(store, count, now)
    print(f"filled {count} threads in {time.perf_counter() - start:.1f} s")
    ctx = core.Context(store, config, core.Actor.from_staff(config.staff[0]))
    for days in (7, 30, 90):
        timed(f"report, last {days} days",
              lambda d=days: core.call(ctx, "report", {"since": now - d * DAY}))  # fmt: skip
    store.close()


def bench_import(config: Config, directory: Path, count: int) -> None:
    """Time importing an mbox of `count` generated mails, twice."""
    path = directory / "export.mbox"
    box = mailbox.mbox(path)
    for raw, _ in MailboxGenerator(seed=5).messages(count):
        box.add(raw)
    box.close()
    store = Store(directory / "import.db")
    for run in ("first", "second"):
        start = time.perf_counter()
        report = import_path(store, config, "support", path, clock=SystemClock(),
                             actor="bench")  # fmt: skip
        took = time.perf_counter() - start
        print(f"import {run} run: {report.summary()}")
        print(f"  {took:.1f} s, {report.seen / took:,.0f} messages/s")
    store.close()


def main() -> int:
    """Print the timings."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=100_000)
    parser.add_argument("--mails", type=int, default=5000)
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="si-report-"))
    config = parse_config(CONFIG.format(data=directory), directory / "config.toml")
    try:
        bench_report(config, directory, args.threads)
        if args.mails:
            bench_import(config, directory, args.mails)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
