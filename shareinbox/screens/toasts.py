"""Toasts for pushed events that concern me: new mail in my views, a thread
assigned to me, approvals, a held thread that is back (its time came or the
customer wrote) and a first reply soon due (``sla.due_soon``; mine, or
nobody's). All text shown is sanitised and never markup."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from shareinbox.errors import ShareinboxError
from shareinbox.i18n import _
from shareinbox.text import one_line

if TYPE_CHECKING:
    from shareinbox.app import ShareinboxApp

MY_VIEWS = ("mine", "unassigned")
MAIL_TOASTS = 4  # at most this many new-mail toasts ...
MAIL_WINDOW = 30.0  # ... in this many seconds: a burst (a first sync) stays quiet


async def _in_my_views(app: ShareinboxApp, thread_id: int) -> bool:
    for view in MY_VIEWS:
        try:
            found = await app.request("thread_position", thread_id=thread_id, view=view)
        except ShareinboxError:
            return False
        if found.get("position") is not None:
            return True
    return False


def _mail_slot(app: ShareinboxApp) -> bool:
    """Reserve one of the new-mail toasts of the current window."""
    now = time.monotonic()
    times = app.mail_toasts
    while times and times[0] < now - MAIL_WINDOW:
        times.popleft()
    if len(times) >= MAIL_TOASTS:
        return False
    times.append(now)
    return True


def _toast(
    app: ShareinboxApp, message: str, title: str, severity: str = "information"
) -> None:
    app.notify(one_line(message), title=one_line(title), severity=severity,  # type: ignore[arg-type]
               markup=False)  # fmt: skip


def _timer_toast(app: ShareinboxApp, event: dict[str, Any]) -> bool:
    """Toast a hold that ended or a deadline that is near; True if shown."""
    kind, data = event.get("kind"), event.get("data") or {}
    me, thread_id = app.me.get("login"), event.get("thread_id")
    if kind == "sla.due_soon" and data.get("toast") in (me, None):
        due = str(data.get("due") or "")[11:16]
        _toast(app, _("Thread {id}: first reply due at {time}").format(
            id=thread_id, time=due), _("Reply soon"), "warning")  # fmt: skip
        return True
    if kind == "thread.status" and data.get("toast") == me and me:
        if (
            data.get("previous") == "waiting"
            and data.get("reason") != "customer replied"
        ):
            text = _("Thread {id} is back from waiting: its time has come")
        else:
            text = _("Thread {id} is new again: the customer wrote")
        _toast(app, text.format(id=thread_id), _("Back from waiting"), "warning")
        return True
    return False


async def announce(app: ShareinboxApp, event: dict[str, Any]) -> None:
    """Show a toast for `event` if it concerns the person at this terminal."""
    if _timer_toast(app, event):
        return
    kind, data = event.get("kind"), event.get("data") or {}
    me = app.me.get("login")
    actor = event.get("actor")
    thread_id = event.get("thread_id")
    if kind == "message.new" and data.get("direction") == "in" and thread_id:
        if data.get("notify") is False:  # a rule or first-sync history: quiet
            return
        if not _mail_slot(app):
            return
        if await _in_my_views(app, int(thread_id)):
            sender = str(data.get("from") or "")
            _toast(app, f"{sender}: {data.get('subject') or ''}", _("New mail"))
    elif kind == "thread.assigned" and data.get("assignee") == me and actor != me:
        _toast(app, _("Thread {id} was assigned to you").format(id=thread_id),
               _("Assigned"))  # fmt: skip
    elif kind == "approval.requested" and app.me.get("role") in ("supervisor", "admin"):
        _toast(app, _("A reply waits for approval (thread {id})").format(id=thread_id),
               _("Approval"), "warning")  # fmt: skip
    elif kind == "approval.decided" and me in (
        data.get("author"),
        data.get("requested_by"),
    ):
        decision = str(data.get("decision") or data.get("state") or "")
        _toast(app, _("Your reply on thread {id}: {decision}").format(
            id=thread_id, decision=decision), _("Approval"))  # fmt: skip
    elif kind == "account.error":
        _toast(app, str(data.get("error") or ""), _("Account {name}").format(
            name=data.get("account") or ""), "error")  # fmt: skip
