"""Which thread a message belongs to.

In this order:

1. Its In-Reply-To / References name one of our own outgoing messages
   (outbox) or a message we already have: that message's thread.
2. A message we already have refers to this message's Message-ID (the reply
   arrived before the mail it answers): that message's thread.
3. The same normalised subject from the same customer within `WINDOW` of the
   thread's messages: that thread — unless the subject says nothing (empty,
   or a generic 「お問い合わせ」/"Question" alone), since two such mails from one
   customer are as likely two matters as one; and never into a spam thread.
4. Otherwise a new thread.

Message-IDs are compared in their canonical ``<id>`` form (see `msgid`).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from shareinbox.store import events

WINDOW = 30 * 86400.0
GENERIC_SUBJECTS = frozenset(
    {
        "", "お問い合わせ", "お問合せ", "お問合わせ", "問い合わせ", "問合せ",
        "お問い合せ", "質問", "ご質問", "相談", "ご相談", "連絡", "ご連絡",
        "確認", "ご確認", "お願い", "依頼", "無題", "件名なし", "お礼",
        "ありがとうございます", "no subject", "untitled", "question",
        "questions", "inquiry", "enquiry", "contact", "hello", "hi", "info",
        "help", "support", "test", "thanks", "thank you", "request",
    }
)  # fmt: skip
_SPACE = re.compile(r"\s")
_PUNCT = re.compile(r"[\s\W_]+")
_BRACKETED = re.compile(r"<[^<>\s]+>")


def msgid(value: str | None) -> str | None:
    """The canonical ``<id>`` form of a Message-ID (None when empty)."""
    if not value:
        return None
    bare = value.strip().strip("<>").strip()
    return f"<{bare}>" if bare and not _SPACE.search(bare) else None


def msgids(values: Sequence[str | None]) -> list[str]:
    """Canonical Message-IDs, in order, each once.

    A value is one Message-ID (bare or in ``<>``) or a header value holding
    several in ``<>``.
    """
    out: list[str] = []
    for value in values:
        if not value:
            continue
        tokens = _BRACKETED.findall(value) if "<" in value else [value]
        for token in tokens:
            canonical = msgid(token)
            if canonical and canonical not in out:
                out.append(canonical)
    return out


def is_generic(subject_key: str) -> bool:
    """True when a normalised subject says nothing about the matter."""
    return _PUNCT.sub(" ", subject_key.lower()).strip() in GENERIC_SUBJECTS


@dataclass(frozen=True)
class ThreadMatch:
    """The thread found for a message (None: start a new one) and why."""

    thread_id: int | None
    how: str  # "reference" | "replied-to" | "subject" | "new"


def find_thread(
    conn: sqlite3.Connection,
    *,
    account_id: int,
    message_id: str | None,
    refs: Sequence[str],
    subject_key: str,
    customer_id: int | None,
    at: float,
) -> ThreadMatch:
    """Find the thread of a new message (see the module docstring).

    Args:
        refs: canonical Message-IDs, In-Reply-To first, then References
            from the most recent.
    """
    # Our own sent mail is known by its Message-ID in the outbox.
    found = _by_reference(conn, account_id, [message_id, *refs] if message_id else refs)
    if found is not None:
        return ThreadMatch(found, "reference")
    if message_id:
        row = conn.execute(
            "SELECT m.thread_id FROM message_ref r JOIN message m ON m.id = r.message_id"
            " WHERE r.account_id = ? AND r.ref = ? AND m.thread_id IS NOT NULL LIMIT 1",
            (account_id, message_id),
        ).fetchone()
        if row is not None:
            return ThreadMatch(int(row[0]), "replied-to")
    if customer_id is not None and not is_generic(subject_key):
        # The unary + keep SQLite off thread_account_last, a walk through
        # every thread of the window, and on the customer's few threads.
        row = conn.execute(
            "SELECT id FROM thread WHERE +account_id = ? AND customer_id = ?"
            " AND subject_key = ? AND status != 'spam'"
            " AND +last_message_at >= ? AND first_message_at <= ?"
            " ORDER BY last_message_at DESC LIMIT 1",
            (account_id, customer_id, subject_key, at - WINDOW, at + WINDOW),
        ).fetchone()
        if row is not None:
            return ThreadMatch(int(row[0]), "subject")
    return ThreadMatch(None, "new")


def _by_reference(
    conn: sqlite3.Connection, account_id: int, refs: Sequence[str]
) -> int | None:
    if not refs:
        return None
    wanted = list(refs[:50])
    marks = ",".join("?" * len(wanted))
    known: dict[str, int] = {}
    for row in conn.execute(
        f"SELECT message_id, thread_id FROM outbox WHERE account_id = ?"
        f" AND thread_id IS NOT NULL AND message_id IN ({marks})",
        (account_id, *wanted),
    ):
        known[row[0]] = int(row[1])
    # +account_id: with an IN list SQLite would otherwise pick the
    # (account_id, dedupe_key) index and read every message of the account.
    for row in conn.execute(
        f"SELECT message_id, thread_id FROM message WHERE +account_id = ?"
        f" AND thread_id IS NOT NULL AND message_id IN ({marks})",
        (account_id, *wanted),
    ):
        known.setdefault(row[0], int(row[1]))
    for ref in wanted:
        if ref in known:
            return known[ref]
    return None


@dataclass(frozen=True)
class ThreadState:
    """A thread as a new message finds it."""

    id: int
    created: bool
    status: str
    last_message_at: float | None
    last_inbound_at: float | None
    first_response_at: float | None


def place(
    conn: sqlite3.Connection,
    *,
    account_id: int,
    message_id: str | None,
    refs: Sequence[str],
    subject: str,
    subject_key: str,
    customer_id: int | None,
    outgoing: bool,
    at: float,
    now: float,
) -> ThreadState:
    """The thread of a new message, created (with a ``thread.new`` event) if none.

    A thread we start ourselves (outgoing first) is created ``done``: nobody
    owes an answer until the customer writes back, which reopens it.
    """
    match = find_thread(
        conn,
        account_id=account_id,
        message_id=message_id,
        refs=refs,
        subject_key=subject_key,
        customer_id=customer_id,
        at=at,
    )
    if match.thread_id is not None:
        row = conn.execute(
            "SELECT status, last_message_at, last_inbound_at, first_response_at"
            " FROM thread WHERE id = ?",
            (match.thread_id,),
        ).fetchone()
        return ThreadState(match.thread_id, False, *tuple(row))
    status = "done" if outgoing else "new"
    cursor = conn.execute(
        "INSERT INTO thread (account_id, customer_id, subject, subject_key, status,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (account_id, customer_id, subject, subject_key, status, now, now),
    )
    thread_id = int(cursor.lastrowid or 0)
    events.append(
        conn,
        "thread.new",
        at=now,
        thread_id=thread_id,
        data={"subject": subject, "status": status, "customer_id": customer_id},
    )
    return ThreadState(thread_id, True, status, None, None, None)


def add_message(
    conn: sqlite3.Connection,
    thread: ThreadState,
    *,
    outgoing: bool,
    at: float,
    now: float,
    notify: bool,
    first_response_due: float | None,
) -> None:
    """Count a new message into its thread (times, due date, reopening).

    Args:
        first_response_due: the due time if this is the thread's first
            inbound message (ignored otherwise).
        notify: a live arrival; only then does a customer's reply reopen a
            done/waiting thread (``thread.status`` event, actor "system").
    """
    conn.execute(
        "UPDATE thread SET message_count = message_count + 1, updated_at = ?,"
        " first_message_at = MIN(COALESCE(first_message_at, ?), ?),"
        " last_message_at = MAX(COALESCE(last_message_at, ?), ?) WHERE id = ?",
        (now, at, at, at, at, thread.id),
    )
    if outgoing:
        if thread.last_inbound_at is not None and thread.first_response_at is None:
            conn.execute(
                "UPDATE thread SET first_response_at = ? WHERE id = ?", (at, thread.id)
            )
        return
    conn.execute(
        "UPDATE thread SET last_inbound_at = MAX(COALESCE(last_inbound_at, ?), ?)"
        " WHERE id = ?",
        (at, at, thread.id),
    )
    if thread.last_inbound_at is None and first_response_due is not None:
        conn.execute(
            "UPDATE thread SET first_response_due_at = ? WHERE id = ?",
            (first_response_due, thread.id),
        )
    newest = thread.last_message_at is None or at >= thread.last_message_at
    if notify and newest and thread.status in ("done", "waiting"):
        _reopen(conn, thread, now)


def _reopen(conn: sqlite3.Connection, thread: ThreadState, now: float) -> None:
    conn.execute(
        "UPDATE thread SET status = 'new', waiting_reason = NULL, waiting_until = NULL,"
        " updated_at = ? WHERE id = ?",
        (now, thread.id),
    )
    # The assignee gets a toast: their matter is back.
    assignee = conn.execute(
        "SELECT assignee FROM thread WHERE id = ?", (thread.id,)
    ).fetchone()[0]
    events.append(
        conn,
        "thread.status",
        at=now,
        thread_id=thread.id,
        actor="system",
        data={
            "status": "new",
            "previous": thread.status,
            "reason": "customer replied",
            "assignee": assignee,
            "toast": assignee,
        },
    )
