"""Header decoding: RFC 2047 encoded words, raw 8-bit bytes, addresses, ids, dates.

Header values arrive as ``compat32`` strings: unfolded lines where raw 8-bit
bytes are kept as surrogate escapes. They are turned back into bytes so the
charset layer sees exactly what was sent.
"""

from __future__ import annotations

import binascii
import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import getaddresses, parsedate_tz

from shareinbox.sync.charsets import decode_bytes, decode_header_bytes

_EW_RE = re.compile(rb"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?]*)\?=")
_FOLD_RE = re.compile(r"\r?\n(?=[ \t])")
_NEWLINES_RE = re.compile(r"[\r\n]+")
_SPACE_RE = re.compile(rb"[ \t\r\n]+")
_B64_JUNK_RE = re.compile(rb"[^A-Za-z0-9+/]")
_MSGID_RE = re.compile(r"<([^<>]*)>")
_WS_RE = re.compile(r"\s+")


def unfold(value: str) -> str:
    """Join folded header lines and drop any remaining line breaks."""
    if "\n" not in value and "\r" not in value:
        return value
    return _NEWLINES_RE.sub("", _FOLD_RE.sub("", value))


def _ew_payload(encoding: bytes, text: bytes) -> bytes | None:
    """The bytes an encoded word carries, or None when it is beyond repair."""
    if encoding in (b"q", b"Q"):
        return binascii.a2b_qp(text, header=True)
    text = _B64_JUNK_RE.sub(b"", text)
    if len(text) % 4 == 1:
        return None  # a lost character: decoding would only make noise
    text += b"=" * (-len(text) % 4)
    try:
        return binascii.a2b_base64(text)
    except binascii.Error:
        return None


class HeaderDecoder:
    """Decodes header values; collects notes on what had to be repaired.

    Args:
        hint: the message's body charset, tried for raw 8-bit header bytes
            after UTF-8.
        defects: the list notes are appended to (a new one if None).
    """

    def __init__(
        self, hint: str | None = None, defects: list[str] | None = None
    ) -> None:
        self.hint = hint
        self.defects: list[str] = [] if defects is None else defects

    def text(self, value: str | None) -> str:
        """Decode a header value to a single line of text ('' for None)."""
        if not value:
            return ""
        value = unfold(value)
        if value.isascii() and "=?" not in value:
            return value.replace("\x00", "\ufffd").strip()
        # compat32 keeps raw 8-bit bytes as surrogate escapes: get them back.
        data = value.encode("utf-8", "surrogateescape")
        return self._words(data).strip()

    def _raw(self, data: bytes) -> str:
        text, note = decode_header_bytes(data, self.hint)
        if note:
            self._note(note)
        return text

    def _note(self, note: str) -> None:
        if note not in self.defects:
            self.defects.append(note)

    def _words(self, data: bytes) -> str:
        out: list[str] = []
        pending: list[bytes] = []  # payloads of adjacent words in one charset
        charset = b""
        pos = 0
        for match in _EW_RE.finditer(data):
            between = data[pos : match.start()]
            payload = _ew_payload(match.group(2), match.group(3))
            word_charset = match.group(1).lower()
            if payload is None:
                self._note("malformed encoded word kept as is")
            joined = pending and not between.strip()
            if pending and not (
                joined and payload is not None and word_charset == charset
            ):
                out.append(self._flush(pending, charset))
                pending = []
            if between and not joined:
                out.append(self._raw(between))
            if payload is None:
                out.append(self._raw(match.group(0)))
            else:
                pending.append(payload)
                charset = word_charset
            pos = match.end()
        if pending:
            out.append(self._flush(pending, charset))
        out.append(self._raw(data[pos:]))
        return "".join(out)

    def _flush(self, payloads: list[bytes], charset: bytes) -> str:
        label = charset.decode("ascii", "replace")
        text, note = decode_bytes(b"".join(payloads), label)
        if note:
            self._note(f"encoded word: {note}")
        return _NEWLINES_RE.sub(" ", text)

    def addresses(self, values: list[str]) -> list[tuple[str, str]]:
        """Parse address headers into (decoded display name, lower-case addr)."""
        pairs: list[tuple[str, str]] = []
        raw = [unfold(v) for v in values if v]
        if not raw:
            return pairs
        try:
            parsed = getaddresses(raw)
        except Exception as e:  # email.utils fails in odd ways
            self._note(f"unparseable address header ({type(e).__name__})")
            return pairs
        for name, addr in parsed:
            shown = self.text(addr)
            if "=?" in addr and any(c in shown for c in '<>" ,'):
                # An encoded word that wrapped the whole address: parse again.
                pairs += self._reparsed(shown)
                continue
            addr = _WS_RE.sub("", shown).lower()
            name = self.text(name).strip().strip('"').strip()
            if name or addr:
                pairs.append((name, addr))
        return pairs

    def _reparsed(self, text: str) -> list[tuple[str, str]]:
        pairs = []
        for name, addr in getaddresses([text]):
            addr = _WS_RE.sub("", addr).lower()
            name = name.strip().strip('"').strip()
            if name or addr:
                pairs.append((name, addr))
        return pairs


def _storable(value: str) -> str:
    """Raw 8-bit bytes (surrogate escapes) as UTF-8, else as ``\\xNN``.

    An id is an identity: two ids that differ in one undecodable byte must
    stay different, and SQLite cannot store a lone surrogate.
    """
    if value.isascii():
        return value
    try:
        data = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass").decode(
            "utf-8", "backslashreplace"
        )
    return data.decode("utf-8", "backslashreplace")


def message_ids(value: str | None) -> list[str]:
    """The msg-ids in a Message-ID/In-Reply-To/References value, without <>."""
    if not value:
        return []
    value = _storable(unfold(value).replace("\x00", "\ufffd"))
    found = [_WS_RE.sub("", m) for m in _MSGID_RE.findall(value)]
    ids = [m for m in found if m]
    if not ids and "<" not in value:
        ids = [w for w in value.split() if "@" in w or len(value.split()) == 1]
    return list(dict.fromkeys(ids))


def parse_date(value: str | None) -> datetime | None:
    """Parse an RFC 5322 date leniently; None if it cannot be read.

    A date without a zone (or with -0000) is taken as UTC.
    """
    if not value:
        return None
    try:
        parts = parsedate_tz(unfold(value))
        if parts is None:
            return None
        offset = parts[9] or 0
        if abs(offset) >= 24 * 3600:
            offset = 0
        year = parts[0]
        if not 1000 <= year <= 9998:  # year 9999 in Tokyo is past datetime.max
            return None
        tz = UTC if offset == 0 else timezone(timedelta(seconds=offset))
        return datetime(
            year, parts[1], parts[2], parts[3], parts[4], parts[5], tzinfo=tz
        )
    except (ValueError, TypeError, OverflowError, IndexError):
        return None
