"""The inbox: views with live counts on the left, the thread list on the right.

Pushed events mark the screen stale; a short timer then reloads the counts
and the list, keeping the highlighted thread where it went. Presence only
redraws the row it concerns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.widgets import Footer, Input, Static

from shareinbox.bindings import translate_bindings
from shareinbox.errors import ShareinboxError
from shareinbox.i18n import N_, _
from shareinbox.screens.actions import THREAD_BINDINGS, ThreadActions
from shareinbox.text import one_line
from shareinbox.widgets.banner import ConnectionBanner
from shareinbox.widgets.rows import RowRenderer
from shareinbox.widgets.sidebar import ViewSidebar, view_label
from shareinbox.widgets.status_bar import StatusBar
from shareinbox.widgets.thread_list import ThreadList

log = logging.getLogger(__name__)

SETTLE = 0.15  # seconds to gather a burst of events into one reload
TICK = 30.0  # redraw the deadlines this often


class InboxScreen(ThreadActions):
    """Views and threads."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", N_("Search"), id="inbox.search"),
        Binding(
            "escape",
            "clear_search",
            N_("Back to view"),
            id="inbox.clear_search",
            show=False,
        ),
        Binding("v", "focus_views", N_("Views"), id="inbox.views", show=False),
        Binding("l", "focus_list", N_("List"), id="inbox.list", show=False),
        *THREAD_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.view = "new"
        self.search_query: str | None = None
        self._stale = False
        self._new_view = False
        self._search_rows: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        """Banner, sidebar, list, status bar, footer."""
        app = self.inbox_app
        yield ConnectionBanner()
        with Horizontal(id="body"):
            yield ViewSidebar([a.name for a in app.config.accounts], id="views")
            with Vertical(id="main"):
                yield Input(placeholder=_("Search mail (Enter)"), id="search")
                header = Static("", id="columns", markup=False)
                yield header
                renderer = RowRenderer("", app.config.shop.tz)
                yield ThreadList(
                    now=app.now, renderer=renderer, header=header, id="threads"
                )
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        """Start on the new mail; redraw deadlines now and then."""
        self.query_one("#search").display = False
        self.query_one(ViewSidebar).select_view(self.view)
        self.query_one(ThreadList).focus()
        self.set_interval(TICK, self.query_one(ThreadList).refresh)

    # -- the daemon ---------------------------------------------------------

    def daemon_connected(self) -> None:
        """(Re)connected: load everything."""
        app = self.inbox_app
        status = self.query_one(StatusBar)
        status.me = f"{app.me.get('name', '')} ({app.me.get('login', '')})"
        self.query_one(ThreadList)._renderer.me = str(app.me.get("login", ""))
        self.run_worker(self.reload(), exclusive=True, group="reload")
        self.run_worker(self._account_states(), group="accounts")

    def daemon_event(self, event: dict[str, Any]) -> None:
        """A pushed event: redraw a row, note an account error, or reload soon."""
        kind, data = event.get("kind"), event.get("data") or {}
        if kind == "presence":
            self._presence(
                int(data.get("thread_id") or 0), list(data.get("viewers") or [])
            )
        elif kind in ("account.error", "account.ok"):
            error = data.get("error") if kind == "account.error" else None
            self.query_one(StatusBar).set_account(str(data.get("account", "")), error)
        elif (
            kind == "resync" or event.get("thread_id") is not None
        ) and not self._stale:
            self._stale = True
            self.set_timer(SETTLE, self._settle)

    def _settle(self) -> None:
        self._stale = False
        self.run_worker(self.reload(), exclusive=True, group="reload")

    def _presence(self, thread_id: int, viewers: list[str]) -> None:
        self.query_one(ThreadList).update_thread(thread_id, viewers=viewers)

    async def _account_states(self) -> None:
        try:
            result = await self.inbox_app.request("account_status")
            bar = self.query_one(StatusBar)
        except (ShareinboxError, NoMatches):  # offline, or the app is closing
            return
        for account in result.get("accounts", []):
            error = (
                account.get("last_error") if account.get("state") == "error" else None
            )
            bar.set_account(str(account.get("name", "")), error)

    async def reload(self) -> None:
        """Read the current view and the counts again (the list first)."""
        try:
            await self._reload()
        except NoMatches:  # the app closed while the daemon answered
            log.debug("inbox gone before its reload finished")

    async def _reload(self) -> None:
        counts = asyncio.create_task(self._counts())
        threads = self.query_one(ThreadList)
        try:
            if self.search_query is not None:
                await threads.show(self._search_fetch)
            else:
                # A new view starts at the top; a reload keeps the thread I was on.
                locate = None if self._new_view else self._locate
                self._new_view = False
                await threads.show(self._view_fetch, locate)
        except ShareinboxError as e:
            self.notify(one_line(e.message), severity="error", markup=False)
        self._show_status()
        await counts

    async def _counts(self) -> None:
        try:
            counts = await self.inbox_app.request("view_counts")
        except ShareinboxError:
            return
        with contextlib.suppress(NoMatches):  # the app is closing
            self.query_one(ViewSidebar).set_counts(counts)

    def _show_status(self) -> None:
        bar = self.query_one(StatusBar)
        label = view_label(self.view)
        if self.search_query is not None:
            label = _("Search: {query}").format(query=self.search_query)
        bar.view, bar.total = label, self.query_one(ThreadList).total
        bar.show()

    async def _view_fetch(
        self, offset: int | None, cursor: list[Any] | None, limit: int
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self.inbox_app.request(
            "list_threads", view=self.view, limit=limit, cursor=cursor, offset=offset
        )
        return result

    async def _locate(self, thread_id: int) -> int | None:
        found = await self.inbox_app.request(
            "thread_position", thread_id=thread_id, view=self.view
        )
        position = found.get("position")
        return int(position) if position is not None else None

    async def _search_fetch(
        self, offset: int | None, cursor: list[Any] | None, limit: int
    ) -> dict[str, Any]:
        if offset in (None, 0) and cursor is None:
            result = await self.inbox_app.request(
                "search", query=self.search_query or "", limit=1000
            )
            self._search_rows = list(result["threads"])
        start = offset or 0
        rows = self._search_rows[start : start + limit]
        return {"threads": rows, "next": None, "total": len(self._search_rows)}

    # -- user actions -------------------------------------------------------

    @on(ViewSidebar.ViewChosen)
    def _view_chosen(self, event: ViewSidebar.ViewChosen) -> None:
        self.show_view(event.view)

    def show_view(self, view: str) -> None:
        """Switch to a view."""
        self.view, self.search_query = view, None
        self._new_view = True
        self.query_one(ThreadList).cursor = 0
        self.query_one(ThreadList).focus()
        self.run_worker(self.reload(), exclusive=True, group="reload")

    @on(ThreadList.Opened)
    def _opened(self, event: ThreadList.Opened) -> None:
        from shareinbox.screens.thread import ThreadScreen

        self.app.push_screen(ThreadScreen(int(event.thread["id"])))

    def action_search(self) -> None:
        """Show the search field."""
        field = self.query_one("#search", Input)
        field.display = True
        field.focus()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        query = one_line(event.value)
        if not query:
            self.action_clear_search()
            return
        self.search_query = query
        self.query_one(ThreadList).cursor = 0
        self.query_one(ThreadList).focus()
        self.run_worker(self.reload(), exclusive=True, group="reload")

    def action_clear_search(self) -> None:
        """Leave the search and go back to the view."""
        field = self.query_one("#search", Input)
        field.value, field.display = "", False
        if self.search_query is not None:
            self.show_view(self.view)
        self.query_one(ThreadList).focus()

    def action_focus_views(self) -> None:
        """Move to the views."""
        self.query_one(ViewSidebar).focus()

    def action_focus_list(self) -> None:
        """Move to the list."""
        self.query_one(ThreadList).focus()

    def current_thread(self) -> dict[str, Any] | None:
        """The highlighted thread."""
        return self.query_one(ThreadList).selected

    def thread_changed(self, thread: dict[str, Any]) -> None:
        """Show the change at once (the event reload follows)."""
        self.query_one(ThreadList).update_thread(int(thread["id"]), **thread)
