"""The mirror's bookkeeping: accounts, folders with their cursors, locations.

A message is stored once per account; where it lives on the server is a
`message_location` row keyed by (folder, UIDVALIDITY, UID) with the flags
seen there. A folder's cursor (uidvalidity, uidnext, highestmodseq) is only
ever written inside the transaction that stores the rows it describes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from shareinbox.store import events


@dataclass(frozen=True)
class FolderRow:
    """A folder of an account and its stored cursor."""

    id: int
    account_id: int
    name: str
    role: str
    uidvalidity: int | None
    uidnext: int | None
    highestmodseq: int | None
    last_full_scan_at: float | None
    history_before: float | None = None  # set while the first sync runs


def ensure_account(conn: sqlite3.Connection, name: str, address: str) -> int:
    """The id of the account row called `name` (created or address updated)."""
    conn.execute(
        "INSERT INTO account (name, address) VALUES (?, ?)"
        " ON CONFLICT (name) DO UPDATE SET address = excluded.address",
        (name, address),
    )
    row = conn.execute("SELECT id FROM account WHERE name = ?", (name,)).fetchone()
    return int(row[0])


def folder(conn: sqlite3.Connection, account_id: int, name: str) -> FolderRow | None:
    """The stored folder `name` of an account, or None."""
    row = conn.execute(
        "SELECT * FROM folder WHERE account_id = ? AND name = ?", (account_id, name)
    ).fetchone()
    if row is None:
        return None
    return FolderRow(
        id=row["id"],
        account_id=row["account_id"],
        name=row["name"],
        role=row["role"],
        uidvalidity=row["uidvalidity"],
        uidnext=row["uidnext"],
        highestmodseq=row["highestmodseq"],
        last_full_scan_at=row["last_full_scan_at"],
        history_before=row["history_before"],
    )


def ensure_folder(
    conn: sqlite3.Connection, account_id: int, name: str, role: str
) -> FolderRow:
    """The folder row, created with `role` or given that role."""
    conn.execute(
        "INSERT INTO folder (account_id, name, role) VALUES (?, ?, ?)"
        " ON CONFLICT (account_id, name) DO UPDATE SET role = excluded.role",
        (account_id, name, role),
    )
    found = folder(conn, account_id, name)
    assert found is not None
    return found


def save_cursor(
    conn: sqlite3.Connection,
    folder_id: int,
    *,
    uidvalidity: int,
    uidnext: int,
    highestmodseq: int | None,
    full_scan_at: float | None = None,
) -> None:
    """Write a folder's cursor (inside the transaction of its rows)."""
    conn.execute(
        "UPDATE folder SET uidvalidity = ?, uidnext = ?, highestmodseq = ?,"
        " last_full_scan_at = COALESCE(?, last_full_scan_at) WHERE id = ?",
        (uidvalidity, uidnext, highestmodseq, full_scan_at, folder_id),
    )


def begin_first_sync(
    conn: sqlite3.Connection, folder_id: int, *, now: float, history_days: int
) -> None:
    """Record the start of a folder's first sync and its history cutoff.

    Only a folder that has no cursor and no recorded start is changed, so a
    first sync resumed after a crash keeps the cutoff it began with.
    """
    cutoff = now - history_days * 86400.0 if history_days > 0 else None
    conn.execute(
        "UPDATE folder SET first_sync_at = ?, history_before = ?"
        " WHERE id = ? AND uidvalidity IS NULL AND first_sync_at IS NULL",
        (now, cutoff, folder_id),
    )


def end_first_sync(conn: sqlite3.Connection, folder_id: int) -> None:
    """Mark a folder's first sync complete: no more mail is history."""
    conn.execute(
        "UPDATE folder SET history_before = NULL"
        " WHERE id = ? AND history_before IS NOT NULL",
        (folder_id,),
    )


def local_flags(
    conn: sqlite3.Connection,
    folder_id: int,
    uidvalidity: int,
    uids: Collection[int] | None = None,
) -> dict[int, str]:
    """UID -> flags of the stored locations of a folder incarnation.

    Args:
        uids: only these UIDs (an incremental sync asks about what changed,
            not about the whole folder); None: every location.
    """
    sql = "SELECT uid, flags FROM message_location WHERE folder_id = ? AND uidvalidity = ?"
    if uids is None:
        rows = conn.execute(sql, (folder_id, uidvalidity)).fetchall()
        return {int(uid): flags for uid, flags in rows}
    wanted = sorted(uids)
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for uid, flags in conn.execute(
            f"{sql} AND uid IN ({marks})", (folder_id, uidvalidity, *chunk)
        ):
            found[int(uid)] = flags
    return found


def local_count(conn: sqlite3.Connection, folder_id: int, uidvalidity: int) -> int:
    """How many locations a folder incarnation has.

    Read from `folder_count`, which triggers keep in step with
    `message_location` (migration ``m007_speed``): O(1), not a count of
    every location.
    """
    row = conn.execute(
        "SELECT messages FROM folder_count WHERE folder_id = ? AND uidvalidity = ?",
        (folder_id, uidvalidity),
    ).fetchone()
    return int(row[0]) if row else 0


def put_locations(
    conn: sqlite3.Connection,
    rows: Iterable[tuple[int, int, int, int, str, int | None]],
) -> None:
    """Upsert (message id, folder id, uidvalidity, uid, flags, modseq) rows."""
    conn.executemany(
        "INSERT INTO message_location (message_id, folder_id, uidvalidity, uid, flags,"
        " modseq) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (folder_id, uidvalidity, uid)"
        " DO UPDATE SET message_id = excluded.message_id, flags = excluded.flags,"
        " modseq = excluded.modseq",
        rows,
    )


def drop_locations(
    conn: sqlite3.Connection, folder_id: int, uidvalidity: int, uids: Iterable[int]
) -> int:
    """Forget expunged UIDs (the messages and their threads stay); count them."""
    # rowcount, not total_changes: the `folder_count` trigger's rows are not counted.
    cursor = conn.executemany(
        "DELETE FROM message_location WHERE folder_id = ? AND uidvalidity = ? AND uid = ?",
        ((folder_id, uidvalidity, uid) for uid in uids),
    )
    return max(cursor.rowcount, 0)


def drop_other_incarnations(
    conn: sqlite3.Connection, folder_id: int, uidvalidity: int
) -> int:
    """Forget the locations of a folder's earlier UIDVALIDITY; count them."""
    cursor = conn.execute(
        "DELETE FROM message_location WHERE folder_id = ? AND uidvalidity != ?",
        (folder_id, uidvalidity),
    )
    return cursor.rowcount


def update_flags(
    conn: sqlite3.Connection,
    folder_id: int,
    uidvalidity: int,
    changes: Iterable[tuple[int, str, int | None]],
) -> int:
    """Apply (uid, flags, modseq) where the flags differ; count the changes."""
    before = conn.total_changes
    conn.executemany(
        "UPDATE message_location SET flags = ?, modseq = COALESCE(?, modseq)"
        " WHERE folder_id = ? AND uidvalidity = ? AND uid = ? AND flags != ?",
        (
            (flags, modseq, folder_id, uidvalidity, uid, flags)
            for uid, flags, modseq in changes
        ),
    )
    return conn.total_changes - before


def set_account_state(
    conn: sqlite3.Connection, account_id: int, *, error: str | None, now: float
) -> None:
    """Record a sync outcome; an event when the state or the error changes.

    ``account.error`` carries the human-readable error (never a password),
    ``account.ok`` marks the recovery (or the first good sync).
    """
    row = conn.execute(
        "SELECT name, state, last_error FROM account WHERE id = ?", (account_id,)
    ).fetchone()
    name, state, last_error = row["name"], row["state"], row["last_error"]
    if error is None:
        conn.execute(
            "UPDATE account SET state = 'ok', last_sync_at = ? WHERE id = ?",
            (now, account_id),
        )
        if state != "ok":
            events.append(conn, "account.ok", at=now, data={"account": name})
        return
    conn.execute(
        "UPDATE account SET state = 'error', last_error = ?, last_error_at = ?"
        " WHERE id = ?",
        (error, now, account_id),
    )
    if state != "error" or last_error != error:
        events.append(
            conn, "account.error", at=now, data={"account": name, "error": error}
        )
