"""Attachment file names: decoding every way mailers write them, then sanitising.

Mailers write names as RFC 2231 parameters (``filename*0*=ISO-2022-JP''…``),
as RFC 2047 words inside quotes (``filename="=?ISO-2022-JP?B?…?="``, Outlook
and Gmail), or as raw 8-bit CP932/UTF-8. The result is always made safe to
use as a single path component: no directories, no control characters, no
escape sequences, no leading dots, never empty.
"""

from __future__ import annotations

import re
import unicodedata
from email.message import Message

from shareinbox.sync.charsets import decode_bytes
from shareinbox.sync.headers import HeaderDecoder

_ESCAPE_SEQ_RE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI ... final
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL/ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS/SOS/PM/APC ... ST
    r"|\x1b[ -/]*[0-~]?"  # any other escape
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
# C0, DEL, C1, and invisible format characters that reorder or hide text
# (U+202E turns "invoice_fdp.exe" into what looks like a PDF).
_UNSAFE_RE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)
_RESERVED_RE = re.compile(r'[<>:"|?*]')
_MAX_BYTES = 200

# Extensions for fallback names of common attachment types.
_EXTENSIONS = {
    "message/rfc822": ".eml",
    "message/global": ".eml",
    "message/delivery-status": ".txt",
    "message/disposition-notification": ".txt",
    "message/feedback-report": ".txt",
    "text/rfc822-headers": ".txt",
    "text/plain": ".txt",
    "text/html": ".html",
    "text/calendar": ".ics",
    "text/csv": ".csv",
    "text/x-vcard": ".vcf",
    "text/vcard": ".vcf",
    "application/pdf": ".pdf",
    "application/ms-tnef": ".dat",
    "application/vnd.ms-tnef": ".dat",
    "application/zip": ".zip",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
}


def fallback_name(index: int, content_type: str) -> str:
    """The name given to an attachment that has none: ``attachment-1.pdf``."""
    if content_type in ("application/ms-tnef", "application/vnd.ms-tnef"):
        return "winmail.dat"
    return f"attachment-{index + 1}{_EXTENSIONS.get(content_type, '.bin')}"


def sanitize_filename(name: str, fallback: str) -> str:
    """Make an untrusted file name safe to show and to save as one file.

    Keeps only the last path component (``/`` and ``\\`` both count), removes
    escape sequences, control and bidi-override characters, Windows-reserved
    characters and leading dots, trims the length to 200 UTF-8 bytes keeping
    the extension, and returns `fallback` (sanitised too) if nothing is left.
    """
    text = unicodedata.normalize("NFC", name.replace("\x00", ""))
    text = _UNSAFE_RE.sub("", _ESCAPE_SEQ_RE.sub("", text))
    text = re.split(r"[/\\]", text)[-1]
    text = _RESERVED_RE.sub("_", text).strip().lstrip(".").rstrip(". ").strip()
    text = _shorten(" ".join(text.split()))
    if text:
        return text
    if fallback and fallback != name:
        return sanitize_filename(fallback, "")
    return "attachment.bin"


def _shorten(text: str) -> str:
    if len(text.encode("utf-8")) <= _MAX_BYTES:
        return text
    stem, dot, ext = text.rpartition(".")
    if not dot or len(ext) > 10:
        stem, ext = text, ""
    budget = _MAX_BYTES - len(ext.encode("utf-8")) - 1
    # Cut the bytes once ("ignore" drops a split character): a loop removing
    # one character at a time was quadratic on a megabyte-long name.
    stem = stem.encode("utf-8")[:budget].decode("utf-8", "ignore")
    return f"{stem}.{ext}" if ext else stem


def _param(part: Message, name: str, header: str, decoder: HeaderDecoder) -> str | None:
    """Read and decode one parameter: RFC 2231, RFC 2047 in quotes, raw 8-bit."""
    try:
        value = part.get_param(name, None, header)
    except Exception:  # compat32 parameter parsing is fragile
        return None
    if not value:
        return None
    if isinstance(value, tuple):
        charset, _lang, text = value
        # compat32 unquotes %XX to Latin-1 characters: one char per byte.
        try:
            data = str(text).encode("latin-1", "surrogateescape")
        except UnicodeEncodeError:
            data = str(text).encode("utf-8", "surrogateescape")
        return decode_bytes(data, charset or "utf-8")[0]
    return decoder.text(str(value))


def raw_filename(part: Message, decoder: HeaderDecoder) -> str | None:
    """The decoded (not yet sanitised) file name of a part, or None."""
    return _param(part, "filename", "content-disposition", decoder) or _param(
        part, "name", "content-type", decoder
    )
