"""`shareinbox import`: mbox and Maildir exports into history, idempotent."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest

from shareinbox import paths
from shareinbox.cli import main
from shareinbox.config import Config, load_config
from shareinbox.daemon.runtime import data_dir_lock
from shareinbox.importer import quick_key
from shareinbox.store import mirror, search
from shareinbox.store.db import Store
from shareinbox.store.ingest import Incoming, Mailbox, PlainPolicy, ingest
from shareinbox.sync.parse import parse_message
from tests.fixtures.configs import account_block, write_config
from tests.sync.mail import message

SHOP = "support@example.test"
# A customer's mail, our reply (from the shop's address), the customer's
# answer, an English order question, and bytes that are no mail at all.
ORIGINAL = message(1, subject="返品について", body="サイズ交換をお願いします。")
REPLY = message(2, subject="Re: 返品について", body="承知しました。交換品を発送します。",
                sender=("〇〇ショップ", SHOP), to="yamada@example.jp",
                in_reply_to="<1.test@example.jp>", charset="utf-8")  # fmt: skip
ANSWER = message(3, subject="Re: 返品について", body="ありがとうございました。",
                 in_reply_to="<2.test@example.jp>")  # fmt: skip
ENGLISH = message(4, subject="Where is my order?", charset="utf-8",
                  body="Order 249-1234567-7654321 has not arrived.",
                  sender=("John Smith", "john@example.com"))  # fmt: skip
BROKEN = b"\xff\xfe\x00garbage without headers \x1b[2J\xe3\x81\x82\r\n"
MAILS = [ORIGINAL, REPLY, ANSWER, ENGLISH, BROKEN]


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(
        write_config(tmp_path, accounts=account_block("support", "support"))
    )


@pytest.fixture
def mbox_file(tmp_path: Path) -> Path:
    path = tmp_path / "export" / "Inbox"
    path.parent.mkdir()
    box = mailbox.mbox(path)
    for raw in MAILS:
        box.add(raw)
    box.close()
    return path


@pytest.fixture
def maildir(tmp_path: Path) -> Path:
    path = tmp_path / "Maildir"
    box = mailbox.Maildir(path)
    for raw in (ORIGINAL, ANSWER, ENGLISH, BROKEN):
        box.add(raw)
    sent = box.add_folder("Sent")
    sent.add(message(2, subject="Re: 返品について", body="承知しました。",
                     sender=("〇〇ショップ", "someone-else@example.test"),
                     to="yamada@example.jp", in_reply_to="<1.test@example.jp>"))  # fmt: skip
    return path


def _import(config: Config, path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    argv = ["--config", str(config.path), "import", str(path), "--account", "support"]
    assert main(argv) == 0
    return capsys.readouterr().out


def _rows(config: Config, sql: str) -> list[tuple[object, ...]]:
    db = Store(paths.database_file(config.server.data_dir))
    try:
        with db.read() as conn:
            return [tuple(r) for r in conn.execute(sql).fetchall()]
    finally:
        db.close()


@pytest.mark.parametrize("kind", ["mbox", "maildir"])
def test_import_twice_adds_nothing(
    config: Config, mbox_file: Path, maildir: Path, kind: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    path = mbox_file if kind == "mbox" else maildir
    first = _import(config, path, capsys)
    assert "5 messages" in first
    assert "5 added, 0 already stored" in first
    before = _rows(config, "SELECT count(*) FROM message")
    again = _import(config, path, capsys)
    assert "0 added, 5 already stored" in again
    assert _rows(config, "SELECT count(*) FROM message") == before == [(5,)]
    threads = _rows(config, "SELECT status, message_count FROM thread ORDER BY id")
    # 返品 thread (3 messages), the English one, the unreadable bytes: all done
    assert threads == [("done", 3), ("done", 1), ("done", 1)]
    directions = _rows(config, "SELECT direction, source FROM message ORDER BY id")
    assert [d for d, _ in directions].count("out") == 1
    assert {s for _, s in directions} == {"import"}
    imports = _rows(config, "SELECT actor, action FROM audit WHERE action = 'import'")
    assert len(imports) == 2


def test_imported_mail_is_searchable_and_kept_raw(
    config: Config, mbox_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _import(config, mbox_file, capsys)
    db = Store(paths.database_file(config.server.data_dir))
    try:
        with db.read() as conn:
            hits = search.search_threads(conn, "交換", limit=10)
            assert len(hits) == 1
            assert search.search_threads(conn, "249-1234567-7654321", limit=10)
            orders = conn.execute("SELECT order_id FROM order_ref").fetchall()
            assert [r[0] for r in orders] == ["249-1234567-7654321"]
            raws = {bytes(r[0]) for r in conn.execute("SELECT data FROM raw_message")}
    finally:
        db.close()
    # the bytes that are no mail are stored as they were
    assert BROKEN in raws


def test_sent_folder_is_our_mail(
    config: Config, maildir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _import(config, maildir, capsys)
    assert "5 messages in 2 folder(s)" in out
    rows = _rows(
        config,
        "SELECT direction, thread_id FROM message WHERE date_at IS NOT NULL ORDER BY date_at",
    )
    # the Sent folder's reply (from another address of ours) is outgoing and
    # joins the customer's thread
    assert rows[1][0] == "out"
    assert rows[0][1] == rows[1][1] == rows[2][1]


def test_refused_while_the_daemon_runs(
    config: Config, mbox_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "--config",
        str(config.path),
        "import",
        str(mbox_file),
        "--account",
        "support",
    ]
    with data_dir_lock(config.server.data_dir):
        assert main(argv) == 1
    assert "another shareinbox daemon" in capsys.readouterr().err
    assert main([*argv[:-1], "nosuch"]) == 1
    assert "no account named 'nosuch'" in capsys.readouterr().err
    assert main([*argv[:3], str(mbox_file.parent / "missing"), *argv[4:]]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_live_thread_keeps_its_status(
    config: Config, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = Store(paths.database_file(config.server.data_dir))
    try:
        with db.write() as conn:
            account_id = mirror.ensure_account(conn, "support", SHOP)
            ingest(conn, Mailbox(account_id, frozenset({SHOP})),
                   Incoming(ORIGINAL, parse_message(ORIGINAL), 1_750_000_000.0),
                   policy=PlainPolicy(), now=1_750_000_000.0)  # fmt: skip
    finally:
        db.close()
    path = tmp_path / "old.mbox"
    box = mailbox.mbox(path)
    box.add(REPLY)
    box.close()
    assert "1 added" in _import(config, path, capsys)
    # the old reply joined the thread someone works on: it stays new
    assert _rows(config, "SELECT status, message_count FROM thread") == [("new", 2)]


def test_known_mail_is_recognised_from_its_headers(
    config: Config, mbox_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _import(config, mbox_file, capsys)
    keys = {row[0] for row in _rows(config, "SELECT dedupe_key FROM message")}
    # the second run skips every message before parsing its body
    assert {quick_key(raw) for raw in MAILS} == keys
    assert quick_key(BROKEN).startswith("sha256:")
    assert quick_key(ORIGINAL) == "<1.test@example.jp>"


def test_flagged_spam_stays_spam(
    config: Config, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "spam.mbox"
    box = mailbox.mbox(path)
    box.add(b"X-Spam-Flag: YES\r\n" + message(7, subject="当選のお知らせ",
                                             sender=("x", "win@spam.example")))  # fmt: skip
    box.add(ENGLISH)
    box.close()
    assert "2 added" in _import(config, path, capsys)
    rows = _rows(config, "SELECT status, spam_reason FROM thread ORDER BY id")
    assert rows == [("spam", "X-Spam-Flag: YES"), ("done", None)]
