"""The per-account SyncWorker: IDLE latency, wake-ups, errors, stopping."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from shareinbox.config import AccountConfig, ServerConfig
from shareinbox.daemon.syncworker import SyncWorker
from tests.fixtures.dovecot import DovecotServer, free_port
from tests.sync.conftest import Mirror
from tests.sync.mail import SAMPLES, message

pytestmark = pytest.mark.imap


def _server(tmp_path: Path, poll: int = 600) -> ServerConfig:
    return ServerConfig(
        data_dir=tmp_path,
        socket=tmp_path / "s.sock",
        poll_interval=poll,
        idle_restart=600,
    )


def _wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> float:
    """Wait until `condition()` holds; return how long it took."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "condition not met in time"
        time.sleep(0.01)
    return time.monotonic() - start


@pytest.fixture
def running() -> Iterator[list[SyncWorker]]:
    """Workers started by a test; stopped (and timed) at the end."""
    workers: list[SyncWorker] = []
    yield workers
    for worker in workers:
        started = time.monotonic()
        worker.stop()
        assert time.monotonic() - started < 3


def _worker(
    mirror: Mirror,
    tmp_path: Path,
    running: list[SyncWorker],
    *,
    account: AccountConfig | None = None,
    password: str | None = None,
    poll: int = 600,
    commits: list[float] | None = None,
) -> SyncWorker:
    worker = SyncWorker(
        mirror.store,
        account or mirror.account,
        _server(tmp_path, poll),
        mirror.policy,
        clock=mirror.clock,
        password=lambda _: password or mirror.server.password,
        on_commit=(lambda: commits.append(time.monotonic()))
        if commits is not None
        else None,
    )
    running.append(worker)
    worker.start()
    return worker


def test_idle_brings_new_mail_within_a_second(
    mirror: Mirror, tmp_path: Path, running: list[SyncWorker]
) -> None:
    mirror.append("INBOX", SAMPLES[0])
    commits: list[float] = []
    worker = _worker(mirror, tmp_path, running, commits=commits)
    _wait_for(lambda: worker.passes >= 1)
    assert mirror.count("message") == 1
    other = mirror.other()
    appended = time.monotonic()
    other.append("INBOX", SAMPLES[1])
    other.close()
    _wait_for(lambda: mirror.count("message") == 2, timeout=3)
    # Dovecot waits ~0.5 s before it tells an idling client.
    assert commits[-1] - appended < 1.5
    assert worker.passes == 1  # only INBOX was synced, not a full pass


def test_sync_now_picks_up_other_folders(
    mirror: Mirror, tmp_path: Path, running: list[SyncWorker]
) -> None:
    account = replace(
        mirror.account, imap=replace(mirror.account.imap, folders=("INBOX", "Orders"))
    )
    mirror.append("Orders", SAMPLES[2])
    worker = _worker(mirror, tmp_path, running, account=account)
    _wait_for(lambda: worker.passes >= 1)
    mirror.append("Orders", SAMPLES[3])
    time.sleep(0.3)  # no IDLE on Orders: nothing happens by itself
    assert mirror.count("message") == 1
    worker.sync_now()
    _wait_for(lambda: mirror.count("message") == 2, timeout=2)


def test_other_folders_are_polled(
    mirror: Mirror, tmp_path: Path, running: list[SyncWorker]
) -> None:
    account = replace(
        mirror.account, imap=replace(mirror.account.imap, folders=("INBOX", "Orders"))
    )
    worker = _worker(mirror, tmp_path, running, account=account, poll=1)
    _wait_for(lambda: worker.passes >= 1)
    mirror.append("Orders", SAMPLES[2])
    _wait_for(lambda: mirror.count("message") == 1, timeout=3)


def test_unreachable_server_then_recovery(
    mirror: Mirror, tmp_path: Path, running: list[SyncWorker], imap: DovecotServer
) -> None:
    closed = replace(
        mirror.account, imap=replace(mirror.account.imap, port=free_port())
    )
    worker = _worker(mirror, tmp_path, running, account=closed)
    _wait_for(lambda: mirror.rows("SELECT state FROM account")[0][0] == "error")
    assert "connection refused" in mirror.rows("SELECT last_error FROM account")[0][0]
    worker.stop()
    mirror.append("INBOX", SAMPLES[0])
    healthy = _worker(mirror, tmp_path, running)
    _wait_for(lambda: healthy.passes >= 1)
    assert mirror.rows("SELECT state FROM account")[0][0] == "ok"
    kinds = [
        r[0] for r in mirror.rows("SELECT kind FROM event WHERE kind LIKE 'account.%'")
    ]
    assert kinds == ["account.error", "account.ok"]


def test_stop_is_prompt_while_idling(
    mirror: Mirror, tmp_path: Path, running: list[SyncWorker]
) -> None:
    worker = _worker(mirror, tmp_path, running)
    _wait_for(lambda: worker.passes >= 1)
    started = time.monotonic()
    worker.stop()
    assert time.monotonic() - started < 1


def test_worker_threads_new_mail_like_sync(
    mirror: Mirror, tmp_path: Path, running: list[SyncWorker]
) -> None:
    worker = _worker(mirror, tmp_path, running)
    _wait_for(lambda: worker.passes >= 1)
    mirror.append("INBOX", SAMPLES[0])
    _wait_for(lambda: mirror.count("message") == 1)
    mirror.append(
        "INBOX",
        message(7, subject="Re: 返品について", in_reply_to="<1.test@example.jp>"),
    )
    _wait_for(lambda: mirror.count("message") == 2)
    assert mirror.count("thread") == 1
    with mirror.store.read() as conn:
        due, last_inbound = conn.execute(
            "SELECT first_response_due_at, last_inbound_at FROM thread"
        ).fetchone()
    assert due == last_inbound + 3600  # PlainPolicy(3600), the clock stood still
