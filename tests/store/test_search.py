"""Full-text search: exact results for Japanese terms of any length and English."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shareinbox.store import search
from shareinbox.store.db import Store

DOCS = {
    1: (
        "返品について",
        "山田 太郎",
        "yamada@example.jp",
        "先日の商品を返品したいです。",
    ),
    2: ("品返し", "", "x@example.jp", "品返という語は辞書にない。"),
    3: (
        "注文番号の確認",
        "Sato",
        "sato@example.com",
        "注文番号は123456-20240101-0000000001です",
    ),
    4: (
        "Invoice",
        "John SMITH",
        "john@example.com",
        "Please send the INVOICE for order 5.",
    ),
    5: ("①の件", "", "a@example.jp", "㈱テスト 髙橋 ①②③"),
    6: ("ＡＢＣ商事", "", "abc@example.jp", "全角ＡＢＣと半角abc"),
    7: (
        'quote "test"',
        "",
        "q@example.com",
        'He said "hello" AND left (NOT really) col:val *',
    ),
    8: ("注文", "", "c@example.jp", "在庫はありますか"),
    9: ("絵文字", "", "e@example.jp", "ありがとう😀です 𠮷野家"),
}


def _add(conn: sqlite3.Connection, mid: int, fields: tuple[str, str, str, str]) -> None:
    subject, name, addr, _ = fields
    conn.execute(
        "INSERT OR IGNORE INTO raw_message (sha256, size, data) VALUES (?, 0, x'')",
        (f"sha{mid}",),
    )
    conn.execute(
        "INSERT INTO thread (id, account_id, subject, created_at, updated_at,"
        " last_message_at) VALUES (?, 1, ?, 0, 0, ?)",
        (mid, subject, float(mid)),
    )
    conn.execute(
        "INSERT INTO message (id, thread_id, account_id, dedupe_key, direction, subject,"
        " from_name, from_addr, received_at, raw_sha256) VALUES (?, ?, 1, ?, 'in', ?, ?,"
        " ?, ?, ?)",
        (mid, mid, f"k{mid}", subject, name, addr, float(mid), f"sha{mid}"),
    )
    search.index_messages(conn, [(mid, search.document(*fields))])


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "s.db")
    with store.write() as conn:
        conn.execute("INSERT INTO account (id, name) VALUES (1, 'support')")
        for mid, fields in DOCS.items():
            _add(conn, mid, fields)
    yield store
    store.close()


def _ids(store: Store, query: str) -> set[int]:
    with store.read() as conn:
        return {h.message_id for h in search.search_messages(conn, query, limit=1000)}


def _truth(query: str) -> set[int]:
    terms = search.terms(query)
    return {
        mid
        for mid, fields in DOCS.items()
        if search.matches(search.document(*fields), terms)
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("返品", {1}, id="two-char-japanese"),
        pytest.param("品返", {2}, id="reversed-pair-is-different"),
        pytest.param("品", {1, 2}, id="one-char"),
        pytest.param("注文", {3, 8}, id="order"),
        pytest.param("注文番号", {3}, id="four-char"),
        pytest.param("①", {5}, id="circled-digit"),
        pytest.param("㈱", {5}, id="kabu"),
        pytest.param("髙", {5}, id="ibm-extension"),
        pytest.param("abc", {6}, id="half-finds-full-width"),
        pytest.param("ＡＢＣ", {6}, id="full-finds-half-width"),
        pytest.param("invoice", {4}, id="english-case-insensitive"),
        pytest.param("INVOICE order", {4}, id="terms-and"),
        pytest.param("invoice 返品", set(), id="and-across-languages"),
        pytest.param("山田", {1}, id="sender-name"),
        pytest.param("example.com", {3, 4, 7}, id="sender-address"),
        pytest.param("在庫", {8}, id="body"),
        pytest.param('"said \\"hello"', set(), id="escaped-quote"),
        pytest.param('"hello" AND', {7}, id="fts-operator-word"),
        pytest.param("(NOT really)", {7}, id="parens"),
        pytest.param("col:val", {7}, id="column-syntax"),
        pytest.param("*", {7}, id="star"),
        pytest.param('"', {7}, id="lone-quote"),
        pytest.param("😀", {9}, id="emoji"),
        pytest.param("𠮷野", {9}, id="non-bmp-pair"),
        pytest.param("   ", set(), id="empty"),
        pytest.param("ok", set(), id="short-english-absent"),
        pytest.param('"品返し"', {2}, id="quoted-phrase"),
    ],
)
def test_tricky_queries(store: Store, query: str, expected: set[int]) -> None:
    assert _ids(store, query) == expected
    assert _truth(query) == expected


def test_no_term_spans_two_fields(store: Store) -> None:
    # Subject "注文" followed by the address of message 8: "文c" is not in one field.
    assert _ids(store, "文c") == set()


def test_threads_newest_first(store: Store) -> None:
    with store.read() as conn:
        assert search.search_threads(conn, "注文") == [8, 3]
        assert search.search_threads(conn, "注文", limit=1) == [8]
        assert search.search_threads(conn, "") == []


def test_scores_subject_first(store: Store) -> None:
    with store.read() as conn:
        hits = search.search_messages(conn, "注文")
    assert [h.message_id for h in hits] == [8, 3]
    assert all(h.score == 3 for h in hits)
    assert hits[0].thread_id == 8


def test_unindex(store: Store) -> None:
    with store.write() as conn:
        search.unindex_message(conn, 1)
        search.unindex_message(conn, 1)
    assert _ids(store, "返品") == set()
    assert _ids(store, "返品した") == set()


ALPHABET = "返品注文番号在庫ａaAbB ①1㈱(株)髙。、-〜~😀"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    bodies=st.lists(st.text(ALPHABET, max_size=12), min_size=1, max_size=8),
    query=st.text(ALPHABET + '"', min_size=1, max_size=6),
)
def test_index_equals_brute_force(
    tmp_path_factory: pytest.TempPathFactory, bodies: list[str], query: str
) -> None:
    store = Store(tmp_path_factory.mktemp("h") / "s.db")
    try:
        docs = {i + 1: ("", "", "", body) for i, body in enumerate(bodies)}
        with store.write() as conn:
            conn.execute("INSERT INTO account (id, name) VALUES (1, 'support')")
            for mid, fields in docs.items():
                _add(conn, mid, fields)
        terms = search.terms(query)
        truth = {
            mid
            for mid, fields in docs.items()
            if search.matches(search.document(*fields), terms)
        }
        assert _ids(store, query) == truth
        # The semantics themselves: a term is a substring of the normalised body.
        for mid, fields in docs.items():
            body = search.normalize(fields[3])
            assert (mid in truth) == bool(terms and all(t in body for t in terms))
    finally:
        store.close()
