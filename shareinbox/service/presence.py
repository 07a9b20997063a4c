"""Who is looking at which thread: ephemeral, in memory, per connection.

Presence is not stored: it dies with the daemon and with each connection.
The daemon shares one `Presence` between all its contexts; the TUI reports the
thread it shows with ``set_presence`` and everyone sees the viewers.
"""

from __future__ import annotations

import threading


class Presence:
    """Connection -> (login, thread) map, safe to use from several threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._where: dict[str, tuple[str, int]] = {}

    def set(self, connection_id: str, login: str, thread_id: int | None) -> list[int]:
        """Record what a connection shows; return the threads whose viewers changed."""
        with self._lock:
            old = self._where.pop(connection_id, None)
            if thread_id is not None:
                self._where[connection_id] = (login, thread_id)
        changed = {t for t in (old[1] if old else None, thread_id) if t is not None}
        if old is not None and old[1] == thread_id:
            return []
        return sorted(changed)

    def drop(self, connection_id: str) -> list[int]:
        """Forget a closed connection; return the thread it was looking at."""
        with self._lock:
            old = self._where.pop(connection_id, None)
        return [old[1]] if old else []

    def viewers(self, thread_id: int) -> list[str]:
        """The logins looking at a thread, sorted, each once."""
        with self._lock:
            return sorted(
                {login for login, t in self._where.values() if t == thread_id}
            )

    def snapshot(self) -> dict[int, list[str]]:
        """Every watched thread and its viewers."""
        with self._lock:
            found: dict[int, set[str]] = {}
            for login, thread_id in self._where.values():
                found.setdefault(thread_id, set()).add(login)
        return {t: sorted(v) for t, v in found.items()}
