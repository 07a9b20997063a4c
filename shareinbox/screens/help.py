"""Every key binding of the screen underneath, with its label and id."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from shareinbox.bindings import binding_rows, translate_bindings
from shareinbox.i18n import N_, _
from shareinbox.widgets.cells import fit


class HelpScreen(ModalScreen[None]):
    """The keys of `screen` (its widgets', its own and the app's)."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", N_("Close"), id="help.close")
    ]

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        translate_bindings(self)
        self.under = screen

    def compose(self) -> ComposeResult:
        """The table of keys."""
        nodes: list[Any] = [self.under, *self.under.query("*"), self.app]
        text = Text(_("Keys (remap them in [ui] keymap by id)") + "\n\n", "bold")
        keymap = getattr(self.app, "_keymap", {})
        for keys, label, ident in binding_rows(nodes):
            shown = keymap.get(ident, keys) if ident else keys
            text.append(
                fit(
                    shown.replace("question_mark", "?")
                    .replace("slash", "/")
                    .replace("exclamation_mark", "!"),
                    16,
                ),
                "bold",
            )
            text.append(" " + fit(label, 28) + " ")
            text.append(ident + "\n", "dim")
        with VerticalScroll():
            yield Static(text, id="keys")

    def action_close(self) -> None:
        """Back."""
        self.dismiss(None)
