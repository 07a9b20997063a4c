"""A folder recreated on the server (new UIDVALIDITY) keeps the team's work."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from shareinbox.client import SyncClient
from shareinbox.sync.imap import ImapSession
from tests.daemon.harness import remove_tree, short_dir, wait_for
from tests.faults.harness import (
    assert_store_equals_server,
    config_for,
    start_daemon,
)
from tests.fixtures.dovecot import DovecotServer
from tests.sync.conftest import account_config
from tests.sync.mail import message

pytestmark = [pytest.mark.slow, pytest.mark.imap]
FOLDER = "Support"
MAIL = [message(n, subject=f"注文 {n} の件") for n in range(12)]


def _session(server: DovecotServer, user: str) -> ImapSession:
    return ImapSession.connect(account_config(server, user).imap, server.password)


def _put(server: DovecotServer, user: str, mails: list[bytes]) -> None:
    session = _session(server, user)
    try:
        if not session.client.folder_exists(FOLDER):
            session.client.create_folder(FOLDER)
        session.client.multiappend(FOLDER, mails)
    finally:
        session.close()


def _once(config: Path, server: DovecotServer) -> None:
    process = start_daemon(config, server, "--once")
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()


def _team_state(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT t.subject, t.status, t.waiting_reason, t.assignee,"
            " (SELECT group_concat(body) FROM note WHERE thread_id = t.id)"
            " FROM thread t ORDER BY t.subject"
        ).fetchall()
    return [tuple(row) for row in rows]


def _work(socket: Path) -> None:
    """Statuses, assignees and notes set over the socket, as staff do."""
    with SyncClient(socket, as_login="tanaka") as tanaka:
        threads = tanaka.call("list_threads", limit=100)["threads"]
        assert len(threads) == len(MAIL)
        for n, thread in enumerate(threads):
            tid = thread["id"]
            if n % 3 == 0:
                tanaka.call("set_status", thread_id=tid, status="done")
            elif n % 3 == 1:
                tanaka.call(
                    "set_status", thread_id=tid, status="waiting", reason="customer"
                )
            tanaka.call("assign", thread_id=tid, login="suzuki")
            tanaka.call("add_note", thread_id=tid, text=f"確認済み {n}")


def test_a_recreated_folder_keeps_statuses_assignees_and_notes(
    own_server: DovecotServer, tmp_path: Path
) -> None:
    user = own_server.new_user()
    _put(own_server, user, MAIL)
    sockets = short_dir()
    socket = sockets / "s.sock"
    config = config_for(
        tmp_path, own_server, user, socket=socket, folders=f'["{FOLDER}"]'
    )
    db = tmp_path / "data" / "shareinbox.db"
    _once(config, own_server)
    daemon = start_daemon(config, own_server)
    try:
        wait_for(socket.exists, timeout=30)
        _work(socket)
    finally:
        daemon.terminate()
        assert daemon.wait(30) == 0
        remove_tree(sockets)
    before = _team_state(db)
    with sqlite3.connect(db) as conn:
        (old_validity,) = conn.execute("SELECT uidvalidity FROM folder").fetchone()
    session = _session(own_server, user)
    session.client.delete_folder(FOLDER)
    session.close()
    # The same mail comes back (a server migration), one of it expunged,
    # plus a new message.
    _put(own_server, user, [*MAIL[1:], message(99, subject="新しい件")])
    _once(config, own_server)
    after = _team_state(db)
    kept = {row[0]: row for row in after}
    for row in before:
        assert kept[row[0]] == row, f"{row[0]} changed"
    assert kept["新しい件"][1:] == ("new", None, None, None)
    with sqlite3.connect(db) as conn:
        (new_validity,) = conn.execute("SELECT uidvalidity FROM folder").fetchone()
        validities = {
            r[0] for r in conn.execute("SELECT uidvalidity FROM message_location")
        }
        messages = conn.execute("SELECT COUNT(*) FROM message").fetchone()[0]
    assert new_validity != old_validity
    assert validities == {new_validity}
    assert messages == len(MAIL) + 1  # nothing stored twice; history kept
    assert_store_equals_server(db, own_server, user, FOLDER, expunged=1)
