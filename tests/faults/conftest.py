"""Fixtures of the fault tests: a Dovecot of their own, which they may restart."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures import dovecot


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
