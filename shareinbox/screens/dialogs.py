"""Small modal dialogs: pick one of a list, write a text, put a thread on hold.

Everything a dialog shows from mail or config is sanitised and shown as
`Content` (never markup); text typed or pasted in is cleaned before it is
returned, so no escape sequence reaches the daemon or other staff's screens.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import ClassVar, Generic, TypeVar
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from shareinbox.bindings import translate_bindings
from shareinbox.i18n import N_, _
from shareinbox.text import clean, one_line

T = TypeVar("T")


class BaseDialog(ModalScreen[T | None], Generic[T]):
    DEFAULT_CSS = """
    BaseDialog { align: center middle; }
    BaseDialog > Vertical { width: 60; max-width: 100%; height: auto; max-height: 22;
        border: round $accent; background: $surface; padding: 0 1; }
    BaseDialog OptionList { height: auto; max-height: 12; }
    BaseDialog TextArea { height: 8; }
    BaseDialog .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel")
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.title_text = one_line(title)

    def action_cancel(self) -> None:
        """Close without a result."""
        self.dismiss(None)


class ChoiceDialog(BaseDialog[str]):
    """Choose one value; returns it (None: cancelled)."""

    def __init__(
        self, title: str, choices: Sequence[tuple[str, str]], current: str | None = None
    ) -> None:
        super().__init__(title)
        self.choices = list(choices)
        self.current = current

    def compose(self) -> ComposeResult:
        """The title and the list."""
        with Vertical():
            yield Label(Content(self.title_text))
            yield OptionList(
                *(
                    Option(Content(one_line(label)), id=value)
                    for value, label in self.choices
                ),
                id="choices",
            )

    def on_mount(self) -> None:
        """Start on the current value."""
        options = self.query_one(OptionList)
        values = [value for value, _label in self.choices]
        if self.current in values:
            options.highlighted = values.index(self.current)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter chooses."""
        self.dismiss(event.option.id)


class TextDialog(BaseDialog[str]):
    """Write a text (a note); ctrl+s saves, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), id="dialog.save", priority=True)
    ]

    def compose(self) -> ComposeResult:
        """The title, the editor and a hint."""
        with Vertical():
            yield Label(Content(self.title_text))
            yield TextArea(id="text", soft_wrap=True)
            yield Label(Content(_("ctrl+s save · esc cancel")), classes="hint")

    def on_mount(self) -> None:
        """Focus the editor."""
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        """Return the cleaned text (nothing when empty)."""
        text = clean(self.query_one(TextArea).text, tabsize=4).strip()
        self.dismiss(text or None)


class MemoDialog(BaseDialog[dict[str, str]]):
    """A phone memo: the number, who called, what was said."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), id="dialog.save", priority=True)
    ]

    def compose(self) -> ComposeResult:
        """The fields."""
        with Vertical():
            yield Label(Content(self.title_text))
            yield Input(placeholder=_("Phone number (optional)"), id="phone")
            yield OptionList(
                Option(Content(_("They called us")), id="in"),
                Option(Content(_("We called them")), id="out"),
                id="direction",
            )
            yield TextArea(id="text", soft_wrap=True)
            yield Label(Content(_("ctrl+s save · esc cancel")), classes="hint")

    def on_mount(self) -> None:
        """Start at the text."""
        self.query_one("#direction", OptionList).highlighted = 0
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        """Return phone, direction and text."""
        text = clean(self.query_one(TextArea).text, tabsize=4).strip()
        if not text:
            self.dismiss(None)
            return
        direction = self.query_one("#direction", OptionList).highlighted_option
        self.dismiss({
            "text": text,
            "phone": one_line(self.query_one("#phone", Input).value),
            "direction": (direction.id if direction else None) or "in",
        })  # fmt: skip


def parse_until(text: str, now: float, tz: ZoneInfo) -> float | None:
    """A come-back time: ``+3d``, ``+4h``, ``2026-05-01`` (09:00) or
    ``2026-05-01 14:00`` in the shop's zone; ValueError if unreadable."""
    text = text.strip()
    if not text:
        return None
    if text.startswith("+") and text[-1:] in ("d", "h") and text[1:-1].isdigit():
        hours = int(text[1:-1]) * (24 if text.endswith("d") else 1)
        return now + hours * 3600
    for form in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            when = datetime.strptime(text, form)
        except ValueError:
            continue
        if form == "%Y-%m-%d":
            when += timedelta(hours=9)
        return when.replace(tzinfo=tz).timestamp()
    raise ValueError(text)


class WaitingDialog(BaseDialog[tuple[str, float | None]]):
    """Why a thread waits (from ``waiting_reasons``) and when to come back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), id="dialog.save", priority=True)
    ]

    def __init__(self, reasons: Sequence[str], now: float, tz: ZoneInfo) -> None:
        super().__init__(_("On hold: why?"))
        self.reasons = list(reasons)
        self.now, self.tz = now, tz

    def compose(self) -> ComposeResult:
        """Reasons and the come-back time."""
        with Vertical():
            yield Label(Content(self.title_text))
            yield OptionList(
                *(Option(Content(_(one_line(r))), id=r) for r in self.reasons),
                id="reasons",
            )
            yield Input(placeholder=_("Come back (optional): +3d, +4h, 2026-05-01 14:00"),
                        id="until")  # fmt: skip
            yield Label(Content(_("enter/ctrl+s save · esc cancel")), classes="hint")

    def on_mount(self) -> None:
        """Start at the first reason."""
        reasons = self.query_one(OptionList)
        reasons.highlighted = 0
        reasons.focus()

    def on_option_list_option_selected(self) -> None:
        """Enter on a reason moves on to the time."""
        self.query_one("#until", Input).focus()

    def on_input_submitted(self) -> None:
        """Enter in the time field saves."""
        self.action_save()

    def action_save(self) -> None:
        """Return (reason, until) or explain a time that cannot be read."""
        option = self.query_one(OptionList).highlighted_option
        field = self.query_one("#until", Input)
        try:
            until = parse_until(field.value, self.now, self.tz)
        except ValueError:
            self.notify(_("Cannot read that time; use +3d, +4h or 2026-05-01 14:00"),
                        severity="error", markup=False)  # fmt: skip
            return
        if option is not None and option.id is not None:
            self.dismiss((option.id, until))
