"""Reply locks over a real socket: the race, renewals, releases, roles, drops."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shareinbox.client import Client
from shareinbox.errors import Conflict, PermissionDenied
from tests.daemon.harness import REPO, InProcessDaemon, daemon_config, wait_for
from tests.fixtures.configs import STAFF
from tests.fixtures.seed import seed_thread

AGENTS = "".join(
    f'\n[[staff]]\nlogin = "agent{n:02d}"\nname = "担当 {n}"\nrole = "agent"\n'
    for n in range(50)
)


@pytest.fixture
def crowd(tmp_path: Path, socket_dir: Path) -> Iterator[InProcessDaemon]:
    """A daemon whose staff includes 50 agents."""
    config = daemon_config(tmp_path, socket_dir, staff=STAFF + AGENTS)
    running = InProcessDaemon(config).start()
    yield running
    running.stop()


async def _race(socket: Path, thread_id: int) -> list[Any]:
    clients = await asyncio.gather(
        *(Client.connect(socket, as_login=f"agent{n:02d}") for n in range(50))
    )
    try:
        results: list[Any] = await asyncio.gather(
            *(c.call("claim", thread_id=thread_id) for c in clients),
            return_exceptions=True,
        )
        return results
    finally:
        await asyncio.gather(*(c.close() for c in clients))


def test_fifty_clients_race_and_exactly_one_wins(crowd: InProcessDaemon) -> None:
    thread_id = seed_thread(crowd.store)
    results = asyncio.run(_race(crowd.socket, thread_id))
    winners = [r for r in results if isinstance(r, dict)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1
    assert len(losers) == 49
    holder = winners[0]["locked_by"]
    assert all(holder in e.message for e in losers)
    with crowd.store.read() as conn:
        claims = conn.execute(
            "SELECT count(*) FROM audit WHERE action = 'claim' AND thread_id = ?",
            (thread_id,),
        ).fetchone()[0]
    assert claims == 1


def test_same_person_renews_and_others_see_the_holder(daemon: InProcessDaemon) -> None:
    thread_id = seed_thread(daemon.store)
    with daemon.client("suzuki") as suzuki, daemon.client("sato") as sato:
        first = suzuki.call("claim", thread_id=thread_id)
        again = suzuki.call("claim", thread_id=thread_id)
        assert again["locked_at"] == first["locked_at"]
        assert again["lock_expires_ts"] >= first["lock_expires_ts"]
        with pytest.raises(Conflict) as refused:
            sato.call("claim", thread_id=thread_id)
        assert "鈴木 一郎 (suzuki)" in refused.value.message
        shown = sato.call("show_thread", thread_id=thread_id)["thread"]
        assert (shown["locked_by"], shown["locked_by_name"]) == ("suzuki", "鈴木 一郎")
        suzuki.call("release", thread_id=thread_id)
        assert sato.call("claim", thread_id=thread_id)["locked_by"] == "sato"


def test_agent_cannot_release_another_lock_but_supervisor_can(
    daemon: InProcessDaemon,
) -> None:
    thread_id = seed_thread(daemon.store)
    with daemon.client("suzuki") as suzuki:
        suzuki.call("claim", thread_id=thread_id)
    with daemon.client("sato") as sato:
        with pytest.raises(PermissionDenied):
            sato.call("release", thread_id=thread_id, force=True)
        with pytest.raises(Conflict):
            sato.call("set_status", thread_id=thread_id, status="done")
    with daemon.client("tanaka") as tanaka:
        with pytest.raises(Conflict):
            tanaka.call("release", thread_id=thread_id)
        freed = tanaka.call("release", thread_id=thread_id, force=True)
        assert freed["locked_by"] is None
    with daemon.store.read() as conn:
        row = conn.execute(
            "SELECT actor, detail FROM audit WHERE action = 'release.force'"
        ).fetchone()
    assert row["actor"] == "tanaka"
    assert json.loads(row["detail"]) == {
        "holder": "suzuki",
        "reason": "forced",
        "via": "root",
    }


def test_closing_a_thread_frees_the_own_lock(daemon: InProcessDaemon) -> None:
    thread_id = seed_thread(daemon.store)
    with daemon.client("suzuki") as suzuki:
        suzuki.call("claim", thread_id=thread_id)
        done = suzuki.call("set_status", thread_id=thread_id, status="done")
    assert (done["status"], done["locked_by"]) == ("done", None)


_HOLDER = """
import sys, time
from shareinbox.client import SyncClient
client = SyncClient(sys.argv[1], as_login="suzuki")
client.call("claim", thread_id=int(sys.argv[2]))
print("claimed", flush=True)
time.sleep(600)
"""


def test_a_killed_client_loses_its_lock_but_not_its_draft(
    daemon: InProcessDaemon,
) -> None:
    thread_id = seed_thread(daemon.store)
    with daemon.store.write() as conn:
        conn.execute(
            "INSERT INTO outbox (thread_id, account_id, author, message_id, body,"
            " created_at, updated_at) VALUES (?, 1, 'suzuki', '<d1@x>', '下書き', 0, 0)",
            (thread_id,),
        )
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(daemon.socket), str(thread_id)],
        cwd=REPO,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == b"claimed"
        with daemon.client("sato") as sato:
            with pytest.raises(Conflict):
                sato.call("claim", thread_id=thread_id)
            holder.kill()
            killed_at = time.monotonic()
            holder.wait(10)

            def swept() -> bool:
                with daemon.store.read() as conn:
                    row = conn.execute(
                        "SELECT locked_by FROM thread WHERE id = ?", (thread_id,)
                    ).fetchone()
                return row["locked_by"] is None

            wait_for(swept, timeout=5)
            assert time.monotonic() - killed_at < 1.0 + 1.5
            assert sato.call("claim", thread_id=thread_id)["locked_by"] == "sato"
    finally:
        holder.kill()
        holder.wait(10)
    with daemon.store.read() as conn:
        draft = conn.execute(
            "SELECT body FROM outbox WHERE thread_id = ?", (thread_id,)
        )
        assert draft.fetchone()["body"] == "下書き"
        lapse = conn.execute(
            "SELECT actor FROM audit WHERE action = 'lock.lapse' AND thread_id = ?",
            (thread_id,),
        ).fetchone()
    assert lapse["actor"] == "system"


def test_a_lock_lapses_after_the_lock_timeout(tmp_path: Path, socket_dir: Path) -> None:
    config = daemon_config(tmp_path, socket_dir, lock_timeout="1s")
    running = InProcessDaemon(config).start()
    try:
        thread_id = seed_thread(running.store)
        with running.client("suzuki") as suzuki, running.client("sato") as sato:
            suzuki.call("claim", thread_id=thread_id)

            def lapsed() -> bool:
                with running.store.read() as conn:
                    row = conn.execute(
                        "SELECT locked_by FROM thread WHERE id = ?", (thread_id,)
                    ).fetchone()
                return row["locked_by"] is None

            wait_for(lapsed, timeout=20)
            assert sato.call("claim", thread_id=thread_id)["locked_by"] == "sato"
            with pytest.raises(Conflict):
                suzuki.call("renew", thread_id=thread_id)
    finally:
        running.stop()
