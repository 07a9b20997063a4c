"""The charset layer: alias table, strict-then-fallback decoding, detection.

Mail declares charsets loosely (``Windows-31J``, ``x-sjis``, ``ks_c_5601-1987``)
and often wrongly (CP932 bytes labelled ``us-ascii``). Every decode goes
through `decode_bytes`, which tries the declared charset strictly, then a
fixed detection order, and says in a note what it had to do, so that badly
decoded mail can be found later.
"""

from __future__ import annotations

import codecs
import re

from shareinbox.sync.jis import decode_cp51932, decode_iso2022jp

_REPLACEMENT = "\ufffd"
ISO2022JP = "iso-2022-jp"
EUCJP = "euc-jp"

# Labels Python lacks or maps to a smaller table than mailers actually use.
_ALIASES = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "s-jis": "cp932",
    "shiftjis": "cp932",
    "windows-31j": "cp932",
    "ms932": "cp932",
    "ms_kanji": "cp932",
    "csshiftjis": "cp932",
    "x-ms-cp932": "cp932",
    "cswindows31j": "cp932",
    "cp943": "cp932",
    "ibm-943": "cp932",
    "euc-jp": EUCJP,
    "eucjp": EUCJP,
    "x-euc-jp": EUCJP,
    "x-euc": EUCJP,
    "ujis": EUCJP,
    "cseucpkdfmtjapanese": EUCJP,
    "cp51932": EUCJP,
    "euc-jis-2004": EUCJP,
    "euc_jis_2004": EUCJP,
    "iso-2022-jp": ISO2022JP,
    "csiso2022jp": ISO2022JP,
    "iso2022jp": ISO2022JP,
    "iso-2022-jp-1": ISO2022JP,
    "iso-2022-jp-2": ISO2022JP,
    "iso-2022-jp-3": ISO2022JP,
    "iso-2022-jp-2004": ISO2022JP,
    "iso-2022-jp-ms": ISO2022JP,
    "cp50220": ISO2022JP,
    "cp50221": ISO2022JP,
    "cp50222": ISO2022JP,
    "jis": ISO2022JP,
    "us-ascii": "ascii",
    "ascii": "ascii",
    "ansi_x3.4-1968": "ascii",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "windows-1252": "cp1252",
    "cp1252": "cp1252",
    "iso-8859-8-i": "iso8859-8",
    "iso-8859-6-i": "iso8859-6",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "x-gbk": "gb18030",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "x-gb2312": "gb18030",
    "cn-gb": "gb18030",
    "big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "x-mac-cyrillic": "mac-cyrillic",
    "x-mac-roman": "mac-roman",
    "macintosh": "mac-roman",
    "tis-620": "cp874",
    "windows-874": "cp874",
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
}
# Labels that mean "nobody knows": treated exactly like a missing charset.
_UNDECLARED = {"", "unknown-8bit", "x-unknown", "unknown", "8bit", "default", "charset"}
_JIS_ESCAPE_RE = re.compile(rb"\x1b(?:\$[@B(]|\(I)")
_canonical_cache: dict[str, str | None] = {}


def canonical_charset(label: str | None) -> str | None:
    """Map a declared charset label to a codec name, or None if unusable.

    The names `ISO2022JP` and `EUCJP` stand for this module's own decoders.
    """
    if label is None:
        return None
    key = label.strip().strip("\"'").lower()
    if key in _canonical_cache:
        return _canonical_cache[key]
    name: str | None = _ALIASES.get(key)
    if name is None and key not in _UNDECLARED:
        try:
            name = codecs.lookup(key).name
        except (LookupError, ValueError):
            name = None
    if len(_canonical_cache) < 512:
        _canonical_cache[key] = name
    return name


def _strict(data: bytes, name: str) -> str:
    """Decode strictly; raise UnicodeDecodeError (or LookupError) on failure."""
    if name == ISO2022JP:
        if not data.isascii():
            raise UnicodeDecodeError(name, data, 0, 1, "8-bit byte in 7-bit charset")
        text, bad = decode_iso2022jp(data)
        if bad:
            raise UnicodeDecodeError(name, data, 0, 1, "invalid JIS sequence")
        return text
    if name == EUCJP:
        for codec in ("euc_jp", "euc_jis_2004"):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                continue
        text, bad = decode_cp51932(data)
        if bad:
            raise UnicodeDecodeError(name, data, 0, 1, "invalid EUC-JP sequence")
        return text
    if name == "cp1252":
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")
    return data.decode(name)


def _lenient(data: bytes, name: str) -> str:
    if name == ISO2022JP:
        return decode_iso2022jp(data)[0]
    if name == EUCJP:
        return decode_cp51932(data)[0]
    return data.decode(name, "replace")


def _suspicious(text: str) -> int:
    """Count half-width kana and private-use characters: EUC-JP read as CP932
    (and the reverse) produces many of them, real text few."""
    return sum(
        1 for ch in text if "\uff61" <= ch <= "\uff9f" or "\ue000" <= ch <= "\uf8ff"
    )


def _try(data: bytes, name: str) -> str | None:
    try:
        return _strict(data, name)
    except UnicodeDecodeError:
        return None


def detect(data: bytes, *, skip: str | None = None) -> tuple[str, str]:
    """Guess the charset of undeclared bytes; always succeeds.

    Order: ASCII / ISO-2022-JP (7-bit with JIS escapes), UTF-8, CP932 or
    EUC-JP (whichever reads more like text), then Windows-1252/Latin-1.

    Returns:
        The text and the name of the charset it was decoded with.
    """
    if data.isascii():
        if _JIS_ESCAPE_RE.search(data):
            return decode_iso2022jp(data)[0], ISO2022JP
        return data.decode("ascii"), "ascii"
    if skip != "utf-8" and (text := _try(data, "utf-8")) is not None:
        return text, "utf-8"
    found = _japanese(data, skip)
    if found is not None:
        return found
    return _strict(data, "cp1252"), "cp1252"


def _japanese(data: bytes, skip: str | None = None) -> tuple[str, str] | None:
    """Read the bytes as CP932 or EUC-JP, whichever decodes and looks like text."""
    sjis = _try(data, "cp932") if skip != "cp932" else None
    if sjis is None or _suspicious(sjis):
        euc = _try(data, EUCJP) if skip != EUCJP else None
        if euc is not None and (sjis is None or _suspicious(euc) < _suspicious(sjis)):
            return euc, EUCJP
    if sjis is not None:
        return sjis, "cp932"
    return None


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, str | None]:
    """Decode body or header bytes declared as `charset`.

    Never raises. NUL characters come back as U+FFFD.

    Returns:
        The text, and a note saying what went wrong and how it was recovered
        (None when the declared charset decoded the bytes cleanly).
    """
    text, note = _decode(data, charset)
    if "\x00" in text:
        text = text.replace("\x00", _REPLACEMENT)
    return text, note


def _decode(data: bytes, charset: str | None) -> tuple[str, str | None]:
    name = canonical_charset(charset)
    label = (charset or "").strip()
    if name is None:
        if data.isascii() and not _JIS_ESCAPE_RE.search(data):
            return data.decode("ascii"), None
        text, used = detect(data)
        if label and label.lower() not in _UNDECLARED:
            return text, f"unknown charset {label!r}; decoded as {used}"
        return text, f"no charset declared; decoded as {used}"
    if name in _WIDE:
        return _declared(data, name, label)
    if data.isascii():
        return _seven_bit(data, name, label)
    utf8 = _try(data, "utf-8") if name != "utf-8" else None
    if utf8 is not None:
        # Legacy text is almost never valid UTF-8 by accident; mislabelled
        # UTF-8 (cp1251 or Shift_JIS declared, UTF-8 sent) is common.
        return utf8, f"declared {label} but decoded as utf-8"
    return _declared(data, name, label)


def _seven_bit(data: bytes, name: str, label: str) -> tuple[str, str | None]:
    """ASCII bytes: plain ASCII, or ISO-2022-JP whatever the label says."""
    if name != ISO2022JP and not _JIS_ESCAPE_RE.search(data):
        return data.decode("ascii"), None
    text, bad = decode_iso2022jp(data)
    notes = [] if name == ISO2022JP else [f"declared {label}; decoded as {ISO2022JP}"]
    if bad:
        notes.append(f"{bad} invalid JIS sequence(s) replaced")
    return text, "; ".join(notes) or None


def _declared(data: bytes, name: str, label: str) -> tuple[str, str | None]:
    try:
        return _strict(data, name), None
    except (UnicodeDecodeError, LookupError):
        return _recover(data, name, label)


# Encodings whose ASCII-looking bytes are not ASCII text.
_WIDE = frozenset(
    {"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}
    | {"utf-7", "hz", "iso2022_kr", "cp037", "cp500", "cp1140", "cp273", "cp875"}
)


def _recover(data: bytes, name: str, label: str) -> tuple[str, str | None]:
    """The declared charset failed: a few bad bytes are kept as U+FFFD,
    a wrong label is replaced by detection."""
    lenient = _lenient(data, name)
    bad = lenient.count(_REPLACEMENT)
    if bad * 50 < len(lenient) and name != "ascii":
        return lenient, f"{bad} invalid byte sequence(s) in {label} replaced"
    text, used = detect(data, skip=name)
    if used == "cp1252" and name not in ("ascii", "utf-8"):
        return lenient, f"{bad} invalid byte sequence(s) in {label} replaced"
    return text, f"declared {label} but decoded as {used}"


def decode_header_bytes(data: bytes, hint: str | None = None) -> tuple[str, str | None]:
    """Decode raw 8-bit header bytes: UTF-8, the hinted charset, CP932, else U+FFFD.

    Returns:
        The text and a note (None when the bytes were valid UTF-8).
    """
    if data.isascii():
        return data.decode("ascii").replace("\x00", _REPLACEMENT), None
    text = _try(data, "utf-8")
    note = None
    if text is None:
        hinted = canonical_charset(hint)
        if hinted and hinted not in ("ascii", "utf-8", ISO2022JP):
            text, used = _try(data, hinted), hinted
        if text is None and (found := _japanese(data)) is not None:
            text, used = found
        if text is None:
            text = data.decode("utf-8", "replace")
            used = "utf-8 with replacement characters"
        note = f"raw 8-bit header decoded as {used}"
    return text.replace("\x00", _REPLACEMENT), note
