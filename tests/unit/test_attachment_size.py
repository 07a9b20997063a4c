"""The size of a large attachment is learnt a slice at a time, and is exact."""

from __future__ import annotations

import base64
import os

import pytest

from shareinbox.sync.parse import parse_message
from shareinbox.sync.payload import decode_base64

PAYLOAD = os.urandom(3 * 1024 * 1024 + 7)


def _mail(body: bytes) -> bytes:
    return (
        b"From: a@example.jp\r\nTo: b@example.jp\r\nSubject: big\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n--b\r\n"
        b"Content-Type: video/mp4\r\nContent-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="v.mp4"\r\n\r\n'
        + body
        + b"\r\n--b--\r\n"
    )


CLEAN = base64.encodebytes(PAYLOAD).replace(b"\n", b"\r\n")


@pytest.mark.parametrize(
    ("body", "size", "defect"),
    [
        (CLEAN, len(PAYLOAD), False),
        # junk in the middle: decoded whole, as before, with a note
        (CLEAN[:1000] + b"!!" + CLEAN[1000:], len(PAYLOAD), True),
        # cut short (bad padding): repaired the way the full decode does
        (CLEAN[:-7], None, True),
    ],
    ids=["clean", "junk", "cut-short"],
)
def test_large_base64_attachment_size(
    body: bytes, size: int | None, defect: bool
) -> None:
    parsed = parse_message(_mail(body))
    (attachment,) = parsed.attachments
    if size is None:  # what decoding the whole body gives (padding repaired)
        size = len(decode_base64(body)[0])
    assert attachment.size == size
    assert any("base64" in d for d in parsed.defects) == defect
