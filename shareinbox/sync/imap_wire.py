"""Parsing the IMAP responses imapclient 4.1 does not handle for us.

FETCH lines and literals come from imaplib's ``untagged_responses`` (a line
is ``b'12 (UID 34 FLAGS (\\Seen) MODSEQ (5))'``; a line with a literal is a
``(prefix, literal)`` tuple followed by the line's trailer). These parsers
use regular expressions over those bytes: imapclient's generic parser costs
several times more on large folders.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from shareinbox.sync import uidset

_UID = re.compile(rb"\bUID (\d+)")
_FLAGS = re.compile(rb"\bFLAGS \(([^)]*)\)")
_MODSEQ = re.compile(rb"\bMODSEQ \((\d+)\)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
_INTERNALDATE = re.compile(rb'\bINTERNALDATE "([^"]+)"')
_BODY = re.compile(rb"BODY\[\] \{\d+\}$")
_APPENDUID = re.compile(rb"\[APPENDUID (\d+) (\d+)\]")
_ESEARCH_ALL = re.compile(rb"\bALL ([0-9:,*]+)")
_LITERAL = re.compile(rb"\{(\d+)\}\r?\n$")
SESSION_FLAGS = frozenset({"\\Recent"})


@dataclass(frozen=True)
class MessageMeta:
    """Per-message data from a FETCH without a body."""

    uid: int
    flags: str | None = None  # space-separated, sorted, without \\Recent
    modseq: int | None = None
    size: int | None = None


@dataclass(frozen=True)
class FetchedMessage:
    """One message fetched with ``BODY.PEEK[]``."""

    uid: int
    flags: str
    modseq: int | None
    internaldate: float | None
    raw: bytes


@functools.lru_cache(maxsize=1024)
def flags_text(raw: bytes) -> str:
    """Normalise a FLAGS list: sorted, unique, session flags dropped."""
    names = {f for f in raw.decode("utf-8", "replace").split() if f}
    return " ".join(sorted(names - SESSION_FLAGS))


def parse_meta_line(line: bytes) -> MessageMeta | None:
    """A FETCH line (without literal) as `MessageMeta`; None without a UID."""
    uid = _UID.search(line)
    if uid is None:
        return None
    flags = _FLAGS.search(line)
    modseq = _MODSEQ.search(line)
    size = _SIZE.search(line)
    return MessageMeta(
        uid=int(uid.group(1)),
        flags=flags_text(flags.group(1)) if flags else None,
        modseq=int(modseq.group(1)) if modseq else None,
        size=int(size.group(1)) if size else None,
    )


def read_tagged(
    readline: Callable[[], bytes], read: Callable[[int], bytes], tag: bytes
) -> tuple[list[bytes], bytes]:
    """Read a command's answer straight off the socket, up to its tagged line.

    For FETCH answers without bodies (UID, FLAGS, MODSEQ, RFC822.SIZE):
    imaplib's generic reader costs 50 µs a line, ten times this. Returns
    the untagged FETCH lines and the tagged status line; other untagged
    lines and any literal are skipped.

    Raises:
        EOFError: the connection closed.
    """
    lines: list[bytes] = []
    prefix = tag + b" "
    while True:
        line = readline()
        if line[:2] == b"* ":
            if line.endswith(b"}\r\n"):
                literal = _LITERAL.search(line)
                if literal is not None:
                    read(int(literal.group(1)))
            if b" FETCH " in line[:32]:
                lines.append(line)
            continue
        if not line:
            raise EOFError("socket error: EOF")
        if line.startswith(prefix):
            return lines, line.rstrip(b"\r\n")


def parse_meta(
    entries: Sequence[bytes | tuple[bytes, bytes]],
) -> dict[int, MessageMeta]:
    """Every FETCH line in `entries` that carries a UID, by UID."""
    out: dict[int, MessageMeta] = {}
    for entry in entries:
        if isinstance(entry, tuple):
            continue
        meta = parse_meta_line(entry)
        if meta is not None:
            out[meta.uid] = meta
    return out


def parse_bodies(entries: list[bytes | tuple[bytes, bytes]]) -> list[FetchedMessage]:
    """The FETCH responses that carry a ``BODY[]`` literal, in server order."""
    out: list[FetchedMessage] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, tuple) or not _BODY.search(entry[0]):
            continue
        prefix, raw = entry
        trailer = entries[index + 1] if index + 1 < len(entries) else b""
        head = prefix + b" " + (trailer if isinstance(trailer, bytes) else b"")
        meta = parse_meta_line(head)
        if meta is None:
            continue
        date = _INTERNALDATE.search(head)
        out.append(
            FetchedMessage(
                uid=meta.uid,
                flags=meta.flags or "",
                modseq=meta.modseq,
                internaldate=_internaldate(date.group(1)) if date else None,
                raw=raw,
            )
        )
    return out


def _internaldate(text: bytes) -> float | None:
    try:
        return datetime.strptime(
            text.decode("ascii"), "%d-%b-%Y %H:%M:%S %z"
        ).timestamp()
    except ValueError:
        return None


def parse_vanished(entries: list[bytes]) -> list[int]:
    """UIDs from ``VANISHED`` / ``VANISHED (EARLIER)`` response data."""
    out: set[int] = set()
    for entry in entries:
        text = entry.decode("ascii", "replace").strip()
        if text.upper().startswith("(EARLIER)"):
            text = text[len("(EARLIER)") :]
        try:
            out.update(uidset.parse(text.strip()))
        except ValueError:
            continue
    return sorted(out)


def parse_esearch(entries: list[bytes]) -> list[int]:
    """UIDs from an ``ESEARCH ... ALL <set>`` response (none when absent)."""
    out: set[int] = set()
    for entry in entries:
        match = _ESEARCH_ALL.search(entry)
        if match:
            out.update(uidset.parse(match.group(1)))
    return sorted(out)


def parse_search(entries: list[bytes]) -> list[int]:
    """UIDs from plain ``SEARCH`` responses."""
    return sorted(
        {int(tok) for entry in entries for tok in entry.split() if tok.isdigit()}
    )


def parse_appenduid(text: bytes | str | None) -> tuple[int, int] | None:
    """(uidvalidity, uid) from an APPEND response's ``[APPENDUID v u]``."""
    if text is None:
        return None
    data = text.encode() if isinstance(text, str) else text
    match = _APPENDUID.search(data)
    return (int(match.group(1)), int(match.group(2))) if match else None
