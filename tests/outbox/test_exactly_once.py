"""Exactly once: a daemon stopped at any step of sending never sends twice.

The in-process tests drive the sender's steps and drop it half-way (a
crash), then start a fresh sender on the same store and journal (the
restart). The process test kills a real daemon with SIGKILL while the SMTP
server is taking the mail, before the daemon has its answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from shareinbox.client import SyncClient
from shareinbox.daemon.delivery import UNCERTAIN
from shareinbox.daemon.sender import OutboxSender
from shareinbox.sync.connect import imap_connect
from shareinbox.sync.parse import parse_message
from shareinbox.sync.smtp import Delivery, SmtpTransport, Transport
from tests.daemon.harness import DaemonProcess, wait_for
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.seed import seed_thread
from tests.fixtures.smtp_server import SmtpServer
from tests.outbox.conftest import (
    Shop,
    new_sender,
    prepare_store,
    shop_config,
    start_shop,
)


@pytest.fixture
def halted(halted_shop: Shop) -> Shop:
    """A daemon whose sender does not run by itself (the test drives it)."""
    return halted_shop


def _queued(shop: Shop) -> int:
    thread_id = shop.thread(customer_name="山田 太郎")
    with shop.client("suzuki") as client:
        client.call("claim", thread_id=thread_id)
        client.call("save_draft", thread_id=thread_id, body="山田様\n\n発送しました。")
        return int(client.call("submit", thread_id=thread_id)["id"])


def _outgoing(shop: Shop) -> int:
    with shop.store.read() as conn:
        return int(
            conn.execute(
                "SELECT count(*) FROM message WHERE direction = 'out'"
            ).fetchone()[0]
        )


def _restart(shop: Shop) -> None:
    sender = new_sender(shop.daemon)
    sender.recover()
    sender.run_once()


def test_killed_after_the_answer_before_the_database_update(halted: Shop) -> None:
    outbox_id = _queued(halted)
    postman = halted.sender.postman
    attempt = postman.start(outbox_id)
    assert attempt is not None
    assert postman.transmit(attempt) is not None  # the server said 250 ...
    assert halted.row(outbox_id)["state"] == "sending"  # ... and then we died
    _restart(halted)
    assert halted.row(outbox_id)["state"] == "sent"
    assert len(halted.smtp.received()) == 1
    assert len(halted.sent_folder()) == 1
    assert _outgoing(halted) == 1


def test_killed_after_filing_in_sent_does_not_file_twice(halted: Shop) -> None:
    outbox_id = _queued(halted)
    postman = halted.sender.postman
    attempt = postman.start(outbox_id)
    assert attempt is not None
    assert postman.transmit(attempt) is not None
    assert postman.file_copy(attempt.account, halted.row(outbox_id))
    _restart(halted)
    assert halted.row(outbox_id)["state"] == "sent"
    assert len(halted.smtp.received()) == 1
    assert len(halted.sent_folder()) == 1


def test_killed_before_anything_was_sent_sends_it_once(halted: Shop) -> None:
    outbox_id = _queued(halted)
    assert halted.sender.postman.start(outbox_id) is not None  # then we died
    _restart(halted)
    assert halted.row(outbox_id)["state"] == "sent"
    assert len(halted.smtp.received()) == 1


def test_a_restart_finds_an_uncertain_mail_in_sent_by_message_id(
    tmp_path: Path,
    socket_dir: Path,
    imap: DovecotServer,
    smtp: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shop = start_shop(tmp_path, socket_dir, imap, smtp, monkeypatch,
                      extra="sent_by_server = true", run_sender=False)  # fmt: skip
    try:
        outbox_id = _queued(shop)
        postman = shop.sender.postman
        attempt = postman.start(outbox_id)
        assert attempt is not None
        postman.journal.mark(outbox_id, "commit")  # the final dot went out
        # The server took it and (sent_by_server) filed it; our answer was lost.
        client = imap_connect(shop.config.accounts[0].imap, imap.password)
        client.create_folder("Sent")
        client.append("Sent", attempt.raw)
        client.logout()
        _restart(shop)
        assert shop.row(outbox_id)["state"] == "sent"
        assert shop.smtp.received() == []  # not sent again
        assert len(shop.sent_folder()) == 1
    finally:
        shop.daemon.stop()


def test_sigkill_while_the_server_takes_the_mail(
    tmp_path: Path,
    socket_dir: Path,
    imap: DovecotServer,
    smtp: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = imap.new_user()
    config = shop_config(tmp_path, socket_dir, imap, user, smtp.port)
    monkeypatch.setenv("SHAREINBOX_PASSWORD_SUPPORT", imap.password)
    prepare_store(config, user)
    from shareinbox import paths
    from shareinbox.store.db import Store

    store = Store(paths.database_file(config.server.data_dir))
    thread_id = seed_thread(store)
    store.close()
    smtp.hold = threading.Event()
    daemon = DaemonProcess(config).wait_ready()
    try:
        with SyncClient(config.server.socket, as_login="suzuki") as client:
            client.call("claim", thread_id=thread_id)
            client.call("save_draft", thread_id=thread_id, body="山田様\n\n本文")
            outbox_id = client.call("submit", thread_id=thread_id)["id"]
        assert smtp.arrived.wait(20)
        daemon.proc.kill()  # SIGKILL: the server has the mail, we have no answer
        daemon.proc.wait(10)
        smtp.hold.set()
        daemon = DaemonProcess(config).wait_ready()
        with SyncClient(config.server.socket, as_login="suzuki") as client:
            wait_for(
                lambda: (
                    client.call("get_outbox", outbox_id=outbox_id)["state"] == "failed"
                ),
                20,
            )
            failed = client.call("get_outbox", outbox_id=outbox_id)
        assert failed["last_error"].startswith(UNCERTAIN)
        assert len(smtp.received()) == 1
        assert parse_message(smtp.received()[0].data).text.strip() == "山田様\n\n本文"
    finally:
        smtp.hold.set()
        daemon.kill()


class _Buggy:
    """A transport whose first call fails with an unexpected error."""

    def __init__(self, real: Transport) -> None:
        self.real = real
        self.calls = 0

    def send(
        self,
        sender: str,
        recipients: Sequence[str],
        raw: bytes,
        *,
        before_commit: Callable[[], None],
    ) -> Delivery:
        self.calls += 1
        if self.calls == 1:
            raise RuntimeError("a bug")
        return self.real.send(sender, recipients, raw, before_commit=before_commit)


def test_an_unexpected_error_is_settled_by_the_journal(halted: Shop) -> None:
    outbox_id = _queued(halted)
    buggy = _Buggy(SmtpTransport(halted.config.accounts[0].smtp))
    sender = OutboxSender(halted.store, halted.config, transports=lambda a, r: buggy)
    sender.run_once()
    assert halted.row(outbox_id)["state"] == "sending"
    sender.run_once()  # recovers (nothing reached the server) and sends
    assert halted.row(outbox_id)["state"] == "sent"
    assert len(halted.smtp.received()) == 1


def test_a_database_that_lost_its_last_commits_trusts_the_journal(
    halted: Shop,
) -> None:
    outbox_id = _queued(halted)
    postman = halted.sender.postman
    attempt = postman.start(outbox_id)
    assert attempt is not None
    assert postman.transmit(attempt) is not None
    with halted.store.write() as conn:  # a power cut took the 'sending' commit
        conn.execute("UPDATE outbox SET state = 'queued' WHERE id = ?", (outbox_id,))
    _restart(halted)
    assert halted.row(outbox_id)["state"] == "sent"
    assert len(halted.smtp.received()) == 1
    assert postman.journal.pending() == []
