"""Threads with a message matching a search, newest activity first, fast.

The index look-ups of `shareinbox.store.search` give the candidate
messages; each is mapped to its thread through the narrow index
``message_id_thread`` (migration ``m007_speed``), never through the wide
``message`` rows. The threads are then taken in the order of the view
(``last_message_at`` descending, id descending) and their candidates
confirmed on the stored text, chunk by chunk, until `limit` threads are
found: a common term stops after the first few chunks.

Cost, at most: the index look-up plus one narrow index entry a candidate,
then either a sort of the candidate threads (few candidates) or a walk of
the ``thread_last`` index until `limit` are found (many). A query whose
terms are all 1–2 ASCII characters has no index look-up, so every message
is a candidate: the walk reads each newest thread's text until `limit`
threads match, and a pair found nowhere (``qx``) reads all the stored text.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence

from shareinbox.store import search

_SMALL = 2000  # candidate threads sorted directly below this many
_WALK = 512  # newest threads read before the index is asked
_BATCH = 256  # messages confirmed in one statement


def search_threads(
    conn: sqlite3.Connection, query: str, *, limit: int = 100
) -> list[int]:
    """Threads with a message matching `query`, newest activity first."""
    query_terms = search.terms(query)
    if not query_terms:
        return []
    compiled = search.compile_terms(query_terms)
    lookups = compiled.lookups()
    # A common term is held by the newest threads: read them first.
    walk = _thread_order(conn, None)
    found, complete = _confirm_in_order(conn, walk, None, query_terms, limit, _WALK)
    if complete:
        return found
    if lookups:
        by_thread, confirm = _candidates(conn, lookups), compiled.confirm
    else:  # no term in an index: one pass over the stored text
        by_thread, confirm = _scan(conn, query_terms), []
    ordered = _thread_order(conn, by_thread)
    if not confirm:
        return [tid for tid, _ in zip(ordered, range(limit), strict=False)]
    found, _ = _confirm_in_order(conn, ordered, by_thread, confirm, limit, None)
    return found


def _candidates(
    conn: sqlite3.Connection, lookups: list[tuple[str, str]]
) -> dict[int, list[int]]:
    """Thread id -> candidate message ids, from the narrow index.

    Each index is asked on its own and the sets intersected here: SQLite
    would build a temporary table of each and join them, several times
    slower for two common terms.
    """
    ids: set[int] | None = None
    for sql, match in lookups:
        found = {int(r[0]) for r in conn.execute(sql, (match,))}
        ids = found if ids is None else ids & found
        if not ids:
            return {}
    wanted = sorted(ids or ())
    by_thread: dict[int, list[int]] = {}
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        for mid, tid in conn.execute(
            "SELECT id, thread_id FROM message INDEXED BY message_id_thread"
            f" WHERE id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            if tid is not None:
                by_thread.setdefault(tid, []).append(mid)
    return by_thread


def _scan(conn: sqlite3.Connection, query_terms: Sequence[str]) -> dict[int, list[int]]:
    """Thread id -> its messages holding every term, by reading all the text."""
    test = " AND ".join("instr(s.text, ?) > 0" for _ in query_terms)
    by_thread: dict[int, list[int]] = {}
    for mid, tid in conn.execute(
        "SELECT s.message_id, m.thread_id FROM search_text s"
        f" JOIN message m INDEXED BY message_id_thread ON m.id = s.message_id"
        f" WHERE {test}",
        list(query_terms),
    ):
        if tid is not None:
            by_thread.setdefault(tid, []).append(mid)
    return by_thread


def _thread_order(
    conn: sqlite3.Connection, wanted: dict[int, list[int]] | None
) -> Iterator[int]:
    """The ids of `wanted` (None: every thread), newest activity first, lazily."""
    if wanted is not None and len(wanted) <= _SMALL:
        keyed = []
        ids = list(wanted)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            keyed.extend(
                conn.execute(
                    "SELECT last_message_at IS NOT NULL, last_message_at, id"
                    f" FROM thread WHERE id IN ({','.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
            )
        keyed.sort(key=lambda r: (r[0], r[1] or 0.0, r[2]), reverse=True)
        yield from (int(r[2]) for r in keyed)
        return
    cursor = conn.execute(
        "SELECT id FROM thread INDEXED BY thread_last"
        " ORDER BY last_message_at DESC, id DESC"
    )
    while rows := cursor.fetchmany(1024):
        for (tid,) in rows:
            if wanted is None or tid in wanted:
                yield int(tid)


def _messages_of(conn: sqlite3.Connection, thread_ids: Sequence[int]) -> list[int]:
    marks = ",".join("?" * len(thread_ids))
    return [
        int(r[0])
        for r in conn.execute(
            f"SELECT id FROM message WHERE thread_id IN ({marks})", thread_ids
        )
    ]


def _confirm_in_order(
    conn: sqlite3.Connection,
    ordered: Iterator[int],
    by_thread: dict[int, list[int]] | None,
    confirm: Sequence[str],
    limit: int,
    budget: int | None,
) -> tuple[list[int], bool]:
    """The first `limit` threads of `ordered` with a candidate holding `confirm`.

    Args:
        by_thread: each thread's candidates (None: all its messages).
        budget: give up after this many threads (None: never).

    Returns:
        The threads found, and whether they are the answer (False: the
        budget ran out first).
    """
    found: list[int] = []
    pending: list[int] = []
    walked = 0
    for tid in ordered:
        pending.append(tid)
        size = len(pending)
        if by_thread is not None:
            size = sum(len(by_thread[t]) for t in pending)
        if size < _BATCH:
            continue
        found.extend(_confirmed_threads(conn, pending, by_thread, confirm))
        walked += len(pending)
        pending = []
        if len(found) >= limit:
            return found[:limit], True
        if budget is not None and walked >= budget:
            return found, False
    if pending:
        found.extend(_confirmed_threads(conn, pending, by_thread, confirm))
    return found[:limit], True


def _confirmed_threads(
    conn: sqlite3.Connection,
    thread_ids: list[int],
    by_thread: dict[int, list[int]] | None,
    confirm: Sequence[str],
) -> list[int]:
    """Those of `thread_ids` (in order) with a candidate holding every term."""
    if by_thread is None:
        mids = _messages_of(conn, thread_ids)
    else:
        mids = [mid for tid in thread_ids for mid in by_thread[tid]]
    good = search.confirmed_ids(conn, mids, confirm)
    if by_thread is None:
        matched = _threads_of(conn, good)
        return [t for t in thread_ids if t in matched]
    held = set(good)
    return [t for t in thread_ids if any(m in held for m in by_thread[t])]


def _threads_of(conn: sqlite3.Connection, mids: list[int]) -> set[int]:
    if not mids:
        return set()
    marks = ",".join("?" * len(mids))
    return {
        int(r[0])
        for r in conn.execute(
            f"SELECT thread_id FROM message INDEXED BY message_id_thread"
            f" WHERE id IN ({marks})",
            mids,
        )
    }
