"""My outbox: every reply of mine on its way, by state (draft, awaiting
approval, queued, sending, sent, failed), with a supervisor's comment on a
reply sent back and the error of a failed one. A failed reply can be sent
again (``r``) or turned back into a draft to fix (``e``); ``t`` shows the
whole team's outbox. The list follows the daemon's ``outbox.state`` events.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from shareinbox.bindings import translate_bindings
from shareinbox.errors import ShareinboxError
from shareinbox.i18n import N_, _
from shareinbox.text import one_line
from shareinbox.widgets.banner import ConnectionBanner
from shareinbox.widgets.outbox_rows import (
    OutboxListScreen,
    entry_detail,
    entry_row,
    state_label,
)

LIMIT = 300


class OutboxScreen(OutboxListScreen):
    """Replies on their way (mine, or the team's)."""

    DEFAULT_CSS = """
    OutboxScreen #outbox-title { height: 1; background: $panel; padding: 0 1; }
    OutboxScreen #entries { height: 1fr; min-height: 4; }
    OutboxScreen #detail-scroll { height: 2fr; border-top: solid $panel-lighten-2; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", N_("Back"), id="outbox.back"),
        Binding("r", "retry", N_("Retry"), id="outbox.retry"),
        Binding("e", "edit", N_("Edit"), id="outbox.edit"),
        Binding("t", "team", N_("Mine/team"), id="outbox.team"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.team = False

    def compose(self) -> ComposeResult:
        """Banner, title, list, the highlighted entry, footer."""
        yield ConnectionBanner()
        yield Static("", id="outbox-title", markup=False)
        yield OptionList(id="entries")
        with VerticalScroll(id="detail-scroll"):
            yield Static("", id="detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        """Load the outbox."""
        self.query_one(OptionList).focus()
        self.reload()

    def selected(self) -> dict[str, Any] | None:
        """The highlighted entry."""
        index = self.query_one(OptionList).highlighted
        return (
            self.entries[index]
            if index is not None and index < len(self.entries)
            else None
        )

    async def load(self) -> None:
        """Read the outbox from the daemon."""
        try:
            result = await self.inbox_app.request("list_outbox", limit=LIMIT)
        except ShareinboxError as e:
            self.notify(one_line(e.message), severity="error", markup=False)
            return
        me = self.inbox_app.me.get("login")
        entries = [e for e in result["outbox"] if self.team or e.get("author") == me]
        counts: dict[str, int] = {}
        for entry in entries:
            counts[entry["state"]] = counts.get(entry["state"], 0) + 1
        title = _("Team outbox") if self.team else _("My outbox")
        shown = "  ".join(f"{state_label(s)} {n}" for s, n in counts.items())
        self.query_one("#outbox-title", Static).update(
            Text.assemble((title, "bold"), "  ", (shown, "dim"))
        )
        keep = self.selected()
        self.entries = entries
        options = self.query_one(OptionList)
        width = max(40, self.app.size.width - 6)
        options.set_options(
            Option(entry_row(e, width, with_author=self.team)) for e in entries
        )
        ids = [e["id"] for e in entries]
        if entries:
            options.highlighted = (
                ids.index(keep["id"]) if keep and keep["id"] in ids else 0
            )
        else:
            self.query_one("#detail", Static).update(Text(_("No replies here"), "dim"))

    def on_option_list_option_highlighted(self) -> None:
        """Show the highlighted entry in full."""
        entry = self.selected()
        if entry is not None:
            self.run_worker(
                self._detail(int(entry["id"])), exclusive=True, group="detail"
            )

    async def _detail(self, outbox_id: int) -> None:
        try:
            entry = await self.inbox_app.request("get_outbox", outbox_id=outbox_id)
        except ShareinboxError as e:
            self.query_one("#detail", Static).update(Text(one_line(e.message), "red"))
            return
        self.query_one("#detail", Static).update(entry_detail(entry))

    async def action_retry(self) -> None:
        """Send a failed reply again."""
        entry = self.selected()
        if entry is None or entry["state"] != "failed":
            self.notify(_("Only a failed reply can be sent again"), markup=False)
            return
        if await self.inbox_app.attempt("retry", outbox_id=entry["id"]) is not None:
            self.notify(_("Queued again"), markup=False)
            await self.load()

    async def action_edit(self) -> None:
        """Open a draft, or a failed reply made a draft again, in the editor."""
        from shareinbox.screens.compose import ComposeScreen

        entry = self.selected()
        if entry is None or entry["state"] not in ("draft", "failed"):
            self.notify(_("Only drafts and failed replies can be edited"), markup=False)
            return
        if entry["author"] != self.inbox_app.me.get("login"):
            self.notify(_("Only its author can edit this reply"), markup=False)
            return
        failed = entry["state"] == "failed"
        if failed and not await self.inbox_app.attempt(
            "edit_failed", outbox_id=entry["id"]
        ):
            return
        self.app.push_screen(ComposeScreen(int(entry["thread_id"])))

    def on_option_list_option_selected(self) -> None:
        """Enter: edit a draft or a failed reply."""
        self.run_worker(self.action_edit(), group="edit")

    async def action_team(self) -> None:
        """Switch between my replies and the whole team's."""
        self.team = not self.team
        await self.load()

    def action_back(self) -> None:
        """Back."""
        self.dismiss(None)
