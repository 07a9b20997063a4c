"""Writing a reply: To/Cc (reply or reply-all), subject, the text, files.

The draft lives in the daemon: the screen claims the thread, loads the
person's draft (or has the daemon start one with To/Cc and the ``Re:``
subject), and saves what is typed about a second after typing stops, when
leaving and before the app quits (each save renews the reply lock), so a
dropped SSH session loses nothing. ``ctrl+t`` picks a template (suggestions first), ``ctrl+e`` hands the
text to ``$EDITOR``, ``ctrl+o`` attaches a file read with the person's own
permissions, ``ctrl+s`` shows the confirmation and sends (to approval where
needed). Esc asks whether to keep or discard the draft. From 120 columns
the customer's latest mail is shown beside the reply.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, Static, TextArea

from shareinbox.bindings import translate_bindings
from shareinbox.drafting import format_parties
from shareinbox.errors import ShareinboxError
from shareinbox.i18n import N_, _
from shareinbox.screens.compose_actions import ComposeActions, draft_args
from shareinbox.text import clean, one_line
from shareinbox.widgets.banner import ConnectionBanner
from shareinbox.widgets.conversation import filename_label, human_size
from shareinbox.widgets.reply_editor import ReplyEditor

SAVE_AFTER = 1.0  # seconds after the last key before the draft is saved
WIDE = 120  # from this width the customer's mail is shown beside the reply


class ComposeScreen(ComposeActions):
    """The reply editor for one thread."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", N_("Send…"), id="compose.send", priority=True),
        Binding("ctrl+t", "template", N_("Template"), id="compose.template", priority=True),
        Binding("ctrl+e", "editor", N_("Editor"), id="compose.editor", priority=True),
        Binding("ctrl+o", "attach", N_("Attach"), id="compose.attach", priority=True),
        Binding("ctrl+l", "detach", N_("Remove file"), id="compose.detach",
                priority=True, show=False),
        Binding("ctrl+r", "reply_all", N_("Reply all"), id="compose.reply_all",
                priority=True),
        Binding("escape", "close", N_("Close"), id="compose.close"),
    ]  # fmt: skip

    def __init__(self, thread_id: int, thread: dict[str, Any] | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.thread_id = thread_id
        self.thread = dict(thread or {})
        self.draft: dict[str, Any] | None = None
        self.reply_all = False
        self._saved: tuple[str, str, str, str] | None = None
        self._timer: Timer | None = None
        self._typed: tuple[str, str, str, str] | None = None  # the fields, last change

    def compose(self) -> ComposeResult:
        """Header, fields, editor, files, save state, footer."""
        yield ConnectionBanner()
        yield Static(self._header(), id="compose-header")
        yield Static("", id="review", markup=False)
        for field, label in (
            ("to", _("To")),
            ("cc", _("Cc")),
            ("subject", _("Subject")),
        ):
            with Horizontal(classes="field"):
                yield Label(label)
                yield Input(id=field)
        with Horizontal(id="writing"):
            yield ReplyEditor(id="body")
            with VerticalScroll(id="original-pane"):
                yield Static("", id="original", markup=False)
        yield Static("", id="files", markup=False)
        yield Static(_("Loading…"), id="save-state", markup=False)
        yield Footer()

    def _header(self) -> Text:
        t = self.thread
        subject = one_line(str(t.get("subject") or _("(no subject)")))
        text = Text.assemble(
            (_("Reply") + f"  #{self.thread_id} ", "dim"), (subject, "bold")
        )
        customer = one_line(str(t.get("customer_name") or ""))
        address = one_line(str(t.get("customer") or ""))
        if customer or address:
            text.append(f"\n{customer} <{address}>")
        if self.inbox_app.me.get("needs_approval"):
            text.append("\n" + _("Your replies go to a supervisor for approval before they are sent."), "italic")  # fmt: skip
        return text

    def on_mount(self) -> None:
        """Claim the thread and load (or start) the draft."""
        self.run_worker(self._open(), exclusive=True, group="open")
        interval = max(30.0, min(120.0, self.inbox_app.config.server.lock_timeout / 3))
        self.set_interval(interval, self._keep_lock)

    async def _open(self) -> None:
        app = self.inbox_app
        try:
            thread = await app.request("claim", thread_id=self.thread_id)
            self.thread.update(thread)
            draft = await app.request("get_draft", thread_id=self.thread_id)
            fresh = draft is None
            if fresh:
                draft = await app.request("save_draft", thread_id=self.thread_id)
        except ShareinboxError as e:
            self.notify(one_line(e.message), title=one_line(e.title),
                        severity="error", markup=False)  # fmt: skip
            self.dismiss(None)
            return
        self.query_one("#compose-header", Static).update(self._header())
        self.reply_all = bool(draft.get("cc"))  # a kept reply-all draft has Cc
        self._show(draft, body=True)
        self.query_one("#body", TextArea).focus()
        self._set_state(_("Draft loaded") if not fresh else _("New draft"))
        if fresh:
            self.action_template()
        self.run_worker(self._original(), group="original")

    async def _original(self) -> None:
        """The customer's latest mail, beside the reply on wide terminals."""
        try:
            detail = await self.inbox_app.request(
                "show_thread", thread_id=self.thread_id
            )
        except ShareinboxError:
            return
        messages = [
            m for m in detail.get("messages") or [] if m.get("direction") == "in"
        ]
        if messages:
            last = messages[-1]
            who = one_line(str(last.get("from_name") or last.get("from") or ""))
            text = Text(who + "\n", "bold")
            text.append(clean(str(last.get("text") or ""), tabsize=4).rstrip())
            self.query_one("#original", Static).update(text)

    def _show(self, draft: dict[str, Any], *, body: bool = False) -> None:
        """Show the daemon's draft (recipients, subject, files; the text if asked)."""
        self.draft = draft
        self.query_one("#to", Input).value = format_parties(list(draft.get("to") or []))
        self.query_one("#cc", Input).value = format_parties(list(draft.get("cc") or []))
        self.query_one("#subject", Input).value = one_line(
            str(draft.get("subject") or "")
        )
        if body:
            self.query_one("#body", TextArea).load_text(
                clean(str(draft.get("body") or ""))
            )
        self._show_files()
        review = self.query_one("#review", Static)
        comment = one_line(str(draft.get("review_comment") or ""))
        review.display = bool(comment)
        if comment:
            by = one_line(str(draft.get("approved_by") or ""))
            review.update(Text.assemble((_("Sent back: "), "bold"), comment,
                                        (f"  ({by})" if by else "", "dim")))  # fmt: skip
        self._saved = self.fields()

    def _show_files(self) -> None:
        files = list((self.draft or {}).get("attachments") or [])
        shown = "  ".join(
            f"📎 {filename_label(str(f.get('filename') or ''))} ({human_size(int(f.get('size') or 0))})"
            for f in files
        )  # fmt: skip
        self.query_one("#files", Static).update(Text(shown))
        self.query_one("#files", Static).display = bool(files)

    def fields(self) -> tuple[str, str, str, str]:
        """(to, cc, subject, body) as typed."""
        return (
            self.query_one("#to", Input).value,
            self.query_one("#cc", Input).value,
            self.query_one("#subject", Input).value,
            self.query_one("#body", TextArea).text,
        )

    # -- autosave -------------------------------------------------------------

    def daemon_connected(self) -> None:
        """Back online: save what was typed while the daemon was away."""
        self._changed()

    def on_input_changed(self) -> None:
        """A field changed: save soon."""
        self._changed()

    def on_text_area_changed(self) -> None:
        """The text changed: save soon."""
        self._changed()

    def _changed(self) -> None:
        self._typed = self.fields()
        if self.draft is None or self._typed == self._saved:
            return
        self._set_state(_("Editing…"))
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SAVE_AFTER, self._save_soon)

    def _save_soon(self) -> None:
        self.run_worker(self.save(), group="save")

    async def flush(self) -> None:
        """Save now what waits for the autosave (the app calls it before quitting)."""
        if self.draft is not None:
            await self.save()

    def on_unmount(self) -> None:
        """Lost without leaving (another screen took over): the app saves what was
        typed since the last save."""
        typed = self._typed
        if self.draft is None or typed is None or typed == self._saved:
            return
        app = self.inbox_app
        if app.client is not None:
            args, _problem = draft_args(typed)
            app.run_worker(app.attempt("save_draft", thread_id=self.thread_id, **args),
                           group="save")  # fmt: skip

    def _set_state(self, text: str) -> None:
        self.query_one("#save-state", Static).update(Text(text))

    async def _keep_lock(self) -> None:
        if self.draft is not None:
            try:
                await self.inbox_app.request("renew", thread_id=self.thread_id)
            except ShareinboxError as e:
                self._set_state(one_line(e.message))
