"""The block list (supervisors): who is blocked, by whom, since when; add an
address or an ``@domain``, remove one. Mail from a blocked sender goes
straight to spam. Entries from ``[spam] block`` in the config file are
marked and can only be changed there (the daemon says so)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from shareinbox.bindings import translate_bindings
from shareinbox.errors import ShareinboxError
from shareinbox.i18n import N_, _
from shareinbox.screens.base import AppScreen
from shareinbox.screens.dialogs import BaseDialog
from shareinbox.text import one_line
from shareinbox.widgets.banner import ConnectionBanner
from shareinbox.widgets.cells import fit

if TYPE_CHECKING:
    pass


def entry_line(entry: dict[str, Any]) -> Content:
    """One entry: pattern, who added it, when, and its note."""
    source = _("config file") if entry.get("from_config") else ""
    note = source or one_line(str(entry.get("note") or ""))
    when = str(entry.get("added_at") or "")[:16].replace("T", " ")
    cells = (
        fit(str(entry.get("pattern") or ""), 32),
        fit(str(entry.get("added_by") or ""), 10),
        fit(when, 16),
        one_line(note),
    )
    return Content(" ".join(cells))


class PatternDialog(BaseDialog[str]):
    """Ask for an address or ``@domain`` to block (Enter adds, Esc cancels)."""

    def compose(self) -> ComposeResult:
        """The title and the field."""
        with Vertical():
            yield Label(Content(self.title_text))
            yield Input(placeholder="spam@example.com / @example.com", id="pattern")
            yield Label(Content(_("enter add · esc cancel")), classes="hint")

    def on_mount(self) -> None:
        """Focus the field."""
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: this pattern (cleaned)."""
        self.dismiss(one_line(event.value) or None)


class BlocklistScreen(AppScreen[None]):
    """The block list; `a` adds, `d` removes the highlighted entry."""

    DEFAULT_CSS = """
    BlocklistScreen #blocklist-title { height: 1; background: $panel; padding: 0 1;
        text-style: bold; }
    BlocklistScreen #blocklist { height: 1fr; border: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", N_("Back"), id="blocklist.back"),
        Binding("a", "add", N_("Block"), id="blocklist.add"),
        Binding("d,delete", "remove", N_("Unblock"), id="blocklist.remove"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.entries: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        """Banner, title, the entries, footer."""
        yield ConnectionBanner()
        yield Static(_("Block list"), id="blocklist-title", markup=False)
        yield OptionList(id="blocklist")
        yield Footer()

    def on_mount(self) -> None:
        """Load the list."""
        self.run_worker(self.load(), exclusive=True, group="load")

    def daemon_connected(self) -> None:
        """After a reconnect: load again."""
        self.run_worker(self.load(), exclusive=True, group="load")

    async def load(self) -> None:
        """Read the block list from the daemon and show it."""
        try:
            result = await self.inbox_app.request("list_blocklist")
        except ShareinboxError as e:
            self.notify(one_line(e.message), severity="error", markup=False)
            return
        self.entries = list(result.get("blocked") or [])
        options = self.query_one(OptionList)
        keep = options.highlighted
        options.clear_options()
        options.add_options([Option(entry_line(e)) for e in self.entries])
        if not self.entries:
            options.add_option(Option(Content(_("Nobody is blocked")), disabled=True))
        else:
            options.highlighted = min(keep or 0, len(self.entries) - 1)
        options.focus()

    def action_back(self) -> None:
        """Back to where I was."""
        self.dismiss(None)

    def action_add(self) -> None:
        """Ask for an address or @domain and block it."""

        def chosen(pattern: str | None) -> None:
            if pattern:
                self.run_worker(self._change("block", pattern=pattern))

        self.app.push_screen(PatternDialog(_("Block mail from")), chosen)

    def action_remove(self) -> None:
        """Unblock the highlighted entry."""
        index = self.query_one(OptionList).highlighted
        if index is None or index >= len(self.entries):
            return
        pattern = str(self.entries[index]["pattern"])
        self.run_worker(self._change("unblock", pattern=pattern))

    async def _change(self, op: str, pattern: str) -> None:
        if await self.inbox_app.attempt(op, pattern=pattern) is None:
            return
        done = _("Blocked {pattern}") if op == "block" else _("Unblocked {pattern}")
        self.notify(done.format(pattern=one_line(pattern)), markup=False)
        await self.load()
