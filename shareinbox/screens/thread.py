"""One thread: the conversation, its state, its attachments and order numbers.

The screen tells the daemon that I am looking at the thread (presence) and
reloads itself when an event for this thread arrives.
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import containers
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import Footer, Static

from shareinbox.bindings import translate_bindings
from shareinbox.errors import ShareinboxError
from shareinbox.i18n import N_, _
from shareinbox.screens.actions import THREAD_BINDINGS, ThreadActions
from shareinbox.screens.dialogs import ChoiceDialog
from shareinbox.screens.save import PathDialog, save_bytes
from shareinbox.text import one_line
from shareinbox.widgets.banner import ConnectionBanner
from shareinbox.widgets.cells import full_time, status_label
from shareinbox.widgets.conversation import Conversation, attachments_of, human_size
from shareinbox.widgets.order_panel import OrderPanel
from shareinbox.widgets.rows import LOCK, VIEWERS

log = logging.getLogger(__name__)

SETTLE = 0.15


class ThreadScreen(ThreadActions):
    """A thread in full."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", N_("Back"), id="thread.back", show=False),
        Binding("j,down", "scroll(1)", N_("Down"), show=False, id="thread.down"),
        Binding("k,up", "scroll(-1)", N_("Up"), show=False, id="thread.up"),
        Binding("d", "save_attachment", N_("Save attachment"), id="thread.save"),
        *THREAD_BINDINGS,
    ]

    def __init__(self, thread_id: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.thread_id = thread_id
        self.detail: dict[str, Any] | None = None
        self._stale = False
        self._loading = False  # a load is under way
        self._again = False  # and another is wanted after it

    def compose(self) -> ComposeResult:
        """Banner, header, conversation, footer."""
        yield ConnectionBanner()
        yield Static(_("Loading…"), id="thread-header", markup=False)
        with containers.Horizontal(id="thread-body"):
            yield VerticalScroll(id="conversation")
            yield OrderPanel(self.thread_id, self.inbox_app.request, id="orders")
        yield Footer()

    def on_mount(self) -> None:
        """Load the thread and say I am here; keep my lock alive while I am."""
        self.request_load()
        every = max(float(self.inbox_app.config.server.lock_timeout) / 3, 2.0)
        self.set_interval(every, self._renew)

    def _renew(self) -> None:
        thread = self.current_thread()
        if thread is not None and thread.get("locked_by") == self.inbox_app.me.get(
            "login"
        ):
            self.run_worker(self.inbox_app.attempt("renew", thread_id=self.thread_id))

    def daemon_connected(self) -> None:
        """After a reconnect: load again (presence was lost with the connection)."""
        self.request_load()

    def daemon_event(self, event: dict[str, Any]) -> None:
        """Reload when something happened to this thread."""
        if event.get("thread_id") != self.thread_id and event.get("kind") != "resync":
            return
        if event.get("kind") == "presence" and self.detail is not None:
            viewers = list((event.get("data") or {}).get("viewers") or [])
            self.thread_changed({**self.detail["thread"], "viewers": viewers})
        elif not self._stale:
            self._stale = True
            self.set_timer(SETTLE, self._settle)

    def _settle(self) -> None:
        self._stale = False
        self.request_load()

    def request_load(self) -> None:
        """Load the thread again: now, or right after the load under way.

        Loads are never cancelled half-way: a load replaces the conversation's
        widgets, and a cancelled mount leaves the screen waiting forever.
        """
        if self._loading:
            self._again = True
            return
        self._loading = True
        self.run_worker(self._load_until_current(), group="load")

    async def _load_until_current(self) -> None:
        try:
            self._again = True
            while self._again:
                self._again = False
                await self.load()
        finally:
            self._loading = False

    async def load(self) -> None:
        """Read the thread from the daemon and show it."""
        try:
            await self._load()
        except NoMatches:  # the screen closed while the daemon answered
            log.debug("thread screen gone before its load finished")

    async def _load(self) -> None:
        app = self.inbox_app
        try:
            detail = await app.request("show_thread", thread_id=self.thread_id)
            await app.request("set_presence", thread_id=self.thread_id)
        except ShareinboxError as e:
            self.notify(one_line(e.message), severity="error", markup=False)
            return
        self.detail = detail
        self.thread_changed(detail["thread"])
        self.query_one(OrderPanel).follow(list(detail.get("orders") or []))
        scroll = self.query_one("#conversation", VerticalScroll)
        keep = scroll.scroll_y
        await scroll.remove_children()
        await scroll.mount(Conversation(detail, app.config.shop.tz))
        scroll.scroll_to(y=keep, animate=False)
        scroll.focus()

    def thread_changed(self, thread: dict[str, Any]) -> None:
        """Redraw the header from `thread`."""
        if self.detail is not None:
            self.detail["thread"] = thread
        self.query_one("#thread-header", Static).update(self._header(thread))

    def _header(self, t: dict[str, Any]) -> Text:
        tz = self.inbox_app.config.shop.tz
        me = self.inbox_app.me.get("login")
        subject = one_line(str(t.get("subject") or _("(no subject)")))
        customer = one_line(str(t.get("customer_name") or ""))
        address = one_line(str(t.get("customer") or ""))
        text = Text.assemble((f"#{t['id']} ", "dim"), (subject, "bold"), "\n")
        text.append(f"[{status_label(str(t['status']))}] ", "bold")
        if t.get("status") == "waiting" and t.get("waiting_reason"):
            until = full_time(t.get("waiting_until_ts"), tz)
            text.append(
                f"({_(one_line(str(t['waiting_reason'])))} {until}) ".replace(" )", ")")
            )
        text.append(
            _("Assignee: {name}").format(
                name=one_line(str(t.get("assignee_name") or "-"))
            )
        )
        if t.get("locked_by"):
            text.append(
                f"  {LOCK}{one_line(str(t.get('locked_by_name') or t['locked_by']))}",
                "bold",
            )
        viewers = [v for v in t.get("viewers") or [] if v != me]
        if viewers:
            text.append(f"  {VIEWERS}{one_line(', '.join(viewers))}")
        text.append(
            f"\n{customer} <{address}>  @{one_line(str(t.get('account') or ''))}"
        )
        orders = (self.detail or {}).get("orders") or []
        if orders:
            text.append(
                "  "
                + _("Orders: {numbers}").format(numbers=one_line(", ".join(orders)))
            )
        return text

    def current_thread(self) -> dict[str, Any] | None:
        """This thread."""
        return self.detail["thread"] if self.detail else None

    def notes_changed(self) -> None:
        """Show the new note or memo."""
        self.request_load()

    def action_back(self) -> None:
        """Back to the list; I no longer look at this thread."""
        self.run_worker(self.inbox_app.attempt("set_presence", thread_id=None))
        self.dismiss()

    def action_scroll(self, lines: int) -> None:
        """Scroll the conversation."""
        scroll = self.query_one("#conversation", VerticalScroll)
        scroll.scroll_relative(y=lines, animate=False)

    def action_save_attachment(self) -> None:
        """Choose an attachment and a directory; save it under a safe name."""
        found = attachments_of((self.detail or {}).get("messages") or [])
        if not found:
            self.notify(_("This thread has no attachments"), markup=False)
            return
        choices = [(f"{mid}:{index}", f"[{n}] {name} ({human_size(size)})")
                   for n, (mid, index, name, size) in enumerate(found, 1)]  # fmt: skip

        def chosen(value: str | None) -> None:
            if value is None:
                return
            mid, index = (int(part) for part in value.split(":"))
            self.app.push_screen(PathDialog(_("Save to directory")),
                                 lambda d: self._save(mid, index, d))  # fmt: skip

        self.app.push_screen(ChoiceDialog(_("Save which attachment?"), choices), chosen)

    def _save(self, message_id: int, index: int, directory: str | None) -> None:
        if directory is not None:
            self.run_worker(
                self._download(message_id, index, Path(directory).expanduser())
            )

    async def _download(self, message_id: int, index: int, directory: Path) -> None:
        result = await self.inbox_app.attempt(
            "get_attachment", message_id=message_id, index=index
        )
        if result is None:
            return
        try:
            path = save_bytes(directory, str(result["filename"]),
                              base64.b64decode(result["data_b64"]))  # fmt: skip
        except OSError as e:
            self.notify(
                one_line(f"{directory}: {e.strerror or e}"),
                severity="error",
                markup=False,
            )
            return
        self.notify(_("Saved {path}").format(path=one_line(str(path))), markup=False)
