"""The client's reply helpers: files to attach, $EDITOR, To/Cc lines."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest

from shareinbox.drafting import (
    AttachError,
    edit_text,
    editor_command,
    format_parties,
    parse_parties,
    read_upload,
)
from shareinbox.errors import ProtocolError, ShareinboxError


def test_a_file_is_read_with_its_name_and_type(tmp_path: Path) -> None:
    path = tmp_path / "請求書.pdf"
    path.write_bytes(b"%PDF")
    upload = read_upload(f" {path} ")
    assert (upload.filename, upload.content_type, upload.data) == (
        "請求書.pdf", "application/pdf", b"%PDF",
    )  # fmt: skip
    request = upload.request()
    assert base64.b64decode(request["data_b64"]) == b"%PDF"
    assert request["filename"] == "請求書.pdf"


def test_home_is_expanded(tmp_path: Path) -> None:
    (Path.home() / "note.txt").write_text("x")
    assert read_upload("~/note.txt").content_type == "text/plain"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "give the path"),
        ("missing.txt", "no such file"),
        ("dir", "is a directory"),
        ("big.bin", "a file may be at most 1 MB"),
    ],
)
def test_what_cannot_be_attached_is_explained(
    tmp_path: Path, name: str, message: str
) -> None:
    (tmp_path / "dir").mkdir()
    (tmp_path / "big.bin").write_bytes(b"x" * (2 * 1048576))
    with pytest.raises(AttachError, match=message):
        read_upload(str(tmp_path / name) if name else "", limit=1048576)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("x")
    path.chmod(0)
    with pytest.raises(AttachError, match="you may not read this file"):
        read_upload(str(path))


def test_a_fifo_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(AttachError, match="not a regular file"):
        read_upload(str(fifo))


def test_the_editor_comes_from_visual_then_editor() -> None:
    assert editor_command({"VISUAL": "code --wait", "EDITOR": "nano"}) == [
        "code",
        "--wait",
    ]
    assert editor_command({"EDITOR": "nano -R"}) == ["nano", "-R"]
    assert editor_command({}) == ["vi"]
    with pytest.raises(ProtocolError):
        editor_command({"EDITOR": "'unclosed"})


def test_edit_text_returns_the_cleaned_edit(tmp_path: Path) -> None:
    script = tmp_path / "ed.sh"
    script.write_text("#!/bin/sh\nprintf 'more\\033]52;c;eA==\\007\\n' >> \"$1\"\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    assert edit_text("本文\n", {"EDITOR": str(script)}) == "本文\nmore\n"


def test_a_failing_or_missing_editor_leaves_the_text_alone(tmp_path: Path) -> None:
    with pytest.raises(ShareinboxError, match="failed"):
        edit_text("x", {"EDITOR": "false"})
    with pytest.raises(ShareinboxError, match="cannot start the editor"):
        edit_text("x", {"EDITOR": str(tmp_path / "no-such-editor")})


@pytest.mark.parametrize(
    "parties",
    [
        [{"name": "山田 太郎", "addr": "yamada@example.jp"}],
        [
            {"name": "Doe, Jane", "addr": "jane@example.com"},
            {"name": "", "addr": "b@example.com"},
        ],
        [{"name": "[b]悪意[/b]", "addr": "evil@example.jp"}],
    ],
)
def test_recipients_round_trip_through_one_line(parties: list[dict[str, str]]) -> None:
    assert parse_parties(format_parties(parties)) == parties


def test_a_line_with_something_that_is_no_address_is_refused() -> None:
    assert parse_parties("  ") == []
    with pytest.raises(ProtocolError, match="not an address"):
        parse_parties("jane@example.com, bob")
    with pytest.raises(ProtocolError, match="not an address"):
        parse_parties("jane@localhost")
