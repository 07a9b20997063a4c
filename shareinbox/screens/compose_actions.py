"""What can be done while writing a reply: save, pick a template, hand the
text to ``$EDITOR``, attach and remove files, switch reply/reply-all, send,
close. `ComposeScreen` lays the fields out; this class acts on them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult, SuspendNotSupported
from textual.containers import Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Input, Label, TextArea

from shareinbox.drafting import AttachError, edit_text, parse_parties, read_upload
from shareinbox.errors import ProtocolError, ShareinboxError
from shareinbox.i18n import _
from shareinbox.screens.base import AppScreen
from shareinbox.screens.confirm_send import KEEP, ConfirmSendDialog
from shareinbox.screens.dialogs import BaseDialog, ChoiceDialog
from shareinbox.screens.template_picker import TemplateDialog
from shareinbox.text import clean, one_line
from shareinbox.widgets.conversation import filename_label

if TYPE_CHECKING:
    pass


class AttachDialog(BaseDialog[str]):
    """Ask for the path of a file on this server (Enter attaches)."""

    def compose(self) -> ComposeResult:
        """The title and the path field."""
        with Vertical():
            yield Label(Content(self.title_text))
            yield Input(placeholder="~/Documents/receipt.pdf", id="path")
            yield Label(Content(_("enter attach · esc cancel")), classes="hint")

    def on_mount(self) -> None:
        """Focus the field."""
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: this file."""
        self.dismiss(event.value.strip() or None)


def draft_args(fields: tuple[str, str, str, str]) -> tuple[dict[str, Any], str]:
    """The ``save_draft`` arguments for (to, cc, subject, body) as typed, and
    why the recipients are left out ('' when they are not)."""
    to, cc, subject, body = fields
    args: dict[str, Any] = {"subject": one_line(subject), "body": clean(body)}
    try:
        args.update(to=parse_parties(to), cc=parse_parties(cc))
    except ProtocolError as e:
        return args, e.message  # the text is saved all the same
    return args, ""


class ComposeActions(AppScreen[None]):
    """The actions of the reply editor (see the module docstring)."""

    thread_id: int
    draft: dict[str, Any] | None
    reply_all: bool
    _saved: tuple[str, str, str, str] | None
    _timer: Timer | None

    # Provided by the compose screen: (to, cc, subject, body) as typed, and
    # showing a draft and its files.
    fields: Callable[[], tuple[str, str, str, str]]
    _show: Callable[..., None]
    _show_files: Callable[[], None]
    _set_state: Callable[[str], None]

    def _error(self, error: ShareinboxError) -> None:
        self.notify(one_line(error.message), title=one_line(error.title),
                    severity="error", markup=False)  # fmt: skip

    async def save(self, *, force: bool = False, **extra: Any) -> bool:
        """Save what is typed (and `extra` draft fields); True when saved."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        snapshot = self.fields()
        if self.draft is None or (snapshot == self._saved and not force and not extra):
            return self.draft is not None
        args, problem = draft_args(snapshot)
        self._set_state(_("Saving…"))
        try:
            draft = await self.inbox_app.request(
                "save_draft", thread_id=self.thread_id, **args, **extra
            )
        except ShareinboxError as e:
            self._set_state(_("Not saved: {reason}").format(reason=one_line(e.message)))
            return False
        self.draft, self._saved = draft, snapshot
        self._show_files()
        at = datetime.fromtimestamp(self.inbox_app.now(), self.inbox_app.config.shop.tz)
        state = _("Saved {time}").format(time=at.strftime("%H:%M:%S"))
        if problem:
            state += " · " + _("recipients not saved: {reason}").format(
                reason=one_line(problem)
            )
        self._set_state(state)
        return True

    # -- templates and the editor ---------------------------------------------

    def action_template(self) -> None:
        """Choose a template (the suggestions for this mail come first)."""
        if self.draft is not None:
            self.app.push_screen(TemplateDialog(self.thread_id), self._template_chosen)

    def _template_chosen(self, name: str | None) -> None:
        if name:
            self.run_worker(self._use_template(name), group="template")

    async def _use_template(self, name: str) -> None:
        shown = await self.inbox_app.attempt(
            "preview_template", thread_id=self.thread_id, name=name
        )
        if shown is None:
            return
        body = self.query_one("#body", TextArea)
        if body.text.strip():
            choice = await self.app.push_screen_wait(ChoiceDialog(
                _("Replace the text with the template?"),
                [("replace", _("Replace the text")), ("keep", _("Keep my text"))], "keep",
            ))  # fmt: skip
            if choice != "replace":
                return
        body.load_text(clean(str(shown.get("body") or "")))
        if shown.get("subject"):
            self.query_one("#subject", Input).value = one_line(str(shown["subject"]))
        await self.save(template=name)
        body.focus()

    def action_editor(self) -> None:
        """Edit the text in $EDITOR (the terminal is handed over meanwhile)."""
        if self.draft is None:
            return
        body = self.query_one("#body", TextArea)
        try:
            if self.app.is_headless:  # no terminal to hand over (tests, scripts)
                edited = edit_text(body.text)
            else:
                with self.app.suspend():
                    edited = edit_text(body.text)
        except SuspendNotSupported:
            self.notify(_("This terminal cannot run an editor"), severity="error",
                        markup=False)  # fmt: skip
            return
        except ShareinboxError as e:
            self._error(e)
            return
        body.load_text(edited)
        self.run_worker(self.save(), group="save")

    # -- files ------------------------------------------------------------------

    def action_attach(self) -> None:
        """Attach a file from this server (read with your own permissions)."""
        if self.draft is not None:
            self.app.push_screen(AttachDialog(_("Attach a file (path on this server)")),
                                 self._attach_chosen)  # fmt: skip

    def _attach_chosen(self, path: str | None) -> None:
        if path:
            self.run_worker(self._attach_file(path), group="attach")

    async def _attach_file(self, path: str) -> None:
        try:
            upload = await asyncio.to_thread(read_upload, path)
        except AttachError as e:
            self.notify(one_line(e.message), title=_("Cannot attach"),
                        severity="error", markup=False)  # fmt: skip
            return
        await self.save()
        result = await self.inbox_app.attempt(
            "attach", thread_id=self.thread_id, **upload.request()
        )
        if result is not None:
            self.draft = result["draft"]
            self._show_files()
            self.notify(_("Attached {name}").format(name=filename_label(upload.filename)),
                        markup=False)  # fmt: skip

    def action_detach(self) -> None:
        """Remove an attached file."""
        files = list((self.draft or {}).get("attachments") or [])
        if not files:
            self.notify(_("No files are attached"), markup=False)
            return
        choices = [(str(f["id"]), filename_label(str(f.get("filename") or "")))
                   for f in files]  # fmt: skip

        def chosen(file_id: str | None) -> None:
            if file_id is not None:
                keep = [int(f["id"]) for f in files if str(f["id"]) != file_id]
                self.run_worker(self.save(force=True, attachments=keep), group="save")

        self.app.push_screen(ChoiceDialog(_("Remove which file?"), choices), chosen)

    # -- recipients, sending, leaving -----------------------------------------------

    async def action_reply_all(self) -> None:
        """Switch between replying to the sender and replying to everyone."""
        if self.draft is None or not await self.save():
            return
        self.reply_all = not self.reply_all
        draft = await self.inbox_app.attempt(
            "save_draft", thread_id=self.thread_id, reply_all=self.reply_all
        )
        if draft is not None:
            self._show(draft)
            self.notify(_("Replying to everyone") if self.reply_all
                        else _("Replying to the sender only"), markup=False)  # fmt: skip

    async def action_send(self) -> None:
        """Check the reply, show the confirmation, then send or submit it."""
        if self.draft is None:
            return
        to, cc, _subject, _body = self.fields()
        try:
            parse_parties(to)
            parse_parties(cc)
        except ProtocolError as e:
            self._error(e)
            return
        if not await self.save():
            return
        preview = await self.inbox_app.attempt("preview_send", thread_id=self.thread_id)
        if preview is not None:
            then = (self.draft or {}).get("then_status")
            self.app.push_screen(ConfirmSendDialog(preview, then), self._confirmed)

    def _confirmed(self, then: str | None) -> None:
        if then is not None:
            self.run_worker(self._submit(None if then == KEEP else then), group="send")

    async def _submit(self, then: str | None) -> None:
        result = await self.inbox_app.attempt(
            "submit", thread_id=self.thread_id, then_status=then
        )
        if result is None:
            return
        if result.get("state") == "awaiting_approval":
            self.notify(_("Submitted: a supervisor will review it"), markup=False)
        else:
            self.notify(_("Queued for sending"), markup=False)
        self.draft = None
        self.dismiss(None)

    async def action_close(self) -> None:
        """Leave: keep the draft for later, or discard it."""
        if self.draft is None:
            self.dismiss(None)
            return
        if not await self.save():  # offline: say what leaving would lose
            choices = [("write", _("Continue writing")),
                       ("lose", _("Leave without the unsaved changes"))]  # fmt: skip
            title = _("The last changes are not saved (the daemon does not answer)")
            self.app.push_screen(
                ChoiceDialog(title, choices, "write"), self._close_chosen
            )
            return
        choices = [("keep", _("Keep the draft for later")),
                   ("discard", _("Discard the draft")),
                   ("write", _("Continue writing"))]  # fmt: skip
        self.app.push_screen(ChoiceDialog(_("Close the reply"), choices, "keep"),
                             self._close_chosen)  # fmt: skip

    def _close_chosen(self, choice: str | None) -> None:
        if choice == "lose":
            self.draft = None
            self.dismiss(None)
        elif choice in ("keep", "discard"):
            self.run_worker(self._leave(discard=choice == "discard"), group="send")

    async def _leave(self, *, discard: bool) -> None:
        if discard:
            await self.inbox_app.attempt("discard_draft", thread_id=self.thread_id)
            self.notify(_("Draft discarded"), markup=False)
        else:
            await self.inbox_app.attempt("release", thread_id=self.thread_id)
            self.notify(_("Draft kept; open the reply again to continue"), markup=False)
        self.draft = None
        self.dismiss(None)
