"""Search queries from a user's keyboard (or a pasted mail) are never syntax."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shareinbox.store import mirror, search
from shareinbox.store.db import Store
from shareinbox.store.ingest import Incoming, Mailbox, PlainPolicy, ingest
from shareinbox.sync.parse import parse_message

FTS_SYNTAX = ['"', "*", "^", "NEAR(", ")", "(", "AND", "OR", "NOT", ":", "-", "+",
              "{", "}", "'", "\\", "%", "_", "\x00", "\x1b", "\ud800", "　", " "]  # fmt: skip
BODIES = [
    'NEAR(返品 注文) "quoted" AND OR NOT * ^ col:value',
    "ご注文の商品を返品したいです。①番の件 ｶﾞｲﾄﾞ",
    "100% off_sale \\ backslash {braces} 'single'",
    "plain english text about an order",
]
query_text = st.lists(
    st.sampled_from(FTS_SYNTAX) | st.text(alphabet="返品注文ガイドorde1① ", max_size=3),
    max_size=8,
).map("".join)


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "s.db")
        with store.write() as conn:
            account = mirror.ensure_account(conn, "support", "shop@example.test")
            for n, body in enumerate(BODIES):
                raw = (
                    f"Subject: 件名{n} {body[:10]}\nFrom: c{n}@example.jp\n"
                    "Content-Type: text/plain; charset=utf-8\n\n"
                    f"{body}\n"
                ).encode()
                ingest(
                    conn,
                    Mailbox(account, frozenset({"shop@example.test"})),
                    Incoming(raw, parse_message(raw), 1_750_000_000.0 + n),
                    policy=PlainPolicy(),
                    now=1_750_000_000.0 + n,
                )
        yield store
        store.close()


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query_text)
def test_any_query_runs_and_means_substrings(store: Store, query: str) -> None:
    with store.read() as conn:
        found = {hit.message_id for hit in search.search_messages(conn, query)}
        docs = conn.execute("SELECT message_id, text FROM search_text").fetchall()
    terms = search.terms(query)
    assert found == {mid for mid, doc in docs if search.matches(doc, terms)}


@pytest.mark.parametrize(
    ("query", "count"),
    [('NEAR(返品 注文)', 1), ('"NEAR(返品 注文)"', 1), ("*", 1), ("off_sale", 1),
     ("100%", 1), ("ｶﾞｲﾄﾞ", 1), ('"', 1), ("NEAR(", 1), ("OR", 2), ("%", 1),
     ("_", 1), ("col:value", 1), ("\udcff返品", 0)],
)  # fmt: skip
def test_syntax_is_searched_as_text(store: Store, query: str, count: int) -> None:
    with store.read() as conn:
        assert len(search.search_messages(conn, query)) == count
