"""The one client of the daemon's socket, used by the TUI and the CLI.

`Client` is the asyncio client (the TUI): calls are multiplexed by request id,
so many may be in flight at once, and pushed events arrive on `events()` (or a
callback). `SyncClient` is the blocking one (the CLI): plain sockets, one call
at a time. Both speak the protocol of `shareinbox.daemon.protocol`, and both
raise the `ShareinboxError` subclass the daemon named in a failed reply
(`Conflict`, `NotFound`, `PermissionDenied`, ...).

When the daemon goes away every pending call fails with `DaemonUnavailable`
and `Client.closed` is set; the TUI then reconnects with backoff and calls
``subscribe(since=client.last_seq)`` on the new connection to catch up.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from shareinbox.daemon import protocol
from shareinbox.errors import (
    DaemonUnavailable,
    PermissionDenied,
    ProtocolError,
    ShareinboxError,
)

log = logging.getLogger(__name__)

Event = dict[str, Any]
EventCallback = Callable[[Event], None]


def not_running(socket_path: Path | str, reason: str = "") -> DaemonUnavailable:
    """The error for a socket nobody answers on."""
    why = f" ({reason})" if reason else ""
    return DaemonUnavailable(
        "the daemon is not running: start it with `shareinbox daemon` "
        f"(socket {socket_path}){why}",
        title="Daemon not running",
    )


def _connect_error(socket_path: Path | str, error: OSError) -> ShareinboxError:
    if isinstance(error, PermissionError):
        return PermissionDenied(
            f"no permission to open the daemon's socket {socket_path}: "
            "ask an admin to add you to the daemon's group ([server] group)",
            title="No access",
        )
    return not_running(socket_path, error.strerror or type(error).__name__)


class Client:
    """An asyncio connection to the daemon (see the module docstring).

    Attributes:
        staff: who the daemon says we are: login, name, role, needs_approval.
        last_seq: the newest stored event seen (for `subscribe` after a reconnect).
        closed: set when the connection has ended, for whatever reason.
    """

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        staff: dict[str, Any],
        last_seq: int,
    ) -> None:
        self.staff = staff
        self.last_seq = last_seq
        self.closed = asyncio.Event()
        self.on_event: EventCallback | None = None
        self._reader = reader
        self._writer = writer
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._events: asyncio.Queue[Event | None] = asyncio.Queue()
        self._task = asyncio.create_task(self._read_loop())

    @classmethod
    async def connect(
        cls,
        socket_path: Path | str,
        *,
        as_login: str | None = None,
        client: str = "tui",
        wait: float = 10.0,
    ) -> Client:
        """Open the socket and introduce ourselves.

        Args:
            socket_path: the daemon's socket (``config.server.socket``).
            as_login: act as this staff login (the daemon honours it for root only).
            client: our name in hello ("tui", "cli", "bench").
            wait: seconds to wait for the socket and for the welcome.

        Raises:
            DaemonUnavailable: nobody listens on `socket_path`.
            PermissionDenied: the daemon refused us (not in [[staff]], ...).
        """
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_unix_connection(str(socket_path), limit=protocol.MAX_LINE),
                wait,
            )
        except OSError as e:
            raise _connect_error(socket_path, e) from e
        except TimeoutError as e:
            raise not_running(socket_path, "no answer") from e
        try:
            writer.write(protocol.encode(protocol.hello(as_login, client)))
            line = await asyncio.wait_for(reader.readline(), wait)
            if not line:
                raise not_running(socket_path, "closed before answering")
            staff, last_seq = protocol.welcome_of(protocol.decode(line))
        except BaseException:
            writer.close()
            raise
        return cls(reader, writer, staff, last_seq)

    async def call(self, op: str, **args: Any) -> Any:
        """Run operation `op` in the daemon and return its result.

        Raises:
            ShareinboxError: the subclass named by the daemon (Conflict, ...).
            DaemonUnavailable: the connection is gone.
        """
        if self.closed.is_set():
            raise DaemonUnavailable("the connection to the daemon was lost")
        request_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        message = {"type": "request", "id": request_id, "op": op, "args": args}
        try:
            self._writer.write(protocol.encode(message))
            await self._writer.drain()
        except OSError as e:
            self._pending.pop(request_id, None)
            raise DaemonUnavailable(
                f"the connection to the daemon was lost: {e}"
            ) from e
        return await future

    async def subscribe(self, since: int | None = None) -> int:
        """Start receiving events; replay the stored ones after `since` first.

        Returns the newest stored event id at the time of subscribing.
        """
        start = self.last_seq if since is None else since
        result = await self.call("subscribe", since=start)
        return int(result.get("last_seq", 0)) if isinstance(result, dict) else 0

    async def events(self) -> AsyncIterator[Event]:
        """The pushed events, in order; ends when the connection ends."""
        while True:
            event = await self._events.get()
            if event is None:
                return
            yield event

    async def close(self) -> None:
        """Close the connection (pending calls fail with DaemonUnavailable)."""
        self._writer.close()
        with contextlib.suppress(OSError):
            await self._writer.wait_closed()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._finish("the connection was closed")

    async def _read_loop(self) -> None:
        reason = "the daemon closed the connection"
        try:
            while line := await self._reader.readline():
                self._dispatch(protocol.decode(line))
        except (OSError, ValueError, ProtocolError) as e:
            reason = f"the connection to the daemon broke: {e}"
            log.warning("%s", reason)
        finally:
            self._finish(reason)

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "reply":
            future = self._pending.pop(int(message.get("id", 0)), None)
            if future is None or future.done():
                return
            try:
                future.set_result(protocol.result_of(message))
            except ShareinboxError as e:
                future.set_exception(e)
        elif kind == "event":
            seq = message.get("seq")
            if isinstance(seq, int):
                self.last_seq = max(self.last_seq, seq)
            if self.on_event is not None:
                self.on_event(message)
            self._events.put_nowait(message)

    def _finish(self, reason: str) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        for future in self._pending.values():
            if not future.done():
                future.set_exception(DaemonUnavailable(reason))
        self._pending.clear()
        self._events.put_nowait(None)


class SyncClient:
    """A blocking connection to the daemon, for the CLI and scripts.

    Args:
        socket_path: the daemon's socket.
        as_login: act as this staff login (honoured for root only).
        client: the client name sent in hello.
        timeout: seconds to wait for the daemon on each step.
    """

    def __init__(
        self,
        socket_path: Path | str,
        *,
        as_login: str | None = None,
        client: str = "cli",
        timeout: float = 60.0,
    ) -> None:
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.settimeout(timeout)
        try:
            self._sock.connect(str(socket_path))
        except OSError as e:
            self._sock.close()
            raise _connect_error(socket_path, e) from e
        self._file = self._sock.makefile("rwb")
        self._ids = itertools.count(1)
        try:
            self._send(protocol.hello(as_login, client))
            self.staff, self.last_seq = protocol.welcome_of(self._receive())
        except BaseException:
            self.close()
            raise

    def call(self, op: str, **args: Any) -> Any:
        """Run operation `op`; return its result or raise the daemon's error."""
        request_id = next(self._ids)
        self._send({"type": "request", "id": request_id, "op": op, "args": args})
        while True:
            message = self._receive()
            if message["type"] == "reply" and message.get("id") == request_id:
                return protocol.result_of(message)

    def close(self) -> None:
        """Close the connection."""
        with contextlib.suppress(OSError):
            self._file.close()
        self._sock.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _send(self, message: dict[str, Any]) -> None:
        try:
            self._file.write(protocol.encode(message))
            self._file.flush()
        except OSError as e:
            raise DaemonUnavailable(f"the connection to the daemon broke: {e}") from e

    def _receive(self) -> dict[str, Any]:
        try:
            line = self._file.readline(protocol.MAX_LINE)
        except OSError as e:
            raise DaemonUnavailable(f"no answer from the daemon: {e}") from e
        if not line:
            raise DaemonUnavailable("the daemon closed the connection")
        return protocol.decode(line)
