"""承認待ち: the replies waiting for a supervisor. Each is shown in full
(recipients, subject, files, the text); the supervisor may edit the text,
the subject and the recipients (``e``; shift+tab reaches the fields), approve it (``a``, or ``ctrl+s`` while editing: it is queued and
sent, with the edits) or send it back with a comment its author sees
(``x``). ``t`` opens the thread for context. Every decision is audited by
the daemon; the list follows the approval events.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from shareinbox.bindings import translate_bindings
from shareinbox.drafting import format_parties, parse_parties
from shareinbox.errors import ProtocolError, ShareinboxError
from shareinbox.i18n import N_, _
from shareinbox.screens.dialogs import ChoiceDialog, TextDialog
from shareinbox.text import clean, one_line
from shareinbox.widgets.banner import ConnectionBanner
from shareinbox.widgets.outbox_rows import OutboxListScreen, entry_detail, entry_row
from shareinbox.widgets.reply_editor import ReplyEditor

SUPERVISORS = ("supervisor", "admin")
FIELDS = (("to", N_("To")), ("cc", N_("Cc")), ("subject", N_("Subject")))


class ApprovalsScreen(OutboxListScreen):
    """The approval queue."""

    DEFAULT_CSS = """
    ApprovalsScreen #approvals-title { height: 1; background: $panel; padding: 0 1; }
    ApprovalsScreen #pending { height: auto; max-height: 6; min-height: 2; }
    ApprovalsScreen #entry { height: auto; max-height: 7; padding: 0 1; border-top: solid $panel-lighten-2; }
    ApprovalsScreen #text { height: 1fr; border: round $panel-lighten-2; }
    ApprovalsScreen #text.-editing { border: round $warning; }
    ApprovalsScreen #edit-fields { height: auto; display: none; }
    ApprovalsScreen #edit-fields.-shown { display: block; }
    ApprovalsScreen .field { height: 1; }
    ApprovalsScreen .field Label { width: 9; padding: 0 1; color: $text-muted; }
    ApprovalsScreen .field Input { height: 1; border: none; padding: 0 1; width: 1fr; background: $boost; }
    ApprovalsScreen .field Input:focus { background: $accent 20%; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="approvals.back"),
        Binding("a", "approve", N_("Approve"), id="approvals.approve"),
        Binding("ctrl+s", "approve", N_("Approve"), id="approvals.approve_now",
                priority=True, show=False),
        Binding("x", "reject", N_("Send back"), id="approvals.reject"),
        Binding("e", "edit", N_("Edit"), id="approvals.edit"),
        Binding("t", "thread", N_("Thread"), id="approvals.thread"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.current: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        """Banner, title, the queue, the chosen reply, its text, footer."""
        yield ConnectionBanner()
        yield Static("", id="approvals-title", markup=False)
        yield OptionList(id="pending")
        yield Static("", id="entry", markup=False)
        with Vertical(id="edit-fields"):
            for field, label in FIELDS:
                with Horizontal(classes="field"):
                    yield Label(_(label))
                    yield Input(id=f"edit-{field}")
        yield ReplyEditor(id="text")
        yield Footer()

    def on_mount(self) -> None:
        """Load the queue."""
        self.query_one("#text", TextArea).read_only = True
        self.query_one(OptionList).focus()
        self.reload()

    async def load(self) -> None:
        """Read the replies awaiting approval."""
        try:
            result = await self.inbox_app.request(
                "list_outbox", state="awaiting_approval", limit=200
            )
        except ShareinboxError as e:
            self.notify(one_line(e.message), severity="error", markup=False)
            return
        entries = list(result["outbox"])
        title = Text(_("Awaiting approval"), "bold")
        title.append(f"  {len(entries)}", "bold yellow")
        if self.inbox_app.me.get("role") not in SUPERVISORS:
            title.append("  " + _("(only supervisors approve replies)"), "dim")
        self.query_one("#approvals-title", Static).update(title)
        keep = self.current["id"] if self.current else None
        self.entries = entries
        options = self.query_one(OptionList)
        width = max(40, self.app.size.width - 6)
        options.set_options(
            Option(entry_row(e, width, with_author=True, with_state=False))
            for e in entries
        )
        ids = [e["id"] for e in entries]
        if entries:
            options.highlighted = ids.index(keep) if keep in ids else 0
        else:
            self._show(None)

    def on_option_list_option_highlighted(
        self, event: OptionList.OptionHighlighted
    ) -> None:
        """Show the highlighted reply in full."""
        if event.option_index < len(self.entries):
            outbox_id = int(self.entries[event.option_index]["id"])
            if self.current is None or self.current["id"] != outbox_id:
                self.run_worker(self._fetch(outbox_id), exclusive=True, group="detail")

    async def _fetch(self, outbox_id: int) -> None:
        try:
            entry = await self.inbox_app.request("get_outbox", outbox_id=outbox_id)
        except ShareinboxError as e:
            self.notify(one_line(e.message), severity="error", markup=False)
            return
        self._show(entry)

    def _show(self, entry: dict[str, Any] | None) -> None:
        self.current = entry
        text = self.query_one("#text", TextArea)
        self._stop_editing()
        self.query_one("#edit-fields").remove_class("-shown")
        if entry is None:
            self.query_one("#entry", Static).update(
                Text(_("Nothing waits for approval"), "dim")
            )
            text.load_text("")
            return
        header = {k: v for k, v in entry.items() if k != "body"}
        self.query_one("#entry", Static).update(entry_detail(header))
        text.load_text(clean(str(entry.get("body") or "")))

    def _stop_editing(self) -> None:
        text = self.query_one("#text", TextArea)
        text.read_only = True
        text.remove_class("-editing")
        for field in self.query("#edit-fields Input").results(Input):
            field.disabled = True

    def _as_shown(self, entry: dict[str, Any]) -> dict[str, str]:
        """The reply's to, cc and subject as the edit fields show them."""
        return {
            "to": format_parties(list(entry.get("to") or [])),
            "cc": format_parties(list(entry.get("cc") or [])),
            "subject": one_line(str(entry.get("subject") or "")),
        }

    def action_edit(self) -> None:
        """Edit the text, the subject and the recipients before approving."""
        if self.current is None:
            return
        fields = self.query_one("#edit-fields")
        if not fields.has_class("-shown"):  # first edit of this reply
            for name, value in self._as_shown(self.current).items():
                self.query_one(f"#edit-{name}", Input).value = value
            fields.add_class("-shown")
        for field in fields.query(Input).results(Input):
            field.disabled = False
        text = self.query_one("#text", TextArea)
        text.read_only = False
        text.add_class("-editing")
        text.focus()

    def action_back(self) -> None:
        """Stop editing (the edits stay until you move on), else go back."""
        text = self.query_one("#text", TextArea)
        if not text.read_only:
            self._stop_editing()
            self.query_one(OptionList).focus()
            return
        self.dismiss(None)

    def _edits(self, entry: dict[str, Any]) -> dict[str, Any]:
        """What the supervisor changed, as ``approve`` takes it.

        Raises:
            ProtocolError: a recipient is not an address.
        """
        edits: dict[str, Any] = {}
        body = clean(self.query_one("#text", TextArea).text)
        if body != clean(str(entry.get("body") or "")):
            edits["body"] = body
        if self.query_one("#edit-fields").has_class("-shown"):
            for name, before in self._as_shown(entry).items():
                value = self.query_one(f"#edit-{name}", Input).value
                if one_line(value) == before:
                    continue
                edits[name] = (
                    one_line(value) if name == "subject" else parse_parties(value)
                )
        return edits

    def action_approve(self) -> None:
        """Approve the reply (with the edits, if any): it is queued and sent."""
        entry = self.current
        if entry is None:
            return
        try:
            edits = self._edits(entry)
        except ProtocolError as e:
            self.notify(one_line(e.message), severity="error", markup=False)
            return
        question = _("Approve and send reply #{id}?").format(id=entry["id"])
        if edits:
            question = _("Approve and send reply #{id} with your edits?").format(
                id=entry["id"]
            )
        choices = [("yes", _("Approve and send")), ("no", _("Not yet"))]

        def answered(choice: str | None) -> None:
            if choice == "yes":
                self.run_worker(self._approve(int(entry["id"]), edits))

        self.app.push_screen(ChoiceDialog(question, choices, "yes"), answered)

    async def _approve(self, outbox_id: int, edits: dict[str, Any]) -> None:
        result = await self.inbox_app.attempt("approve", outbox_id=outbox_id, **edits)
        if result is not None:
            self.notify(_("Approved: reply #{id} is queued for sending").format(id=outbox_id),
                        markup=False)  # fmt: skip
            self.current = None
            self.query_one(OptionList).focus()
            await self.load()

    def action_reject(self) -> None:
        """Send the reply back to its author with a comment they will see."""
        entry = self.current
        if entry is None:
            return

        def written(reason: str | None) -> None:
            if reason:
                self.run_worker(self._reject(int(entry["id"]), reason))

        self.app.push_screen(
            TextDialog(_("Why does it go back? (the author reads this)")), written
        )

    async def _reject(self, outbox_id: int, reason: str) -> None:
        if await self.inbox_app.attempt("reject", outbox_id=outbox_id, reason=reason):
            self.notify(_("Sent back to its author"), markup=False)
            self.current = None
            await self.load()

    def action_thread(self) -> None:
        """Open the reply's thread (the customer's mail) for context."""
        from shareinbox.screens.thread import ThreadScreen

        if self.current is not None:
            self.app.push_screen(ThreadScreen(int(self.current["thread_id"])))
