"""How one thread is drawn as a row of the list: columns, widths, colours.

Columns drop and shrink with the width so that the list stays usable at
80x24 next to the sidebar: the subject takes what the others leave.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from shareinbox import i18n
from shareinbox.i18n import _
from shareinbox.widgets.cells import (
    fit,
    hold_left,
    hold_reason,
    received,
    staff_label,
    status_label,
    time_left,
)

COMPONENT_CLASSES = {
    "thread-list--cursor",
    "thread-list--cursor-blur",
    "thread-list--overdue",
    "thread-list--due",
    "thread-list--lock",
    "thread-list--mine",
    "thread-list--dim",
    "thread-list--status-new",
    "thread-list--status-open",
    "thread-list--status-waiting",
    "thread-list--status-done",
    "thread-list--status-spam",
}
LOCK = "🔒"
_STATUSES = ("new", "open", "waiting", "done", "spam")
VIEWERS = "👀"


class Styled(Protocol):
    """Something that resolves component classes to styles (the list widget)."""

    def get_component_rich_style(self, *names: str, partial: bool = ...) -> Style:
        """The style of a component class."""
        ...


@dataclass(frozen=True)
class Column:
    """A column: its name and width in cells."""

    name: str
    width: int


def layout(width: int) -> tuple[Column, ...]:
    """The columns for a list `width` cells wide (one space between columns)."""
    return _layout(width, i18n.language())


@functools.lru_cache(maxsize=64)
def _layout(width: int, language: str) -> tuple[Column, ...]:
    labels = [status_label(s, short=True) for s in _STATUSES] + [_("Status")]
    status = max(cell_len(label) for label in labels)
    if width >= 110:
        fixed = [("status", status), ("assignee", 10), ("lock", 10), ("viewers", 3),
                 ("customer", 16), ("time", 5), ("due", 6)]  # fmt: skip
    elif width >= 70:
        fixed = [("status", status), ("who", 10), ("viewers", 2), ("customer", 12),
                 ("time", 5), ("due", 6)]  # fmt: skip
    else:
        fixed = [("status", status), ("who", 8), ("customer", 10), ("time", 5),
                 ("due", 5)]  # fmt: skip
    used = sum(w for _, w in fixed) + len(fixed)
    columns = [Column(name, w) for name, w in fixed]
    columns.insert(1, Column("subject", max(width - used, 8)))
    return tuple(columns)


class RowRenderer:
    """Draws threads for one viewer (their login, the shop's time zone)."""

    def __init__(self, me: str, tz: ZoneInfo) -> None:
        self.me = me
        self.tz = tz

    def header(self, width: int) -> Text:
        """The column titles."""
        titles = {
            "status": _("Status"), "subject": _("Subject"), "assignee": _("Assignee"),
            "lock": _("Lock"), "viewers": "", "who": _("Assignee"),
            "customer": _("Customer"), "time": _("Recv"), "due": _("SLA"),
        }  # fmt: skip
        return Text(" ".join(fit(titles[c.name], c.width) for c in layout(width)))

    def cell(self, name: str, thread: dict[str, Any], now: float) -> str:
        """The text of one column."""
        lock = thread.get("locked_by")
        holder = staff_label(thread.get("locked_by_name"), lock)
        assignee = staff_label(thread.get("assignee_name"), thread.get("assignee"))
        viewers = [v for v in thread.get("viewers") or [] if v != self.me]
        reason = hold_reason(thread)
        values = {
            "status": status_label(str(thread["status"]), short=True),
            "subject": (f"({reason}) " if reason else "")
            + str(thread.get("subject") or _("(no subject)")),
            "assignee": assignee or "-",
            "lock": f"{LOCK}{holder}" if lock else "",
            "who": f"{LOCK}{holder}" if lock else (assignee or "-"),
            "viewers": f"{VIEWERS}{len(viewers)}" if viewers else "",
            "customer": str(
                thread.get("customer_name") or thread.get("customer") or ""
            ),
            "time": received(thread.get("last_message_ts"), now, self.tz),
            "due": time_left(thread, now)[0] or hold_left(thread, now),
        }
        return values[name]

    def segments(
        self,
        thread: dict[str, Any],
        width: int,
        now: float,
        styled: Styled,
        base: Style,
    ) -> list[Segment]:
        """The row's segments, each column in its style."""
        styles = self._styles(thread, now, styled, base)
        segments: list[Segment] = []
        for i, column in enumerate(layout(width)):
            if i:
                segments.append(Segment(" ", base))
            text = self.cell(column.name, thread, now)
            if column.name == "viewers":
                text = text if cell_len(text) <= column.width else VIEWERS
            segments.append(
                Segment(fit(text, column.width), styles.get(column.name, base))
            )
        return segments

    def _styles(
        self, thread: dict[str, Any], now: float, styled: Styled, base: Style
    ) -> dict[str, Style]:
        def style(name: str) -> Style:
            return base + styled.get_component_rich_style(f"thread-list--{name}")

        _, overdue = time_left(thread, now)
        lock = thread.get("locked_by")
        styles = {
            "status": style(f"status-{thread['status']}"),
            "due": style("overdue" if overdue else "due"),
            "time": style("dim"),
        }
        if lock:
            styles["lock"] = styles["who"] = style("lock")
        elif thread.get("assignee") == self.me:
            styles["who"] = styles["assignee"] = style("mine")
        return styles
