"""What the team rules cost on new mail: ingest with and without TeamPolicy.

Ingests the same generated mailbox (`bench.mailgen`) into two fresh stores,
once with the plain policy and once with `TeamPolicy` holding a set of
sorting rules (keywords, sender domains, subjects) and a block list, and
prints the time per message of each, the difference, and the time of the
rule matching alone.

    python bench/rules.py [--messages 5000] [--rules 20]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.mailgen import MailboxGenerator  # noqa: E402
from shareinbox.config import Config, load_config  # noqa: E402
from shareinbox.mailfacts import MailFacts  # noqa: E402
from shareinbox.policy import TeamPolicy  # noqa: E402
from shareinbox.rules import matching  # noqa: E402
from shareinbox.store import mirror  # noqa: E402
from shareinbox.store.db import Store  # noqa: E402
from shareinbox.store.ingest import (  # noqa: E402
    Incoming,
    IngestPolicy,
    Mailbox,
    PlainPolicy,
    ingest,
)
from shareinbox.sync.parse import ParsedMessage, parse_message  # noqa: E402

SHOP = "support@shop.example"
WORDS = ("返品", "交換", "領収書", "在庫", "refund", "invoice", "至急", "キャンセル")


def config(directory: Path, rules: int) -> Config:
    """A config with `rules` sorting rules."""
    text = f"""[shop]
timezone = "Asia/Tokyo"
[server]
data_dir = "{directory}"
[spam]
block = ["@spam.example", "@junk.example"]
[[staff]]
login = "tanaka"
name = "田中"
"""
    for i in range(rules):
        word = WORDS[i % len(WORDS)]
        text += f"""
[[rule]]
name = "rule {i}"
match = "any"
keywords = ["{word}", "word{i}"]
from = ["@domain{i}.example"]
subject = ["【{word}】"]
tags = ["{word}"]
"""
    path = directory / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def timed_ingest(
    directory: Path,
    mails: list[tuple[bytes, ParsedMessage, float]],
    policy: IngestPolicy,
) -> tuple[float, int]:
    """Seconds to ingest every mail (500 a transaction) into a fresh store,
    and the number of audit rows written (one per rule action)."""
    store = Store(directory / "bench.db")
    with store.write() as conn:
        account = mirror.ensure_account(conn, "support", SHOP)
        if isinstance(policy, TeamPolicy):
            policy.seed(conn, now=time.time())
    mailbox = Mailbox(account, frozenset({SHOP}))
    started = time.perf_counter()
    for first in range(0, len(mails), 500):
        with store.write() as conn:
            for raw, parsed, at in mails[first : first + 500]:
                ingest(conn, mailbox, Incoming(raw, parsed, at), policy=policy, now=at)
    elapsed = time.perf_counter() - started
    with store.read() as conn:
        audited = int(conn.execute("SELECT count(*) FROM audit").fetchone()[0])
    store.close()
    return elapsed, audited


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--rules", type=int, default=20)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="shareinbox-bench-rules-"))
    try:
        cfg = config(base, args.rules)
        mails = [
            (raw, parse_message(raw), when.timestamp())
            for raw, when in MailboxGenerator().messages(args.messages)
        ]
        runs, actions = {}, 0
        for name, policy in (
            ("plain", PlainPolicy()),
            ("team", TeamPolicy(cfg)),
        ):
            directory = base / name
            directory.mkdir()
            elapsed, audited = timed_ingest(directory, mails, policy)
            runs[name] = elapsed / len(mails) * 1e6
            actions = max(actions, audited)
        started = time.perf_counter()
        for raw, parsed, _ in mails:
            facts = MailFacts.from_parsed("support", parsed, partial(bytes, raw))
            matching(cfg.rules, facts)
        alone = (time.perf_counter() - started) / len(mails) * 1e6
        print(f"{len(mails)} messages, {args.rules} rules, {actions} rule actions")
        print(f"ingest, plain policy:  {runs['plain']:7.0f} us/message")
        print(f"ingest, TeamPolicy:    {runs['team']:7.0f} us/message")
        print(f"difference:            {runs['team'] - runs['plain']:7.0f} us/message")
        print(f"rule matching alone:   {alone:7.0f} us/message")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
