"""The outbox sender: one daemon thread that sends queued replies.

On start it settles what a previous run left in ``sending``
(`OutboxSender.recover`, see `shareinbox.daemon.delivery`). Then it sends
every queued reply whose attempt is due, checking the queue every
``poll`` seconds (or at once after `wake`), and files sent replies whose
Sent-folder copy could not be appended earlier. Replies are sent one at a
time, in the order they were queued.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from shareinbox import paths
from shareinbox.clock import Clock, SystemClock
from shareinbox.config import Config
from shareinbox.daemon.delivery import (
    Postman,
    RetryPolicy,
    SentFolderFactory,
    TransportFactory,
    imap_sent_folder,
    smtp_transport,
)
from shareinbox.daemon.journal import SendJournal
from shareinbox.errors import ShareinboxError
from shareinbox.service.sent import mark_filed
from shareinbox.store import outbox
from shareinbox.store.db import Store

log = logging.getLogger(__name__)
FILE_EVERY = 60.0  # seconds between attempts to file unfiled sent replies
RECOVER_EVERY = 10.0  # seconds between attempts to settle undecided replies


class OutboxSender:
    """Sends the outbox in a background thread.

    Args:
        store: the database.
        config: accounts and shop settings (the journal lives in the data dir).
        clock: the time for stored rows and backoff.
        transports: how to send for an account and route (default: SMTP).
        sent_folders: an account's Sent folder (default: IMAP; None: skip).
        retry: the backoff policy for temporary failures.
        on_commit: called after each committed change (pushes events).
        poll: seconds between looks at the queue.
        journal_dir: where the send journal lives (default: the data dir's).
    """

    def __init__(
        self,
        store: Store,
        config: Config,
        *,
        clock: Clock | None = None,
        transports: TransportFactory = smtp_transport,
        sent_folders: SentFolderFactory = imap_sent_folder,
        retry: RetryPolicy | None = None,
        on_commit: Callable[[], None] | None = None,
        poll: float = 1.0,
        journal_dir: Path | None = None,
    ) -> None:
        self.clock = clock or SystemClock()
        journal = SendJournal(
            journal_dir or paths.outbox_dir(config.server.data_dir) / "journal"
        )
        self.postman = Postman(
            store, config, journal, clock=self.clock, transports=transports,
            sent_folders=sent_folders, retry=retry, on_commit=on_commit,
        )  # fmt: skip
        self.store = store
        self.config = config
        self.poll = poll
        self.passes = 0  # completed loop passes (tests wait on it)
        self._orphans: list[int] = []
        self._last_filing = 0.0
        self._last_recovery = 0.0
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="outbox-sender", daemon=True
            )
            self._thread.start()

    def wake(self) -> None:
        """Look at the queue now."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the current attempt and wait for the thread."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        try:
            self.recover()
        except Exception:  # a bug must not stop sending for good
            log.exception("outbox recovery failed")
        while not self._stop.is_set():
            try:
                self.run_once()
                wait = self._next_wait()
            except Exception:
                log.exception("outbox sender pass failed")
                wait = self.poll
            self._wake.wait(wait)
            self._wake.clear()

    def _next_wait(self) -> float:
        with self.store.read() as conn:
            due = outbox.next_due(conn)
        if due is None:
            return self.poll
        return max(0.0, min(self.poll, due - self.clock.now()))

    def run_once(self) -> int:
        """Send every due reply; return how many attempts were made."""
        if self._orphans and time.monotonic() - self._last_recovery >= RECOVER_EVERY:
            self.recover()
        with self.store.read() as conn:
            ids = outbox.due(conn, self.clock.now())
        for outbox_id in ids:
            if self._stop.is_set():
                break
            try:
                self.postman.send(outbox_id)
            except Exception:  # judged by its journal on the next pass
                log.exception("sending reply %d failed unexpectedly", outbox_id)
                self._orphans.append(outbox_id)
                self._last_recovery = 0.0  # settle it on the next pass
        if time.monotonic() - self._last_filing >= FILE_EVERY:
            self._last_filing = time.monotonic()
            self.file_unfiled()
        self.passes += 1
        return len(ids)

    def recover(self) -> None:
        """Settle replies a previous run left in ``sending`` (see delivery)."""
        postman = self.postman
        self._last_recovery = time.monotonic()
        with self.store.read() as conn:
            sending = outbox.in_state(conn, "sending")
        sending += self._unrecorded(sending)
        undecided = []
        for outbox_id in sending:
            steps = postman.journal.steps(outbox_id)
            log.info("reply %d was being sent at a stop: %s", outbox_id, sorted(steps))
            if "accepted" in steps:
                postman.finish_sent(outbox_id, steps["accepted"])
            elif "commit" not in steps:
                postman.requeue(outbox_id)
            elif not postman.settle_uncertain(outbox_id, "found at a restart"):
                undecided.append(outbox_id)
        self._orphans = undecided

    def _unrecorded(self, sending: list[int]) -> list[int]:
        """Replies whose journal got further than the database (after a power
        cut, the database may have lost its last commits; the journal, fsynced,
        has not): back to ``sending`` so they are settled like the others.
        Other journals left behind are removed."""
        found = []
        for stale in self.postman.journal.pending():
            if stale in sending:
                continue
            steps = self.postman.journal.steps(stale)
            if ("commit" in steps or "accepted" in steps) and self.postman.resume(
                stale
            ):
                found.append(stale)
            else:
                self.postman.journal.finish(stale)
        return found

    def file_unfiled(self) -> None:
        """Append sent replies to Sent whose copy could not be filed before."""
        with self.store.read() as conn:
            rows = [outbox.get(conn, i, with_raw=True) for i in outbox.unfiled(conn)]
        for row in rows:
            if row is None:
                continue
            try:
                account = self.config.account(row["account"])
            except ShareinboxError:
                continue
            if account.sent_by_server or self.postman.file_copy(account, row):
                with self.store.write() as conn:
                    mark_filed(conn, int(row["id"]), self.clock.now())
