"""Spam from the keyboard: mark a thread spam (asking whether to block its
sender too) and restore it (asking whether to unblock the sender).

`SpamActions` is a base of the thread-acting screens (the inbox and the
thread screen); the daemon's ``mark_spam`` and ``restore_spam`` do the
work, so spam leaves the working views and the metrics there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from shareinbox.errors import ShareinboxError
from shareinbox.i18n import N_, _
from shareinbox.screens.base import AppScreen
from shareinbox.screens.dialogs import ChoiceDialog
from shareinbox.text import one_line

if TYPE_CHECKING:
    pass

SPAM_BINDINGS = [
    Binding(
        "exclamation_mark",
        "mark_spam",
        N_("Mark as spam"),
        id="thread.spam",
        show=False,
    ),
    Binding("U", "restore_spam", N_("Not spam"), id="thread.unspam", show=False),
]


class SpamActions(AppScreen[Any]):
    """Spam actions on the screen's current thread."""

    # The screen that mixes these actions in says which thread they apply to.
    current_thread: Callable[[], dict[str, Any] | None]

    def thread_changed(self, thread: dict[str, Any]) -> None:
        """Show the thread as it is now (the daemon's answer)."""

    def _thread_or_warn(self) -> dict[str, Any] | None:
        thread = self.current_thread()
        if thread is None:
            self.notify(_("No thread selected"), severity="warning", markup=False)
        return thread

    def action_mark_spam(self) -> None:
        """Move the thread to spam; ask whether to block its sender as well."""
        thread = self._thread_or_warn()
        if thread is None:
            return
        if thread.get("status") == "spam":
            self.notify(_("This thread is already spam"), markup=False)
            return
        sender = one_line(str(thread.get("customer") or ""))
        choices = [("spam", _("Spam only"))]
        if sender:
            choices.append(
                ("block", _("Spam, and block {sender}").format(sender=sender))
            )

        def chosen(value: str | None) -> None:
            if value is not None:
                self.run_worker(self._spam(int(thread["id"]), value == "block"))

        self.app.push_screen(ChoiceDialog(_("Mark as spam"), choices), chosen)

    async def _spam(self, thread_id: int, block: bool) -> None:
        result = await self.inbox_app.attempt(
            "mark_spam", thread_id=thread_id, block_sender=block
        )
        if result is None:
            return
        self.thread_changed(result)
        done = (
            _("Thread {id} is spam")
            if not block
            else _("Thread {id} is spam; its sender is blocked")
        )
        self.notify(done.format(id=thread_id), markup=False)

    def action_restore_spam(self) -> None:
        """Take the thread out of spam (it becomes new); offer to unblock."""
        thread = self._thread_or_warn()
        if thread is None:
            return
        if thread.get("status") != "spam":
            self.notify(_("This thread is not spam"), severity="warning", markup=False)
            return
        self.run_worker(self._ask_restore(thread))

    async def _ask_restore(self, thread: dict[str, Any]) -> None:
        sender = str(thread.get("customer") or "").lower()
        try:
            listed = await self.inbox_app.request("list_blocklist")
        except ShareinboxError:
            listed = {"blocked": []}
        blocked = any(e.get("pattern") == sender for e in listed.get("blocked", []))
        choices = [("restore", _("Not spam"))]
        if blocked:
            choices.append(
                ("unblock", _("Not spam, and unblock {sender}").format(
                    sender=one_line(sender)))
            )  # fmt: skip

        def chosen(value: str | None) -> None:
            if value is not None:
                self.run_worker(self._restore(int(thread["id"]), value == "unblock"))

        self.app.push_screen(ChoiceDialog(_("Restore from spam"), choices), chosen)

    async def _restore(self, thread_id: int, unblock: bool) -> None:
        result = await self.inbox_app.attempt(
            "restore_spam", thread_id=thread_id, unblock=unblock
        )
        if result is not None:
            self.thread_changed(result)
            self.notify(_("Thread {id} is back in new").format(id=thread_id),
                        markup=False)  # fmt: skip
