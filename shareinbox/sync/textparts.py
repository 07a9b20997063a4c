"""Turning one text/plain or text/html part into readable text."""

from __future__ import annotations

import re

from shareinbox.sync.charsets import decode_bytes
from shareinbox.sync.html_text import html_to_text
from shareinbox.sync.mime import MimePart
from shareinbox.sync.payload import decode_payload

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:\-]+)""", re.I
)


def part_charset(part: MimePart) -> str | None:
    """The declared charset parameter of a part (RFC 2231 form included)."""
    try:
        value = part.get_param("charset")
    except Exception:  # compat32 parameter parsing is fragile
        return None
    if isinstance(value, tuple):
        value = value[2]
    if not value:
        return None
    return str(value).strip().strip("\"'") or None


def decode_text_part(part: MimePart, ctype: str, notes: list[str]) -> str:
    """Decode a text part's bytes to text with normalised line breaks.

    Args:
        part: the leaf part.
        ctype: its content type (text/plain or text/html).
        notes: where transfer-encoding and charset problems are recorded.
    """
    data, note = decode_payload(part)
    if note:
        notes.append(f"{ctype}: {note}")
    charset = part_charset(part)
    if charset is None and ctype == "text/html":
        match = _META_CHARSET_RE.search(data[:4096])
        charset = match.group(1).decode("ascii") if match else None
    text, note = decode_bytes(data, charset)
    if note:
        notes.append(f"{ctype}: {note}")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def readable(part: MimePart, ctype: str, text: str) -> str:
    """The text to show for a decoded part: HTML rendered, flowed text joined."""
    if ctype == "text/html":
        return html_to_text(text)
    try:
        fmt = str(part.get_param("format") or "").lower()
        delsp = str(part.get_param("delsp") or "").lower() == "yes"
    except Exception:  # compat32 parameter parsing is fragile
        return text
    return unflow(text, delsp) if fmt == "flowed" else text


def unflow(text: str, delsp: bool) -> str:
    """Join RFC 3676 format=flowed soft line breaks, keeping quote depth."""
    out: list[str] = []
    current: str | None = None
    current_depth = 0
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        body = line[depth:]
        if body.startswith(" "):
            body = body[1:]  # space-stuffing
        if current is not None and depth != current_depth:
            out.append(_quoted(current_depth, current))
            current = None
        soft = body.endswith(" ") and body != "-- "
        if soft and delsp:
            body = body[:-1]
        current = body if current is None else current + body
        current_depth = depth
        if not soft:
            out.append(_quoted(depth, current))
            current = None
    if current is not None:
        out.append(_quoted(current_depth, current))
    return "\n".join(out)


def _quoted(depth: int, text: str) -> str:
    return ">" * depth + " " + text if depth else text
