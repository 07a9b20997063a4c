"""The mirror survives what servers do: new folder incarnations, lost indexes,
restarts in the middle of a sync."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from shareinbox.sync.engine import SyncOptions, sync_account
from tests.fixtures import dovecot
from tests.sync.conftest import Mirror, make_mirror
from tests.sync.mail import SAMPLES, message

pytestmark = pytest.mark.imap


def _descendants(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    children = [int(c) for c in text.split()]
    return children + [d for c in children for d in _descendants(c)]


def hard_restart(server: dovecot.DovecotServer) -> None:
    """Restart Dovecot and drop every client connection, as a real restart does.

    (Stopping only the master leaves the running imap processes serving
    their clients, so they are killed too.)
    """
    assert server.process is not None
    children = _descendants(server.process.pid)
    server.stop()
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    server.start()


@pytest.fixture
def restartable(
    private_server: dovecot.DovecotServer, tmp_path: Path
) -> Iterator[Mirror]:
    m = make_mirror(private_server, tmp_path)
    yield m
    if private_server.process is None:
        private_server.start()
    m.store.close()


def test_recreated_folder_keeps_thread_state(mirror: Mirror) -> None:
    mirror.account = replace(
        mirror.account, imap=replace(mirror.account.imap, folders=("Support",))
    )
    mirror.append("Support", *SAMPLES)
    mirror.sync()
    old_validity = mirror.rows("SELECT uidvalidity FROM folder WHERE name = 'Support'")[
        0
    ][0]
    with mirror.store.write() as conn:
        conn.execute("UPDATE thread SET status = 'done', assignee = 'tanaka'")
        conn.execute(
            "INSERT INTO note (thread_id, author, body, created_at)"
            " SELECT id, 'tanaka', '対応済み', 0 FROM thread"
        )
    other = mirror.other()
    other.client.delete_folder("Support")
    other.close()
    # The same mail comes back (e.g. a server migration), plus one new message.
    mirror.append("Support", *SAMPLES, message(6, subject="新しい件"))
    report = mirror.sync()
    assert report.ok, report.error
    assert (report.folders[0].mode, report.folders[0].new) == ("full", 1)
    assert "UIDVALIDITY changed" in report.folders[0].reason
    assert mirror.count("message") == 6
    statuses = mirror.rows("SELECT status, assignee FROM thread ORDER BY id")
    assert [tuple(r) for r in statuses[:4]] == [("done", "tanaka")] * 4
    assert tuple(statuses[4]) == ("new", None)
    assert mirror.count("note") == 4
    new_validity = mirror.rows("SELECT uidvalidity FROM folder WHERE name = 'Support'")[
        0
    ][0]
    assert new_validity != old_validity
    validities = {r[0] for r in mirror.rows("SELECT uidvalidity FROM message_location")}
    assert validities == {new_validity}
    assert mirror.stored_state("Support") == mirror.server_state("Support")
    assert mirror.sync().folders[0].mode == "unchanged"


def test_modseq_regression_means_full_resync(restartable: Mirror) -> None:
    mirror = restartable
    mirror.append("INBOX", *SAMPLES)
    other = mirror.other()
    other.select("INBOX")
    for _ in range(6):  # raise HIGHESTMODSEQ well above the message count
        other.client.add_flags([1, 2, 3], [b"$Tmp"])
        other.client.remove_flags([1, 2, 3], [b"$Tmp"])
    other.close()
    mirror.sync()
    stored_modseq = mirror.rows("SELECT highestmodseq FROM folder WHERE name='INBOX'")[
        0
    ][0]
    mirror.server.stop()
    for index in mirror.server.maildir(mirror.user).glob("dovecot.index*"):
        index.unlink()
    mirror.server.start()
    report = mirror.sync()
    assert report.ok, report.error
    inbox = report.folders[0]
    assert (inbox.mode, inbox.new, inbox.fetched) == ("full", 0, 5)
    assert "HIGHESTMODSEQ went back" in inbox.reason
    assert (
        mirror.rows("SELECT highestmodseq FROM folder WHERE name='INBOX'")[0][0]
        < stored_modseq
    )
    assert mirror.count("message") == 5
    assert mirror.count("message_location") == 5
    assert mirror.stored_state() == mirror.server_state()


def test_server_restart_mid_sync_then_resume(restartable: Mirror) -> None:
    mirror = restartable
    mirror.append("INBOX", *[message(n, subject=f"件名{n}") for n in range(40)])
    batches = 0

    def restart_after_two_batches() -> None:
        nonlocal batches
        batches += 1
        if batches == 3:  # metadata + 2 batches committed
            hard_restart(mirror.server)

    mirror.clock.advance(60)
    report = sync_account(
        mirror.store,
        mirror.account,
        mirror.server.password,
        mirror.policy,
        mirror.clock,
        options=SyncOptions(batch_size=5, on_commit=restart_after_two_batches),
    )
    assert not report.ok
    assert "connection lost" in (report.error or "")
    assert mirror.rows("SELECT state FROM account")[0][0] == "error"
    # Two batches were stored, and the third, already fetched while the
    # second was being stored, is kept too.
    assert mirror.count("message") == 15
    report = mirror.sync(batch_size=5)
    assert report.ok, report.error
    assert report.folders[0].new == 25
    assert mirror.count("message") == 40
    assert mirror.stored_state() == mirror.server_state()
    assert mirror.rows("SELECT state FROM account")[0][0] == "ok"
    kinds = [
        r[0] for r in mirror.rows("SELECT kind FROM event WHERE kind LIKE 'account.%'")
    ]
    assert kinds == ["account.error", "account.ok"]
