"""Reading and checking the audit trail.

Supervisors and admins read everyone's entries; an agent reads only their
own. Reading the trail is itself recorded (it shows who looked at what).
"""

from __future__ import annotations

import json
from typing import Any

from shareinbox.errors import PermissionDenied, ProtocolError
from shareinbox.service.core import Context, operation
from shareinbox.service.views import iso
from shareinbox.store import audit as audit_log
from shareinbox.store import details


@operation("audit_list")
def audit_list(
    ctx: Context,
    actor: str | None = None,
    thread_id: int | None = None,
    since: float | None = None,
    until: float | None = None,
    limit: int = 200,
) -> dict[str, Any]:
    """Audit entries matching the filters, newest first."""
    if not 1 <= limit <= 10_000:
        raise ProtocolError("limit must be between 1 and 10000")
    if not ctx.actor.at_least("supervisor"):
        if actor not in (None, ctx.actor.login):
            raise PermissionDenied(
                "agents read only their own audit entries; ask a supervisor",
                title="Not allowed",
            )
        actor = ctx.actor.login
    tz = ctx.config.shop.tz
    with ctx.store.read() as conn:
        rows = details.audit_rows(
            conn,
            actor=actor,
            thread_id=thread_id,
            since=since,
            until=until,
            limit=limit,
        )
        entries = [
            {
                "id": r["id"],
                "at": iso(r["at"], tz),
                "at_ts": r["at"],
                "actor": r["actor"],
                "action": r["action"],
                "target": r["target"],
                "thread_id": r["thread_id"],
                "detail": json.loads(r["detail"] or "{}"),
            }
            for r in rows
        ]
    filters = {"actor": actor, "thread_id": thread_id, "since": since, "until": until}
    with ctx.store.write() as conn:
        ctx.audit(conn, "audit.read", detail={k: v for k, v in filters.items() if v})
    return {"entries": entries}


@operation("audit_verify", role="supervisor")
def audit_verify(ctx: Context) -> dict[str, Any]:
    """Walk the hash chain; report every edited, removed or cut-off row."""
    with ctx.store.read() as conn:
        count, problems = audit_log.verify(conn)
    return {
        "rows": count,
        "ok": not problems,
        "problems": [{"row_id": p.row_id, "problem": p.problem} for p in problems],
    }
