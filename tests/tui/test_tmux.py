"""Smoke test of the installed command in a real terminal (tmux): start
``shareinbox`` against a daemon process, triage a thread with keys, read the
screen back."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from shareinbox import paths
from shareinbox.client import SyncClient
from shareinbox.config import Config
from shareinbox.store.db import Store
from tests.daemon.harness import REPO, DaemonProcess, daemon_config, wait_for
from tests.fixtures.seed import seed_thread

COMMAND = Path(sys.executable).parent / "shareinbox"


class Tmux:
    """A private tmux server with one 80x24 window."""

    def __init__(self) -> None:
        self.name = f"si-{uuid.uuid4().hex[:8]}"

    def run(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-u", "-L", self.name, *args],
                              capture_output=True, text=True, check=True)  # fmt: skip
        return done.stdout

    def start(self, command: str) -> None:
        self.run("new-session", "-d", "-x", "80", "-y", "24", "-s", "tui", command)

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "tui", *keys)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "tui")

    def wait_for_text(self, text: str) -> None:
        try:
            wait_for(lambda: text in self.screen(), timeout=20)
        except AssertionError:
            raise AssertionError(
                f"{text!r} not on the screen:\n{self.screen()}"
            ) from None

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.name, "kill-server"], capture_output=True)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    """A tmux server (skipped when tmux is not installed, failing under CI)."""
    if shutil.which("tmux") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("tmux is not installed (apt-get install tmux)")
        pytest.skip("tmux is not installed (apt-get install tmux)")
    if not COMMAND.exists():
        pytest.skip(f"the shareinbox command is not installed next to {sys.executable}")
    server = Tmux()
    yield server
    server.kill()


def _thread(config: Config) -> dict[str, object]:
    with SyncClient(config.server.socket, as_login="tanaka") as client:
        page = client.call("list_threads", view="all")
    thread: dict[str, object] = page["threads"][0]
    return thread


def test_triage_a_thread_with_keys_in_a_real_terminal(
    tmux: Tmux, tmp_path: Path, socket_dir: Path
) -> None:
    config = daemon_config(tmp_path, socket_dir)
    config.server.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(paths.database_file(config.server.data_dir))
    seed_thread(store, subject="Where is my parcel", customer_name="Jane Doe",
                customer_addr="jane@example.com")  # fmt: skip
    store.close()
    daemon = DaemonProcess(config).wait_ready()
    try:
        env = (
            f"env PYTHONPATH={shlex.quote(str(REPO))} TERM=xterm-256color LANG=C.UTF-8"
        )
        tmux.start(
            f"{env} {COMMAND} --config {shlex.quote(str(config.path))} --as tanaka"
        )
        tmux.wait_for_text("Where is my parcel")
        tmux.keys("Enter")
        tmux.wait_for_text("[New]")
        tmux.keys("c")
        tmux.wait_for_text("🔒田中")
        assert _thread(config)["locked_by"] == "tanaka"
        tmux.keys("s")
        tmux.wait_for_text("Spam")
        tmux.keys("Down", "Down", "Enter")  # claimed, so open -> waiting -> done
        tmux.wait_for_text("[Done]")
        assert _thread(config)["status"] == "done"
        tmux.keys("Escape")
        tmux.wait_for_text("New (0)")
        tmux.keys("C-q")
        wait_for(lambda: "Where is my parcel" not in tmux.screen(), timeout=20)
    finally:
        daemon.terminate()
