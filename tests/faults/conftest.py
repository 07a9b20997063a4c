"""Fixtures of the fault tests: a Dovecot of their own, which they may restart;
an SMTP server; a short socket dir."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.daemon.harness import remove_tree, short_dir
from tests.fixtures import dovecot
from tests.fixtures.smtp_server import SmtpServer


@pytest.fixture
def own_server() -> Iterator[dovecot.DovecotServer]:
    """A Dovecot of one test alone (it may be restarted or filled directly)."""
    if not dovecot.available():
        reason = "dovecot is not installed (apt-get install dovecot-imapd)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    base = Path(tempfile.mkdtemp(prefix="shareinbox-faults-"))
    server = dovecot.DovecotServer(base)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A plain SMTP server on 127.0.0.1 that stores what it gets."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def socket_dir() -> Iterator[Path]:
    """A short directory for the socket (AF_UNIX path length limit)."""
    path = short_dir()
    yield path
    remove_tree(path)
