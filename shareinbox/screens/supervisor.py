"""The app's keys for supervisors' screens: the team report and the block
list. `SupervisorKeys` is a base of the app; the daemon checks the role
again on every operation, the keys only spare an agent a screen of errors."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from shareinbox.i18n import N_, _

SUPERVISOR_ROLES = ("supervisor", "admin")


class SupervisorKeys(App[None]):
    """Opens the report and the block list (supervisors and admins)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("R", "report", N_("Report"), id="app.report", show=False),
        Binding("B", "blocklist", N_("Block list"), id="app.blocklist", show=False),
    ]
    me: dict[str, Any]

    def _supervisor(self) -> bool:
        if self.me.get("role") in SUPERVISOR_ROLES:
            return True
        self.notify(_("Only supervisors can open this"), severity="warning",
                    markup=False)  # fmt: skip
        return False

    def action_report(self) -> None:
        """The team report with charts."""
        from shareinbox.screens.report import ReportScreen

        if self._supervisor() and not isinstance(self.screen, ReportScreen):
            self.push_screen(ReportScreen())

    def action_blocklist(self) -> None:
        """The block list."""
        from shareinbox.screens.blocklist import BlocklistScreen

        if self._supervisor() and not isinstance(self.screen, BlocklistScreen):
            self.push_screen(BlocklistScreen())
