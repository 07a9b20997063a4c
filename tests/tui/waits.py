"""Waiting for the inbox to settle, so a test does not end mid-reload."""

from __future__ import annotations

from shareinbox.app import ShareinboxApp


def settled(app: ShareinboxApp) -> bool:
    """No reload pending or running on the current screen."""
    return not getattr(app.screen, "_stale", False) and all(
        w.is_finished for w in app.workers if w.group == "reload"
    )
