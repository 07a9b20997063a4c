"""The MIME tree: a lenient ``compat32`` parse that leaves message/* parts raw.

`MimePart` and its policy change four things about how the standard parser sees a part:

* a Content-Type missing its ``;`` (``multipart/mixed boundary=…``) or with
  junk after the type still yields the type, and the boundary is still found;
* a folded boundary parameter is unfolded;
* header values keep raw 8-bit bytes as surrogate escapes (never `Header`);
* message/* parts are *not* parsed by the parser: their body stays the exact
  bytes that were sent, so an attached ``.eml`` can be handed out unchanged and
  is parsed only when it is shown.
"""

from __future__ import annotations

import re
from email.feedparser import FeedParser
from email.message import Message
from email.policy import Compat32

_TYPE_RE = re.compile(r"[a-z0-9!#$&^_.+\-]+/[a-z0-9!#$&^_.+\-]+")
_BOUNDARY_RE = re.compile(r"""boundary\s*=\s*(?:"([^"]*)"|([^\s;"]+))""", re.I)
_CAMEL_RE = re.compile(r"(?<!^)(?=[A-Z])")
_NEWLINE_RE = re.compile(r"\r?\n")


def parse_type(value: str | None, default: str) -> tuple[str, bool]:
    """Read the lower-case ``type/subtype`` from a Content-Type value.

    Returns:
        The type (`default` when missing; ``text/plain`` when unreadable) and
        whether the value was well-formed.
    """
    if value is None:
        return default, True
    head = str(value).partition(";")[0]
    words = head.strip().lower().split()
    token = words[0] if words else ""
    if _TYPE_RE.fullmatch(token):
        return token, len(words) == 1
    return "text/plain", False


class MimePart(Message):
    """A compat32 message part with lenient type and boundary handling."""

    def real_type(self) -> str:
        """The part's declared (or default) content type, message/* included."""
        return parse_type(self.get("content-type"), self.get_default_type())[0]

    def get_content_type(self) -> str:
        """The type the parser acts on: message/* is treated as opaque data."""
        ctype = self.real_type()
        if ctype.startswith("message/"):
            return "application/octet-stream"
        return ctype

    def get_boundary(self, failobj: object = None) -> str | None:  # type: ignore[override]
        """The multipart boundary, unfolded, found even without a ``;``."""
        boundary = super().get_boundary()
        if not boundary:
            match = _BOUNDARY_RE.search(str(self.get("content-type", "")))
            if match is None:
                return None
            boundary = match.group(1) if match.group(1) is not None else match.group(2)
        return _NEWLINE_RE.sub("", boundary) or None


class _RawHeaderPolicy(Compat32):
    """compat32, except that header values with raw 8-bit bytes stay strings.

    compat32 wraps them in a `Header` whose ``str()`` has already replaced
    the bytes with U+FFFD; the surrogate-escaped string keeps them.
    """

    def _sanitize_header(self, name: str, value: object) -> object:
        return value


POLICY = _RawHeaderPolicy()
_CHUNK = 65536


def parse_bytes(raw: bytes) -> MimePart:
    """Parse raw message bytes into a tree of `MimePart` (never a full decode).

    What ``BytesParser.parsebytes`` does, in chunks: it decodes the whole
    message to one string and reads it back through a `StringIO`, which
    holds four bytes a character — a 25 MB message cost 230 MB at its peak.
    Decoding ASCII with ``surrogateescape`` maps each byte on its own, so
    chunks decode exactly as the whole would.
    """
    parser = FeedParser(MimePart, policy=POLICY)
    view = memoryview(raw)
    for start in range(0, len(raw), _CHUNK):
        parser.feed(str(view[start : start + _CHUNK], "ascii", "surrogateescape"))
    part = parser.close()
    assert isinstance(part, MimePart)
    return part


def python_defects(part: Message) -> list[str]:
    """The stdlib parser's defects of one part, as readable phrases."""
    notes = []
    for defect in part.defects:
        name = type(defect).__name__.removesuffix("Defect")
        notes.append(_CAMEL_RE.sub(" ", name).lower())
    return notes
