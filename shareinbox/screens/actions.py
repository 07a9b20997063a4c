"""What can be done to a thread, from the inbox (the highlighted thread) and
from the thread screen: claim, release, assign, status, note, memo, reply,
the customer's history. Each action calls the daemon and shows its error
as a toast; the screen then shows the thread as the daemon returned it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.binding import Binding
from textual.message import Message

from shareinbox.i18n import N_, _
from shareinbox.screens.dialogs import (
    ChoiceDialog,
    MemoDialog,
    TextDialog,
    WaitingDialog,
)
from shareinbox.screens.spam import SPAM_BINDINGS, SpamActions
from shareinbox.text import one_line
from shareinbox.widgets.cells import status_label

if TYPE_CHECKING:
    pass

THREAD_BINDINGS = [
    Binding("c", "claim", N_("Claim"), id="thread.claim"),
    Binding("u", "release", N_("Release"), id="thread.release", show=False),
    Binding("a", "assign", N_("Assign"), id="thread.assign", show=False),
    Binding("s", "status", N_("Status"), id="thread.status"),
    Binding("r", "reply", N_("Reply"), id="thread.reply"),
    Binding("n", "note", N_("Note"), id="thread.note"),
    Binding("m", "memo", N_("Memo"), id="thread.memo", show=False),
    Binding("h", "history", N_("History"), id="thread.history", show=False),
    *SPAM_BINDINGS,
]
STATUSES = ("new", "open", "waiting", "done", "spam")


class ThreadActions(SpamActions):
    """A screen acting on one thread; subclasses say which and show changes."""

    def thread_changed(self, thread: dict[str, Any]) -> None:
        """Show the thread as it is now (the daemon's answer)."""

    def _target_id(self) -> int | None:
        thread = self.current_thread()
        if thread is None:
            self.notify(_("No thread selected"), severity="warning", markup=False)
            return None
        return int(thread["id"])

    async def _do(self, op: str, done: str, **args: Any) -> dict[str, Any] | None:
        thread_id = self._target_id()
        if thread_id is None:
            return None
        key = "thread_id"
        result = await self.inbox_app.attempt(op, **{key: thread_id}, **args)
        if isinstance(result, dict) and "status" in result:
            self.thread_changed(result)
        if result is not None:
            self.notify(done.format(id=thread_id), markup=False)
        return cast("dict[str, Any] | None", result)

    async def action_claim(self) -> None:
        """Take the reply lock."""
        await self._do("claim", _("Claimed thread {id}"))

    async def action_release(self) -> None:
        """Give the reply lock back."""
        await self._do("release", _("Released thread {id}"))

    def action_assign(self) -> None:
        """Choose who owns the thread."""
        thread = self.current_thread()
        if thread is None:
            self._target_id()
            return
        me = self.inbox_app.me.get("login", "")
        choices = [
            (me, _("Me ({name})").format(name=self.inbox_app.me.get("name", me)))
        ]
        choices += [(s.login, f"{s.name} ({s.login})") for s in self.inbox_app.config.staff
                    if s.login not in (me, "root")]  # fmt: skip
        choices.append(("", _("Nobody")))

        def chosen(login: str | None) -> None:
            if login is not None:
                self.run_worker(self._do("assign", _("Assigned thread {id}"),
                                         login=login or None))  # fmt: skip

        self.app.push_screen(
            ChoiceDialog(_("Assign to"), choices, thread.get("assignee") or me), chosen
        )

    def action_status(self) -> None:
        """Choose a status (waiting asks why and until when)."""
        thread = self.current_thread()
        if thread is None:
            self._target_id()
            return
        choices = [(s, status_label(s)) for s in STATUSES]

        def chosen(status: str | None) -> None:
            if status == "spam" and thread["status"] != "spam":
                self.action_mark_spam()  # asks whether to block the sender
            elif status == "waiting":
                app = self.inbox_app
                self.app.push_screen(
                    WaitingDialog(
                        app.config.waiting_reasons, app.now(), app.config.shop.tz
                    ),
                    waited,
                )
            elif status is not None:
                self.run_worker(
                    self._do("set_status", _("Status changed"), status=status)
                )

        def waited(answer: tuple[str, float | None] | None) -> None:
            if answer is not None:
                reason, until = answer
                self.run_worker(self._do("set_status", _("Status changed"),
                                         status="waiting", reason=reason, until=until))  # fmt: skip

        self.app.push_screen(
            ChoiceDialog(_("Status"), choices, thread["status"]), chosen
        )

    def action_note(self) -> None:
        """Write an internal note."""
        if self._target_id() is None:
            return

        def written(text: str | None) -> None:
            if text:
                self.run_worker(self._noted("add_note", text=text))

        self.app.push_screen(TextDialog(_("Internal note")), written)

    def action_memo(self) -> None:
        """Record a phone call."""
        if self._target_id() is None:
            return

        def written(memo: dict[str, str] | None) -> None:
            if memo:
                self.run_worker(self._noted("add_memo", **memo))

        self.app.push_screen(MemoDialog(_("Phone memo")), written)

    async def _noted(self, op: str, **args: Any) -> None:
        if await self._do(op, _("Saved"), **args) is not None:
            self.notes_changed()

    def notes_changed(self) -> None:
        """A note or memo was added (the thread screen reloads)."""

    class ReplyRequested(Message):
        """`r` was pressed on a thread (posted to the app, for extensions)."""

        def __init__(self, thread: dict[str, Any]) -> None:
            super().__init__()
            self.thread = thread

    def action_reply(self) -> None:
        """Open the reply screen (if this build has one)."""
        thread = self.current_thread()
        if thread is None:
            self._target_id()
            return
        self.app.post_message(self.ReplyRequested(thread))
        factory = self.inbox_app.reply_screen
        if factory is None:
            self.notify(_("Replying is not available here: use `shareinbox reply {id}`")
                        .format(id=thread["id"]), severity="warning", markup=False)  # fmt: skip
            return
        self.app.push_screen(factory(self.inbox_app, thread))

    def action_history(self) -> None:
        """The customer's history across threads and addresses."""
        from shareinbox.screens.history import HistoryScreen

        thread = self.current_thread()
        if thread is None:
            self._target_id()
            return
        name = one_line(
            str(thread.get("customer_name") or thread.get("customer") or "")
        )
        self.app.push_screen(HistoryScreen(thread.get("customer_id"), name))
