"""Saving an attachment: where to (a dialog), and under which name (safe)."""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label

from shareinbox.i18n import _
from shareinbox.screens.dialogs import BaseDialog
from shareinbox.sync.filenames import sanitize_filename


def default_directory() -> Path:
    """~/Downloads if it exists, else the current directory."""
    downloads = Path.home() / "Downloads"
    return downloads if downloads.is_dir() else Path.cwd()


def save_bytes(directory: Path, filename: str, data: bytes) -> Path:
    """Write `data` into `directory` under a sanitised, unused name.

    The name is reduced to one safe path component (no directories, no
    control characters); an existing file is never overwritten: `name (2).ext`.

    Raises:
        OSError: the directory is missing or not writable.
    """
    name = sanitize_filename(filename, "attachment.bin")
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, dot, ext = name, "", ""
    target = directory / name
    number = 1
    while True:
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            number += 1
            target = directory / f"{stem} ({number}){dot}{ext}"
            continue
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        return target


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
