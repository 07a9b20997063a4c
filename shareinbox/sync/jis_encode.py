"""Encoding text as ISO-2022-JP the CP50220 way, or saying it cannot be done.

Python's ``iso2022_jp`` encoder refuses the NEC special characters (① ㈱ Ⅲ)
and the NEC-selected IBM extensions (髙 﨑) that Japanese mailers send under
``ESC $ B`` every day. The table here is the inverse of this package's
decoder (`shareinbox.sync.jis.jis0208_to_text`): every JIS pair that decodes
to one character maps back to it, so what we send decodes to exactly what
was written. A character with no pair (half-width katakana, emoji, most
non-Japanese scripts) makes `encode_iso2022jp` return None and the caller
sends UTF-8 instead: nothing is ever replaced or lost.
"""

from __future__ import annotations

from functools import lru_cache

from shareinbox.sync.jis import jis0208_to_text

ESC_ASCII = b"\x1b(B"
ESC_JIS = b"\x1b$B"
# ASCII that may stand in ISO-2022-JP text: no ESC, SO, SI (they would switch
# the decoder's mode) and no NUL.
_ASCII_OK = frozenset(c for c in range(0x01, 0x80) if c not in (0x0E, 0x0F, 0x1B))
# The JIS X 0208 characters that CP932 decodes to a different code point
# (WAVE DASH vs FULLWIDTH TILDE, ...): text typed on a Mac or Linux uses the
# left ones, so they take the pair of the right ones, as every Japanese
# mailer does. Both spellings look the same to a reader.
_ALIASES = {
    "\u301c": "\uff5e",  # 〜 WAVE DASH -> ～
    "\u2212": "\uff0d",  # − MINUS SIGN -> －
    "\u2016": "\u2225",  # ‖ DOUBLE VERTICAL LINE -> ∥
    "\u2014": "\u2015",  # — EM DASH -> ―
    "\u00a2": "\uffe0",  # ¢ -> ￠
    "\u00a3": "\uffe1",  # £ -> ￡
    "\u00ac": "\uffe2",  # ¬ -> ￢
}


@lru_cache(maxsize=1)
def _table() -> dict[str, bytes]:
    """Character -> JIS X 0208 pair (CP50220 rows included); first pair wins."""
    table: dict[str, bytes] = {}
    for lead in range(0x21, 0x7F):
        for trail in range(0x21, 0x7F):
            pair = bytes((lead, trail))
            text = jis0208_to_text(pair)
            if len(text) == 1 and text != "\ufffd" and text not in table:
                table[text] = pair
    for alias, char in _ALIASES.items():
        table.setdefault(alias, table[char])
    return table


def encodable(text: str) -> bool:
    """True when every character of `text` has an ISO-2022-JP (CP50220) code."""
    table = _table()
    return all(ord(c) in _ASCII_OK or c in table for c in text if c not in "\r\n")


def encode_iso2022jp(text: str) -> bytes | None:
    """`text` (one line, or several) as ISO-2022-JP, or None if a character has no code.

    Every line ends in ASCII mode (RFC 1468), so each line can be read on its
    own; line breaks are kept as they are.
    """
    table = _table()
    out = bytearray()
    jis = False
    for char in text:
        code = ord(char)
        if char in "\r\n" or code in _ASCII_OK:
            if jis:
                out += ESC_ASCII
                jis = False
            out.append(code)
            continue
        pair = table.get(char)
        if pair is None:
            return None
        if not jis:
            out += ESC_JIS
            jis = True
        out += pair
    if jis:
        out += ESC_ASCII
    return bytes(out)
