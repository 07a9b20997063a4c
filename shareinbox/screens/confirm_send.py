"""The confirmation before a reply goes: From, recipients, subject, files,
the warnings (a file the text mentions but nothing attached, an empty body, a
greeting to someone other than the thread's customer, another reply under
way) and the status the thread takes once the mail is sent.

The dialog returns the chosen after-send status ("keep" for unchanged) or
None when the person goes back to editing. With problems (no recipient,
mixed routes) nothing can be chosen.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from shareinbox.bindings import translate_bindings
from shareinbox.drafting import format_parties
from shareinbox.i18n import N_, _
from shareinbox.text import one_line
from shareinbox.widgets.conversation import filename_label, human_size

KEEP = "keep"
WARNINGS = {
    "missing_attachment": N_(
        "The text mentions an attachment, but no file is attached"
    ),
    "empty_body": N_("The reply has no text of its own"),
    "name_mismatch": N_("The greeting names someone other than the thread's customer"),
    "pending_reply": N_("Another reply to this thread is already on its way"),
}
THEN = (
    (KEEP, N_("Send; keep the thread's status")),
    ("done", N_("Send, then mark the thread done")),
    ("waiting", N_("Send, then wait for the customer")),
    ("open", N_("Send; the thread stays open")),
)


def warning_text(warning: dict[str, Any]) -> str:
    """A warning in the UI language (the daemon's English detail for others)."""
    code = str(warning.get("code") or "")
    if code in WARNINGS:
        return _(WARNINGS[code])
    return one_line(str(warning.get("message") or code))


def summary(preview: dict[str, Any]) -> Text:
    """What is about to be sent, as plain text."""
    sender = preview.get("from") or {}
    rows = [
        (_("From"), format_parties([sender]) if sender else ""),
        (_("To"), format_parties(list(preview.get("to") or []))),
        (_("Cc"), format_parties(list(preview.get("cc") or []))),
        (_("Subject"), one_line(str(preview.get("subject") or ""))),
    ]
    files = [f"{filename_label(str(f.get('filename') or ''))} ({human_size(int(f.get('size') or 0))})"
             for f in preview.get("attachments") or []]  # fmt: skip
    rows.append((_("Files"), ", ".join(files) or _("none")))
    text = Text()
    for label, value in rows:
        if label == _("Cc") and not value:
            continue
        text.append(f"{label}: ", "bold")
        text.append(value + "\n")
    for warning in preview.get("warnings") or []:
        text.append("⚠ " + warning_text(warning) + "\n", "bold yellow")
        detail = one_line(str(warning.get("message") or ""))
        if detail:
            text.append(f"  {detail}\n", "dim")
    for problem in preview.get("problems") or []:
        text.append("✖ " + one_line(str(problem)) + "\n", "bold red")
    if preview.get("needs_approval"):
        text.append(_("This reply goes to a supervisor for approval before it is sent.") + "\n", "italic")  # fmt: skip
    return text


class ConfirmSendDialog(ModalScreen[str | None]):
    """Confirm a reply; returns the after-send status, "keep", or None."""

    DEFAULT_CSS = """
    ConfirmSendDialog { align: center middle; }
    ConfirmSendDialog > Vertical { width: 90; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1; }
    ConfirmSendDialog VerticalScroll { height: auto; max-height: 14; }
    ConfirmSendDialog OptionList { height: auto; max-height: 6; }
    ConfirmSendDialog .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Back to editing"), id="confirm.cancel")
    ]

    def __init__(self, preview: dict[str, Any], then_status: str | None) -> None:
        super().__init__()
        translate_bindings(self)
        self.preview = preview
        self.then_status = then_status or KEEP
        self.blocked = bool(preview.get("problems"))

    def compose(self) -> ComposeResult:
        """The summary, the after-send choice and a hint."""
        approval = bool(self.preview.get("needs_approval"))
        title = (
            _("Submit this reply for approval?") if approval else _("Send this reply?")
        )
        with Vertical():
            yield Label(Content(title), id="confirm-title")
            with VerticalScroll():
                yield Static(summary(self.preview), id="summary")
            yield OptionList(
                *(Option(Content(_(label)), id=value, disabled=self.blocked)
                  for value, label in THEN),
                id="then",
            )  # fmt: skip
            hint = _("Fix the problems first · esc back") if self.blocked else _("enter send · esc back to editing")  # fmt: skip
            yield Label(Content(hint), classes="hint")

    def on_mount(self) -> None:
        """Start on the status the draft asked for."""
        options = self.query_one(OptionList)
        values = [value for value, _label in THEN]
        if not self.blocked:
            options.highlighted = (
                values.index(self.then_status) if self.then_status in values else 0
            )
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter: send with this after-send status."""
        if not self.blocked and event.option.id:
            self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Back to the editor."""
        self.dismiss(None)
