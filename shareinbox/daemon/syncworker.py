"""One thread per account that keeps its mirror current.

The loop: connect, sync every folder, then IDLE on INBOX; a change there is
synced at once, the other folders are polled every ``poll_interval``, IDLE
is re-issued at least every ``idle_restart``. Any failure — login refused,
TLS, unreachable server, a connection that died — is logged, recorded in the
``account`` row with an ``account.error`` event, and retried with
exponential backoff (1 s doubling to 5 min, with jitter): fetching mail never
stops silently.
"""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import replace

from shareinbox import secrets
from shareinbox.clock import Clock, SystemClock
from shareinbox.config import AccountConfig, ServerConfig
from shareinbox.errors import ShareinboxError
from shareinbox.store import mirror
from shareinbox.store.db import Store
from shareinbox.store.ingest import IngestPolicy
from shareinbox.sync import engine
from shareinbox.sync.engine import SyncOptions
from shareinbox.sync.idle import IdleWaiter, Outcome
from shareinbox.sync.imap import ImapSession

log = logging.getLogger(__name__)
BACKOFF_START = 1.0
BACKOFF_MAX = 300.0


def backoff_delays(
    start: float = BACKOFF_START,
    cap: float = BACKOFF_MAX,
    rng: random.Random | None = None,
) -> Callable[[], float]:
    """A function giving the next retry delay: doubling, capped, jittered ±20%."""
    rng = rng or random.Random()
    state = {"next": start}

    def next_delay() -> float:
        delay = state["next"]
        state["next"] = min(cap, delay * 2)
        return min(cap, delay * rng.uniform(0.8, 1.2))

    return next_delay


class SyncWorker:
    """Keeps one account's mirror current in a background thread.

    Args:
        store: the database.
        account: the account to mirror.
        server: timing settings (``poll_interval``, ``idle_restart``).
        policy: the team rules for new mail.
        clock: time for stored rows (the loop itself uses monotonic time).
        password: returns the account's password (default: `secrets`).
        on_commit: called after every committed batch and state change.
        options: sync tuning (batch size, order patterns).
    """

    def __init__(
        self,
        store: Store,
        account: AccountConfig,
        server: ServerConfig,
        policy: IngestPolicy,
        *,
        clock: Clock | None = None,
        password: Callable[[AccountConfig], str] | None = None,
        on_commit: Callable[[], None] | None = None,
        options: SyncOptions | None = None,
    ) -> None:
        self.store = store
        self.account = account
        self.server = server
        self.policy = policy
        self.clock = clock or SystemClock()
        self._password = password or (
            lambda a: secrets.get_password(a.name, a.password_command)
        )
        self._on_commit = on_commit
        self.options = replace(options or SyncOptions(), on_commit=self._committed)
        self._stop = threading.Event()
        self._full_pass = threading.Event()
        self._waiter = IdleWaiter()
        self._thread: threading.Thread | None = None
        self._session: ImapSession | None = None
        self.account_id: int | None = None
        self.passes = 0  # completed sync passes (tests wait on it)
        self._served = False

    def _committed(self) -> None:
        if self._on_commit is not None:
            try:
                self._on_commit()
            except Exception:
                log.exception("on_commit callback failed")

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is not None:
            return
        with self.store.write() as conn:
            self.account_id = mirror.ensure_account(
                conn, self.account.name, self.account.address
            )
        self._thread = threading.Thread(
            target=self._run, name=f"sync-{self.account.name}", daemon=True
        )
        self._thread.start()

    def sync_now(self) -> None:
        """Sync every folder as soon as possible."""
        self._full_pass.set()
        self._waiter.wake()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread and wait for it; a blocked socket is cut after 1 s."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._waiter.wake()
        thread = self._thread
        if thread is not None:
            thread.join(min(1.0, timeout))
            if thread.is_alive():
                self._cut_connection()
                thread.join(max(0.0, timeout - 1.0))
        self._thread = None
        self._waiter.close()

    def _cut_connection(self) -> None:
        session = self._session
        if session is None:
            return
        try:
            session.client.socket().shutdown(socket.SHUT_RDWR)
        except OSError:
            log.debug("socket already closed")

    def _run(self) -> None:
        delay = backoff_delays()
        while not self._stop.is_set():
            try:
                self._connect_and_serve()
            except ShareinboxError as e:
                self._failed(e.message)
            except Exception as e:  # a bug must not end mail fetching
                log.exception("sync of account %s failed", self.account.name)
                self._failed(f"internal error: {type(e).__name__}: {e}")
            else:
                continue
            finally:
                self._close_session()
            if self._stop.is_set():
                break
            if self._served:  # it worked before this failure: start over
                delay, self._served = backoff_delays(), False
            wait = delay()
            log.info("account %s: retrying in %.0f s", self.account.name, wait)
            self._stop.wait(wait)

    def _failed(self, error: str) -> None:
        if self._stop.is_set():
            return
        log.warning("account %s: %s", self.account.name, error)
        assert self.account_id is not None
        try:
            engine.record_account_state(self.store, self.account_id, error, self.clock)
        except ShareinboxError as e:  # e.g. the disk is still full: retry later
            log.error(
                "account %s: could not record the error: %s", self.account.name, e
            )
            return
        self._committed()

    def _close_session(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            session.close()

    def _connect_and_serve(self) -> None:
        password = self._password(self.account)
        self._session = ImapSession.connect(self.account.imap, password)
        session = self._session
        self._sync_all(session)
        idle_folder = _idle_folder(self.account)
        last_poll = time.monotonic()
        while not self._stop.is_set():
            next_poll = last_poll + self.server.poll_interval
            if self._full_pass.is_set() or time.monotonic() >= next_poll:
                self._sync_all(session)
                last_poll = time.monotonic()
                continue
            wait = min(self.server.idle_restart, next_poll - time.monotonic())
            if idle_folder is None or not session.idle_ok:
                self._stop.wait(wait)
                continue
            if session.selected != idle_folder:
                session.select(idle_folder)
            if self._waiter.wait(session, wait) is Outcome.CHANGED:
                self._sync_folder(session, idle_folder)

    def _sync_all(self, session: ImapSession) -> None:
        self._full_pass.clear()
        assert self.account_id is not None
        report = engine.sync_folders(
            self.store, session, self.account_id, self.account, self.policy,
            self.clock, self.options,
        )  # fmt: skip
        engine.record_account_state(
            self.store, self.account_id, report.error, self.clock
        )
        self._committed()
        self._served = True
        self.passes += 1

    def _sync_folder(self, session: ImapSession, name: str) -> None:
        assert self.account_id is not None
        role = dict(engine.account_folders(self.account)).get(name)
        engine.sync_folder(
            self.store, session, self.account_id, name, self.policy, self.clock,
            role=role, options=self.options,
        )  # fmt: skip


def _idle_folder(account: AccountConfig) -> str | None:
    """The folder to IDLE on: INBOX if mirrored, else the first folder."""
    if not account.imap.idle:
        return None
    folders = [name for name, _ in engine.account_folders(account)]
    for name in folders:
        if name.upper() == "INBOX":
            return name
    return folders[0] if folders else None
