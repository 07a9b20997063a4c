"""A large raw message is written in slices and reads back byte for byte."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from shareinbox.store.db import Store
from shareinbox.store.ingest import store_raw


def test_large_and_small_raw_messages_read_back_and_are_kept_once(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "s.db")
    big = b"Subject: video\r\n\r\n" + os.urandom(3 * 1024 * 1024 + 5)
    small = b"Subject: hello\r\n\r\nhi\r\n"
    try:
        for raw in (big, small, big):  # the second big one is already there
            with store.write() as conn:
                store_raw(conn, hashlib.sha256(raw).hexdigest(), raw)
        with store.read() as conn:
            rows = conn.execute("SELECT sha256, size, data FROM raw_message").fetchall()
    finally:
        store.close()
    stored = {row[0]: (row[1], bytes(row[2])) for row in rows}
    assert stored == {
        hashlib.sha256(big).hexdigest(): (len(big), big),
        hashlib.sha256(small).hexdigest(): (len(small), small),
    }
