"""The first sync of a folder: old mail is filed as history, not as work.

When a team connects an existing mailbox, its years of mail must not become
thousands of overdue ``new`` threads. During a folder's first sync, a
message received before ``first sync start - [server] history_days`` is
stored as the importer stores history (`shareinbox.importer`): source
``history``, ``notify=False`` (no rules, no reopening, no toasts), no
first-response deadline, and a thread made only of history is set to done.
A thread that also holds live mail keeps the live behaviour.

The cutoff is written to the folder row before anything is fetched
(`mirror.begin_first_sync`) and cleared with the last batch's cursor, so a
first sync killed half-way resumes with the same cutoff. Mail that arrives
after the first sync is live whatever its date, and a UIDVALIDITY resync is
not a first sync.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from shareinbox.store import history, mirror, sorting
from shareinbox.store.ingest import Ingested
from shareinbox.store.mirror import FolderRow
from shareinbox.sync.parse import ParsedMessage

SOURCE = "history"


class HistoryPolicy:
    """The policy of history: no deadline, no rules."""

    def first_response_due(self, received_at: float) -> float | None:
        """History owes no reply."""
        return None

    def on_new_inbound(
        self,
        conn: sqlite3.Connection,
        thread_id: int,
        message_row_id: int,
        parsed: ParsedMessage,
        now: float,
    ) -> None:
        """Not called: history is stored with ``notify=False``."""


HISTORY = HistoryPolicy()


def begin(
    conn: sqlite3.Connection, row: FolderRow, *, now: float, history_days: int
) -> FolderRow:
    """The folder row, with its first sync recorded if this is one.

    A folder with a cursor is returned as it is: its first sync is over
    (`history_before` is None) or was cut short (the cutoff is kept).
    """
    if row.uidvalidity is not None:
        return row
    mirror.begin_first_sync(conn, row.id, now=now, history_days=history_days)
    return mirror.folder(conn, row.account_id, row.name) or row


def is_history(row: FolderRow, received_at: float) -> bool:
    """True if a message of this folder, received then, is filed as history."""
    return row.history_before is not None and received_at < row.history_before


def quiet(conn: sqlite3.Connection, stored: Ingested) -> int | None:
    """Mark the new-mail events of a history message quiet (no toast).

    Call it right after the message is stored. Returns its thread id when
    the message is new (its thread may need closing), else None.
    """
    if not stored.created or stored.thread_id is None:
        return None
    started = history.message_count(conn, stored.thread_id) == 1
    sorting.quiet_message(conn, stored.thread_id, stored.message_id, new_thread=started)
    return stored.thread_id


def close(conn: sqlite3.Connection, threads: Iterable[int], *, now: float) -> int:
    """Set to done the threads made only of history; returns how many."""
    return history.close_imported(conn, threads, now=now)
