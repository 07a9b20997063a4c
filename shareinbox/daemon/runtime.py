"""The long-running daemon: one per data dir, stopped cleanly by a signal.

`run_daemon` takes the data dir's lock file (a second daemon on the same
data dir is refused), makes the data dir 0700 and every file it creates
private (umask 077; the socket alone is opened up to the group), logs to the
data dir's log file, opens the store, serves the socket and runs the
workers (sync, outbox) until SIGTERM or SIGINT. On a signal it stops
accepting, lets in-flight operations finish, stops the workers, closes the
store and removes the socket, then returns 0.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from shareinbox import paths
from shareinbox.config import Config
from shareinbox.daemon.server import Server
from shareinbox.errors import StoreError
from shareinbox.store.db import Store

log = logging.getLogger(__name__)


class Worker(Protocol):
    """A background part of the daemon (an account's sync, the outbox sender)."""

    def start(self) -> None:
        """Start working (in its own thread)."""

    def stop(self) -> None:
        """Stop and wait until no write is in progress."""


# Builds the workers once the store is open: given the store and the
# server's thread-safe `notify` (call it after each commit so clients see the
# change at once).
WorkerFactory = Callable[[Store, Callable[[], None]], Sequence[Worker]]


@contextmanager
def data_dir_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data dir's lock file; StoreError if another daemon holds it."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(data_dir, 0o700)
    path = paths.lock_file(data_dir)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as e:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
        os.close(fd)
        raise StoreError(
            f"another shareinbox daemon (pid {holder}) is running on {data_dir}; "
            "stop it first (systemctl stop shareinbox)",
            title="Already running",
        ) from e
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


@contextmanager
def _log_to_file(data_dir: Path) -> Iterator[None]:
    """Log INFO and up to the data dir's log file (stderr keeps warnings only)."""
    handler = logging.FileHandler(paths.log_file(data_dir), encoding="utf-8")
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    quieted = [h for h in root.handlers if h.level == logging.NOTSET]
    for other in quieted:
        other.setLevel(logging.WARNING)
    level = root.level
    root.addHandler(handler)
    root.setLevel(min(level or logging.INFO, logging.INFO))
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        for other in quieted:
            other.setLevel(logging.NOTSET)
        handler.close()


def run_daemon(config: Config, *, workers: WorkerFactory | None = None) -> int:
    """Run until SIGTERM/SIGINT; return the exit code (0 after a clean stop).

    Raises:
        StoreError: another daemon holds the data dir, or its socket.
    """
    umask = os.umask(0o077)
    data_dir = config.server.data_dir
    try:
        with data_dir_lock(data_dir), _log_to_file(data_dir):
            store = Store(paths.database_file(data_dir))
            os.chmod(store.path, 0o600)
            try:
                asyncio.run(_serve(store, config, workers))
            finally:
                store.close()
                log.info("stopped")
    finally:
        os.umask(umask)
    return 0


async def _serve(store: Store, config: Config, workers: WorkerFactory | None) -> None:
    server = Server(store, config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await server.start()
    started: list[Worker] = []
    try:
        for worker in workers(store, server.notify) if workers else ():
            worker.start()
            started.append(worker)
        log.info("daemon running (pid %d), %d worker(s)", os.getpid(), len(started))
        await stop.wait()
        log.info("stopping on a signal")
    finally:
        await server.close()
        for worker in reversed(started):
            await loop.run_in_executor(None, worker.stop)
