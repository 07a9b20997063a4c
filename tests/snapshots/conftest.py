"""The snapshot tests use the TUI fixtures: a real daemon, a fixed clock."""

from __future__ import annotations

from tests.tui.conftest import clock, shop_daemon, socket_dir, tui

__all__ = ["clock", "shop_daemon", "socket_dir", "tui"]
