"""Reading a FETCH answer (no bodies) straight off the socket."""

from __future__ import annotations

import io

import pytest

from shareinbox.sync import imap_wire

ANSWER = (
    b"* 1 FETCH (UID 7 FLAGS (\\Seen \\Recent) MODSEQ (12))\r\n"
    b"* 3 EXISTS\r\n"
    b"* 2 FETCH (UID 9 FLAGS () RFC822.SIZE {2}\r\nxx)\r\n"
    b"* 3 FETCH (FLAGS ($Label1) UID 10 RFC822.SIZE 4120)\r\n"
    b"A12 OK Fetch completed (0.001 + 0.000 secs).\r\n"
    b"* 4 EXISTS\r\n"
)


def test_fetch_lines_until_the_tag_other_answers_skipped() -> None:
    wire = io.BytesIO(ANSWER)
    lines, status = imap_wire.read_tagged(wire.readline, wire.read, b"A12")
    assert status == b"A12 OK Fetch completed (0.001 + 0.000 secs)."
    metas = imap_wire.parse_meta(lines)
    assert sorted(metas) == [7, 9, 10]
    assert (metas[7].flags, metas[7].modseq) == ("\\Seen", 12)
    assert (metas[10].flags, metas[10].size) == ("$Label1", 4120)
    assert wire.readline() == b"* 4 EXISTS\r\n"  # nothing read past the answer


def test_a_closed_connection_is_an_eof() -> None:
    wire = io.BytesIO(ANSWER[:60])
    with pytest.raises(EOFError):
        imap_wire.read_tagged(wire.readline, wire.read, b"A12")
