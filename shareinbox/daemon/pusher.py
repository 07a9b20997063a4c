"""Pushing events to the subscribed clients, in order, without gaps.

Stored events (rows of the ``event`` table, written in the same transaction
as the change they describe) are read after each commit and sent to every
subscribed connection; each connection remembers the newest seq it was sent,
so a replay on ``subscribe`` and the live stream never send one twice.
Everything here runs on the event loop's thread; `notify` may be called from
any thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Set
from typing import Any

from shareinbox.daemon.connection import Connection
from shareinbox.store import events
from shareinbox.store.db import Store

log = logging.getLogger(__name__)

BATCH = 1000
MAX_REPLAY = 10_000  # further behind than this, a client reloads instead


class Pusher:
    """Reads new events from the store and sends them to the connections."""

    def __init__(self, store: Store, connections: Set[Connection]) -> None:
        self._store = store
        self._connections = connections
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread = 0
        self._pumped = 0
        self._scheduled = False

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Begin on `loop`, from the newest stored event."""
        self._loop = loop
        self._loop_thread = threading.get_ident()
        self._pumped = self.last_seq()

    def last_seq(self) -> int:
        """The newest stored event id."""
        with self._store.read() as conn:
            return events.last_id(conn)

    def notify(self) -> None:
        """Schedule a push of new events (thread-safe, coalesced)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        if threading.get_ident() == self._loop_thread:
            self._schedule()  # no wake-up write needed on the loop's own thread
            return
        try:
            loop.call_soon_threadsafe(self._schedule)
        except RuntimeError:  # the loop closed between the check and the call
            log.debug("event loop closed; notify dropped")

    def _schedule(self) -> None:
        if not self._scheduled and self._loop is not None:
            self._scheduled = True
            self._loop.call_soon(self.flush)

    def flush(self) -> None:
        """Send every stored event not yet pushed."""
        self._scheduled = False
        while True:
            with self._store.read() as conn:
                batch = events.since(conn, self._pumped, BATCH)
            for event in batch:
                for connection in list(self._connections):
                    if connection.subscribed:
                        connection.send_event(event)
            if batch:
                self._pumped = int(batch[-1]["seq"])
            if len(batch) < BATCH:
                return

    def broadcast(self, event: dict[str, Any]) -> None:
        """Send a passing (not stored) event to every subscribed connection."""
        for connection in list(self._connections):
            if connection.subscribed:
                connection.send_event(event)

    def subscribe(self, connection: Connection, since: Any) -> dict[str, Any]:
        """Start pushing to `connection`, first replaying what it missed.

        Args:
            since: the newest seq the client has; None means "only new ones".
        """
        last = self.last_seq()
        start = since if isinstance(since, int) and since >= 0 else last
        connection.seen = max(connection.seen, min(start, last))
        replayed = 0
        # Too far behind, or ahead of this store (a client of an earlier,
        # replaced database): the client must reload instead of replaying.
        if last - start > MAX_REPLAY or start > last:
            connection.send_event(
                {
                    "seq": None,
                    "kind": "resync",
                    "thread_id": None,
                    "actor": None,
                    "at": None,
                    "data": {"last_seq": last},
                }
            )
            connection.seen = last
        else:
            while connection.seen < last:
                with self._store.read() as conn:
                    batch = events.since(conn, connection.seen, BATCH)
                if not batch:
                    break
                for event in batch:
                    connection.send_event(event)
                replayed += len(batch)
        connection.subscribed = True
        return {"last_seq": max(connection.seen, last), "replayed": replayed}
