"""Dovecot restarts in the middle of the daemon's initial sync."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from shareinbox.client import SyncClient
from tests.daemon.harness import remove_tree, short_dir, wait_for
from tests.faults.harness import (
    assert_store_equals_server,
    config_for,
    fill_maildir,
    message_count,
    start_daemon,
)
from tests.fixtures.dovecot import DovecotServer
from tests.sync.test_recovery import hard_restart

pytestmark = [pytest.mark.slow, pytest.mark.imap]
TOTAL = 3000


def test_the_daemon_survives_a_dovecot_restart_mid_sync(
    own_server: DovecotServer, tmp_path: Path
) -> None:
    user = own_server.new_user()
    fill_maildir(own_server, user, TOTAL)
    sockets = short_dir()
    socket = sockets / "s.sock"
    config = config_for(tmp_path, own_server, user, socket=socket)
    db = tmp_path / "data" / "shareinbox.db"
    daemon = start_daemon(config, own_server)
    try:
        wait_for(lambda: message_count(db) >= 500, timeout=120)
        hard_restart(own_server)  # every IMAP connection drops
        restarted = message_count(db)
        assert restarted < TOTAL, "the sync ended before the restart"
        # The daemon reconnects by itself (backoff from 1 s) and goes on.
        wait_for(lambda: message_count(db) == TOTAL, timeout=240)
        assert daemon.poll() is None

        def account_ok() -> bool:
            with SyncClient(socket) as client:
                accounts = client.call("account_status")["accounts"]
            return bool(accounts[0]["state"] == "ok")

        wait_for(account_ok, timeout=60)
        assert_store_equals_server(db, own_server, user)
        with sqlite3.connect(db) as conn:
            kinds = [
                row[0]
                for row in conn.execute(
                    "SELECT kind FROM event WHERE kind LIKE 'account.%' ORDER BY id"
                )
            ]
        assert "account.error" in kinds
        assert kinds[-1] == "account.ok"
    finally:
        daemon.terminate()
        daemon.wait(30)
        remove_tree(sockets)
    log = (tmp_path / "data" / "daemon.log").read_text(encoding="utf-8")
    assert "retrying in" in log
