"""The SQLite file: one writer connection, per-thread readers, WAL.

`Store.write()` is the only way to change the database: it serialises writers
on one connection with a lock and runs `BEGIN IMMEDIATE`, so a transaction
never fails half-way with SQLITE_BUSY. Nested `write()` blocks in the same
thread become savepoints. `Store.read()` hands each thread its own read-only
connection, so readers never wait for the writer (WAL).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from shareinbox.errors import StoreError

log = logging.getLogger(__name__)

_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA busy_timeout = 10000",
    "PRAGMA foreign_keys = ON",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA journal_size_limit = 67108864",
)


def _disk_full(error: sqlite3.Error) -> bool:
    """True for SQLITE_FULL (and a write that failed for want of space)."""
    code = getattr(error, "sqlite_errorcode", None)
    return code == sqlite3.SQLITE_FULL or "disk is full" in str(error)


def _connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    try:
        conn = sqlite3.connect(
            uri, uri=True, isolation_level=None, check_same_thread=False, timeout=10
        )
    except sqlite3.Error as e:
        raise StoreError(f"cannot open the database {path}: {e}") from e
    conn.row_factory = sqlite3.Row
    for pragma in _PRAGMAS[1 if readonly else 0 :]:
        conn.execute(pragma)
    if readonly:
        conn.execute("PRAGMA query_only = 1")
    else:
        conn.execute("PRAGMA cache_size = -65536")
    return conn


class Store:
    """The database of one data dir.

    Args:
        path: the SQLite file; created (mode 0600) and migrated when missing.
        migrate: apply pending migrations on open (the daemon and `init` do).
    """

    def __init__(self, path: Path, *, migrate: bool = True) -> None:
        self.path = path
        fresh = not path.exists()
        if fresh:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        self._conn = _connect(path, readonly=False)
        self._lock = threading.RLock()
        self._depth = 0
        self._owner = 0
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self.db = sqlite_utils.Database(self._conn)
        if migrate:
            from shareinbox.store.migrations import migrate as apply

            with self._lock:
                apply(self.db)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE ... COMMIT, rolled back on error)."""
        with self._lock:
            conn = self._conn
            if self._depth:
                name = f"sp{self._depth}"
                conn.execute(f"SAVEPOINT {name}")
                self._depth += 1
                try:
                    yield conn
                except BaseException:
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
                    raise
                else:
                    conn.execute(f"RELEASE {name}")
                finally:
                    self._depth -= 1
                return
            conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            self._owner = threading.get_ident()
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as e:
                # Also when COMMIT itself failed (a full disk): SQLite then
                # leaves the transaction open, and the next BEGIN would fail.
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(e, sqlite3.Error) and _disk_full(e):
                    raise self._full_error() from e
                raise
            finally:
                self._depth = 0
                self._owner = 0

    def _full_error(self) -> StoreError:
        log.error("the disk holding %s is full; the transaction was undone", self.path)
        return StoreError(
            f"the disk holding the database {self.path} is full: free some space"
            " there. What was stored before is kept, and the sync continues"
            " where it stopped.",
            title="Disk full",
        )

    @contextmanager
    def writer_if_free(self) -> Iterator[bool]:
        """Hold the writer lock if no thread does; yield whether it was free.

        Lets a caller run a short operation at once when nobody is writing,
        and hand it to a worker thread otherwise, instead of blocking.
        """
        free = self._lock.acquire(blocking=False)
        try:
            yield free
        finally:
            if free:
                self._lock.release()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read-only connection for this thread, in one read transaction.

        Inside a `write()` block of the same thread, the writer connection is
        returned instead, so a function sees its own uncommitted changes.
        """
        if self._depth and self._owner == threading.get_ident():
            yield self._conn
            return
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(self.path, readonly=True)
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def checkpoint(self) -> None:
        """Fold the WAL back into the database file (when idle)."""
        with self._lock:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        """Close every connection this store opened."""
        with self._lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()
            self._conn.close()
