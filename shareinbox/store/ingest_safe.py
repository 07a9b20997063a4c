"""Storing a message even when its parsed form cannot be stored.

A message that makes `ingest` fail (a value SQLite refuses, a rule that
trips over it) must not be lost, and must not stop the folder: the sync
would fetch the same batch again and fail again, and no later mail would
arrive. `ingest_or_raw` stores it in a savepoint and, when that fails, stores
it once more as raw text only (``parse_error`` says why), without running
the team's rules. Database errors (a full disk, a locked file) are not the
message's fault: they are raised as they are.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import replace

from shareinbox.errors import StoreError
from shareinbox.store.db import Store
from shareinbox.store.ingest import Incoming, Ingested, IngestPolicy, Mailbox, ingest
from shareinbox.sync.parse import ParsedMessage, unparsed_message

log = logging.getLogger(__name__)


class _RulesOff:
    """The caller's due dates, without the rules that failed on this message."""

    def __init__(self, policy: IngestPolicy) -> None:
        self.policy = policy

    def first_response_due(self, received_at: float) -> float | None:
        """As the caller's policy says."""
        return self.policy.first_response_due(received_at)

    def on_new_inbound(
        self,
        conn: sqlite3.Connection,
        thread_id: int,
        message_row_id: int,
        parsed: ParsedMessage,
        now: float,
    ) -> None:
        """No rules for a message that could not be stored the normal way."""


def ingest_or_raw(
    store: Store,
    mailbox: Mailbox,
    incoming: Incoming,
    *,
    policy: IngestPolicy,
    now: float,
    notify: bool = True,
) -> Ingested:
    """`ingest` inside the caller's write transaction, else the raw fallback.

    Raises:
        sqlite3.OperationalError, StoreError: the database itself failed.
    """
    try:
        with store.write() as conn:
            return ingest(
                conn, mailbox, incoming, policy=policy, now=now, notify=notify
            )
    except (sqlite3.OperationalError, StoreError):
        raise
    except Exception as e:
        log.exception("message could not be stored parsed; storing it as raw text")
        error = f"could not be stored parsed: {type(e).__name__}: {e}"
        fallback = replace(incoming, parsed=unparsed_message(incoming.raw, error))
        with store.write() as conn:
            return ingest(
                conn,
                mailbox,
                fallback,
                policy=_RulesOff(policy),
                now=now,
                notify=notify,
            )
