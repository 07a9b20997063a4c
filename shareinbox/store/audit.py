"""The audit trail: an append-only table where each row hashes the one before.

Each row's `hash` is SHA-256 over its own fields and the previous row's hash,
so editing or deleting any row breaks the chain from there on, and the chain
head kept in `meta` reveals rows cut off the end. `verify()` walks the chain.
Triggers refuse UPDATE and DELETE; the hashes catch anyone who drops them.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def _digest(row: dict[str, Any]) -> str:
    fields = [
        row["id"],
        repr(float(row["at"])),
        row["actor"],
        row["action"],
        row["target"],
        row["thread_id"],
        row["detail"],
        row["prev_hash"],
    ]
    blob = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def append(
    conn: sqlite3.Connection,
    *,
    at: float,
    actor: str,
    action: str,
    target: str = "",
    thread_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> int:
    """Append one audit row inside the caller's write transaction; return its id."""
    last = conn.execute(
        "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1"
    ).fetchone()
    row = {
        "id": (int(last["id"]) + 1) if last else 1,
        "at": at,
        "actor": actor,
        "action": action,
        "target": target,
        "thread_id": thread_id,
        "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
        "prev_hash": last["hash"] if last else GENESIS,
    }
    row["hash"] = _digest(row)
    row_id = int(str(row["id"]))
    conn.execute(
        "INSERT INTO audit (id, at, actor, action, target, thread_id, detail,"
        " prev_hash, hash) VALUES (:id, :at, :actor, :action, :target,"
        " :thread_id, :detail, :prev_hash, :hash)",
        row,
    )
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('audit_head', ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (f"{row['id']}:{row['hash']}",),
    )
    return row_id


@dataclass(frozen=True)
class AuditProblem:
    """One break in the chain."""

    row_id: int
    problem: str


def verify(conn: sqlite3.Connection) -> tuple[int, list[AuditProblem]]:
    """Check the whole chain; return (rows checked, problems found)."""
    problems: list[AuditProblem] = []
    prev_hash, expected_id, count = GENESIS, 1, 0
    for row in conn.execute("SELECT * FROM audit ORDER BY id"):
        record = dict(row)
        count += 1
        if record["id"] != expected_id:
            problems.append(
                AuditProblem(
                    record["id"], f"rows {expected_id}..{record['id'] - 1} are missing"
                )
            )
        if record["prev_hash"] != prev_hash:
            problems.append(
                AuditProblem(record["id"], "does not follow the previous row")
            )
        if _digest(record) != record["hash"]:
            problems.append(
                AuditProblem(record["id"], "was changed after it was written")
            )
        prev_hash, expected_id = record["hash"], record["id"] + 1
    head = conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    if head is not None:
        head_id, _, head_hash = str(head["value"]).partition(":")
        if int(head_id) != expected_id - 1 or head_hash != prev_hash:
            problems.append(
                AuditProblem(int(head_id), "the last rows of the trail were removed")
            )
    elif count:
        problems.append(AuditProblem(0, "the chain head record is missing"))
    return count, problems
