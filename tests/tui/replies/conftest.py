"""Fixtures of the reply tests: the TUI shop with a configured account whose
SMTP server is the real test server, and the daemon's outbox sender."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shareinbox.clock import ManualClock
from shareinbox.config import load_config
from shareinbox.daemon.delivery import RetryPolicy
from shareinbox.daemon.sender import OutboxSender
from tests.daemon.harness import InProcessDaemon
from tests.fixtures.configs import write_config
from tests.fixtures.smtp_server import SmtpServer
from tests.tui.conftest import AppMaker, app_maker, clock, socket_dir
from tests.tui.shop import seed_shop

__all__ = ["clock", "socket_dir"]
FAST = RetryPolicy(first=0.05, factor=2.0, cap=0.2, attempts=3)


def account(smtp_port: int) -> str:
    """The shop's account ("support", as seeded), sending through `smtp_port`."""
    return f"""
[[account]]
name = "support"
address = "support@shop.example"
imap = {{ host = "127.0.0.1", port = 143, security = "none", username = "support", folders = ["INBOX"] }}
smtp = {{ host = "127.0.0.1", port = {smtp_port}, security = "none", username = "" }}
"""


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 that stores what it receives."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def reply_daemon(
    tmp_path: Path, socket_dir: Path, clock: ManualClock, smtp: SmtpServer
) -> Iterator[InProcessDaemon]:
    """A daemon serving the seeded shop, with the account configured."""
    extra = f'socket = "{socket_dir / "s.sock"}"\nrelease_on_disconnect = "60s"\n'
    config = load_config(
        write_config(tmp_path, accounts=account(smtp.port), extra=extra)
    )
    running = InProcessDaemon(config, clock=clock).start()
    running.threads = seed_shop(running)  # type: ignore[attr-defined]
    yield running
    running.stop()


@pytest.fixture
def sender(reply_daemon: InProcessDaemon) -> Iterator[OutboxSender]:
    """The daemon's outbox sender (SMTP; no Sent folder to file into)."""
    running = OutboxSender(
        reply_daemon.store, reply_daemon.config, on_commit=reply_daemon.server.notify,
        sent_folders=lambda account: None, retry=FAST, poll=0.05,
    )  # fmt: skip
    running.start()
    yield running
    running.stop()


@pytest.fixture
def reply_tui(reply_daemon: InProcessDaemon, clock: ManualClock) -> AppMaker:
    """Make the app against the reply daemon, acting as `login`."""
    return app_maker(reply_daemon, clock)


def ids(daemon: InProcessDaemon) -> dict[str, int]:
    """The seeded threads by name."""
    found: dict[str, int] = daemon.threads  # type: ignore[attr-defined]
    return found
