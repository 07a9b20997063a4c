"""One client connection as the server sees it: who, what it saw, its output.

Writes are whole JSON lines handed to the transport without awaiting, so
lines from concurrent requests never interleave; a client that stops
reading until its buffer passes `MAX_BUFFER` is dropped instead of growing
the daemon's memory.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import secrets
from dataclasses import dataclass, field
from typing import Any

from shareinbox.daemon import protocol
from shareinbox.daemon.identity import Peer
from shareinbox.service.core import Actor

log = logging.getLogger(__name__)

MAX_BUFFER = 32 * 1024 * 1024
_PREFIX = f"{os.getpid():x}-{secrets.token_hex(3)}"
_COUNTER = itertools.count(1)


def new_connection_id() -> str:
    """An id unique across daemon restarts (it is stored with the locks)."""
    return f"{_PREFIX}-{next(_COUNTER)}"


@dataclass(eq=False)
class Connection:
    """A connected, identified client."""

    actor: Actor
    peer: Peer
    writer: asyncio.StreamWriter
    client: str = ""
    id: str = field(default_factory=new_connection_id)
    subscribed: bool = False
    seen: int = 0  # the newest stored event this client has been sent
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def send(self, message: dict[str, Any]) -> bool:
        """Queue one message; False (and the connection closed) when it is stuck."""
        if self.writer.is_closing():
            return False
        if self.writer.transport.get_write_buffer_size() > MAX_BUFFER:
            log.warning(
                "dropping %s (%s): it stopped reading its events",
                self.actor.login,
                self.id,
            )
            self.writer.close()
            return False
        self.writer.write(protocol.encode(message))
        return True

    def send_event(self, event: dict[str, Any]) -> None:
        """Push one event (stored ones advance `seen`)."""
        seq = event.get("seq")
        if isinstance(seq, int):
            if seq <= self.seen:
                return
            self.seen = seq
        self.send({"type": "event", **event})
