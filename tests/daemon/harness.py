"""A real daemon server for tests: in this process (own loop thread) or as a
subprocess, on a real Unix socket with a real SQLite file.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from shareinbox import paths
from shareinbox.client import SyncClient
from shareinbox.clock import Clock
from shareinbox.config import Config, load_config
from shareinbox.daemon.server import Server
from shareinbox.store.db import Store
from tests.fixtures.configs import write_config

REPO = Path(__file__).resolve().parents[2]


def short_dir(prefix: str = "si-") -> Path:
    """A short temporary directory (AF_UNIX paths are limited to 107 bytes)."""
    return Path(tempfile.mkdtemp(prefix=prefix))


def daemon_config(
    directory: Path,
    socket_dir: Path,
    *,
    release_on_disconnect: str = "1s",
    lock_timeout: str = "10m",
    group: str = "",
    staff: str | None = None,
) -> Config:
    """A config whose socket lives in `socket_dir`."""
    extra = (
        f'socket = "{socket_dir / "s.sock"}"\n'
        f'release_on_disconnect = "{release_on_disconnect}"\n'
        f'lock_timeout = "{lock_timeout}"\n'
    )
    if group:
        extra += f'group = "{group}"\n'
    kwargs = {"staff": staff} if staff is not None else {}
    return load_config(write_config(directory, extra=extra, **kwargs))


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll `condition` until it holds; AssertionError after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


class InProcessDaemon:
    """`Server` on its own event loop thread, sharing the store with the test."""

    def __init__(self, config: Config, clock: Clock | None = None) -> None:
        self.config = config
        config.server.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(paths.database_file(config.server.data_dir))
        self.server = Server(self.store, config, clock=clock)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    @property
    def socket(self) -> Path:
        """The socket path."""
        return self.config.server.socket

    def start(self) -> InProcessDaemon:
        """Serve until `stop`."""
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(10)
        return self

    def client(self, as_login: str | None = None) -> SyncClient:
        """A blocking client; root acts as `as_login` when given."""
        return SyncClient(self.socket, as_login=as_login)

    def stop(self) -> None:
        """Close the server, its loop and the store (once)."""
        if self.loop.is_closed():
            return
        asyncio.run_coroutine_threadsafe(self.server.close(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()
        self.store.close()


class DaemonProcess:
    """``python -m shareinbox daemon`` in a subprocess."""

    def __init__(self, config: Config) -> None:
        self.config = config
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "shareinbox",
                "daemon",
                "--config",
                str(config.path),
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def wait_ready(self, timeout: float = 20.0) -> DaemonProcess:
        """Wait until the daemon answers on its socket."""

        def answers() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(
                    self.proc.stderr.read().decode() if self.proc.stderr else ""
                )
            try:
                SyncClient(self.config.server.socket, timeout=2).close()
            except Exception:
                return False
            return True

        wait_for(answers, timeout)
        return self

    def terminate(self, timeout: float = 20.0) -> int:
        """SIGTERM, then the exit code."""
        self.proc.terminate()
        return self.proc.wait(timeout)

    def kill(self) -> None:
        """Make sure the process is gone."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def remove_tree(path: Path) -> None:
    """Remove a temporary directory."""
    shutil.rmtree(path, ignore_errors=True)
