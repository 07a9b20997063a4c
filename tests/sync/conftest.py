"""Fixtures of the sync tests: an account on the test Dovecot, a store, helpers."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from shareinbox.clock import ManualClock
from shareinbox.config import AccountConfig, ImapConfig, SmtpConfig
from shareinbox.store.db import Store
from shareinbox.store.ingest import PlainPolicy
from shareinbox.sync.engine import SyncOptions, sync_account
from shareinbox.sync.imap import ImapSession
from shareinbox.sync.reports import AccountReport
from tests.fixtures import dovecot
from tests.fixtures.dovecot import DovecotServer

NOW = 1_750_000_000.0


def account_config(
    server: DovecotServer,
    user: str,
    *,
    folders: tuple[str, ...] = ("INBOX",),
    sent: str = "Sent",
    security: str = "none",
) -> AccountConfig:
    """An account on the test Dovecot (plain IMAP on loopback by default)."""
    return AccountConfig(
        name="support",
        address=f"{user}@example.test",
        imap=ImapConfig(
            host="127.0.0.1",
            port=server.port,
            security=security,
            username=user,
            folders=folders,
            sent_folder=sent,
        ),
        smtp=SmtpConfig(host="127.0.0.1", port=2525, security="none"),
    )


@dataclass
class Mirror:
    """An account, its store and a second IMAP client playing "someone else"."""

    server: DovecotServer
    user: str
    account: AccountConfig
    store: Store
    clock: ManualClock
    policy: PlainPolicy

    def sync(self, **options: int) -> AccountReport:
        """One `sync_account` run."""
        self.clock.advance(60)
        return sync_account(
            self.store,
            self.account,
            self.server.password,
            self.policy,
            self.clock,
            options=SyncOptions(**options),  # type: ignore[arg-type]
        )

    def other(self) -> ImapSession:
        """A separate logged-in session (another mail client)."""
        return ImapSession.connect(self.account.imap, self.server.password)

    def append(
        self, folder: str, *messages: bytes, flags: tuple[str, ...] = ()
    ) -> None:
        """Append messages from another client (creating the folder if needed)."""
        other = self.other()
        try:
            if folder != "INBOX" and not other.client.folder_exists(folder):
                other.client.create_folder(folder)
            for raw in messages:
                other.append(folder, raw, flags=flags)
        finally:
            other.close()

    def rows(self, sql: str, *args: object) -> list[sqlite3.Row]:
        """Read rows from the store."""
        with self.store.read() as conn:
            return conn.execute(sql, args).fetchall()

    def server_state(self, folder: str = "INBOX") -> dict[int, str]:
        """UID -> flags as the server has them."""
        other = self.other()
        try:
            other.select(folder)
            return {
                uid: meta.flags or "" for uid, meta in other.fetch_meta("1:*").items()
            }
        finally:
            other.close()

    def stored_state(self, folder: str = "INBOX") -> dict[int, str]:
        """UID -> flags as the store has them (current incarnation only)."""
        rows = self.rows(
            "SELECT l.uid, l.flags FROM message_location l JOIN folder f"
            " ON f.id = l.folder_id WHERE f.name = ? AND l.uidvalidity = f.uidvalidity",
            folder,
        )
        return {row[0]: row[1] for row in rows}

    def count(self, table: str) -> int:
        """Rows in a table."""
        return int(self.rows(f"SELECT COUNT(*) FROM {table}")[0][0])


def make_mirror(server: DovecotServer, tmp_path: Path, **kwargs: object) -> Mirror:
    """A fresh user and store on `server`."""
    user = server.new_user()
    store = Store(tmp_path / f"{user}.db")
    account = account_config(server, user, **kwargs)  # type: ignore[arg-type]
    return Mirror(server, user, account, store, ManualClock(NOW), PlainPolicy(3600))


@pytest.fixture
def mirror(imap: DovecotServer, tmp_path: Path) -> Iterator[Mirror]:
    """A fresh account on the session's Dovecot and an empty store."""
    m = make_mirror(imap, tmp_path)
    yield m
    m.store.close()


def _private() -> Iterator[dovecot.DovecotServer]:
    if not dovecot.available():
        reason = "dovecot is not installed (apt-get install dovecot-imapd)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    base = Path(tempfile.mkdtemp(prefix="shareinbox-dovecot-private-"))
    server = dovecot.DovecotServer(base)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def private_server() -> Iterator[dovecot.DovecotServer]:
    """A Dovecot of one test module alone, for tests that stop or restart it."""
    yield from _private()


@pytest.fixture
def fresh_server() -> Iterator[dovecot.DovecotServer]:
    """A Dovecot of one test alone: after a failed login Dovecot delays every
    further login from 127.0.0.1, which would slow down the next test."""
    yield from _private()
