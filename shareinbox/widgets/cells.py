"""Columns of terminal cells: fitting untrusted text, times and deadlines.

Everything shown passes through `shareinbox.text.one_line` (the one
sanitiser) first; `fit` then pads or cuts it to an exact number of cells,
on character boundaries, so double-width Japanese stays aligned.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rich.cells import split_graphemes

from shareinbox.i18n import _, pgettext
from shareinbox.text import one_line

ELLIPSIS = "…"


def fit(text: str, width: int) -> str:
    """`text` (sanitised) as exactly `width` cells: padded, or cut with an ellipsis.

    The cut falls between graphemes (as Rich measures them), so a combining
    mark or an emoji sequence is never split from its base character.
    """
    text = one_line(text)
    if width <= 0:
        return ""
    spans, total = split_graphemes(text)
    if total <= width:
        return text + " " * (width - total)
    used = end = 0
    for _start, stop, cells in spans:
        if used + cells > width - 1:
            break
        used, end = used + cells, stop
    return text[:end] + ELLIPSIS + " " * (width - 1 - used)


STATUS_NAMES = {"new": "New", "open": "Open", "waiting": "Waiting", "done": "Done",
                "spam": "Spam"}  # fmt: skip
STATUS_SHORT = {"new": "new", "open": "open", "waiting": "wait", "done": "done",
                "spam": "spam"}  # fmt: skip


def status_label(status: str, *, short: bool = False) -> str:
    """The UI name of a thread status (short: for the list's column)."""
    if short:
        return pgettext("status-short", STATUS_SHORT.get(status, status))
    return pgettext("status", STATUS_NAMES.get(status, status))


def _local(ts: float | None, tz: ZoneInfo) -> datetime | None:
    """`ts` in `tz`; None for none, or for a stored time datetime cannot hold."""
    if ts is None:
        return None
    try:
        return datetime.fromtimestamp(ts, tz)
    except (OverflowError, ValueError, OSError):
        return None


def received(ts: float | None, now: float, tz: ZoneInfo) -> str:
    """A 5-cell time: HH:MM today, MM/DD within the last 300 days, else YYYY."""
    when = _local(ts, tz)
    if when is None:
        return ""
    today = datetime.fromtimestamp(now, tz)
    if when.date() == today.date():
        return when.strftime("%H:%M")
    if (today.date() - when.date()).days < 300:
        return when.strftime("%m/%d")
    return when.strftime("%Y")


def full_time(ts: float | None, tz: ZoneInfo) -> str:
    """A date and time for headers and the history."""
    when = _local(ts, tz)
    return when.strftime("%Y-%m-%d %H:%M") if when is not None else ""


def duration(seconds: float) -> str:
    """A short duration: 45m, 2h05, 3d (negative: with a minus sign)."""
    sign = "-" if seconds < 0 else ""
    minutes = int(abs(seconds) // 60)
    if minutes < 60:
        return f"{sign}{minutes}m"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{sign}{hours}h{rest:02d}"
    return f"{sign}{hours // 24}d"


def time_left(thread: dict[str, Any], now: float) -> tuple[str, bool]:
    """The time to the first-response deadline and whether it has passed.

    Only threads still waiting for a first answer (new, open) have one.
    """
    due = thread.get("due_ts")
    if (
        due is None
        or thread.get("first_response_at")
        or thread.get("status") not in ("new", "open")
    ):
        return "", False
    left = float(due) - now
    return duration(left), left < 0


def hold_left(thread: dict[str, Any], now: float) -> str:
    """The time left until a waiting thread comes back ("" without a time)."""
    until = thread.get("waiting_until_ts")
    if thread.get("status") != "waiting" or until is None:
        return ""
    return duration(float(until) - now)


def hold_reason(thread: dict[str, Any]) -> str:
    """Why a waiting thread waits, in the UI language ("" for other threads)."""
    reason = thread.get("waiting_reason")
    if thread.get("status") != "waiting" or not reason:
        return ""
    return _(one_line(str(reason)))


def staff_label(name: str | None, login: str | None) -> str:
    """A staff member as shown in lists: the display name, else the login."""
    return one_line(name or login or "")


def unassigned() -> str:
    """What an empty assignee shows."""
    return _("-")
