"""The daemon as a process: file modes, one daemon per data dir, SIGTERM."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from shareinbox import paths
from shareinbox.client import SyncClient
from shareinbox.config import Config
from shareinbox.errors import DaemonUnavailable
from shareinbox.store.db import Store
from tests.daemon.harness import DaemonProcess, daemon_config
from tests.fixtures.seed import seed_thread

SECRET_BODY = "カード番号は 4111-1111-1111-1111 です"


@pytest.fixture
def config(tmp_path: Path, socket_dir: Path) -> Config:
    """A config with one seeded thread in its store."""
    cfg = daemon_config(tmp_path, socket_dir)
    store = Store(paths.database_file(cfg.server.data_dir))
    seed_thread(store, body=SECRET_BODY)
    store.close()
    return cfg


@pytest.fixture
def process(config: Config) -> Iterator[DaemonProcess]:
    """The daemon running as a subprocess."""
    running = DaemonProcess(config).wait_ready()
    yield running
    running.kill()


def test_files_are_private_and_the_socket_is_for_the_group(
    config: Config, process: DaemonProcess
) -> None:
    data_dir = config.server.data_dir
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(paths.database_file(data_dir).stat().st_mode) == 0o600
    assert stat.S_IMODE(config.server.socket.stat().st_mode) == 0o660


def test_a_second_daemon_on_the_same_data_dir_is_refused(
    config: Config, process: DaemonProcess
) -> None:
    second = DaemonProcess(config)
    code = second.proc.wait(30)
    assert second.proc.stderr is not None
    message = second.proc.stderr.read().decode()
    assert code == 1
    assert "another shareinbox daemon" in message
    assert str(process.proc.pid) in message
    with SyncClient(config.server.socket) as client:  # the first one still serves
        assert client.call("whoami")["login"] == "root"


def test_sigterm_stops_cleanly_and_keeps_every_write(
    config: Config, process: DaemonProcess
) -> None:
    with SyncClient(config.server.socket, as_login="suzuki") as client:
        client.call("add_note", thread_id=1, text="折り返し電話済み")
        client.call("show_thread", thread_id=1)
    assert process.terminate() == 0
    assert not config.server.socket.exists()
    with pytest.raises(DaemonUnavailable) as gone:
        SyncClient(config.server.socket)
    assert "shareinbox daemon" in gone.value.message
    log = paths.log_file(config.server.data_dir).read_text(encoding="utf-8")
    assert "suzuki connected" in log
    assert SECRET_BODY not in log
    store = Store(paths.database_file(config.server.data_dir))
    try:
        with store.read() as conn:
            notes = conn.execute("SELECT body FROM note").fetchall()
            actions = [
                r[0] for r in conn.execute("SELECT action FROM audit ORDER BY id")
            ]
        assert [n[0] for n in notes] == ["折り返し電話済み"]
        assert actions == ["note", "view"]
    finally:
        store.close()
    again = DaemonProcess(config).wait_ready()
    try:
        with SyncClient(config.server.socket) as client:
            shown = client.call("show_thread", thread_id=1)
            assert shown["notes"][0]["text"] == "折り返し電話済み"
    finally:
        assert again.terminate() == 0
