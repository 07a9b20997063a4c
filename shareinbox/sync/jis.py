"""Japanese decoders Python lacks: CP50220-style ISO-2022-JP and CP51932-style EUC-JP.

Python's ``iso2022_jp`` codecs reject the NEC special characters (① ㈱ Ⅲ) and
the NEC-selected IBM extensions (髙 﨑) that Windows mailers put under
``ESC $ B``. Microsoft's CP50220 treats those JIS rows as CP932 code points,
so every ``ESC $ B`` segment is converted arithmetically from JIS to Shift_JIS
and decoded with ``cp932``. The conversion runs on whole byte strings
(``bytes.translate`` plus one big-integer addition), so it costs about as much
as a C codec.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_REPLACEMENT = "\ufffd"

# JIS lead byte -> Shift_JIS lead byte; bytes outside 0x21..0x7E map to an
# invalid lead (0x80) so cp932 reports them instead of inventing characters.
_S1 = bytes(
    (((j + 1) >> 1) + (0x70 if j <= 0x5E else 0xB0)) if 0x21 <= j <= 0x7E else 0x80
    for j in range(256)
)
# Odd JIS lead -> 0x00 added to the trail byte, even lead -> 0x80: the trail
# table below then sees (parity << 7) | j2 and picks the right offset.
_PARITY = bytes(0x00 if j % 2 else 0x80 for j in range(256))


def _trail(index: int) -> int:
    j2 = index & 0x7F
    if not 0x21 <= j2 <= 0x7E:
        return 0x00
    if index & 0x80:
        return j2 + 0x7E
    return j2 + 0x1F + (1 if j2 >= 0x60 else 0)


_S2 = bytes(_trail(i) for i in range(256))
_KANA = bytes((b + 0x80) if 0x21 <= b <= 0x5F else 0x3F for b in range(256))
_PAIRS_RE = re.compile(rb"([\x21-\x7e]+)")
_ESCAPE_RE = re.compile(rb"(\x1b(?:\$\(?[@-Z]|\([@-Z]|\$\)[@-Z]|[.&\-][@-Z]))")
_SHIFT_RE = re.compile(rb"([\x0e\x0f])")
_EUC_PAIRS_RE = re.compile(rb"((?:[\xa1-\xfe][\xa1-\xfe])+)")
_HIGH_TO_LOW = bytes((b - 0x80) if b >= 0x80 else b for b in range(256))


def jis0208_to_text(run: bytes) -> str:
    """Decode bare JIS X 0208 byte pairs (0x21..0x7E) the CP50220 way."""
    n = len(run) // 2
    tail = _REPLACEMENT if len(run) % 2 else ""
    if n == 0:
        return tail
    lead = run[0 : 2 * n : 2]
    trail = run[1 : 2 * n : 2]
    mixed = int.from_bytes(trail, "big") + int.from_bytes(
        lead.translate(_PARITY), "big"
    )
    buf = bytearray(2 * n)
    buf[0::2] = lead.translate(_S1)
    buf[1::2] = mixed.to_bytes(n, "big").translate(_S2)
    return bytes(buf).decode("cp932", "replace") + tail


def _double_byte(segment: bytes) -> str:
    # Control bytes and stray 8-bit bytes break the pair stream; keep line
    # breaks that broken mailers leave inside a JIS segment.
    pieces = _PAIRS_RE.split(segment)
    out = []
    for i, piece in enumerate(pieces):
        if i % 2:
            out.append(jis0208_to_text(piece))
        elif piece:
            out.append(piece.decode("ascii", "replace"))
    return "".join(out)


def _single_byte(segment: bytes) -> str:
    if b"\x0e" not in segment:
        return segment.decode("ascii", "replace")
    # SO/SI (CP50222): half-width katakana between shift-out and shift-in.
    out = []
    kana = False
    for piece in _SHIFT_RE.split(segment):
        if piece in (b"\x0e", b"\x0f"):
            kana = piece == b"\x0e"
        elif kana:
            out.append(piece.translate(_KANA).decode("cp932", "replace"))
        else:
            out.append(piece.decode("ascii", "replace"))
    return "".join(out)


def _kana(segment: bytes) -> str:
    return segment.translate(_KANA).decode("cp932", "replace")


def _other(escape: bytes) -> Callable[[bytes], str]:
    def decode(segment: bytes) -> str:
        for codec in ("iso2022_jp_2004", "iso2022_jp_2"):
            try:
                return (escape + segment).decode(codec)
            except UnicodeDecodeError:
                continue
        return (escape + segment).decode("iso2022_jp_2", "replace")

    return decode


_MODES: dict[bytes, Callable[[bytes], str]] = {
    b"\x1b(B": _single_byte,
    b"\x1b(J": _single_byte,
    b"\x1b(H": _single_byte,
    b"\x1b(I": _kana,
    b"\x1b$@": _double_byte,
    b"\x1b$B": _double_byte,
    b"\x1b$(B": _double_byte,
    b"\x1b$(@": _double_byte,
}


def decode_iso2022jp(data: bytes) -> tuple[str, int]:
    """Decode ISO-2022-JP (and its CP5022x/-2/-2004 variants) leniently.

    Returns:
        The text and how many characters could not be decoded (each became
        U+FFFD).
    """
    if b"\x1b" not in data and b"\x0e" not in data:
        text = data.decode("ascii", "replace")
        return text, text.count(_REPLACEMENT)
    pieces = _ESCAPE_RE.split(data)
    mode: Callable[[bytes], str] = _single_byte
    out = []
    for i, piece in enumerate(pieces):
        if i % 2:
            if piece == b"\x1b&@":
                continue  # JIS X 0208-1990 announcer; ESC $ B follows
            mode = _MODES.get(piece) or _other(piece)
        elif piece:
            out.append(mode(piece))
    text = "".join(out)
    return text, text.count(_REPLACEMENT)


def decode_cp51932(data: bytes) -> tuple[str, int]:
    """Decode EUC-JP with NEC and IBM extension rows, the CP51932 way.

    Double-byte runs go through the JIS→CP932 conversion; SS2 kana, SS3 (JIS X
    0212) and ASCII go through ``euc_jis_2004``.

    Returns:
        The text and the number of undecodable characters.
    """
    pieces = _EUC_PAIRS_RE.split(data)
    out = []
    for i, piece in enumerate(pieces):
        if i % 2:
            out.append(jis0208_to_text(piece.translate(_HIGH_TO_LOW)))
        elif piece:
            out.append(piece.decode("euc_jis_2004", "replace"))
    text = "".join(out)
    return text, text.count(_REPLACEMENT)
