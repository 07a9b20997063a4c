"""The status bar: who I am, the connection, account errors, the view."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from shareinbox.i18n import _
from shareinbox.text import one_line


class StatusBar(Static):
    """One line at the bottom of the inbox (above the footer)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.me = ""
        self.view = ""
        self.total: int | None = None
        self.account_errors: dict[str, str] = {}
        self.connected = False

    def on_mount(self) -> None:
        """Follow the app's connection state."""
        self.watch(self.app, "online", self._online)

    def _online(self, online: bool) -> None:
        self.connected = online
        self.show()

    def set_account(self, account: str, error: str | None) -> None:
        """Record an account's error (None: it works again)."""
        if error:
            self.account_errors[account] = error
        else:
            self.account_errors.pop(account, None)
        self.show()

    def show(self) -> None:
        """Redraw from the current fields."""
        parts = [one_line(self.me)]
        if self.view:
            count = "" if self.total is None else f" ({self.total})"
            parts.append(one_line(self.view) + count)
        if not self.connected:
            parts.append(_("offline"))
        for account, error in sorted(self.account_errors.items()):
            parts.append(_("⚠ {account}: {error}").format(
                account=one_line(account), error=one_line(error)))  # fmt: skip
        self.set_class(bool(self.account_errors), "-error")
        self.update(Content(" │ ".join(parts)))
