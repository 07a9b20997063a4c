"""Walking the MIME tree: which parts make the body, which are attachments.

* multipart/alternative: text/plain is preferred; an empty one gives way to
  the HTML alternative. The other alternatives are still walked for their
  attachments (inline images) and the HTML source.
* multipart/related: the root part is the body, the rest are attachments.
* other multiparts (mixed, report, signed, digest, unknown): every inline
  text part is body, in order; everything else is an attachment.
* message/rfc822: listed as an attachment *and* shown as a forwarded-message
  block; its own attachments follow it in the list.
* application/ms-tnef (winmail.dat), calendars, vCards: attachments, as sent.
"""

from __future__ import annotations

from shareinbox.sync.filenames import fallback_name, raw_filename, sanitize_filename
from shareinbox.sync.headers import HeaderDecoder
from shareinbox.sync.mailtypes import Attachment
from shareinbox.sync.mime import MimePart, parse_bytes, parse_type, python_defects
from shareinbox.sync.payload import (
    decode_payload,
    decoded_size,
    transfer_encoding,
    uu_filename,
)
from shareinbox.sync.textparts import decode_text_part, part_charset, readable

FORWARD_LINE = "---------- Forwarded message ----------"
MAX_DEPTH = 20
_BODY_TYPES = frozenset({"text/plain", "text/html"})
_MESSAGE_TYPES = frozenset({"message/rfc822", "message/global"})


def disposition(part: MimePart) -> str:
    """The part's Content-Disposition type, lower-case ('' if none)."""
    value = part.get("content-disposition")
    return str(value).partition(";")[0].strip().lower() if value else ""


class Walker:
    """Collects body text, the HTML source and attachments from a MIME tree.

    Args:
        decoder: decodes header values; its defect list is shared.
        render: False to skip decoding body text (when only the attachment
            list is needed).
    """

    def __init__(self, decoder: HeaderDecoder, *, render: bool = True) -> None:
        self.decoder = decoder
        self.defects = decoder.defects
        self.render = render
        self.attachments: list[Attachment] = []
        self.parts: list[MimePart] = []
        self.html: str | None = None
        self.collect = True

    def walk(self, part: MimePart, depth: int = 0, side: bool = False) -> list[str]:
        """The text blocks of `part`; attachments are collected on the way.

        Args:
            part: the part to walk.
            depth: nesting depth (deeper than `MAX_DEPTH` is not descended).
            side: True for a branch that is not shown (a losing alternative):
                only its attachments and HTML source are collected.
        """
        self.defects.extend(python_defects(part))
        ctype, valid = parse_type(part.get("content-type"), part.get_default_type())
        if not valid:
            self.defects.append(f"malformed content type {str(part['content-type'])!r}")
            if ctype == "text/plain" and raw_filename(part, self.decoder):
                ctype = "application/octet-stream"
        payload = part.get_payload()
        if depth > MAX_DEPTH:
            self.defects.append("MIME nesting too deep; the rest kept as attachments")
            self.attach(part, ctype)
            return []
        if isinstance(payload, list):
            children = [p for p in payload if isinstance(p, MimePart)]
            return self._multipart(part, ctype, children, depth, side)
        if ctype.startswith("multipart/"):
            self.defects.append(f"{ctype} without parts read as text")
            ctype = "text/plain"
        if ctype in _MESSAGE_TYPES:
            return self._forwarded(part, ctype, depth, side)
        if ctype in _BODY_TYPES and disposition(part) != "attachment":
            return self._body(part, ctype, side)
        self.attach(part, ctype)
        return []

    def _body(self, part: MimePart, ctype: str, side: bool) -> list[str]:
        if part.get_param("filename", None, "content-disposition") or part.get_param(
            "name"
        ):
            self.attach(part, ctype)
        wanted = self.render and (
            not side or (ctype == "text/html" and self.html is None)
        )
        if not wanted:
            return []
        text = decode_text_part(part, ctype, self.defects)
        if ctype == "text/html" and self.html is None:
            self.html = text
        if side:
            return []
        shown = readable(part, ctype, text)
        return [shown] if shown.strip() else []

    def _multipart(
        self,
        part: MimePart,
        ctype: str,
        children: list[MimePart],
        depth: int,
        side: bool,
    ) -> list[str]:
        subtype = ctype.partition("/")[2]
        if subtype == "alternative" and not side:
            return self._alternative(children, depth)
        if subtype == "related" and children:
            root = self._related_root(part, children)
            blocks = self.walk(root, depth + 1, side)
            for child in children:
                if child is not root:
                    self.walk(child, depth + 1, side=True)
            return blocks
        blocks = []
        for child in children:
            blocks += self.walk(child, depth + 1, side)
        return blocks

    def _alternative(self, children: list[MimePart], depth: int) -> list[str]:
        shown = [c for c in children if disposition(c) != "attachment"]
        plain = [c for c in shown if c.real_type() == "text/plain"]
        ranked = plain + [c for c in reversed(shown) if c not in plain]
        blocks: list[str] = []
        # Document order for every child, so attachment indexes never depend
        # on which alternative ends up shown.
        for child in children:
            if ranked and child is ranked[0]:
                blocks = self.walk(child, depth + 1)
            else:
                self.walk(child, depth + 1, side=True)
        if not blocks and self.render:
            for child in ranked[1:]:
                blocks = self._text_only(child, depth + 1)
                if blocks:
                    break
        return blocks

    def _text_only(self, part: MimePart, depth: int) -> list[str]:
        """Render a part already walked for attachments (adds none again)."""
        self.collect = False
        try:
            return self.walk(part, depth)
        finally:
            self.collect = True

    @staticmethod
    def _related_root(part: MimePart, children: list[MimePart]) -> MimePart:
        start = part.get_param("start")
        if isinstance(start, str):
            wanted = start.strip().strip("<>")
            for child in children:
                if str(child.get("content-id", "")).strip().strip("<>") == wanted:
                    return child
        return children[0]

    def _forwarded(
        self, part: MimePart, ctype: str, depth: int, side: bool
    ) -> list[str]:
        data, note = decode_payload(part)
        if note:
            self.defects.append(f"{ctype}: {note}")
        nested = parse_bytes(data)
        headers = HeaderDecoder(part_charset(nested), self.defects)
        subject = headers.text(nested.get("subject"))
        self.attach(part, ctype, data=data, name=f"{subject}.eml" if subject else None)
        blocks = self.walk(nested, depth + 1, side)
        if side or not self.render:
            return []
        lines = [FORWARD_LINE]
        for label in ("From", "Date", "Subject", "To"):
            value = headers.text(nested.get(label))
            if value:
                lines.append(f"{label}: {value}")
        body = "\n\n".join(b.strip("\n") for b in blocks)
        return ["\n".join(lines) + "\n\n" + body]

    def attach(
        self,
        part: MimePart,
        ctype: str,
        *,
        data: bytes | None = None,
        name: str | None = None,
    ) -> None:
        """Add `part` to the attachment list."""
        if not self.collect:
            return
        index = len(self.attachments)
        if data is None:
            size, note = decoded_size(part)
            if note:
                self.defects.append(f"{ctype} attachment: {note}")
        else:
            size = len(data)
        filename = raw_filename(part, self.decoder) or name
        if not filename and transfer_encoding(part) in ("x-uuencode", "uuencode"):
            filename = uu_filename(part)
        cid = part.get("content-id")
        content_id = str(cid).strip().strip("<>").strip() if cid else None
        kind = disposition(part)
        self.parts.append(part)
        self.attachments.append(
            Attachment(
                index=index,
                filename=sanitize_filename(filename or "", fallback_name(index, ctype)),
                content_type=ctype,
                size=size,
                inline=kind == "inline" or (not kind and content_id is not None),
                content_id=content_id or None,
            )
        )
