"""`run_daemon` in this process: workers start and stop with it, SIGTERM ends it."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from shareinbox.client import SyncClient
from shareinbox.daemon.runtime import Worker, run_daemon
from shareinbox.store import events
from shareinbox.store.db import Store
from tests.daemon.harness import daemon_config, wait_for


class Recorder:
    """A worker that commits an event like a sync worker, then stops the daemon."""

    def __init__(self, store: Store, notify: Callable[[], None], socket: Path) -> None:
        self.store, self.notify, self.socket = store, notify, socket
        self.log: list[str] = []
        self._thread = threading.Thread(target=self._run)

    def start(self) -> None:
        self.log.append("start")
        self._thread.start()

    def _run(self) -> None:
        with self.store.write() as conn:
            events.append(conn, "message.new", at=0.0, thread_id=None)
        self.notify()
        wait_for(self.socket.exists)
        with SyncClient(self.socket) as client:
            self.log.append("served " + client.call("whoami")["login"])
        os.kill(os.getpid(), signal.SIGTERM)

    def stop(self) -> None:
        self._thread.join(10)
        self.log.append("stop")


def test_workers_run_with_the_daemon_and_sigterm_stops_it(
    tmp_path: Path, socket_dir: Path
) -> None:
    config = daemon_config(tmp_path, socket_dir)
    made: list[Recorder] = []

    def workers(store: Store, notify: Callable[[], None]) -> Sequence[Worker]:
        made.append(Recorder(store, notify, config.server.socket))
        return made

    before = os.umask(0o022)
    try:
        assert run_daemon(config, workers=workers) == 0
        assert os.umask(0o022) == 0o022  # the daemon gave the umask back
    finally:
        os.umask(before)
    assert made[0].log == ["start", "served root", "stop"]
    assert not config.server.socket.exists()
    store = Store(config.server.data_dir / "shareinbox.db")
    try:
        with store.read() as conn:
            assert [e["kind"] for e in events.since(conn, 0)] == ["message.new"]
    finally:
        store.close()
