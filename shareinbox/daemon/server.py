"""The daemon's Unix-socket server: identity, requests, pushed events, locks.

Each connection is identified once, from the kernel's peer credentials
(`identity`). Requests run the blocking service operations in a small
thread pool (SQLite serialises the writers; readers run side by side), so the
event loop only moves bytes. After every operation, and whenever another
part of the daemon calls `notify()` (the sync workers, after a commit), the
new rows of the ``event`` table are pushed to every subscribed client. A
dropped connection's locks lapse after ``release_on_disconnect``; a sweeper
frees lapsed locks and records each in the audit trail.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
from typing import Any

from shareinbox.clock import Clock, SystemClock
from shareinbox.config import Config
from shareinbox.daemon import protocol
from shareinbox.daemon.connection import Connection
from shareinbox.daemon.identity import identify, peer_of
from shareinbox.daemon.pusher import Pusher
from shareinbox.daemon.sockets import bind_socket, remove_socket
from shareinbox.errors import ProtocolError, ShareinboxError
from shareinbox.service import core, locks, session
from shareinbox.service import operations as _operations
from shareinbox.service.presence import Presence
from shareinbox.store.db import Store

log = logging.getLogger(__name__)

assert _operations.MODULES  # importing it registers every operation
HELLO_TIMEOUT = 10.0
MAX_CONCURRENT = 16  # requests in flight per connection
# Operations of a few hundred microseconds at most (one row, no scans).
INLINE_OPS = frozenset(
    {"whoami", "claim", "renew", "release", "assign", "set_status", "set_presence"}
)


class Server:
    """The socket server of one daemon.

    Args:
        store: the open store.
        config: the configuration (socket path, group, lock timings, staff).
        clock: the time source (tests may pass a ManualClock).
        threads: size of the pool running operations.
    """

    def __init__(
        self,
        store: Store,
        config: Config,
        *,
        clock: Clock | None = None,
        threads: int = 4,
    ) -> None:
        self.store = store
        self.config = config
        self.clock = clock or SystemClock()
        self.presence = Presence()
        self.connections: set[Connection] = set()
        self.pusher = Pusher(store, self.connections)
        self._pool = concurrent.futures.ThreadPoolExecutor(threads, "shareinbox-op")
        self._server: asyncio.AbstractServer | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._closing = False
        self._handlers: set[asyncio.Task[Any]] = set()
        self._system = core.Context(
            store, config, core.Actor.system(), self.clock, presence=self.presence
        )

    async def start(self) -> None:
        """Bind the socket and start serving; old locks get the disconnect grace."""
        self._loop = asyncio.get_running_loop()
        self.pusher.start(self._loop)
        await self._run(
            locks.lapse_connection_locks,
            self._system,
            None,
            float(self.config.server.release_on_disconnect),
        )
        self._server = await bind_socket(self.config, self._accept)
        self._sweeper = asyncio.create_task(self._sweep_forever())
        log.info("listening on %s", self.config.server.socket)

    def notify(self) -> None:
        """Push new stored events to the clients; safe to call from any thread."""
        self.pusher.notify()

    async def close(self) -> None:
        """Stop accepting, let in-flight operations finish, drop every client."""
        if self._server is not None:
            self._server.close()
        tasks = [t for c in self.connections for t in c.tasks]
        if tasks:
            await asyncio.wait(tasks, timeout=30)
        if self._sweeper is not None:
            # A flag, not cancel(): 3.11's wait_for can swallow a cancellation.
            self._closing = True
            self._wake.set()
            await self._sweeper
        self.pusher.flush()
        for conn in list(self.connections):
            conn.writer.close()
        if self._handlers:
            await asyncio.wait(self._handlers, timeout=10)
        if self._server is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 5)
        self._pool.shutdown(wait=True)
        remove_socket(self.config.server.socket)

    async def _call(self, ctx: core.Context, op: str, args: dict[str, Any]) -> Any:
        """Run an operation: short ones at once when the writer is free, else in
        the pool. A thread hop (and the GIL hand-over it causes) costs more than
        a claim itself: running claims on the loop halves the race's p99."""
        if op in INLINE_OPS:
            with self.store.writer_if_free() as free:
                if free:
                    return core.call(ctx, op, args)
        return await self._run(core.call, ctx, op, args)

    async def _run(self, fn: Any, *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, fn, *args)

    async def _accept(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
            task.add_done_callback(self._handlers.discard)
        conn = await self._greet(reader, writer)
        if conn is None:
            return
        self.connections.add(conn)
        log.info(
            "%s connected (%s, pid %d, %s)",
            conn.actor.login,
            conn.client,
            conn.peer.pid,
            conn.id,
        )
        try:
            await self._read_requests(reader, conn)
        finally:
            self.connections.discard(conn)
            writer.close()
            await self._disconnected(conn)

    async def _greet(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> Connection | None:
        try:
            peer = peer_of(writer.get_extra_info("socket"))
            line = await asyncio.wait_for(reader.readline(), HELLO_TIMEOUT)
            hello = protocol.decode(line)
            if hello["type"] != "hello" or hello.get("version") != protocol.VERSION:
                raise ProtocolError(
                    f"expected hello version {protocol.VERSION}; upgrade the client"
                )
            requested = hello.get("as")
            if requested is not None and not isinstance(requested, str):
                raise ProtocolError("'as' must be a login name or null")
            actor = identify(self.config, peer, requested)
        except (ShareinboxError, TimeoutError, OSError, ValueError) as e:
            message = e.message if isinstance(e, ShareinboxError) else "no hello"
            log.info("refused a connection: %s", message)
            with contextlib.suppress(OSError):
                writer.write(protocol.encode({"type": "refused", "message": message}))
                await writer.drain()
            writer.close()
            return None
        conn = Connection(actor, peer, writer, client=str(hello.get("client", "")))
        conn.send(
            {
                "type": "welcome",
                "version": protocol.VERSION,
                "staff": session.whoami(self._context(conn)),
                "last_seq": self.pusher.last_seq(),
            }
        )
        return conn

    async def _read_requests(
        self, reader: asyncio.StreamReader, conn: Connection
    ) -> None:
        limit = asyncio.Semaphore(MAX_CONCURRENT)
        while True:
            try:
                line = await reader.readline()
            except (OSError, ValueError) as e:
                log.info("%s: read failed: %s", conn.id, e)
                return
            if not line:
                return
            await limit.acquire()
            task = asyncio.create_task(self._request(conn, line))
            conn.tasks.add(task)
            task.add_done_callback(conn.tasks.discard)
            task.add_done_callback(lambda _: limit.release())

    def _context(self, conn: Connection) -> core.Context:
        return core.Context(
            self.store,
            self.config,
            conn.actor,
            self.clock,
            connection_id=conn.id,
            presence=self.presence,
        )

    async def _request(self, conn: Connection, line: bytes) -> None:
        request_id: Any = None
        ctx = self._context(conn)
        try:
            message = protocol.decode(line)
            request_id = message.get("id")
            op, args = message.get("op"), message.get("args") or {}
            if (
                message["type"] != "request"
                or not isinstance(op, str)
                or not isinstance(args, dict)
            ):
                raise ProtocolError("a request needs an op and an args object")
            if op == "subscribe":
                result: Any = self.pusher.subscribe(conn, args.get("since"))
            else:
                result = await self._call(ctx, op, args)
                if op in ("claim", "renew"):
                    self._wake.set()  # the sweeper learns the new expiry
            reply = {"type": "reply", "id": request_id, "ok": True, "result": result}
        except ShareinboxError as e:
            reply = {
                "type": "reply",
                "id": request_id,
                "ok": False,
                "error": protocol.error_payload(e),
            }
        except Exception as e:  # an operation's bug must not kill the daemon
            log.exception("operation failed for %s", conn.actor.login)
            error = ShareinboxError(
                f"internal error in the daemon ({type(e).__name__}); see its log"
            )
            reply = {
                "type": "reply",
                "id": request_id,
                "ok": False,
                "error": protocol.error_payload(error),
            }
        conn.send(reply)
        for event in ctx.passing:
            self.pusher.broadcast(event)
        if ctx.stored_events:
            self.pusher.notify()
        with contextlib.suppress(OSError):
            await conn.writer.drain()

    async def _disconnected(self, conn: Connection) -> None:
        log.info("%s disconnected (%s)", conn.actor.login, conn.id)
        ctx = self._context(conn)
        for thread_id in self.presence.drop(conn.id):
            self.pusher.broadcast(session.presence_event(ctx, thread_id))
        grace = float(self.config.server.release_on_disconnect)
        try:
            if await self._run(locks.lapse_connection_locks, ctx, conn.id, grace):
                self._wake.set()
        except (ShareinboxError, RuntimeError) as e:
            log.warning("could not let the locks of %s lapse: %s", conn.id, e)

    async def _sweep_forever(self) -> None:
        """Free lapsed locks as they lapse (and at least every few seconds)."""
        while not self._closing:
            try:
                next_expiry = await self._run(locks.sweep_locks, self._system)
            except ShareinboxError as e:
                log.warning("lock sweep failed: %s", e.message)
                next_expiry = None
            self.pusher.notify()
            delay = 5.0
            if next_expiry is not None:
                delay = min(delay, max(next_expiry - self.clock.now(), 0.0) + 0.01)
            if self._closing:
                return
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._wake.wait()
