"""Exact full-text search over subject, sender and body, Japanese included.

What a query means: the text of a message is its subject, sender name,
sender address and body, each normalised (NFC, full-width ASCII and
half-width kana folded, lower case, whitespace runs as one space, control
characters dropped). A query is split into terms at whitespace ("double
quotes" keep a phrase together); a message matches when every term occurs in
one of its fields as a substring. `matches` states this in plain Python, and
the tests hold the index to it.

How it is fast: two FTS5 indexes that record only which messages hold a
token (``detail=none``, cheap to build). `search_trigram` holds every
trigram: a 3-character term is one token lookup, a longer one the AND of its
trigrams. `search_units` holds each message's set of characters (as hex
UTF-16 units): a 1–2 character term — 返品, 注文, 株 — has no trigram, and
SQLite 3.40's trigram LIKE fails on it, so it is the AND of its characters.
Where the index alone is not exact (terms of two, or more than three,
characters) the candidates are confirmed with ``instr`` on the stored text,
newest first, until enough are found (`shareinbox.store.thread_search` does
this for threads). User input never reaches FTS5 syntax unescaped.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

SEPARATOR = "\x1f"  # between fields: whitespace to `normalize`, so in no term
MAX_FIELD = 1_000_000  # characters of body indexed per message
_SPECIAL: dict[int, str | None] = {
    c: " " for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))
}
# One form for look-alikes NFC keeps apart; zero-width characters vanish.
_SPECIAL.update({0x301C: "~", 0x2212: "-", 0x200B: None, 0xFEFF: None})
_SPECIAL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u301c\u2212\u200b\ufeff]")
_ASCII = re.compile("[\x00-\x7f]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_WIDTH = re.compile("[\uff01-\uff5e\uff61-\uff9f\uffa0-\uffdc]+")
_TERMS = re.compile(r'"([^"]+)"|(\S+)')
_CHUNK = 256
_LOOKUP = "SELECT rowid FROM {0} WHERE {0} MATCH ?"


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
    if not text.isascii():
        # A lone surrogate (undecodable bytes in a typed query) cannot reach SQLite.
        text = unicodedata.normalize("NFC", _SURROGATE.sub("\ufffd", text))
        if _WIDTH.search(text):
            # Folding ｶ before a combining ゙ leaves カ + ゙: compose it again.
            text = unicodedata.normalize("NFC", _WIDTH.sub(_fold_width, text))
    text = " ".join(text.lower().split())
    if _SPECIAL_RE.search(text):
        text = " ".join(text.translate(_SPECIAL).split())
    return text


def _fold_width(run: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", run.group(0))


def document(subject: str, from_name: str, from_addr: str, body: str) -> str:
    """The indexed text of a message (fields joined by `SEPARATOR`)."""
    fields = (subject, from_name, from_addr, body[:MAX_FIELD])
    return SEPARATOR.join(normalize(f) for f in fields)


def units(doc: str) -> str:
    """The distinct non-ASCII UTF-16 units of `doc` as hex tokens.

    ASCII characters are left out: nearly every English text holds most of
    them, so as a filter they would only cost time.
    """
    wide = _ASCII.sub("", doc)
    return "".join(set(wide)).encode("utf-16-be", "surrogatepass").hex(" ", -2)


def terms(query: str) -> list[str]:
    """The normalised terms of a query (empty and repeated terms dropped)."""
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
        "INSERT INTO search_units (rowid, units) VALUES (?, ?)",
        [(mid, units(doc)) for mid, doc in docs],
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
        "INSERT INTO search_units (search_units, rowid, units) VALUES ('delete', ?, ?)",
        (message_id, units(doc)),
    )
    conn.execute("DELETE FROM search_text WHERE message_id = ?", (message_id,))


@dataclass
class _Query:
    """Index lookups for a list of terms, and the terms to confirm."""

    trigrams: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    confirm: list[str] = field(default_factory=list)

    def add(self, term: str) -> None:
        if len(term) >= 3:
            for start in range(len(term) - 2):
                gram = '"' + term[start : start + 3].replace('"', '""') + '"'
                if gram not in self.trigrams:
                    self.trigrams.append(gram)
            if len(term) > 3:
                self.confirm.append(term)
            return
        encoded = term.encode("utf-16-be", "surrogatepass")
        tokens = [
            encoded[start : start + 2].hex()
            for start in range(0, len(encoded), 2)
            if encoded[start] or encoded[start + 1] >= 0x80  # ASCII is not indexed
        ]
        self.units.extend(t for t in tokens if t not in self.units)
        if len(encoded) > 2 or not tokens:
            self.confirm.append(term)

    def lookups(self) -> list[tuple[str, str]]:
        """Each index look-up on its own: (a statement giving rowids, its MATCH)."""
        found = []
        if self.trigrams:
            found.append(
                (_LOOKUP.format("search_trigram"), " AND ".join(self.trigrams))
            )
        if self.units:
            found.append((_LOOKUP.format("search_units"), " AND ".join(self.units)))
        return found

    def where(self) -> tuple[str, list[str]]:
        """A condition on ``m.id`` and its parameters."""
        conditions, params = [], []
        if self.trigrams:
            conditions.append(
                "m.id IN (SELECT rowid FROM search_trigram WHERE search_trigram MATCH ?)"
            )
            params.append(" AND ".join(self.trigrams))
        if self.units:
            conditions.append(
                "m.id IN (SELECT rowid FROM search_units WHERE search_units MATCH ?)"
            )
            params.append(" AND ".join(self.units))
        return " AND ".join(conditions) or "1", params


def compile_terms(query_terms: Sequence[str]) -> _Query:
    """The index look-ups and the terms to confirm for normalised terms."""
    compiled = _Query()
    for term in query_terms:
        compiled.add(term)
    return compiled


def _compile(query: str) -> tuple[list[str], _Query]:
    query_terms = terms(query)
    return query_terms, compile_terms(query_terms)


def confirmed_ids(
    conn: sqlite3.Connection, message_ids: Sequence[int], confirm: Sequence[str]
) -> list[int]:
    """Those of `message_ids` whose stored text holds every `confirm` term."""
    test = " AND ".join("instr(text, ?) > 0" for _ in confirm)
    found: list[int] = []
    for start in range(0, len(message_ids), _CHUNK):
        chunk = message_ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        found.extend(
            int(r[0])
            for r in conn.execute(
                f"SELECT message_id FROM search_text WHERE message_id IN ({marks})"
                f" AND {test}",
                (*chunk, *confirm),
            )
        )
    return found


def _confirmed(
    conn: sqlite3.Connection,
    rows: Sequence[tuple[int, int | None]],
    confirm: Sequence[str],
    enough: Callable[[list[tuple[int, int | None]]], bool],
) -> list[tuple[int, int | None]]:
    """The rows whose text holds every `confirm` term, in order, until `enough`."""
    test = " AND ".join("instr(text, ?) > 0" for _ in confirm)
    found: list[tuple[int, int | None]] = []
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        good = {
            r[0]
            for r in conn.execute(
                f"SELECT message_id FROM search_text WHERE message_id IN ({marks})"
                f" AND {test}",
                (*(r[0] for r in chunk), *confirm),
            )
        }
        found.extend(r for r in chunk if r[0] in good)
        if enough(found):
            break
    return found


def search_messages(
    conn: sqlite3.Connection, query: str, *, limit: int = 100
) -> list[SearchHit]:
    """Messages matching every term of `query`, newest first."""
    query_terms, compiled = _compile(query)
    if not query_terms:
        return []
    where, params = compiled.where()
    sql = (
        f"SELECT m.id, m.thread_id FROM message m WHERE {where}"
        " ORDER BY m.received_at DESC, m.id DESC"
    )
    if compiled.confirm:
        candidates = [(r[0], r[1]) for r in conn.execute(sql, params)]
        rows = _confirmed(conn, candidates, compiled.confirm, lambda f: len(f) >= limit)
        rows = rows[:limit]
    else:
        rows = [(r[0], r[1]) for r in conn.execute(sql + " LIMIT ?", (*params, limit))]
    return [SearchHit(mid, tid, _score(conn, mid, query_terms)) for mid, tid in rows]


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
    """Threads with a message matching `query`, newest activity first.

    See `shareinbox.store.thread_search`.
    """
    from shareinbox.store.thread_search import search_threads as threads

    return threads(conn, query, limit=limit)
