"""The command palette (ctrl+p): every action of the current screen."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.screen import Screen

from shareinbox.i18n import _


def screen_commands(app: App[Any], screen: Screen[Any]) -> Iterator[SystemCommand]:
    """A palette entry for each binding with a label on `screen` and the app."""
    seen: set[str] = set()
    for node in [*screen.query("*"), screen, app]:
        for _key, binding in node._bindings:
            if not binding.description or binding.action in seen:
                continue
            if binding.action in ("command_palette",):
                continue
            seen.add(binding.action)
            yield SystemCommand(binding.description, binding.id or binding.action,
                                partial(node.run_action, binding.action))  # fmt: skip
    yield SystemCommand(_("Theme"), _("Change the colours"), app.action_change_theme)
