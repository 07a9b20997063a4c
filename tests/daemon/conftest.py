"""Fixtures of the daemon tests: a running in-process daemon and its socket dir."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.daemon.harness import InProcessDaemon, daemon_config, remove_tree, short_dir


@pytest.fixture
def socket_dir() -> Iterator[Path]:
    """A short directory for the socket (AF_UNIX path length limit)."""
    path = short_dir()
    yield path
    remove_tree(path)


@pytest.fixture
def daemon(tmp_path: Path, socket_dir: Path) -> Iterator[InProcessDaemon]:
    """A daemon serving a fresh store on a real socket."""
    running = InProcessDaemon(daemon_config(tmp_path, socket_dir)).start()
    yield running
    running.stop()
