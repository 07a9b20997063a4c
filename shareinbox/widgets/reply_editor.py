"""The reply's text editor: a TextArea whose pasted text is cleaned.

A paste can carry escape sequences (copied from a hostile mail or another
terminal); they would reach the outgoing mail and other staff's screens, so
pasted text goes through `shareinbox.text.clean` before it is inserted.
"""

from __future__ import annotations

from textual import events
from textual.widgets import TextArea

from shareinbox.text import clean


class ReplyEditor(TextArea):
    """A soft-wrapping TextArea for the reply body."""

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(clean(text), soft_wrap=True, id=id, show_line_numbers=False)

    async def _on_paste(self, event: events.Paste) -> None:
        """Insert the pasted text without control characters or escapes."""
        event.prevent_default()
        event.stop()
        if self.read_only:
            return
        if result := self._replace_via_keyboard(clean(event.text), *self.selection):
            self.move_cursor(result.end_location)
            self.focus()
