"""A customer's history: every thread, message, memo, note and status change,
across merged addresses, oldest first and colour-coded by kind."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from shareinbox.bindings import translate_bindings
from shareinbox.errors import ShareinboxError
from shareinbox.i18n import N_, _, pgettext
from shareinbox.text import one_line
from shareinbox.widgets.banner import ConnectionBanner
from shareinbox.widgets.cells import fit, full_time, status_label

if TYPE_CHECKING:
    from shareinbox.app import ShareinboxApp

KIND_STYLE = {
    "in": "bold cyan", "out": "bold green", "note": "bold yellow",
    "memo": "bold magenta", "status": "blue", "assign": "blue",
}  # fmt: skip


def entry_text(entry: dict[str, Any], tz: Any) -> Text:
    """One line of the timeline."""
    kind = str(entry.get("kind"))
    label = pgettext("history", kind)
    summary = entry.get("summary") or entry.get("text") or ""
    if kind == "status":
        summary = status_label(str(summary))
    text = Text(fit(full_time(entry.get("at_ts"), tz), 16) + " ", "dim")
    text.append(fit(label, 8), KIND_STYLE.get(kind, ""))
    text.append(f" #{entry.get('thread_id') or '-'} ", "dim")
    text.append(fit(str(entry.get("actor") or ""), 14) + " ")
    text.append(one_line(str(summary)))
    return text


def thread_text(thread: dict[str, Any]) -> Text:
    """One of the customer's threads: id, status, subject."""
    text = Text(f"#{thread.get('id')} ", "bold")
    text.append(fit(status_label(str(thread.get("status")), short=True), 6) + " ")
    text.append(one_line(str(thread.get("subject") or "")), "bold")
    return text


class HistoryScreen(Screen[None]):
    """The customer's timeline; Enter opens the thread of an entry."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", N_("Back"), id="history.back")
    ]

    def __init__(self, customer_id: int | None, name: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.customer_id = customer_id
        self.name_text = one_line(name)
        self.timeline: list[dict[str, Any]] = []
        self.targets: list[Any] = []  # the thread of each line of the list

    def compose(self) -> ComposeResult:
        """Banner, title, timeline, footer."""
        yield ConnectionBanner()
        yield Static(
            Text(_("History: {name}").format(name=self.name_text), "bold"),
            id="history-title",
        )
        yield OptionList(id="timeline")
        yield Footer()

    def on_mount(self) -> None:
        """Load the history."""
        self.run_worker(self.load(), exclusive=True)

    async def load(self) -> None:
        """Read the customer's history from the daemon."""
        app = cast("ShareinboxApp", self.app)
        if self.customer_id is None:
            return
        try:
            result = await app.request("customer_history", customer_id=self.customer_id)
        except ShareinboxError as e:
            self.notify(one_line(e.message), severity="error", markup=False)
            return
        addresses = ", ".join(
            one_line(a["address"]) for a in result.get("addresses", [])
        )
        title = _("History: {name}").format(name=self.name_text)
        self.query_one("#history-title", Static).update(
            Text.assemble((title, "bold"), "  ", (addresses, "dim"))
        )
        self.timeline = list(result.get("timeline", []))
        threads = list(result.get("threads", []))
        tz = app.config.shop.tz
        # A divider (None) is not an option: targets follow the options only.
        self.targets = [t.get("id") for t in threads]
        self.targets += [e.get("thread_id") for e in self.timeline]
        options: list[Option | None] = [Option(thread_text(t)) for t in threads]
        options.append(None)
        options += [Option(entry_text(e, tz)) for e in self.timeline]
        timeline = self.query_one(OptionList)
        timeline.set_options(options)
        timeline.highlighted = len(self.targets) - 1 if self.targets else None
        timeline.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Open the thread of the chosen entry."""
        from shareinbox.screens.thread import ThreadScreen

        thread_id = self.targets[event.option_index]
        if thread_id is not None:
            self.app.push_screen(ThreadScreen(int(thread_id)))

    def action_back(self) -> None:
        """Back."""
        self.dismiss(None)
