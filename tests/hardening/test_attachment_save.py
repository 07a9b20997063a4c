"""Saving attachments: never outside the chosen directory, never over a file."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shareinbox.savefile import safe_name, save_bytes
from tests.daemon.harness import REPO, InProcessDaemon
from tests.fixtures.seed import seed_thread

HOSTILE_NAMES = [
    "../../etc/passwd",
    "/abs/olute.pdf",
    "..\\..\\windows\\win.ini",
    "C:\\Windows\\evil.dll",
    "CON",
    "con.txt",
    "NUL.pdf",
    "com1",
    "LPT9.log",
    "a\x00b.pdf",
    "x" * 400 + ".pdf",
    "領収書" * 100 + ".pdf",
    "",
    ".",
    "..",
    "...",
    " ",
    ".bashrc",
    "\u202efdp.exe",
    "\x1b]52;c;ZXZpbA==\x07report.pdf",
    "a/../../b.txt",
]


def _assert_safe(directory: Path, path: Path) -> None:
    assert path.parent == directory
    name = path.name
    assert name not in ("", ".", "..")
    assert not name.startswith(".")
    assert len(name.encode("utf-8")) <= 255
    for bad in ("/", "\\", "\x00", "\x1b", "\x07", "\u202e"):
        assert bad not in name
    assert name.split(".")[0].upper() not in ("CON", "PRN", "AUX", "NUL", "COM1")


@pytest.mark.parametrize("filename", HOSTILE_NAMES)
def test_a_hostile_name_is_saved_inside_the_directory(
    tmp_path: Path, filename: str
) -> None:
    base = tmp_path / "base"
    directory = base / "save"
    directory.mkdir(parents=True)
    path = save_bytes(directory, filename, b"data")
    _assert_safe(directory, path)
    assert path.read_bytes() == b"data"
    assert sorted(p.name for p in base.rglob("*")) == sorted(["save", path.name])


def test_an_existing_file_or_planted_link_is_never_written(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"precious")
    directory = tmp_path / "save"
    directory.mkdir()
    (directory / "a.txt").write_bytes(b"mine")
    (directory / "a (2).txt").symlink_to(outside)
    (directory / "a (3).txt").symlink_to(tmp_path / "missing.txt")
    saved = save_bytes(directory, "a.txt", b"new")
    assert saved == directory / "a (4).txt"
    assert saved.read_bytes() == b"new"
    assert (directory / "a.txt").read_bytes() == b"mine"
    assert outside.read_bytes() == b"precious"
    assert not (tmp_path / "missing.txt").exists()


def test_a_failed_write_leaves_no_partial_file(tmp_path: Path) -> None:
    """A real write failure (the file size limit) raises and cleans up."""
    directory = tmp_path / "save"
    directory.mkdir()
    script = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "from shareinbox.savefile import save_bytes\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))\n"
        "try:\n"
        "    save_bytes(Path(sys.argv[1]), 'big.bin', b'x' * 100_000)\n"
        "except OSError as e:\n"
        "    print('failed', e.errno)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(directory)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith("failed")
    assert list(directory.iterdir()) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300) | st.sampled_from(HOSTILE_NAMES))
def test_any_name_saves_one_file_in_the_directory(filename: str) -> None:
    name = safe_name(filename)
    assert name == safe_name(name)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        path = save_bytes(directory, filename, b"1")
        _assert_safe(directory, path)
        assert [p.name for p in directory.iterdir()] == [path.name]


def test_the_daemon_hands_out_a_safe_name_for_a_hostile_attachment(
    daemon: InProcessDaemon, tmp_path: Path
) -> None:
    thread_id = seed_thread(
        daemon.store,
        attachments=[("../../.ssh/authorized_keys", "text/plain", b"ssh-rsa AAAA")],
    )
    with daemon.store.read() as conn:
        (message_id,) = conn.execute(
            "SELECT id FROM message WHERE thread_id = ?", (thread_id,)
        ).fetchone()
    with daemon.client("tanaka") as client:
        result = client.call("get_attachment", message_id=message_id, index=0)
    assert result["filename"] == "authorized_keys"
    data = base64.b64decode(result["data_b64"])
    path = save_bytes(tmp_path, result["filename"], data)
    assert path == tmp_path / "authorized_keys"
    assert path.read_bytes() == b"ssh-rsa AAAA"
