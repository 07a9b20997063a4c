"""What the fault tests share: a filled mailbox, daemon processes, store checks.

"Store equals server" means: the stored locations of a folder's current
incarnation are exactly the server's UIDs, each pointing at the message with
the Message-ID the server has under that UID, every message stored once,
indexed for search and counted in its thread, and SQLite's own integrity
check passes.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from shareinbox import secrets
from shareinbox.sync.imap import ImapSession
from tests.fixtures.configs import account_block, write_config
from tests.fixtures.dovecot import DovecotServer, _mail_owner
from tests.sync.conftest import account_config
from tests.sync.mail import message

ROOT = Path(__file__).resolve().parents[2]
FILLER = "ご注文の商品について確認をお願いいたします。" * 40


def fill_maildir(server: DovecotServer, user: str, count: int, start: int = 0) -> None:
    """Put `count` customer mails straight into `user`'s INBOX maildir."""
    maildir = server.maildir(user)
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    for n in range(start, start + count):
        raw = message(n, subject=f"問い合わせ {n} 件目", body=f"{n}: {FILLER}")
        (maildir / "cur" / f"{1_750_000_000 + n}.M{n}P1.fault:2,").write_bytes(
            raw.replace(b"\r\n", b"\n")
        )
    uid, gid = _mail_owner()
    subprocess.run(["chown", "-R", f"{uid}:{gid}", str(maildir)], check=True)


def config_for(
    directory: Path,
    server: DovecotServer,
    user: str,
    *,
    socket: Path | None = None,
    folders: str = '["INBOX"]',
    staff: str | None = None,
) -> Path:
    """A config with the account `support` on `server` as `user`."""
    block = account_block("support", user, server).replace('["INBOX"]', folders)
    extra = f'socket = "{socket}"\nrelease_on_disconnect = "1s"\n' if socket else ""
    kwargs = {"staff": staff} if staff is not None else {}
    return write_config(directory, accounts=block, extra=extra, **kwargs)


def daemon_env(server: DovecotServer) -> dict[str, str]:
    """The environment of a daemon process: password, certificate, imports."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SSL_CERT_FILE": str(server.cert),
        secrets.env_var_name("support"): server.password,
    }


def start_daemon(
    config: Path, server: DovecotServer, *args: str
) -> subprocess.Popen[bytes]:
    """``python -m shareinbox daemon ARGS --config CONFIG`` as a process."""
    return subprocess.Popen(
        [sys.executable, "-m", "shareinbox", "daemon", *args, "--config", str(config)],
        cwd=ROOT,
        env=daemon_env(server),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def message_count(db: Path) -> int:
    """Messages in the store (0 before it exists or is migrated)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM message").fetchone()[0])
    except sqlite3.OperationalError:  # not migrated yet
        return 0


def server_identities(
    server: DovecotServer, user: str, folder: str = "INBOX"
) -> dict[int, str]:
    """UID -> Message-ID as the server has them."""
    session = ImapSession.connect(account_config(server, user).imap, server.password)
    try:
        client = session.client
        client.select_folder(folder, readonly=True)
        uids = client.search("ALL")
        found: dict[int, str] = {}
        for start in range(0, len(uids), 500):
            fetched = client.fetch(
                uids[start : start + 500], ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]
            )
            for uid, data in fetched.items():
                header = data[b"BODY[HEADER.FIELDS (MESSAGE-ID)]"].decode()
                found[uid] = header.split(":", 1)[1].strip()
        return found
    finally:
        session.close()


def stored_identities(db: Path, folder: str = "INBOX") -> dict[int, str]:
    """UID -> Message-ID as the store has them (the folder's current incarnation)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT l.uid, m.message_id FROM message_location l"
            " JOIN folder f ON f.id = l.folder_id AND l.uidvalidity = f.uidvalidity"
            " JOIN message m ON m.id = l.message_id WHERE f.name = ?",
            (folder,),
        ).fetchall()
    return {int(uid): str(mid) for uid, mid in rows}


def check_consistent(db: Path, expunged: int = 0) -> int:
    """Assert the store is whole and agrees with itself; return its message count.

    Args:
        expunged: messages kept as history that the server no longer has.
    """
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        one = conn.execute
        messages = one("SELECT COUNT(*) FROM message").fetchone()[0]
        keys = one("SELECT COUNT(DISTINCT dedupe_key) FROM message").fetchone()[0]
        locations = one("SELECT COUNT(*) FROM message_location").fetchone()[0]
        indexed = one("SELECT COUNT(*) FROM search_text").fetchone()[0]
        bodies = one("SELECT COUNT(*) FROM message_body").fetchone()[0]
        counted = one("SELECT COALESCE(SUM(message_count), 0) FROM thread").fetchone()[
            0
        ]
        cursor = one("SELECT uidnext FROM folder WHERE name = 'INBOX'").fetchone()
        max_uid = one("SELECT COALESCE(MAX(uid), 0) FROM message_location").fetchone()[
            0
        ]
    assert messages == keys == indexed == bodies == counted
    assert locations == messages - expunged
    # The cursor never claims more than the rows it was written with.
    assert cursor is None or cursor[0] is None or max_uid < cursor[0]
    return int(messages)


def assert_store_equals_server(
    db: Path, server: DovecotServer, user: str, folder: str = "INBOX",
    expunged: int = 0,
) -> None:  # fmt: skip
    """The store holds exactly the server's messages, once each."""
    check_consistent(db, expunged)
    on_server = server_identities(server, user, folder)
    assert on_server, "the server folder is empty"
    assert stored_identities(db, folder) == on_server
