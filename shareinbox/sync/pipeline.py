"""Parsing the next batch in a second process while this one stores the last.

An initial sync spends about half its time parsing MIME and half writing
SQLite; on a machine with two cores both can run at once. `Parser` hands
each fetched batch to one worker process and returns a future; the sync
stores batch N (in order, each batch in its own transaction, as before)
while the worker parses batch N+1. Small syncs (new mail from IDLE) parse
in this process: starting a worker would cost more than it saves.

The worker comes from a ``forkserver`` (never a fork of the daemon, whose
other threads may hold locks), has ``shareinbox.sync.parse`` preloaded and
exits when this process dies, even by SIGKILL.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType

from shareinbox.sync.parse import ParsedMessage, parse_message

log = logging.getLogger(__name__)
MIN_BATCHES = 4  # below this many batches, parse in this process


def parse_all(raws: Sequence[bytes]) -> list[ParsedMessage]:
    """Parse a batch (what the worker runs)."""
    return [parse_message(raw) for raw in raws]


class Parser:
    """Parses batches, in a worker process when it pays (a context manager).

    Args:
        parse: the parser of one message; only the default `parse_message`
            can run in the worker (a test's parser runs here).
        batches: how many batches the sync will fetch.
    """

    def __init__(self, parse: Callable[[bytes], ParsedMessage], batches: int) -> None:
        self._parse = parse
        self._pool: ProcessPoolExecutor | None = None
        if parse is parse_message and batches >= MIN_BATCHES:
            self._pool = _start_pool()

    @property
    def in_worker(self) -> bool:
        """True when batches are parsed in the worker process."""
        return self._pool is not None

    def submit(self, raws: Sequence[bytes]) -> Future[list[ParsedMessage]]:
        """Start parsing a batch; the result comes from the future."""
        if self._pool is not None:
            try:
                return self._pool.submit(parse_all, list(raws))
            except RuntimeError as e:  # the pool broke: go on without it
                log.warning("parse worker unavailable (%s); parsing here", e)
                self._pool = None
        done: Future[list[ParsedMessage]] = Future()
        done.set_result([self._parse(raw) for raw in raws])
        return done

    def result(
        self, future: Future[list[ParsedMessage]], raws: Sequence[bytes]
    ) -> list[ParsedMessage]:
        """The parsed batch; parsed here if the worker died."""
        try:
            return future.result()
        except BrokenProcessPool as e:
            log.warning("parse worker died (%s); parsing here", e)
            self._pool = None
            return [self._parse(raw) for raw in raws]

    def close(self) -> None:
        """Stop the worker (pending work is dropped)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Parser:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def watch_parent(pid: int) -> None:
    """In the worker: exit when process `pid` (the sync) is gone.

    A worker whose parent was killed would otherwise wait for work forever,
    and keep its forkserver alive with it.
    """

    def watch() -> None:
        while _alive(pid):
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def _start_pool() -> ProcessPoolExecutor | None:
    try:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["shareinbox.sync.parse"])
        return ProcessPoolExecutor(
            max_workers=1, mp_context=context, initializer=watch_parent,
            initargs=(os.getpid(),),
        )  # fmt: skip
    except (OSError, ValueError) as e:
        log.warning("no parse worker (%s); parsing in this process", e)
        return None
