"""Writing outgoing MIME by hand: encoded words, addresses, parts.

The standard library's header machinery re-encodes whatever it is given with
Python's own ``iso2022_jp`` codec (which refuses ① and 髙) or folds encoded
words in ways old Japanese mailers misread, so outgoing mail is written
here: RFC 2047 B-encoded words of at most 75 characters, each complete in
itself (an ISO-2022-JP word starts and ends in ASCII), RFC 2231 filenames
(plus the RFC 2047 form Outlook reads), CRLF line ends, lines of at most 78
characters in headers. Every value is checked for CR/LF first: nothing a
customer wrote can add a header.
"""

from __future__ import annotations

import base64
import re
import urllib.parse
from collections.abc import Sequence

from shareinbox.errors import ProtocolError
from shareinbox.sync.jis_encode import encode_iso2022jp
from shareinbox.sync.mailtypes import Address

CRLF = "\r\n"
_ADDR = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+$")
_ATOM = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ .-]*$")
_TOKEN = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+$")
_ASCII_NAME = re.compile(r"^[\x20-\x7e]*$")


def check_address(addr: str) -> str:
    """A plain ASCII addr-spec (lower-cased domain), or ProtocolError."""
    addr = addr.strip()
    if not _ADDR.match(addr) or ".." in addr or addr.startswith("."):
        raise ProtocolError(f"not a mail address we can send to: {addr!r}")
    local, _, domain = addr.rpartition("@")
    return f"{local}@{domain.lower()}"


def single_line(text: str) -> str:
    """`text` with line breaks and other control characters turned into spaces."""
    return " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", text).split())


def _chunks(text: str, limit: int, charset: str) -> list[bytes]:
    """Split `text` into pieces whose encoding fits `limit` bytes (headers are short)."""
    pieces: list[bytes] = []
    current, encoded = "", b""
    for char in text:
        trial = _encode(current + char, charset)
        if len(trial) > limit and current:
            pieces.append(encoded)
            current, encoded = char, _encode(char, charset)
        else:
            current, encoded = current + char, trial
    if current:
        pieces.append(encoded)
    return pieces


def _encode(text: str, charset: str) -> bytes:
    if charset == "iso-2022-jp":
        data = encode_iso2022jp(text)
        if data is None:
            raise ValueError("not encodable in ISO-2022-JP")
        return data
    return text.encode("utf-8")


def encoded_words(text: str, charset: str) -> list[str]:
    """`text` as RFC 2047 B words of at most 75 characters each."""
    label = "ISO-2022-JP" if charset == "iso-2022-jp" else "UTF-8"
    room = (75 - len(f"=?{label}?B??=")) // 4 * 3
    return [
        f"=?{label}?B?{base64.b64encode(piece).decode('ascii')}?="
        for piece in _chunks(text, room, charset)
    ]


def header_text(text: str, charset: str) -> list[str]:
    """An unstructured header value (Subject) as foldable tokens."""
    text = single_line(text)
    if _ASCII_NAME.match(text) and "=?" not in text:
        return text.split(" ") if text else [""]
    return encoded_words(text, charset)


def address(party: Address, charset: str) -> list[str]:
    """``name <addr>`` as foldable tokens (name encoded or quoted as needed)."""
    addr = check_address(party.addr)
    name = single_line(party.name)
    if not name:
        return [addr]
    if _ASCII_NAME.match(name) and "=?" not in name:
        if _ATOM.match(name):
            return [*name.split(" "), f"<{addr}>"]
        quoted = name.replace("\\", "\\\\").replace('"', '\\"')
        return [f'"{quoted}"', f"<{addr}>"]
    return [*encoded_words(name, charset), f"<{addr}>"]


def address_list(parties: Sequence[Address], charset: str) -> list[str]:
    """Several addresses, comma-separated, as foldable tokens."""
    tokens: list[str] = []
    for index, party in enumerate(parties):
        words = address(party, charset)
        if index < len(parties) - 1:
            words[-1] += ","
        tokens.extend(words)
    return tokens


def fold(name: str, tokens: Sequence[str]) -> str:
    """``Name: tokens`` folded at spaces into lines of at most 78 characters."""
    lines: list[str] = []
    line = f"{name}:"
    for token in tokens:
        if len(line) + 1 + len(token) > 78 and line != f"{name}:":
            lines.append(line)
            line = " " + token
        else:
            line += " " + token
    lines.append(line)
    return CRLF.join(lines)


def filename_params(filename: str) -> tuple[str, str]:
    """(Content-Type name param, Content-Disposition filename params) for a file.

    ASCII names are quoted strings; others get RFC 2231 ``filename*`` (with
    continuations when long) plus an RFC 2047 ``name`` for Outlook.
    """
    filename = single_line(filename).replace("/", "_").replace("\\", "_") or "file"
    if _ASCII_NAME.match(filename) and "=?" not in filename:
        quoted = filename.replace("\\", "\\\\").replace('"', '\\"')
        return f'name="{quoted}"', f'filename="{quoted}"'
    name = f'name="{" ".join(encoded_words(filename, "utf-8"))}"'
    value = urllib.parse.quote(filename.encode("utf-8"), safe="")
    if len(value) <= 60:
        return name, f"filename*=UTF-8''{value}"
    parts = [value[i : i + 60] for i in range(0, len(value), 60)]
    # Never split a %XX escape between two continuations.
    for i in range(len(parts) - 1):
        cut = parts[i].rfind("%", len(parts[i]) - 2)
        if cut != -1:
            parts[i + 1] = parts[i][cut:] + parts[i + 1]
            parts[i] = parts[i][:cut]
    params = [
        f"filename*{i}*={'UTF-8' + chr(39) * 2 if i == 0 else ''}{part}"
        for i, part in enumerate(parts)
    ]
    return name, (";" + CRLF + " ").join(params)


def check_content_type(content_type: str) -> str:
    """A ``type/subtype`` token, lower-cased; ProtocolError otherwise."""
    content_type = content_type.strip().lower()
    if not _TOKEN.match(content_type):
        raise ProtocolError(f"not a content type: {content_type!r}")
    return content_type


def base64_lines(data: bytes) -> str:
    """`data` as base64 in lines of 76 characters."""
    encoded = base64.b64encode(data).decode("ascii")
    return CRLF.join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


def encode_line_jis(line: str) -> bytes:
    """One body line as ISO-2022-JP (the caller checked that it encodes)."""
    data = encode_iso2022jp(line)
    if data is None:
        raise ValueError("the line has a character without an ISO-2022-JP code")
    return data
