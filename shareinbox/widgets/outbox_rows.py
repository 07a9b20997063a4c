"""How outbox entries look: one line in a list, and the full entry; and the
base of the screens that list them (they follow the daemon's events).

Everything from mail or staff (subjects, names, addresses, comments,
errors, filenames, the body) goes through the one sanitiser and is built
into Rich `Text`, never markup.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text

from shareinbox.drafting import format_parties
from shareinbox.i18n import N_, _
from shareinbox.screens.base import AppScreen
from shareinbox.text import clean, one_line
from shareinbox.widgets.cells import fit
from shareinbox.widgets.conversation import filename_label, human_size

if TYPE_CHECKING:
    pass

SETTLE = 0.15  # seconds to gather a burst of events into one reload
OUTBOX_EVENTS = ("outbox.state", "approval.requested", "approval.decided", "resync")

STATE_NAMES = {
    "draft": N_("Draft"),
    "awaiting_approval": N_("Awaiting approval"),
    "queued": N_("Queued"),
    "sending": N_("Sending"),
    "sent": N_("Sent"),
    "failed": N_("Failed"),
}
STATE_SHORT = {**STATE_NAMES, "awaiting_approval": N_("In approval")}
STATE_STYLE = {
    "draft": "", "awaiting_approval": "bold yellow", "queued": "cyan",
    "sending": "cyan", "sent": "green", "failed": "bold red",
}  # fmt: skip


def state_label(state: str) -> str:
    """An outbox state in the UI language."""
    return _(STATE_NAMES[state]) if state in STATE_NAMES else one_line(state)


def short_time(iso: str | None) -> str:
    """``01-01 11:00`` from an ISO 8601 time (the shop's zone)."""
    return iso[5:16].replace("T", " ") if iso else ""


def entry_row(
    entry: dict[str, Any],
    width: int,
    *,
    with_author: bool = False,
    with_state: bool = True,
) -> Text:
    """One line of `width` cells: state, id, thread, (author,) subject,
    first recipient, last change."""
    state = str(entry.get("state") or "")
    text = Text()
    if with_state:
        short = _(STATE_SHORT[state]) if state in STATE_SHORT else state_label(state)
        text.append(fit(short, 10) + " ", STATE_STYLE.get(state, ""))
    text.append(f"#{entry.get('id')} ⌂{entry.get('thread_id')} ", "dim")
    if with_author:
        text.append(
            fit(str(entry.get("author_name") or entry.get("author") or ""), 10) + " "
        )
    to = entry.get("to") or []
    first = one_line(str(to[0].get("addr") or "")) if to else ""
    tail = Text(f" {fit(first, 18)} {short_time(entry.get('updated_at'))}", "dim")
    if entry.get("review_comment") and state == "draft":
        tail.append(" ✎", "bold yellow")
    room = max(8, width - text.cell_len - tail.cell_len)
    text.append(fit(str(entry.get("subject") or ""), room))
    text.append_text(tail)
    return text


def entry_detail(entry: dict[str, Any]) -> Text:
    """The whole entry: state and why, recipients, subject, files, the text."""
    state = str(entry.get("state") or "")
    text = Text(state_label(state), STATE_STYLE.get(state, "bold") or "bold")
    text.append(
        f"  #{entry.get('id')}  " + _("thread {id}").format(id=entry.get("thread_id")),
        "dim",
    )
    author = one_line(str(entry.get("author_name") or entry.get("author") or ""))
    text.append("  " + _("by {name}").format(name=author) + "\n", "dim")
    comment = one_line(str(entry.get("review_comment") or ""))
    if comment and state == "draft":
        text.append(_("Sent back: ") + comment + "\n", "bold yellow")
    if state == "failed" and entry.get("last_error"):
        text.append(
            _("Failed: ") + one_line(str(entry["last_error"])) + "\n", "bold red"
        )
    elif entry.get("last_error"):
        text.append(
            _("Last attempt: ") + one_line(str(entry["last_error"])) + "\n", "yellow"
        )
    for label, key in ((_("To"), "to"), (_("Cc"), "cc")):
        parties = list(entry.get(key) or [])
        if parties or key == "to":
            text.append(f"{label}: ", "bold")
            text.append(format_parties(parties) + "\n")
    text.append(_("Subject") + ": ", "bold")
    text.append(one_line(str(entry.get("subject") or "")) + "\n")
    files = [f"📎 {filename_label(str(f.get('filename') or ''))} ({human_size(int(f.get('size') or 0))})"
             for f in entry.get("attachments") or []]  # fmt: skip
    if files:
        text.append("  ".join(files) + "\n")
    if "body" in entry:
        text.append("\n" + clean(str(entry.get("body") or ""), tabsize=4).rstrip())
    return text


class OutboxListScreen(AppScreen[None]):
    """A screen listing outbox entries: it loads them (`load`) when mounted
    and after a reconnect, and again once a burst of outbox events settles."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[dict[str, Any]] = []  # as listed
        self._stale = False

    # Each screen reads its entries from the daemon and shows them.
    load: Callable[[], Awaitable[None]]

    def reload(self) -> None:
        """Load again (the newest request wins)."""
        self.run_worker(self.load(), exclusive=True, group="load")

    def daemon_connected(self) -> None:
        """After a reconnect: load again."""
        self.reload()

    def daemon_event(self, event: dict[str, Any]) -> None:
        """Reload (soon) when a reply changed state."""
        if event.get("kind") in OUTBOX_EVENTS and not self._stale:
            self._stale = True
            self.set_timer(SETTLE, self._settle)

    def _settle(self) -> None:
        self._stale = False
        self.reload()
