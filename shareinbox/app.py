"""The Textual app: wiring only (screens, global keys, the daemon connection).

`make_app` is the one factory, used by ``shareinbox tui`` and the tests. The
app keeps one connection to the daemon (`shareinbox.client.Client`), made by
the ``client_factory`` it is given; when the connection drops it shows a
banner and reconnects with backoff, then catches up on missed events. Pushed
events are handed to every screen on the stack (``daemon_event``) and turned
into toasts where they concern me.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, ClassVar

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.reactive import reactive
from textual.screen import Screen

from shareinbox import i18n
from shareinbox.bindings import keymap_of, translate_bindings
from shareinbox.client import Client
from shareinbox.clock import Clock, SystemClock
from shareinbox.config import Config
from shareinbox.errors import DaemonUnavailable, ShareinboxError
from shareinbox.i18n import N_, _
from shareinbox.screens.supervisor import SupervisorKeys
from shareinbox.text import one_line

log = logging.getLogger(__name__)

ClientFactory = Callable[[], Awaitable[Client]]
ReplyScreenFactory = Callable[["ShareinboxApp", dict[str, Any]], Screen[Any]]
BACKOFF = (0.2, 0.5, 1.0, 2.0, 5.0)
FLUSH_WAIT = 3.0  # seconds quitting waits for screens to save what they hold


class ShareinboxApp(SupervisorKeys):
    """The shared-inbox TUI.

    Attributes:
        online: whether the daemon connection is up (screens show a banner).
        me: the staff member the daemon says we are (login, name, role).
    """

    TITLE = "shareinbox"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", N_("Help"), id="app.help"),
        Binding(
            "ctrl+p", "command_palette", N_("Commands"), id="app.commands", show=False
        ),
        Binding("ctrl+q", "quit", N_("Quit"), id="app.quit", priority=True, show=False),
        Binding("o", "outbox", N_("Outbox"), id="app.outbox", show=False),
        Binding("A", "approvals", N_("Approvals"), id="app.approvals", show=False),
    ]

    online = reactive(False)

    def __init__(
        self,
        config: Config,
        client_factory: ClientFactory,
        *,
        clock: Clock | None = None,
        reply_screen: ReplyScreenFactory | None = None,
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self.config = config
        self.clock = clock or SystemClock()
        self.reply_screen = reply_screen
        self.client: Client | None = None
        self.me: dict[str, Any] = {}
        self.offline_reason = ""
        self.mail_toasts: deque[float] = deque()  # when new-mail toasts were shown
        self._client_factory = client_factory
        self._last_seq: int | None = None
        self._connected_once = asyncio.Event()
        self.set_keymap(keymap_of(config.ui.keymap))

    def now(self) -> float:
        """The current time (the app's clock)."""
        return self.clock.now()

    def on_mount(self) -> None:
        """Connect to the daemon and show the inbox."""
        from shareinbox.screens.inbox import InboxScreen

        if not self.config.ui.animations:
            self.animation_level = "none"
        self.push_screen(InboxScreen())
        self.run_worker(self._stay_connected(), name="daemon", group="daemon")

    async def wait_connected(self) -> None:
        """Wait until the first connection is up (tests, benchmarks)."""
        await self._connected_once.wait()

    # -- the connection -----------------------------------------------------

    async def _stay_connected(self) -> None:
        attempt = 0
        while True:
            try:
                client = await self._client_factory()
            except ShareinboxError as e:
                self._went_offline(e.message)
                await asyncio.sleep(BACKOFF[min(attempt, len(BACKOFF) - 1)])
                attempt += 1
                continue
            attempt = 0
            await self._serve(client)

    async def _serve(self, client: Client) -> None:
        try:
            self.me = dict(client.staff)
            await client.subscribe(since=self._last_seq)
            self.client = client
            self.online = True
            self._connected_once.set()
            self._each_screen("daemon_connected")
            async for event in client.events():
                self._last_seq = client.last_seq
                self._dispatch(event)
        except ShareinboxError as e:
            log.warning("daemon connection: %s", e.message)
        finally:
            self.client = None
            await client.close()
        self._went_offline(_("the connection to the daemon was lost"))

    def _went_offline(self, reason: str) -> None:
        self.offline_reason = one_line(reason)
        self.online = False
        self.mutate_reactive(ShareinboxApp.online)

    def _each_screen(self, method: str, *args: Any) -> None:
        for screen in list(self.screen_stack):
            handler = getattr(screen, method, None)
            if handler is None:
                continue
            try:
                handler(*args)
            except NoMatches:  # a screen being closed has lost its widgets
                log.debug("%s: %s skipped", screen, method)

    async def request(self, op: str, **args: Any) -> Any:
        """Run a daemon operation; raises the daemon's error (DaemonUnavailable
        when offline)."""
        if self.client is None:
            raise DaemonUnavailable(_("not connected to the daemon"))
        return await self.client.call(op, **args)

    async def attempt(self, op: str, **args: Any) -> Any | None:
        """Run an operation; on failure show the error as a toast and return None."""
        try:
            return await self.request(op, **args)
        except ShareinboxError as e:
            self.notify(one_line(e.message), title=one_line(e.title),
                        severity="error", markup=False)  # fmt: skip
            return None

    # -- events ---------------------------------------------------------------

    def _dispatch(self, event: dict[str, Any]) -> None:
        self._each_screen("daemon_event", event)
        from shareinbox.screens import toasts

        self.run_worker(toasts.announce(self, event), group="toasts")

    # -- global actions -------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit, once every screen has saved what it holds (text typed a moment
        ago); a daemon that does not answer delays quitting by `FLUSH_WAIT` at most."""
        for screen in reversed(self.screen_stack):
            flush = getattr(screen, "flush", None)
            if flush is None:
                continue
            try:
                await asyncio.wait_for(flush(), FLUSH_WAIT)
            except TimeoutError:
                log.warning("%s: not saved before quitting", screen)
        self.exit()

    def action_help(self) -> None:
        """Show every key binding."""
        from shareinbox.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.screen))

    def action_outbox(self) -> None:
        """My replies on their way: drafts, approval, queue, sent, failed."""
        from shareinbox.screens.outbox import OutboxScreen

        if not isinstance(self.screen, OutboxScreen):
            self.push_screen(OutboxScreen())

    def action_approvals(self) -> None:
        """Replies waiting for a supervisor's approval."""
        from shareinbox.screens.approvals import ApprovalsScreen

        if self.me.get("role") not in ("supervisor", "admin"):
            self.notify(_("Only supervisors approve replies; yours are in the outbox (o)"),
                        markup=False)  # fmt: skip
        elif not isinstance(self.screen, ApprovalsScreen):
            self.push_screen(ApprovalsScreen())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette: every action of the current screen, translated."""
        from shareinbox.screens.palette import screen_commands

        yield from screen_commands(self, screen)


def compose_reply(app: ShareinboxApp, thread: dict[str, Any]) -> Screen[Any]:
    """The reply editor for a thread (the default `reply_screen`)."""
    from shareinbox.screens.compose import ComposeScreen

    return ComposeScreen(int(thread["id"]), thread)


def make_app(
    config: Config,
    client_factory: ClientFactory,
    *,
    clock: Clock | None = None,
    reply_screen: ReplyScreenFactory | None = compose_reply,
    language: str | None = None,
) -> ShareinboxApp:
    """The TUI for `config`, talking to the daemon through `client_factory`.

    Args:
        config: the configuration (shop time zone, accounts, [ui] settings).
        client_factory: makes a connected `Client` (called again to reconnect).
        clock: the time source for deadlines and times (tests fix it).
        reply_screen: ``factory(app, thread) -> Screen`` opened by `r` (default:
            the reply editor); with None `r` explains that replying is not
            available here.
        language: "ja" or "en"; default from the config, else $LANG.
    """
    i18n.setup(language or config.language)
    return ShareinboxApp(config, client_factory, clock=clock, reply_screen=reply_screen)
