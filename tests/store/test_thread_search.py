"""`search_threads` equals its meaning on every path: sorted or walked, confirmed."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from shareinbox.store import search, thread_search
from shareinbox.store.db import Store

ALPHABET = "返品注文在庫abqx ."
QUERIES = ["返品", "品", "注文 a", "ab", "a", "qx", "ba ab", "返品注", "abq", "x 在",
           "zz", "返品 ab", "庫a"]  # fmt: skip


def _fill(conn: sqlite3.Connection, rng: random.Random) -> None:
    conn.execute("INSERT INTO account (id, name) VALUES (1, 'support')")
    conn.execute("INSERT INTO raw_message (sha256, size, data) VALUES ('x', 0, x'')")
    for tid in range(1, 61):
        last = None if tid % 17 == 0 else float(rng.randint(0, 20))  # ties, NULLs
        conn.execute(
            "INSERT INTO thread (id, account_id, created_at, updated_at,"
            " last_message_at) VALUES (?, 1, 0, 0, ?)",
            (tid, last),
        )
    for mid in range(1, 241):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12)))
        conn.execute(
            "INSERT INTO message (id, thread_id, account_id, dedupe_key, direction,"
            " received_at, raw_sha256) VALUES (?, ?, 1, ?, 'in', ?, 'x')",
            (mid, rng.randint(1, 60), f"k{mid}", float(mid)),
        )
        search.index_messages(conn, [(mid, search.document(text[:4], "", "", text))])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = Store(Path(tmp_path_factory.mktemp("ts")) / "s.db")
    with store.write() as conn:
        _fill(conn, random.Random(11))
    yield store
    store.close()


def _truth(conn: sqlite3.Connection, query: str, limit: int) -> list[int]:
    terms = search.terms(query)
    hit = {
        int(tid)
        for tid, doc in conn.execute(
            "SELECT m.thread_id, s.text FROM search_text s"
            " JOIN message m ON m.id = s.message_id"
        )
        if search.matches(doc, terms)
    }
    rows = conn.execute(
        "SELECT id FROM thread ORDER BY last_message_at DESC, id DESC"
    ).fetchall()
    return [int(r[0]) for r in rows if r[0] in hit][:limit]


@pytest.mark.parametrize(
    ("small", "batch", "walk"),
    [(2000, 256, 1024), (2000, 1, 1), (0, 256, 0), (0, 1, 2), (5, 3, 1)],
)
@pytest.mark.parametrize("limit", [1, 4, 100])
def test_threads_match_their_meaning(
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    small: int,
    batch: int,
    walk: int,
    limit: int,
) -> None:
    """Walked only, walked then looked up (sorted or walked again), or scanned."""
    monkeypatch.setattr(thread_search, "_SMALL", small)
    monkeypatch.setattr(thread_search, "_BATCH", batch)
    monkeypatch.setattr(thread_search, "_WALK", walk)
    rng = random.Random(limit * 1000 + small + batch + walk)
    queries = [*QUERIES, *("".join(rng.sample(ALPHABET, 2)) for _ in range(20))]
    with store.read() as conn:
        for query in queries:
            expected = _truth(conn, query, limit)
            assert search.search_threads(conn, query, limit=limit) == expected, query


def test_the_data_exercises_both_kinds_of_query(store: Store) -> None:
    with store.read() as conn:
        assert len(_truth(conn, "a", 100)) > 10  # ASCII: no index, walked
        assert len(_truth(conn, "返品", 100)) > 3  # characters: confirmed
        assert _truth(conn, "zz", 100) == []


@pytest.mark.parametrize("query", ["返品", "注文 a", "ab", "abq"])
def test_plans_stay_on_narrow_indexes(
    store: Store, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    """No statement sorts, and none reads the wide message rows."""
    monkeypatch.setattr(thread_search, "_WALK", 0)  # past the walk after one thread
    monkeypatch.setattr(thread_search, "_BATCH", 1)
    statements: list[str] = []
    with store.read() as conn:
        conn.set_trace_callback(statements.append)
        try:
            search.search_threads(conn, query, limit=3)
        finally:
            conn.set_trace_callback(None)
        plans = [
            " | ".join(r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
            for sql in statements
            if sql.lstrip().upper().startswith("SELECT")
        ]
    assert len(plans) >= 4, plans
    for plan in plans:
        assert "TEMP B-TREE" not in plan, plan
        for part in plan.split(" | "):
            if part.split()[1:2] == ["message"] or part.split()[1:2] == ["m"]:
                assert "COVERING INDEX" in part, plan
