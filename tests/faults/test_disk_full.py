"""The data dir's disk fills up in the middle of a sync."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.harness import (
    assert_store_equals_server,
    check_consistent,
    config_for,
    fill_maildir,
    message_count,
    start_daemon,
)
from tests.fixtures.dovecot import DovecotServer

pytestmark = [pytest.mark.slow, pytest.mark.imap]
TOTAL = 1500


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs (root only; skipped otherwise)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(mount)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_a_clear_error_and_loses_nothing(
    own_server: DovecotServer, tmp_path: Path, small_disk: Path
) -> None:
    user = own_server.new_user()
    fill_maildir(own_server, user, TOTAL)
    config = config_for(tmp_path, own_server, user)
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace(str(tmp_path / "data"), str(small_disk / "data")), "utf-8"
    )
    db = small_disk / "data" / "shareinbox.db"
    full = start_daemon(config, own_server, "--once", "--batch-size", "50")
    out, err = full.communicate(timeout=300)
    assert full.returncode == 1
    assert "Traceback" not in err.decode()
    summary = out.decode()
    assert "is full: free some space" in summary, summary
    assert str(db) in summary
    stored = check_consistent(db)
    assert 0 < stored < TOTAL
    subprocess.run(["mount", "-o", "remount,size=200m", str(small_disk)], check=True)
    again = start_daemon(config, own_server, "--once")
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err.decode()
    assert message_count(db) == TOTAL
    assert_store_equals_server(db, own_server, user)
