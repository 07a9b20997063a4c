"""`folder_count` stays equal to a COUNT of the locations, whatever changes them."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from shareinbox.store import mirror
from shareinbox.store.db import Store


def _messages(conn: sqlite3.Connection, account_id: int, count: int) -> list[int]:
    conn.execute("INSERT INTO raw_message (sha256, size, data) VALUES ('x', 0, x'')")
    return [
        int(
            conn.execute(
                "INSERT INTO message (account_id, dedupe_key, direction, received_at,"
                " raw_sha256) VALUES (?, ?, 'in', 0, 'x')",
                (account_id, f"m{n}"),
            ).lastrowid
            or 0
        )
        for n in range(count)
    ]


def _counted(conn: sqlite3.Connection, folder_id: int, uidvalidity: int) -> int:
    return int(
        conn.execute(
            "SELECT COUNT(*) FROM message_location WHERE folder_id = ?"
            " AND uidvalidity = ?",
            (folder_id, uidvalidity),
        ).fetchone()[0]
    )


def test_count_follows_every_kind_of_change(tmp_path: Path) -> None:
    rng = random.Random(5)
    store = Store(tmp_path / "s.db")
    with store.write() as conn:
        account = mirror.ensure_account(conn, "a", "a@example.com")
        inbox = mirror.ensure_folder(conn, account, "INBOX", "inbox").id
        other = mirror.ensure_folder(conn, account, "Archive", "other").id
        ids = _messages(conn, account, 60)
    for step in range(40):
        with store.write() as conn:
            folder, uv = rng.choice([(inbox, 1), (inbox, 2), (other, 1)])
            uids = rng.sample(range(1, 80), rng.randint(1, 12))
            kind = step % 4
            if kind in (0, 1):  # insert or upsert (the same UIDs again)
                mirror.put_locations(
                    conn, [(rng.choice(ids), folder, uv, u, "", None) for u in uids]
                )
            elif kind == 2:
                before = _counted(conn, folder, uv)
                dropped = mirror.drop_locations(conn, folder, uv, uids)
                assert dropped == before - _counted(conn, folder, uv)
            else:
                mirror.drop_other_incarnations(conn, folder, uv)
            for f, v in ((inbox, 1), (inbox, 2), (other, 1)):
                assert mirror.local_count(conn, f, v) == _counted(conn, f, v)
    with store.read() as conn:
        assert mirror.local_count(conn, inbox, 99) == 0
    store.close()


def test_count_rolls_back_with_the_rows(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    with store.write() as conn:
        account = mirror.ensure_account(conn, "a", "a@example.com")
        inbox = mirror.ensure_folder(conn, account, "INBOX", "inbox").id
        ids = _messages(conn, account, 3)
        mirror.put_locations(conn, [(i, inbox, 1, i, "", None) for i in ids])
    try:
        with store.write() as conn:
            mirror.put_locations(conn, [(ids[0], inbox, 1, 50, "", None)])
            assert mirror.local_count(conn, inbox, 1) == 4
            raise RuntimeError("killed before the commit")
    except RuntimeError:
        pass
    with store.read() as conn:
        assert mirror.local_count(conn, inbox, 1) == 3
    store.close()
