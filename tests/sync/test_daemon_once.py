"""`shareinbox daemon --once`: the command, its exit code, and kill -9 safety."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shareinbox import cli, secrets
from shareinbox.sync.imap import ImapSession
from tests.fixtures.configs import account_block, write_config
from tests.fixtures.dovecot import DovecotServer
from tests.sync.conftest import account_config
from tests.sync.mail import message

pytestmark = pytest.mark.imap
ROOT = Path(__file__).resolve().parents[2]


def _seed(server: DovecotServer, user: str, count: int) -> None:
    session = ImapSession.connect(account_config(server, user).imap, server.password)
    try:
        session.client.multiappend(
            "INBOX", [message(n, subject=f"問い合わせ {n} 件目") for n in range(count)]
        )
    finally:
        session.close()


def _config(tmp_path: Path, server: DovecotServer, user: str) -> Path:
    return write_config(tmp_path, accounts=account_block("support", user, server))


def test_once_prints_a_summary_and_exits_zero(
    imap: DovecotServer,
    imap_user: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _seed(imap, imap_user, 3)
    monkeypatch.setenv(secrets.env_var_name("support"), imap.password)
    config = _config(tmp_path, imap, imap_user)
    assert cli.main(["daemon", "--once", "--config", str(config)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "support: 3 new, 0 changed, 0 expunged, 2 folders, ok"
    ]
    assert cli.main(["daemon", "--once", "--config", str(config)]) == 0
    assert "support: 0 new" in capsys.readouterr().out


def _run(config: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "shareinbox", "daemon", "--once", "--batch-size", "20",
         "--config", str(config)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM message").fetchone()[0])
    except sqlite3.OperationalError:  # not migrated yet
        return 0


def _kill_when(process: subprocess.Popen[bytes], db: Path, stored: int) -> None:
    deadline = time.monotonic() + 30
    while _count(db) < stored and process.poll() is None:
        assert time.monotonic() < deadline, "the sync made no progress"
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()


def _consistent(db: Path, total: int) -> tuple[int, int]:
    if _count(db) == 0:  # killed before the first commit
        return 0, 0
    with sqlite3.connect(db) as conn:
        messages = conn.execute("SELECT COUNT(*) FROM message").fetchone()[0]
        keys = conn.execute(
            "SELECT COUNT(DISTINCT dedupe_key) FROM message"
        ).fetchone()[0]
        locations = conn.execute("SELECT COUNT(*) FROM message_location").fetchone()[0]
        (uidnext,) = conn.execute(
            "SELECT uidnext FROM folder WHERE name='INBOX'"
        ).fetchone()
        (max_uid,) = conn.execute("SELECT MAX(uid) FROM message_location").fetchone()
        threads = conn.execute("SELECT SUM(message_count) FROM thread").fetchone()[0]
        indexed = conn.execute("SELECT COUNT(*) FROM search_text").fetchone()[0]
    assert messages == keys == locations == indexed == (threads or 0) <= total
    # The cursor never claims more than the rows it was written with.
    assert uidnext is None or (max_uid or 0) < uidnext
    return messages, uidnext or 0


def test_kill_9_at_any_point_then_rerun_equals_server(
    imap: DovecotServer,
    imap_user: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    total = 300
    _seed(imap, imap_user, total)
    monkeypatch.setenv(secrets.env_var_name("support"), imap.password)
    monkeypatch.setenv("SSL_CERT_FILE", str(imap.cert))
    config = _config(tmp_path, imap, imap_user)
    db = tmp_path / "data" / "shareinbox.db"
    progress = []
    for stored in (0, 1, 60, 61, 170):
        _kill_when(_run(config), db, stored)
        progress.append(_consistent(db, total))
    assert progress == sorted(progress)
    final = _run(config)
    assert final.wait(60) == 0, final.stderr.read().decode() if final.stderr else ""
    assert _consistent(db, total)[0] == total
    session = ImapSession.connect(account_config(imap, imap_user).imap, imap.password)
    session.select("INBOX")
    server = {uid: meta.flags for uid, meta in session.fetch_meta("1:*").items()}
    session.close()
    with sqlite3.connect(db) as conn:
        stored_state = dict(conn.execute("SELECT uid, flags FROM message_location"))
    assert stored_state == server
