"""The caller and the daemon: who am I, what am I looking at, account health."""

from __future__ import annotations

from typing import Any

from shareinbox.service.core import Context, operation
from shareinbox.service.views import iso


@operation("whoami")
def whoami(ctx: Context) -> dict[str, Any]:
    """The staff member this connection acts as."""
    return {
        "login": ctx.actor.login,
        "name": ctx.actor.name,
        "role": ctx.actor.role,
        "needs_approval": ctx.actor.needs_approval,
    }


@operation("set_presence")
def set_presence(ctx: Context, thread_id: int | None = None) -> dict[str, Any]:
    """Say which thread this connection shows (None: none); everyone is told."""
    changed = ctx.presence.set(ctx.connection_id, ctx.actor.login, thread_id)
    for changed_id in changed:
        ctx.passing.append(presence_event(ctx, changed_id))
    return {
        "thread_id": thread_id,
        "viewers": ctx.presence.viewers(thread_id) if thread_id else [],
    }


def presence_event(ctx: Context, thread_id: int) -> dict[str, Any]:
    """The passing event telling clients who looks at a thread now."""
    return {
        "type": "event",
        "seq": None,
        "kind": "presence",
        "thread_id": thread_id,
        "actor": ctx.actor.login,
        "at": ctx.now(),
        "data": {"thread_id": thread_id, "viewers": ctx.presence.viewers(thread_id)},
    }


@operation("account_status")
def account_status(ctx: Context) -> dict[str, Any]:
    """Each configured account with its sync state and last error."""
    tz = ctx.config.shop.tz
    with ctx.store.read() as conn:
        rows = {r["name"]: r for r in conn.execute("SELECT * FROM account")}
    accounts = []
    for account in ctx.config.accounts:
        row = rows.get(account.name)
        accounts.append(
            {
                "name": account.name,
                "address": account.address,
                "state": row["state"] if row else "unknown",
                "last_error": row["last_error"] if row else None,
                "last_error_at": iso(row["last_error_at"], tz) if row else None,
                "last_sync_at": iso(row["last_sync_at"], tz) if row else None,
                "last_sync_ts": row["last_sync_at"] if row else None,
            }
        )
    return {"accounts": accounts}
