"""Exact full-text search over subject, sender and body, Japanese included.

What a query means: the text of a message is its subject, sender name,
sender address and body, each normalised (NFC, full-width ASCII and
half-width kana folded, lower case, whitespace runs as one space, control
characters dropped). A query is split into terms at
whitespace ("double quotes" keep a phrase together); a message matches when
every term occurs in one of its fields as a substring. `matches` states this
in plain Python, and the tests hold the index to it.

How it is fast: terms of three or more characters go to an FTS5 trigram
index (a phrase query there is an exact substring test). Shorter terms —
返品, 注文, 株 — have no trigram, and SQLite 3.40's trigram LIKE fails on
them, so a second FTS5 table holds, per message, every character and every
adjacent pair of characters as tokens (hex-encoded UTF-16 units, built with
three C-level calls): a 1–2 character term is then one token lookup. User
input never reaches FTS5 syntax unescaped.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SEPARATOR = "\x1f"  # between fields: no term can contain it, so none spans two
MAX_FIELD = 1_000_000  # characters of body indexed per message
_CONTROLS: dict[int, str | None] = {
    c: " " for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))
}
# One form for look-alikes NFKC keeps apart; zero-width characters vanish.
_CONTROLS.update({0x301C: "~", 0x2212: "-", 0x200B: None, 0xFEFF: None})
_SPACES = re.compile(r"\s+")
_WIDTH = re.compile("[\uff01-\uff5e\uff61-\uff9f\uffa0-\uffdc]+")
_TERMS = re.compile(r'"([^"]+)"|(\S+)')


@dataclass(frozen=True)
class SearchHit:
    """One matching message; a higher score means terms in subject/sender."""

    message_id: int
    thread_id: int | None
    score: float


def normalize(text: str) -> str:
    """The form both texts and queries are compared in.

    Full-width ASCII and half-width kana fold to their usual forms (ＡＢＣ is
    abc, ｶﾞ is ガ), but ① stays ① and ㈱ stays ㈱: full NFKC would make "①"
    find every "1".
    """
    text = unicodedata.normalize("NFC", text)
    text = _WIDTH.sub(_fold_width, text).lower().translate(_CONTROLS)
    return _SPACES.sub(" ", text).strip()


def _fold_width(run: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", run.group(0))


def document(subject: str, from_name: str, from_addr: str, body: str) -> str:
    """The indexed text of a message (fields joined by `SEPARATOR`)."""
    fields = (subject, from_name, from_addr, body[:MAX_FIELD])
    return SEPARATOR.join(normalize(f) for f in fields)


def grams(doc: str) -> str:
    """Every UTF-16 unit and adjacent pair of `doc` as hex tokens."""
    units = doc.encode("utf-16-be", "surrogatepass")
    return " ".join((units.hex(" ", -2), units.hex(" ", -4), units[2:].hex(" ", -4)))


def terms(query: str) -> list[str]:
    """The normalised terms of a query (empty terms dropped)."""
    found = []
    for quoted, word in _TERMS.findall(query):
        term = normalize(quoted or word)
        if term and term not in found:
            found.append(term)
    return found


def matches(doc: str, query_terms: Sequence[str]) -> bool:
    """The meaning of a search: every term is a substring of one field."""
    fields = doc.split(SEPARATOR)
    return bool(query_terms) and all(any(t in f for f in fields) for t in query_terms)


def index_messages(conn: sqlite3.Connection, rows: Iterable[tuple[int, str]]) -> None:
    """Index (message id, document) pairs; the ids must not be indexed yet."""
    docs = list(rows)
    conn.executemany("INSERT INTO search_text (message_id, text) VALUES (?, ?)", docs)
    conn.executemany("INSERT INTO search_trigram (rowid, text) VALUES (?, ?)", docs)
    conn.executemany(
        "INSERT INTO search_short (rowid, grams) VALUES (?, ?)",
        [(mid, grams(doc)) for mid, doc in docs],
    )


def unindex_message(conn: sqlite3.Connection, message_id: int) -> None:
    """Remove a message from the index (no-op when it is not indexed)."""
    row = conn.execute(
        "SELECT text FROM search_text WHERE message_id = ?", (message_id,)
    ).fetchone()
    if row is None:
        return
    doc = row[0]
    conn.execute(
        "INSERT INTO search_trigram (search_trigram, rowid, text) VALUES ('delete', ?, ?)",
        (message_id, doc),
    )
    conn.execute(
        "INSERT INTO search_short (search_short, rowid, grams) VALUES ('delete', ?, ?)",
        (message_id, grams(doc)),
    )
    conn.execute("DELETE FROM search_text WHERE message_id = ?", (message_id,))


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _short_tokens(term: str) -> tuple[list[str], bool]:
    """Tokens for a 1–2 character term, and whether the hits need verifying."""
    units = term.encode("utf-16-be", "surrogatepass")
    if len(units) <= 4:
        return [units.hex()], False
    # Characters outside the BMP: adjacent unit pairs, checked afterwards.
    return [units[i : i + 4].hex() for i in range(0, len(units) - 2, 2)], True


def _candidates_sql(query_terms: Sequence[str]) -> tuple[str, list[str], bool]:
    """A condition on ``m.id``, its parameters, and whether to verify hits."""
    long = [_quote(t) for t in query_terms if len(t) >= 3]
    short: list[str] = []
    verify = False
    for term in query_terms:
        if len(term) < 3:
            tokens, check = _short_tokens(term)
            short.extend(_quote(t) for t in tokens)
            verify = verify or check
    where, params = [], []
    if long:
        where.append(
            "m.id IN (SELECT rowid FROM search_trigram WHERE search_trigram MATCH ?)"
        )
        params.append(" AND ".join(long))
    if short:
        where.append(
            "m.id IN (SELECT rowid FROM search_short WHERE search_short MATCH ?)"
        )
        params.append(" AND ".join(short))
    return " AND ".join(where), params, verify


def _verified(
    conn: sqlite3.Connection, ids: Iterable[int], query_terms: Sequence[str]
) -> set[int]:
    out = set()
    for mid in ids:
        row = conn.execute(
            "SELECT text FROM search_text WHERE message_id = ?", (mid,)
        ).fetchone()
        if row is not None and matches(row[0], query_terms):
            out.add(mid)
    return out


def search_messages(
    conn: sqlite3.Connection, query: str, *, limit: int = 100
) -> list[SearchHit]:
    """Messages matching every term of `query`, newest first."""
    query_terms = terms(query)
    if not query_terms:
        return []
    where, params, verify = _candidates_sql(query_terms)
    sql = f"SELECT m.id, m.thread_id FROM message m WHERE {where} ORDER BY m.received_at DESC, m.id DESC"
    if verify:
        rows = conn.execute(sql, params).fetchall()
        good = _verified(conn, (r[0] for r in rows), query_terms)
        rows = [r for r in rows if r[0] in good][:limit]
    else:
        rows = conn.execute(sql + " LIMIT ?", (*params, limit)).fetchall()
    return [SearchHit(r[0], r[1], _score(conn, r[0], query_terms)) for r in rows]


def _score(
    conn: sqlite3.Connection, message_id: int, query_terms: Sequence[str]
) -> float:
    row = conn.execute(
        "SELECT text FROM search_text WHERE message_id = ?", (message_id,)
    ).fetchone()
    fields = [*(row[0] if row else "").split(SEPARATOR), "", "", ""]
    score = 0.0
    for term in query_terms:
        score += (
            3
            if term in fields[0]
            else 2
            if term in fields[1] or term in fields[2]
            else 1
        )
    return score


def search_threads(
    conn: sqlite3.Connection, query: str, *, limit: int = 100
) -> list[int]:
    """Threads with a message matching `query`, newest activity first."""
    query_terms = terms(query)
    if not query_terms:
        return []
    where, params, verify = _candidates_sql(query_terms)
    inner = f"SELECT m.id, m.thread_id FROM message m WHERE {where}"
    if verify:
        rows = conn.execute(inner, params).fetchall()
        good = _verified(conn, (r[0] for r in rows), query_terms)
        thread_ids = sorted({r[1] for r in rows if r[0] in good and r[1] is not None})
        marks = ",".join("?" * len(thread_ids))
        sql = f"SELECT id FROM thread WHERE id IN ({marks}) ORDER BY last_message_at DESC, id DESC LIMIT ?"
        return [r[0] for r in conn.execute(sql, (*thread_ids, limit))]
    sql = (
        f"SELECT t.id FROM thread t WHERE t.id IN (SELECT m.thread_id FROM message m WHERE {where})"
        " ORDER BY t.last_message_at DESC, t.id DESC LIMIT ?"
    )
    return [r[0] for r in conn.execute(sql, (*params, limit))]
