"""The daemon's timer worker: holds that end, first replies soon due.

A thread put on hold (``waiting``) with an until-time becomes ``new`` again
at that time: a ``thread.status`` event (actor ``system``, ``data.toast``
naming the assignee, whose TUI shows a toast) and an audit row. With
``[sla] reminder_before`` set, a ``sla.due_soon`` event goes out once per
thread when its first-response deadline is that close.

The worker sleeps until the next such time (at most `MAX_SLEEP`, so a clock
that jumps is noticed); `wake` makes it look at once (tests move a
`ManualClock` and wake it).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime

from shareinbox.clock import Clock, SystemClock
from shareinbox.config import Config
from shareinbox.store import audit, events, teamwork, timers
from shareinbox.store.db import Store

log = logging.getLogger(__name__)
MAX_SLEEP = 5.0  # a hold set meanwhile is seen this late at most


class Reminders:
    """Reopens threads whose hold ended and sends due-soon reminders.

    Args:
        store: the database.
        config: ``[sla] reminder_before`` and the shop's time zone.
        clock: the time source.
        on_commit: called after each change (the server pushes the events).
    """

    def __init__(
        self,
        store: Store,
        config: Config,
        *,
        clock: Clock | None = None,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.clock = clock or SystemClock()
        self._on_commit = on_commit
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.passes = 0  # completed passes (tests wait on it)

    def start(self) -> None:
        """Start the worker thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="reminders", daemon=True
            )
            self._thread.start()

    def wake(self) -> None:
        """Look at the timers now."""
        self._wake.set()

    def stop(self) -> None:
        """Stop and wait for the thread."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                changed = self.tick()
                if changed and self._on_commit is not None:
                    self._on_commit()
                delay = self._delay()
            except Exception:  # a bug must not end the reminders
                log.exception("timer pass failed")
                delay = MAX_SLEEP
            self.passes += 1
            self._wake.wait(delay)

    def _delay(self) -> float:
        now = self.clock.now()
        with self.store.read() as conn:
            due = timers.next_timer(conn, now, self._window)
        if due is None:
            return MAX_SLEEP
        return min(MAX_SLEEP, max(due - now, 0.0) + 0.01)

    @property
    def _window(self) -> float:
        return float(self.config.sla.reminder_before)

    def tick(self) -> int:
        """One pass: reopen ended holds, send due reminders; return the count."""
        now = self.clock.now()
        with self.store.write() as conn:
            ended = timers.waiting_over(conn, now)
            for row in ended:
                self._reopen(conn, row, now)
            soon = timers.due_soon(conn, now, self._window) if self._window else []
            for row in soon:
                self._remind(conn, row, now)
        return len(ended) + len(soon)

    def _reopen(self, conn: sqlite3.Connection, row: sqlite3.Row, now: float) -> None:
        thread_id, assignee = int(row["id"]), row["assignee"]
        reason = row["waiting_reason"]
        teamwork.set_status(conn, thread_id, "new", now=now)
        text = f"back from waiting ({reason}): the time set has come"
        data = {"status": "new", "previous": "waiting", "reason": "waiting time over",
                "waiting_reason": reason, "assignee": assignee, "toast": assignee,
                "text": text}  # fmt: skip
        events.append(conn, "thread.status", at=now, thread_id=thread_id,
                      actor="system", data=data)  # fmt: skip
        audit.append(conn, at=now, actor="system", action="status",
                     target=f"thread:{thread_id}", thread_id=thread_id,
                     detail={"from": "waiting", "to": "new",
                             "reason": "waiting time over"})  # fmt: skip

    def _remind(self, conn: sqlite3.Connection, row: sqlite3.Row, now: float) -> None:
        thread_id, due = int(row["id"]), float(row["first_response_due_at"])
        timers.mark_reminded(conn, thread_id, now)
        minutes = max(1, round((due - now) / 60))
        local = datetime.fromtimestamp(due, self.config.shop.tz)
        data = {"assignee": row["assignee"], "toast": row["assignee"],
                "due": local.isoformat(timespec="seconds"), "due_ts": due,
                "text": f"first reply due in {minutes} min"}  # fmt: skip
        events.append(conn, "sla.due_soon", at=now, thread_id=thread_id,
                      actor="system", data=data)  # fmt: skip
