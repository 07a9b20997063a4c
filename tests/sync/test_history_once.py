"""`daemon --once` honours ``[server] history_days``, also when killed."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shareinbox import cli, secrets
from shareinbox.sync.imap import ImapSession
from tests.fixtures.configs import account_block, write_config
from tests.fixtures.dovecot import DovecotServer
from tests.sync.conftest import account_config
from tests.sync.mail import message
from tests.sync.test_daemon_once import _kill_when, _run

pytestmark = pytest.mark.imap
DAY = 86400.0


def _seed(server: DovecotServer, user: str, ages: list[float]) -> None:
    """One message per age (days before now), each its own customer."""
    session = ImapSession.connect(account_config(server, user).imap, server.password)
    try:
        for n, age in enumerate(ages):
            raw = message(n, subject=f"件名 {n}", sender=(f"c{n}", f"c{n}@example.jp"))
            when = datetime.fromtimestamp(time.time() - age * DAY, UTC)
            session.append("INBOX", raw, flags=(), when=when)
    finally:
        session.close()


def _statuses(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT status || (first_response_due_at IS NOT NULL), COUNT(*)"
            " FROM thread GROUP BY 1"
        ).fetchall()
    return {r[0]: r[1] for r in rows}


def _folder(db: Path) -> tuple[float | None, float | None]:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT first_sync_at, history_before FROM folder WHERE name = 'INBOX'"
        ).fetchone()
    return row[0], row[1]


def _config(tmp_path: Path, server: DovecotServer, user: str, extra: str) -> Path:
    return write_config(
        tmp_path, accounts=account_block("support", user, server), extra=extra
    )


@pytest.mark.parametrize(
    ("extra", "expected"),
    [("", {"done0": 2, "new1": 2}), ("history_days = 0", {"new1": 4})],
)
def test_once_files_old_mail_by_the_config(
    imap: DovecotServer,
    imap_user: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    extra: str,
    expected: dict[str, int],
) -> None:
    _seed(imap, imap_user, [60.0, 20.0, 1.0, 0.0])
    monkeypatch.setenv(secrets.env_var_name("support"), imap.password)
    config = _config(tmp_path, imap, imap_user, extra)
    assert cli.main(["daemon", "--once", "--config", str(config)]) == 0
    assert _statuses(tmp_path / "data" / "shareinbox.db") == expected


def test_kill_9_in_the_first_sync_keeps_its_start(
    imap: DovecotServer,
    imap_user: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _seed(imap, imap_user, [30.0] * 100 + [0.0] * 10)
    monkeypatch.setenv(secrets.env_var_name("support"), imap.password)
    config = _config(tmp_path, imap, imap_user, "")
    db = tmp_path / "data" / "shareinbox.db"
    _kill_when(_run(config), db, 20)
    started, cutoff = _folder(db)
    assert started is not None  # killed in the first sync, after its start
    assert cutoff == pytest.approx(started - 14 * DAY)
    assert cli.main(["daemon", "--once", "--config", str(config)]) == 0
    assert _folder(db) == (started, None)
    assert _statuses(db) == {"done0": 100, "new1": 10}
