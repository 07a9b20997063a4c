"""A thread's conversation: messages, notes and phone memos in time order.

Incoming and outgoing mail look different (side bar colour, arrow); every
text from mail is sanitised (`shareinbox.text.clean`) and handed to Textual
as Rich `Text`, never parsed as markup.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from shareinbox.i18n import _
from shareinbox.sync.filenames import sanitize_filename
from shareinbox.text import clean, one_line
from shareinbox.widgets.cells import full_time

TAB = 8


def human_size(size: int) -> str:
    """1.2 MB, 34 KB, 512 B."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1000:
        return f"{size // 1000} KB"
    return f"{size} B"


def filename_label(name: str) -> str:
    """An attachment's name as shown and saved: one safe path component."""
    return one_line(sanitize_filename(name, "attachment.bin"))


def attachments_of(messages: list[dict[str, Any]]) -> list[tuple[int, int, str, int]]:
    """(message id, index, filename, size) of every attachment of a thread."""
    return [
        (int(m["id"]), int(a["index"]), filename_label(str(a.get("filename") or "")), int(a.get("size") or 0))
        for m in messages for a in m.get("attachments") or []
    ]  # fmt: skip


def entries(detail: dict[str, Any]) -> list[tuple[float, str, dict[str, Any]]]:
    """Messages, notes and memos of a `show_thread` result, oldest first."""
    found = [(float(m.get("date_ts") or 0), "message", m) for m in detail["messages"]]
    found += [(float(n.get("at_ts") or 0), "note", n) for n in detail.get("notes", [])]
    found += [
        (float(m.get("called_ts") or 0), "memo", m) for m in detail.get("memos", [])
    ]
    found.sort(key=lambda item: item[0])
    return found


def _message(
    m: dict[str, Any], tz: ZoneInfo, numbers: dict[tuple[int, int], int]
) -> Text:
    outgoing = m.get("direction") == "out"
    arrow = "◀ " + _("Sent") if outgoing else "▶ " + _("Received")
    who = one_line(str(m.get("from_name") or "")) or one_line(str(m.get("from") or ""))
    if outgoing and m.get("sent_by"):
        who = f"{who} ({one_line(str(m['sent_by']))})"
    text = Text.assemble(
        (arrow, "bold"), "  ", (who, "bold"), "  ",
        (full_time(m.get("date_ts"), tz), "dim"), "\n",
    )  # fmt: skip
    text.append(clean(str(m.get("text") or ""), tabsize=TAB).rstrip() + "\n")
    for a in m.get("attachments") or []:
        number = numbers.get((int(m["id"]), int(a["index"])), 0)
        name = filename_label(str(a.get("filename") or ""))
        text.append(
            f"📎 [{number}] {name} ({human_size(int(a.get('size') or 0))})\n", "italic"
        )
    text.rstrip()
    return text


def _note(n: dict[str, Any], tz: ZoneInfo) -> Text:
    who = one_line(str(n.get("author_name") or n.get("author") or ""))
    text = Text.assemble(("📝 " + _("Note"), "bold"), "  ", who, "  ",
                         (full_time(n.get("at_ts"), tz), "dim"), "\n")  # fmt: skip
    text.append(clean(str(n.get("text") or ""), tabsize=TAB).rstrip())
    return text


def _memo(m: dict[str, Any], tz: ZoneInfo) -> Text:
    who = one_line(str(m.get("author_name") or m.get("author") or ""))
    way = _("they called") if m.get("direction") == "in" else _("we called")
    phone = one_line(str(m.get("phone") or ""))
    text = Text.assemble(("☎ " + _("Phone memo"), "bold"), "  ", who, "  ", way,
                         f"  {phone}" if phone else "", "  ",
                         (full_time(m.get("called_ts"), tz), "dim"), "\n")  # fmt: skip
    text.append(clean(str(m.get("text") or ""), tabsize=TAB).rstrip())
    return text


class Conversation(VerticalScroll):
    """The scrollable conversation of one thread."""

    def __init__(
        self, detail: dict[str, Any], tz: ZoneInfo, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.detail = detail
        self.tz = tz

    def compose(self) -> ComposeResult:
        """One block per message, note and memo."""
        numbers = {(mid, index): n + 1 for n, (mid, index, _name, _size)
                   in enumerate(attachments_of(self.detail["messages"]))}  # fmt: skip
        for _at, kind, item in entries(self.detail):
            if kind == "message":
                side = "-out" if item.get("direction") == "out" else "-in"
                yield Static(
                    _message(item, self.tz, numbers), classes=f"entry message {side}"
                )
            elif kind == "note":
                yield Static(_note(item, self.tz), classes="entry note")
            else:
                yield Static(_memo(item, self.tz), classes="entry memo")
