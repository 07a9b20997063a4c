"""The views of the inbox with live counts (新着, 対応中, ..., per account)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from shareinbox.bindings import translate_bindings
from shareinbox.i18n import N_, _, pgettext
from shareinbox.text import one_line

VIEWS = (
    "new", "open", "waiting", "done", "mine", "unassigned", "overdue",
    "due_today", "spam", "all",
)  # fmt: skip


VIEW_NAMES = {
    "new": "New", "open": "Open", "waiting": "Waiting", "done": "Done",
    "mine": "Mine", "unassigned": "Unassigned", "overdue": "Overdue",
    "due_today": "Back today", "spam": "Spam", "all": "All",
}  # fmt: skip


def view_label(view: str) -> str:
    """The UI name of a view (an account view shows the account's name)."""
    kind, _sep, value = view.partition(":")
    if kind == "account":
        return "@" + one_line(value)
    if kind == "search":
        return _("Search")
    return pgettext("view", VIEW_NAMES.get(view, view))


class ViewSidebar(OptionList):
    """One line per view: its name and how many threads it holds."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", N_("Down"), show=False, id="views.down"),
        Binding("k", "cursor_up", N_("Up"), show=False, id="views.up"),
    ]

    class ViewChosen(Message):
        """The user picked a view."""

        def __init__(self, view: str) -> None:
            super().__init__()
            self.view = view

    def __init__(self, accounts: Sequence[str], *, id: str | None = None) -> None:
        self.views = [*VIEWS, *(f"account:{name}" for name in accounts)]
        self.counts: dict[str, int] = {}
        self._label_width = 16
        super().__init__(*(Option(self._prompt(v), id=v) for v in self.views), id=id)
        translate_bindings(self)

    def _prompt(self, view: str) -> Content:
        label = view_label(view)
        count = self.counts.get(view)
        number = "" if count is None else str(count)
        width = self._label_width
        gap = max(width - cell_len(label) - len(number), 1)
        return Content(label + " " * gap + number)

    def set_counts(self, counts: dict[str, int]) -> None:
        """Show new counts (and a view for each account the daemon knows)."""
        self.counts = dict(counts)
        for view in sorted(counts):
            if view.startswith("account:") and view not in self.views:
                self.views.append(view)
                self.add_option(Option(self._prompt(view), id=view))
        for view in self.views:
            self.replace_option_prompt(view, self._prompt(view))

    def on_resize(self) -> None:
        """Right-align the counts to the new width."""
        self._label_width = max(self.scrollable_content_region.width - 2, 8)
        self.set_counts(self.counts)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter or a click on a view shows it."""
        event.stop()
        if event.option.id is not None:
            self.post_message(self.ViewChosen(event.option.id))

    def select_view(self, view: str) -> None:
        """Highlight `view` (without announcing it)."""
        if view in self.views:
            self.highlighted = self.views.index(view)
