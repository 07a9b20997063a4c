"""Fixtures of the hardening tests: a running in-process daemon."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.daemon.harness import InProcessDaemon, daemon_config, remove_tree, short_dir


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[InProcessDaemon]:
    """A daemon serving a fresh store on a real socket."""
    socket_dir = short_dir()
    (tmp_path / "daemon").mkdir()
    running = InProcessDaemon(daemon_config(tmp_path / "daemon", socket_dir)).start()
    yield running
    running.stop()
    remove_tree(socket_dir)
