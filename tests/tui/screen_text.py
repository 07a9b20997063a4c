"""The text an app shows, line by line (for assertions on what is on screen)."""

from __future__ import annotations

from typing import Any

from textual.app import App


def screen_lines(app: App[Any]) -> list[str]:
    """Every line of the current screen as plain text."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


def screen_text(app: App[Any]) -> str:
    """The current screen as one string."""
    return "\n".join(screen_lines(app))


def screen_segments(app: App[Any]) -> str:
    """Everything written for the screen, control characters included."""
    strips = app.screen._compositor.render_strips()
    return "".join(segment.text for strip in strips for segment in strip)
