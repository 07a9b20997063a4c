"""IMAP IDLE on the selected folder, with a wake-up pipe and dead-link checks.

`IdleWaiter.wait` puts the connection into IDLE, waits until the server
reports a change (EXISTS, EXPUNGE, VANISHED, FETCH), the caller wakes it
(`wake`), or the time is up, and always ends IDLE before returning. IDLE
events are hints: the caller re-syncs the folder, which is the truth.

A dead connection does not hang here: waiting is bounded by the caller's
timeout (at most ``idle_restart``, < 29 min per RFC 2177), and ending IDLE
runs under the socket read timeout, so silence ends in `ConnectionLost`.
Lines already buffered by imaplib when IDLE starts are read before the
socket is polled, so a change announced right away is never missed.
"""

from __future__ import annotations

import logging
import os
import selectors
import socket
import ssl
import time
from enum import Enum
from typing import Any

from shareinbox.sync.imap import ConnectionLost, ImapSession

log = logging.getLogger(__name__)
_QUIET = (b"* OK", b"+")  # keep-alives ("* OK Still here") and continuations


class Outcome(Enum):
    """Why `IdleWaiter.wait` returned."""

    CHANGED = "changed"
    WOKEN = "woken"
    TIMEOUT = "timeout"


class IdleWaiter:
    """Waits in IDLE on one session; `wake()` may be called from any thread."""

    def __init__(self) -> None:
        self._read_fd, self._write_fd = os.pipe()
        os.set_blocking(self._read_fd, False)
        os.set_blocking(self._write_fd, False)

    def wake(self) -> None:
        """Make a running (or the next) `wait` return promptly."""
        try:
            os.write(self._write_fd, b"x")
        except BlockingIOError:
            pass  # the pipe is full: a wake-up is pending anyway

    def close(self) -> None:
        """Release the pipe."""
        os.close(self._read_fd)
        os.close(self._write_fd)

    def _woken(self) -> bool:
        try:
            return bool(os.read(self._read_fd, 4096))
        except BlockingIOError:
            return False

    def wait(self, session: ImapSession, timeout: float) -> Outcome:
        """IDLE on the selected folder for at most `timeout` seconds.

        Raises:
            ConnectionLost: the server closed the connection, said BYE, or did
                not answer DONE within the read timeout.
        """
        if self._woken():
            return Outcome.WOKEN
        client = session.client
        session._call("IDLE", client.idle)
        try:
            outcome = self._watch(session, time.monotonic() + timeout)
        finally:
            session._call("IDLE DONE", client.idle_done)
            session.drain()
        return outcome

    def _watch(self, session: ImapSession, deadline: float) -> Outcome:
        imap: Any = session.client._imap
        sock = session.client.socket()
        with selectors.DefaultSelector() as selector:
            selector.register(sock, selectors.EVENT_READ, "imap")
            selector.register(self._read_fd, selectors.EVENT_READ, "wake")
            while True:
                if not _buffered(imap, sock):
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return Outcome.TIMEOUT
                    ready = {key.data for key, _ in selector.select(remaining)}
                    if "wake" in ready and self._woken():
                        return Outcome.WOKEN
                    if "imap" not in ready:
                        continue
                line = session._call("IDLE", imap._get_line)
                if line.startswith(b"* BYE"):
                    raise ConnectionLost("the IMAP server ended the connection (BYE)")
                if not line.startswith(_QUIET):
                    log.debug("IDLE: %s", line[:80])
                    return Outcome.CHANGED


def _buffered(imap: Any, sock: socket.socket) -> bool:
    """True when imaplib already holds unread bytes (no socket event will come)."""
    timeout = sock.gettimeout()
    sock.setblocking(False)
    try:
        return bool(imap.file.peek(1))
    except (BlockingIOError, ssl.SSLWantReadError):
        return False
    finally:
        sock.settimeout(timeout)
