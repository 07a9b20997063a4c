"""The lookups made for every stored message use a narrow index.

Each runs once per message of an initial sync, so one that walks the
account's messages or the month's threads makes the sync quadratic (at 100k
messages a reply's lookup took 43 ms). The statements are caught as they
run and their query plans checked.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from shareinbox.store import threading
from shareinbox.store.db import Store

WIDE = ("SCAN message", "SCAN thread", "(account_id=?)", "thread_account_last")


def plans_of_find_thread(store: Store) -> dict[str, str]:
    """Each statement `find_thread` ran -> its query plan, as one string."""
    statements: list[str] = []
    with store.write() as conn:
        conn.execute("INSERT INTO account (name) VALUES ('support')")
        conn.set_trace_callback(statements.append)
        try:
            threading.find_thread(
                conn,
                account_id=1,
                message_id="<new@example.jp>",
                refs=["<a@example.jp>", "<b@example.jp>", "<c@example.jp>"],
                subject_key="返品について",
                customer_id=7,
                at=1_750_000_000.0,
            )
        finally:
            conn.set_trace_callback(None)
        return {sql: _plan(conn, sql) for sql in statements}


def _plan(conn: sqlite3.Connection, sql: str) -> str:
    rows = conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
    return " / ".join(str(row[3]) for row in rows)


def test_thread_lookups_never_walk_an_account(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    try:
        plans = plans_of_find_thread(store)
    finally:
        store.close()
    # The reference, replied-to and subject lookups all ran.
    assert len(plans) == 4, plans
    for sql, plan in plans.items():
        assert not any(wide in plan for wide in WIDE), f"{sql}\n  -> {plan}"
    joined = " ".join(plans.values())
    assert "message_msgid (message_id=?)" in joined
    assert "thread_customer (customer_id=?)" in joined
