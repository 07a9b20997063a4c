"""Saving an attachment: where to (a dialog), and under which name (safe)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label

from shareinbox.i18n import _
from shareinbox.savefile import save_bytes
from shareinbox.screens.dialogs import BaseDialog

__all__ = ["PathDialog", "default_directory", "save_bytes"]


def default_directory() -> Path:
    """~/Downloads if it exists, else the current directory."""
    downloads = Path.home() / "Downloads"
    return downloads if downloads.is_dir() else Path.cwd()


class PathDialog(BaseDialog[str]):
    """Ask for a directory (Enter saves, Esc cancels)."""

    def compose(self) -> ComposeResult:
        """The title and the path field."""
        with Vertical():
            yield Label(Content(self.title_text))
            yield Input(value=str(default_directory()), id="path")
            yield Label(Content(_("enter save · esc cancel")), classes="hint")

    def on_mount(self) -> None:
        """Focus the field."""
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: this directory."""
        value = event.value.strip()
        self.dismiss(value or None)
