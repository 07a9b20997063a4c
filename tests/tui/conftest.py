"""Fixtures of the TUI tests: a real daemon on a temp socket with a small shop,
a fixed clock, and the app made by `make_app` connected to it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from shareinbox.app import ShareinboxApp, make_app
from shareinbox.client import Client
from shareinbox.clock import ManualClock
from tests.daemon.harness import InProcessDaemon, daemon_config, remove_tree, short_dir
from tests.tui.shop import NOW, seed_shop


@pytest.fixture
def clock() -> ManualClock:
    """The time of every TUI test: 2026-01-01 11:00 in Tokyo (a Thursday)."""
    return ManualClock(NOW)


@pytest.fixture
def socket_dir() -> Iterator[Path]:
    """A short directory for the socket."""
    path = short_dir()
    yield path
    remove_tree(path)


@pytest.fixture
def shop_daemon(
    tmp_path: Path, socket_dir: Path, clock: ManualClock
) -> Iterator[InProcessDaemon]:
    """A daemon on a real socket serving the seeded shop."""
    config = daemon_config(tmp_path, socket_dir, release_on_disconnect="60s")
    running = InProcessDaemon(config, clock=clock).start()
    running.threads = seed_shop(running)  # type: ignore[attr-defined]
    yield running
    running.stop()


AppMaker = Callable[..., ShareinboxApp]


def app_maker(daemon: InProcessDaemon, clock: ManualClock) -> AppMaker:
    """Make apps against `daemon`, acting as `login` (default tanaka, a
    supervisor), their toasts recorded."""

    def make(
        login: str = "tanaka", language: str = "en", **kwargs: Any
    ) -> ShareinboxApp:
        async def connect() -> Client:
            return await Client.connect(daemon.socket, as_login=login)

        app = make_app(daemon.config, connect, clock=clock, language=language, **kwargs)
        record_toasts(app)
        return app

    return make


@pytest.fixture
def tui(shop_daemon: InProcessDaemon, clock: ManualClock) -> AppMaker:
    """Make the app against the seeded shop."""
    return app_maker(shop_daemon, clock)


async def wait_until(
    pilot: Pilot[Any], condition: Callable[[], bool], seconds: float = 30.0
) -> None:
    """Let the app work until `condition` holds (AssertionError after `seconds`)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.02)


_TOASTS: dict[int, list[str]] = {}


def record_toasts(app: ShareinboxApp) -> None:
    """Keep every toast `app` shows, for `toasts`."""
    shown = _TOASTS[id(app)] = []
    original = app.notify

    def notify(message: str, *args: Any, **kwargs: Any) -> None:
        shown.append(message)
        original(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]


def toasts(app: ShareinboxApp) -> list[str]:
    """The messages of every toast the app has shown (expired ones too, for
    apps made by `tui`; others: the toasts not yet expired)."""
    recorded = _TOASTS.get(id(app))
    if recorded is None:
        return [n.message for n in app._notifications]
    return list(recorded)


def thread_row(daemon: InProcessDaemon, thread_id: int) -> dict[str, Any]:
    """A thread's row as stored."""
    with daemon.store.read() as conn:
        row = conn.execute("SELECT * FROM thread WHERE id = ?", (thread_id,)).fetchone()
    return dict(row)


async def started(pilot: Pilot[Any], app: ShareinboxApp, rows: int) -> None:
    """Wait until the inbox lists `rows` threads."""
    from shareinbox.widgets.thread_list import ThreadList

    await app.wait_connected()
    threads = app.screen.query_one(ThreadList)
    await wait_until(
        pilot, lambda: threads.total == rows and threads.selected is not None
    )
