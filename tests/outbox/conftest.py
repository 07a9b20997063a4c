"""Fixtures of the outbox tests: SMTP servers, an account on the test Dovecot,
a daemon with the outbox sender, and helpers to read what was sent."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from shareinbox import paths
from shareinbox.client import SyncClient
from shareinbox.config import Config, load_config
from shareinbox.daemon.delivery import RetryPolicy
from shareinbox.daemon.sender import OutboxSender
from shareinbox.store import mirror
from shareinbox.store.db import Store
from shareinbox.sync.connect import imap_connect
from tests.daemon.harness import InProcessDaemon, remove_tree, short_dir, wait_for
from tests.fixtures.configs import account_block, write_config
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.seed import seed_thread
from tests.fixtures.smtp_server import SmtpServer

FAST = RetryPolicy(first=0.05, factor=2.0, cap=0.2, attempts=4)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A plain SMTP server on 127.0.0.1 that stores what it gets."""
    server = SmtpServer().start()
    yield server
    server.hold = None
    server.stop()


def shop_config(
    directory: Path, socket_dir: Path, imap: DovecotServer, user: str, smtp_port: int,
    extra: str = "",
) -> Config:  # fmt: skip
    """A config with one account ("support") on Dovecot and the SMTP fixture."""
    server = f'socket = "{socket_dir / "s.sock"}"\nrelease_on_disconnect = "1s"\n'
    accounts = account_block("support", user, imap, smtp_port, extra=extra)
    return load_config(write_config(directory, accounts=accounts, extra=server))


@dataclass
class Shop:
    """A daemon serving one account, with its outbox sender running."""

    config: Config
    daemon: InProcessDaemon
    sender: OutboxSender
    smtp: SmtpServer
    imap: DovecotServer
    user: str

    @property
    def store(self) -> Store:
        """The daemon's store."""
        return self.daemon.store

    @property
    def address(self) -> str:
        """The account's own address."""
        return f"{self.user}@example.test"

    def thread(self, **kwargs: object) -> int:
        """A thread with one inbound message to the account."""
        return seed_thread(self.store, **kwargs)  # type: ignore[arg-type]

    def client(self, login: str) -> SyncClient:
        """A CLI-style client acting as `login`."""
        return self.daemon.client(login)

    def row(self, outbox_id: int) -> sqlite3.Row:
        """The outbox row."""
        with self.store.read() as conn:
            row: sqlite3.Row = conn.execute(
                "SELECT * FROM outbox WHERE id = ?", (outbox_id,)
            ).fetchone()
            return row

    def wait_state(self, outbox_id: int, state: str, timeout: float = 15) -> None:
        """Wait until the reply reaches `state`."""
        wait_for(lambda: self.row(outbox_id)["state"] == state, timeout)

    def sent_folder(self) -> list[bytes]:
        """The raw messages in the account's Sent folder on Dovecot."""
        client = imap_connect(self.config.accounts[0].imap, self.imap.password)
        try:
            if not client.folder_exists("Sent"):
                return []
            client.select_folder("Sent", readonly=True)
            uids = client.search("ALL")
            fetched = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
            return [bytes(v[b"BODY[]"]) for v in fetched.values()]
        finally:
            client.logout()


def start_shop(
    tmp_path: Path, socket_dir: Path, imap: DovecotServer, smtp: SmtpServer,
    monkeypatch: pytest.MonkeyPatch, *, extra: str = "", run_sender: bool = True,
) -> Shop:  # fmt: skip
    """Start the daemon (and the sender's thread) for a fresh Dovecot user."""
    user = imap.new_user()
    config = shop_config(tmp_path, socket_dir, imap, user, smtp.port, extra)
    monkeypatch.setenv("SHAREINBOX_PASSWORD_SUPPORT", imap.password)
    prepare_store(config, user)
    daemon = InProcessDaemon(config).start()
    sender = new_sender(daemon)
    if run_sender:
        sender.start()
    return Shop(config, daemon, sender, smtp, imap, user)


def prepare_store(config: Config, user: str) -> None:
    """Create the store with the account row (so seeded threads use it)."""
    config.server.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(paths.database_file(config.server.data_dir))
    with store.write() as conn:
        mirror.ensure_account(conn, "support", f"{user}@example.test")
    store.close()


def new_sender(daemon: InProcessDaemon) -> OutboxSender:
    """An outbox sender on the daemon's store (a fresh one is a restart)."""
    return OutboxSender(
        daemon.store,
        daemon.config,
        on_commit=daemon.server.notify,
        poll=0.05,
        retry=FAST,
    )


@pytest.fixture
def socket_dir() -> Iterator[Path]:
    """A short directory for the socket."""
    path = short_dir()
    yield path
    remove_tree(path)


@pytest.fixture
def shop(
    tmp_path: Path,
    socket_dir: Path,
    imap: DovecotServer,
    smtp: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Shop]:
    """A running daemon + sender for one account on Dovecot and the SMTP fixture."""
    running = start_shop(tmp_path, socket_dir, imap, smtp, monkeypatch)
    yield running
    running.sender.stop()
    running.daemon.stop()


@pytest.fixture
def halted_shop(
    tmp_path: Path,
    socket_dir: Path,
    imap: DovecotServer,
    smtp: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Shop]:
    """A daemon whose sender does not run by itself (the test drives it)."""
    running = start_shop(
        tmp_path, socket_dir, imap, smtp, monkeypatch, run_sender=False
    )
    yield running
    running.daemon.stop()
