"""`shareinbox demo --no-tui` as a real process: it serves, the CLI works
against it, and Ctrl-C removes everything."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from shareinbox.cli import main
from shareinbox.client import SyncClient
from shareinbox.sync.parse import parse_message
from tests.daemon.harness import REPO, remove_tree, short_dir, wait_for


@pytest.fixture
def temp_root() -> Iterator[Path]:
    path = short_dir("si-demo-")
    yield path
    remove_tree(path)


def _lines(proc: subprocess.Popen[str]) -> queue.Queue[str]:
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _wait_for(lines: queue.Queue[str], prefix: str) -> str:
    while True:
        line = lines.get(timeout=60)
        if line.startswith(prefix):
            return line[len(prefix) :].strip()


def _reply(socket: Path, thread_id: int, mail: Path) -> None:
    """Answer a thread as the admin; the daemon writes the mail to `mail`."""
    with SyncClient(socket) as client:
        client.call("claim", thread_id=thread_id)
        client.call("save_draft", thread_id=thread_id,
                    body="Yes, we ship to the US: 2,400 yen for two mugs.")  # fmt: skip
        client.call("submit", thread_id=thread_id)
    wait_for(lambda: any(mail.glob("*.eml")), timeout=30)
    (sent,) = mail.glob("*.eml")
    parsed = parse_message(sent.read_bytes())
    assert parsed.to[0].addr == "john.smith@example.com"
    assert "2,400 yen" in parsed.text


def test_demo_serves_the_sample_and_cleans_up(
    temp_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(temp_root),
           "LANG": "ja_JP.UTF-8"}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "shareinbox", "demo", "--no-tui"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        lines = _lines(proc)
        config = Path(_wait_for(lines, "config:"))
        socket = Path(_wait_for(lines, "socket:"))
        mail = Path(_wait_for(lines, "mail:").split(" (")[0])
        directory = config.parent
        assert directory.parent == temp_root
        assert socket.exists()
        settings = tomllib.loads(config.read_text(encoding="utf-8"))
        assert settings["shop"]["language"] == "ja"
        assert main(["--config", str(config), "threads", "--json"]) == 0
        threads = json.loads(capsys.readouterr().out)
        subjects = {t["subject"] for t in threads}
        assert {"サイズ交換のお願い", "Do you ship to the United States?"} <= subjects
        assert sum(t["overdue"] for t in threads) == 1
        assert main(["--config", str(config), "search", "返金", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)
        english = next(t for t in threads if t["customer"] == "john.smith@example.com")
        _reply(socket, english["id"], mail)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert not directory.exists()
    assert list(temp_root.iterdir()) == []


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
def test_a_dropped_session_still_cleans_up(temp_root: Path, signum: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(temp_root)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "shareinbox", "demo", "--no-tui"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        directory = Path(_wait_for(_lines(proc), "config:")).parent
        assert directory.exists()
        proc.send_signal(signum)
        proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert not directory.exists()
    assert list(temp_root.iterdir()) == []
