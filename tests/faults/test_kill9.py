"""kill -9 of ``daemon --once`` at 20 random points of a 5k-message initial sync."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.daemon.harness import wait_for
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
TOTAL = 5000
KILLS = 20


def kill_points(rng: random.Random) -> list[tuple[int, float]]:
    """(messages stored, then a further delay in s) for each kill, in order.

    Two kills land in start-up (before anything is stored), the others after
    a random number of stored messages plus up to 50 ms, so they fall
    anywhere in a batch: fetching, parsing, writing, committing.
    """
    early = [(0, rng.uniform(0.0, 0.8)) for _ in range(2)]
    counts = sorted(rng.sample(range(1, TOTAL - 50), KILLS - 2))
    return early + [(count, rng.uniform(0.0, 0.05)) for count in counts]


def kill_at(
    process: subprocess.Popen[bytes], db: Path, stored: int, delay: float
) -> bool:
    """SIGKILL once `stored` messages are in the store and `delay` passed.

    Returns False if the process finished first.
    """
    deadline = time.monotonic() + 120
    while message_count(db) < stored and process.poll() is None:
        assert time.monotonic() < deadline, "the sync made no progress"
        time.sleep(0.005)
    try:
        process.wait(delay)  # a random extra moment, unless it exits first
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        return True
    return False


def orphans() -> set[int]:
    """Multiprocessing helpers (parse workers, forkservers) left to init."""
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes()
            ppid = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()[1]
        except (OSError, IndexError):
            continue
        if b"multiprocessing" in cmdline and ppid == b"1":
            found.add(int(entry.name))
    return found


def test_kill_9_at_20_random_points_then_store_equals_server(
    own_server: DovecotServer, tmp_path: Path
) -> None:
    before = orphans()
    seed = int(os.environ.get("FAULT_SEED", time.time_ns() % 10**9))
    rng = random.Random(seed)
    user = own_server.new_user()
    fill_maildir(own_server, user, TOTAL)
    config = config_for(tmp_path, own_server, user)
    db = tmp_path / "data" / "shareinbox.db"
    progress, killed = [], 0
    for stored, delay in kill_points(rng):
        process = start_daemon(config, own_server, "--once", "--batch-size", "50")
        killed += kill_at(process, db, stored, delay)
        progress.append(check_consistent(db) if message_count(db) else 0)
    assert progress == sorted(progress), f"seed {seed}: progress went back"
    assert killed >= KILLS - 2, f"seed {seed}: the sync finished too early"
    final = start_daemon(config, own_server, "--once")
    _, err = final.communicate(timeout=300)
    assert final.returncode == 0, err.decode()
    assert check_consistent(db) == TOTAL
    assert_store_equals_server(db, own_server, user)
    # The parse workers of the killed runs went away with them.
    wait_for(lambda: not orphans() - before, timeout=15)
