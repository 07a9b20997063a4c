"""A banner shown while the daemon is unreachable (the app reconnects)."""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.widgets import Static

from shareinbox.i18n import _


class ConnectionBanner(Static):
    """Watches ``app.online``; visible only while offline."""

    DEFAULT_CSS = """
    ConnectionBanner { height: 1; background: $error; color: $text;
        text-style: bold; padding: 0 1; display: none; }
    """

    def __init__(self) -> None:
        super().__init__("", markup=False, classes="connection-banner")

    def on_mount(self) -> None:
        """Follow the app's connection state."""
        self.watch(self.app, "online", self._changed)

    def _changed(self, online: bool) -> None:
        app: Any = self.app
        self.display = not online
        reason = getattr(app, "offline_reason", "")
        text = _("Daemon unreachable — reconnecting…")
        self.update(Content(f"{text} {reason}".strip()))
