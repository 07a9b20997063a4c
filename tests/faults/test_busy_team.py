"""Ten staff clients do random work on a few threads for 60 s over the real socket.

Afterwards the audit chain verifies (``shareinbox audit --verify``) and every
action the daemon acknowledged is in the audit trail. Each client knows
which locks it holds and what its last answers said, so it knows which
acknowledged calls must have left an audit row: a first claim, a release of
a held lock, a status or assignee that changed, every note.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from shareinbox import paths
from shareinbox.client import SyncClient
from shareinbox.config import load_config
from shareinbox.errors import ShareinboxError
from shareinbox.store.db import Store
from tests.daemon.harness import remove_tree, short_dir, wait_for
from tests.faults.harness import ROOT
from tests.fixtures.configs import write_config
from tests.fixtures.seed import seed_thread

pytestmark = pytest.mark.slow
CLIENTS = 10
THREADS = 6
SECONDS = 60.0
STAFF = '[[staff]]\nlogin = "root"\nname = "root"\nrole = "admin"\n' + "".join(
    f'[[staff]]\nlogin = "agent{n}"\nname = "担当{n}"\nrole = "agent"\n'
    for n in range(CLIENTS)
)
Expected = tuple[str, str, int]  # actor, audit action, thread id


@dataclass
class Agent:
    """One client's session, what it knows, and the audit rows it is owed."""

    login: str
    client: SyncClient
    rng: random.Random
    held: dict[int, dict[str, Any]] = field(default_factory=dict)
    mine: set[int] = field(default_factory=set)  # threads assigned to me
    expected: list[Expected] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    refused: int = 0

    def learn(self, thread: dict[str, Any]) -> None:
        """Remember what an answer says about a thread."""
        tid = int(thread["id"])
        if thread["assignee"] == self.login:
            self.mine.add(tid)
        else:
            self.mine.discard(tid)
        if thread["locked_by"] == self.login:
            self.held[tid] = thread
        else:
            self.held.pop(tid, None)

    def owe(self, action: str, tid: int) -> None:
        """An audit row this acknowledged call must have left."""
        self.expected.append((self.login, action, tid))

    def step(self) -> None:
        """One random action; a refusal (someone else's lock) is fine."""
        tid = self.rng.randint(1, THREADS)
        choice = self.rng.choice(
            ("claim", "claim", "release", "note", "status", "assign")
        )
        try:
            getattr(self, choice)(tid)
        except ShareinboxError:
            self.refused += 1

    def claim(self, tid: int) -> None:
        renewing = tid in self.held
        thread = self.client.call("claim", thread_id=tid)
        if not renewing:
            self.owe("claim", tid)
        self.learn(thread)

    def release(self, tid: int) -> None:
        held = tid in self.held
        thread = self.client.call("release", thread_id=tid)
        if held:
            self.owe("release", tid)
        self.learn(thread)

    def note(self, tid: int) -> None:
        text = f"{self.login} のメモ {len(self.notes)}"
        self.client.call("add_note", thread_id=tid, text=text)
        self.notes.append(text)
        self.owe("note", tid)

    def status(self, tid: int) -> None:
        if tid not in self.held:  # only the holder knows the current status
            return
        current = self.held[tid]["status"]
        status = self.rng.choice(
            [s for s in ("open", "waiting", "done") if s != current]
        )
        reason = "customer" if status == "waiting" else None
        thread = self.client.call(
            "set_status", thread_id=tid, status=status, reason=reason
        )
        self.owe("status", tid)
        if status == "done":  # closing a thread frees its lock
            self.owe("release", tid)
        self.learn(thread)

    def assign(self, tid: int) -> None:
        if tid not in self.held:
            return
        was_mine = tid in self.mine
        login = None if was_mine else self.login
        thread = self.client.call("assign", thread_id=tid, login=login)
        if was_mine or thread["assignee"] == self.login:
            self.owe("assign", tid)
        self.learn(thread)


@pytest.fixture
def daemon_config(tmp_path: Path) -> Iterator[Path]:
    """A config for ten agents and a store with a few threads."""
    sockets = short_dir()
    config = write_config(
        tmp_path, staff=STAFF, extra=f'socket = "{sockets / "s.sock"}"\n'
    )
    store = Store(paths.database_file(tmp_path / "data"))
    for n in range(THREADS):
        seed_thread(store, subject=f"問い合わせ {n}", customer_addr=f"c{n}@example.jp")
    store.close()
    yield config
    remove_tree(sockets)


def work(agent: Agent, until: float, errors: list[BaseException]) -> None:
    """Random steps until `until`."""
    try:
        while time.monotonic() < until:
            agent.step()
    except BaseException as e:  # surfaced by the test
        errors.append(e)


def test_ten_busy_clients_lose_no_action_and_the_chain_verifies(
    daemon_config: Path,
) -> None:
    socket = load_config(daemon_config).server.socket
    env_cmd = [sys.executable, "-m", "shareinbox"]
    daemon = subprocess.Popen(
        [*env_cmd, "daemon", "--config", str(daemon_config)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        wait_for(socket.exists, timeout=30)
        rng = random.Random(time.time_ns())
        agents = [
            Agent(f"agent{n}", SyncClient(socket, as_login=f"agent{n}"),
                  random.Random(rng.random()))
            for n in range(CLIENTS)
        ]  # fmt: skip
        errors: list[BaseException] = []
        until = time.monotonic() + SECONDS
        threads = [
            threading.Thread(target=work, args=(agent, until, errors))
            for agent in agents
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(SECONDS + 60)
        assert not errors, errors
        for agent in agents:
            agent.client.close()
        verify = subprocess.run(
            [*env_cmd, "audit", "--verify", "--config", str(daemon_config)],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert verify.returncode == 0, verify.stdout + verify.stderr
    finally:
        daemon.terminate()
        daemon.wait(30)
    expected = Counter(e for agent in agents for e in agent.expected)
    assert sum(expected.values()) > 500, "the clients did too little"
    with sqlite3.connect(paths.database_file(daemon_config.parent / "data")) as conn:
        rows = conn.execute("SELECT actor, action, thread_id FROM audit").fetchall()
        notes = Counter(r[0] for r in conn.execute("SELECT body FROM note"))
    audited = Counter((str(a), str(b), int(c)) for a, b, c in rows if c is not None)
    missing = expected - audited
    assert not missing, f"acknowledged but not audited: {dict(missing)}"
    assert notes == Counter(n for agent in agents for n in agent.notes)
