"""The SQLite store: migrations from empty, transactions, the audit chain."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from shareinbox.store import audit, events
from shareinbox.store.db import Store
from shareinbox.store.migrations import migrate, migrations

TABLES = {
    "account", "folder", "raw_message", "message", "message_body", "message_location",
    "thread", "thread_tag", "customer", "customer_address", "order_ref", "note",
    "phone_memo", "event", "outbox", "audit", "blocklist", "meta",
}  # fmt: skip


def test_migrations_from_empty_file(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    with store.read() as conn:
        names = {
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert names >= TABLES
    assert mode == "wal"
    assert (tmp_path / "s.db").stat().st_mode & 0o777 == 0o600
    applied = [m.name for m in migrations.applied(store.db)]
    assert applied == [m.name for m in migrations._migrations]
    assert migrate(store.db) == []  # a second run applies nothing
    store.close()


def test_each_migration_applies_on_its_own(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db", migrate=False)
    names = [m.name for m in migrations._migrations]
    for index in range(len(names)):
        stop = names[index + 1] if index + 1 < len(names) else None
        migrations.apply(store.db, stop_before=stop)
        assert [m.name for m in migrations.applied(store.db)] == names[: index + 1]
    store.close()


def test_write_rolls_back_on_error(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    with pytest.raises(RuntimeError), store.write() as conn:
        conn.execute("INSERT INTO meta VALUES ('k', 'v')")
        raise RuntimeError("boom")
    with store.read() as conn:
        assert (
            conn.execute("SELECT COUNT(*) FROM meta WHERE key='k'").fetchone()[0] == 0
        )
    store.close()


def test_nested_write_is_a_savepoint(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    with store.write() as conn:
        conn.execute("INSERT INTO meta VALUES ('outer', '1')")
        with pytest.raises(ValueError), store.write() as inner:
            inner.execute("INSERT INTO meta VALUES ('inner', '1')")
            raise ValueError
        with store.read() as same:  # sees its own uncommitted rows
            assert same.execute("SELECT COUNT(*) FROM meta").fetchone()[0] == 1
    with store.read() as conn:
        keys = [r[0] for r in conn.execute("SELECT key FROM meta")]
    assert keys == ["outer"]
    store.close()


def test_readers_do_not_wait_for_the_writer(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    started, done = threading.Event(), threading.Event()
    seen: list[int] = []

    def reader() -> None:
        started.wait(5)
        with store.read() as conn:
            seen.append(conn.execute("SELECT COUNT(*) FROM meta").fetchone()[0])
        done.set()

    thread = threading.Thread(target=reader)
    thread.start()
    with store.write() as conn:
        conn.execute("INSERT INTO meta VALUES ('a', 'b')")
        started.set()
        assert done.wait(5), "a reader blocked on an open write transaction"
    thread.join()
    assert seen == [0]
    store.close()


def test_readonly_connection_refuses_writes(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    with pytest.raises(sqlite3.OperationalError), store.read() as conn:
        conn.execute("INSERT INTO meta VALUES ('x', 'y')")
    store.close()


def _fill_audit(store: Store, count: int) -> None:
    for i in range(count):
        with store.write() as conn:
            audit.append(conn, at=1000.0 + i, actor="tanaka", action="claim",
                         target=f"thread:{i}", thread_id=i, detail={"n": i})  # fmt: skip


def test_audit_chain_verifies(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    _fill_audit(store, 5)
    with store.read() as conn:
        assert audit.verify(conn) == (5, [])
    store.close()


def test_audit_is_append_only(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    _fill_audit(store, 2)
    with (
        pytest.raises(sqlite3.IntegrityError, match="append-only"),
        store.write() as conn,
    ):
        conn.execute("DELETE FROM audit WHERE id = 1")
    store.close()


@pytest.mark.parametrize(
    ("tamper", "words"),
    [
        ("UPDATE audit SET actor = 'suzuki' WHERE id = 3", "changed"),
        ("DELETE FROM audit WHERE id = 2", "missing"),
        ("DELETE FROM audit WHERE id = 5", "removed"),
        ("UPDATE audit SET detail = '{\"n\": 9}' WHERE id = 4", "changed"),
    ],
)
def test_audit_tampering_is_detected(tmp_path: Path, tamper: str, words: str) -> None:
    store = Store(tmp_path / "s.db")
    _fill_audit(store, 5)
    with store.write() as conn:  # someone with the file drops the guards
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("DROP TRIGGER audit_no_delete")
        conn.execute(tamper)
    with store.read() as conn:
        _, problems = audit.verify(conn)
    assert problems
    assert any(words in p.problem for p in problems)
    store.close()


def test_events_since(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    with store.write() as conn:
        first = events.append(conn, "thread.status", at=1.0, thread_id=3, actor="a",
                              data={"status": "open"})  # fmt: skip
        events.append(conn, "thread.note", at=2.0, thread_id=3, actor="b")
    with store.read() as conn:
        later = events.since(conn, first)
        assert events.last_id(conn) == first + 1
    assert [e["kind"] for e in later] == ["thread.note"]
    with store.read() as conn:
        assert events.since(conn, 0)[0]["data"] == {"status": "open"}
    store.close()
