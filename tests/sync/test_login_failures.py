"""A refused login is recorded, shown, retried — and never reveals the password.

These tests use a Dovecot of their own: after failed logins Dovecot delays
every further login from 127.0.0.1, which would slow down other tests.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from shareinbox import cli, secrets
from shareinbox.config import ServerConfig
from shareinbox.daemon.syncworker import SyncWorker
from tests.fixtures.configs import account_block, write_config
from tests.fixtures.dovecot import DovecotServer
from tests.sync.conftest import Mirror, make_mirror

pytestmark = pytest.mark.imap
WRONG = "not-the-Pa55word"


@pytest.fixture
def mirror(fresh_server: DovecotServer, tmp_path: Path) -> Iterator[Mirror]:
    m = make_mirror(fresh_server, tmp_path)
    yield m
    m.store.close()


def test_worker_records_a_refused_login(mirror: Mirror, tmp_path: Path) -> None:
    worker = SyncWorker(
        mirror.store,
        mirror.account,
        ServerConfig(data_dir=tmp_path, socket=tmp_path / "s.sock"),
        mirror.policy,
        clock=mirror.clock,
        password=lambda _: WRONG,
    )
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while mirror.rows("SELECT state FROM account")[0][0] != "error":
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        worker.stop()
    error = mirror.rows("SELECT last_error FROM account")[0][0]
    assert "refused the login" in error
    assert mirror.user in error
    events = mirror.rows("SELECT data FROM event WHERE kind = 'account.error'")
    assert json.loads(events[0][0]) == {"account": "support", "error": error}
    for text in [error, *(e[0] for e in events)]:
        assert WRONG not in text


def test_once_exits_one_on_a_refused_login(
    fresh_server: DovecotServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(fresh_server.cert))
    monkeypatch.setenv(secrets.env_var_name("support"), WRONG)
    user = fresh_server.new_user()
    config = write_config(
        tmp_path, accounts=account_block("support", user, fresh_server)
    )
    assert cli.main(["daemon", "--once", "--config", str(config)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("support: 0 new, 0 changed, 0 expunged, 0 folders, error: ")
    assert "refused the login" in out
    assert WRONG not in out
    db = sqlite3.connect(tmp_path / "data" / "shareinbox.db")
    state, error = db.execute("SELECT state, last_error FROM account").fetchone()
    assert (state, "refused the login" in error, WRONG in error) == (
        "error",
        True,
        False,
    )
    (data,) = db.execute(
        "SELECT data FROM event WHERE kind = 'account.error'"
    ).fetchone()
    assert WRONG not in data
    db.close()


def test_once_exits_one_without_a_password(
    fresh_server: DovecotServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    user = fresh_server.new_user()
    config = write_config(
        tmp_path, accounts=account_block("support", user, fresh_server)
    )
    assert cli.main(["daemon", "--once", "--config", str(config)]) == 1
    assert "no password for account 'support'" in capsys.readouterr().out
