"""Content-Transfer-Encoding: base64, quoted-printable, x-uuencode, done leniently.

Every decoder returns what it could recover plus a note when something was
wrong; none of them raises.
"""

from __future__ import annotations

import binascii
import re
from email.message import Message

_B64_INVALID_RE = re.compile(rb"[^A-Za-z0-9+/=\s]")
_B64_DATA_RE = re.compile(rb"[^A-Za-z0-9+/]")
_UU_BEGIN_RE = re.compile(rb"^begin[ \t]+[0-7]{3,4}[ \t]+(.*?)[ \t\r]*$", re.M)
_IDENTITY = frozenset({"", "7bit", "8bit", "binary", "none", "7-bit", "8-bit"})
_UUENCODE = frozenset({"x-uuencode", "uuencode", "x-uue", "uue"})


_SLICE = 1 << 20  # characters of a large base64 body decoded at a time


def transfer_encoding(part: Message) -> str:
    """The part's Content-Transfer-Encoding, lower-case, junk after ';' dropped."""
    value = part.get("content-transfer-encoding")
    if not value:
        return ""
    token = str(value).split(";")[0].strip().lower()
    return token.split()[0] if token else ""


def raw_payload(part: Message) -> bytes:
    """The part's body bytes as they were on the wire (transfer-encoded).

    Read from the undecoded payload: ``get_payload()`` would decode 8-bit
    bytes with Python's codec for the declared charset (``shift_jis``, which
    lacks ① ㈱ 髙) and hand back U+FFFD in their place.
    """
    payload: object = getattr(part, "_payload", None)  # 8-bit bytes: surrogates
    if isinstance(payload, str):
        return payload.encode("utf-8", "surrogateescape")
    if isinstance(payload, bytes):
        return payload
    return b""


def decode_payload(part: Message) -> tuple[bytes, str | None]:
    """Undo the part's transfer encoding.

    Returns:
        The decoded bytes and a note on what was wrong, or None.
    """
    data = raw_payload(part)
    cte = transfer_encoding(part)
    if cte in _IDENTITY:
        return data, None
    if cte == "base64":
        return decode_base64(data)
    if cte == "quoted-printable":
        return binascii.a2b_qp(data), None
    if cte in _UUENCODE:
        return decode_uu(data)
    return data, f"unknown transfer encoding {cte!r} left as is"


def decoded_size(part: Message) -> tuple[int, str | None]:
    """The size of the part's decoded payload, and a note on what was wrong.

    A large clean base64 body (a video, a scan) is decoded a slice at a
    time, so a 25 MB message never holds its attachment's encoded and
    decoded bytes at once just to learn their size; anything else is
    decoded whole, as `decode_payload` does.
    """
    payload = part.get_payload()
    big = isinstance(payload, str) and len(payload) > _SLICE
    if big and transfer_encoding(part) == "base64":
        size = _base64_size(str(payload))
        if size is not None:
            return size, None
    data, note = decode_payload(part)
    return len(data), note


def _base64_size(text: str) -> int | None:
    """Decoded length of clean base64 text (None when it is not clean)."""
    size, carry = 0, ""
    for start in range(0, len(text), _SLICE):
        chunk = carry + "".join(text[start : start + _SLICE].split())
        usable = len(chunk) - len(chunk) % 4
        try:
            size += len(binascii.a2b_base64(chunk[:usable], strict_mode=True))
        except (binascii.Error, ValueError):
            return None
        carry = chunk[usable:]
    return None if carry else size


def decode_base64(data: bytes) -> tuple[bytes, str | None]:
    """Decode base64, ignoring junk characters and repairing bad padding."""
    note = None
    if _B64_INVALID_RE.search(data):
        note = "invalid characters in base64 ignored"
    try:
        return binascii.a2b_base64(data), note
    except binascii.Error:
        pass
    body = _B64_DATA_RE.sub(b"", data.split(b"=", 1)[0])
    if len(body) % 4 == 1:
        body = body[:-1]
    body += b"=" * (-len(body) % 4)
    try:
        decoded = binascii.a2b_base64(body)
    except binascii.Error:
        decoded = b""
    return decoded, "bad base64 padding repaired"


def decode_uu(data: bytes) -> tuple[bytes, str | None]:
    """Decode an x-uuencode body (``begin 644 name`` … ``end``)."""
    begin = _UU_BEGIN_RE.search(data)
    if begin is None:
        if not data.strip():
            return b"", None
        return data, "uuencoded body without a begin line left as is"
    out = bytearray()
    note = None
    for line in data[begin.end() :].splitlines()[1:]:
        line = line.rstrip(b"\r")
        if line.strip() in (b"end", b""):
            if line.strip() == b"end":
                break
            continue
        try:
            out += binascii.a2b_uu(line)
        except binascii.Error:
            # Some encoders pad lines oddly: decode only what the length byte promises.
            size = ((line[0] - 32) & 63) * 4 // 3 + 4
            try:
                out += binascii.a2b_uu(line[: size + 1])
            except binascii.Error:
                note = "broken uuencoded lines skipped"
    return bytes(out), note


def uu_filename(part: Message) -> str | None:
    """The file name a uuencoded body carries on its ``begin`` line."""
    match = _UU_BEGIN_RE.search(raw_payload(part)[:4096])
    if match is None:
        return None
    return match.group(1).decode("utf-8", "surrogateescape") or None
