"""Holds that end and SLA reminders, driven by a controllable clock."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from shareinbox.clock import ManualClock
from shareinbox.daemon.reminders import Reminders
from shareinbox.service import core
from shareinbox.service import operations as _operations
from shareinbox.store import audit
from tests.daemon.harness import wait_for
from tests.ops.conftest import MONDAY_10, Inbox, mail, make_inbox

assert _operations.MODULES
H = 3600.0


@pytest.fixture
def setup(
    tmp_path: Path,
) -> Iterator[tuple[Inbox, ManualClock, Callable[[str], core.Context]]]:
    inbox = make_inbox(tmp_path, sla='reminder_before = "15m"')
    clock = ManualClock(MONDAY_10)

    def ctx(login: str) -> core.Context:
        staff = inbox.config.staff_by_login(login)
        assert staff is not None
        return core.Context(
            inbox.store, inbox.config, core.Actor.from_staff(staff), clock
        )

    yield inbox, clock, ctx
    inbox.store.close()


def status_events(inbox: Inbox, thread_id: int | None) -> list[dict[str, object]]:
    rows = inbox.rows(
        "SELECT data FROM event WHERE thread_id = ? AND kind = 'thread.status' ORDER BY id",
        thread_id,
    )
    return [json.loads(r[0]) for r in rows]


def hold(ctx: core.Context, thread_id: int, until: float | None) -> None:
    core.call(ctx, "assign", {"thread_id": thread_id, "login": "suzuki"})
    core.call(ctx, "set_status", {"thread_id": thread_id, "status": "waiting",
                                   "reason": "supplier", "until": until})  # fmt: skip


def test_hold_ends_on_time_in_the_worker(
    setup: tuple[Inbox, ManualClock, Callable[[str], core.Context]],
) -> None:
    inbox, clock, ctx = setup
    thread = inbox.put(mail()).thread_id
    assert thread is not None
    hold(ctx("tanaka"), thread, MONDAY_10 + 2 * H)
    pushed: list[int] = []
    worker = Reminders(inbox.store, inbox.config, clock=clock,
                       on_commit=lambda: pushed.append(1))  # fmt: skip
    worker.start()
    try:
        wait_for(lambda: worker.passes >= 1)
        clock.advance(2 * H - 1)
        passes = worker.passes
        worker.wake()
        wait_for(lambda: worker.passes > passes)
        assert inbox.thread(thread)["status"] == "waiting"
        clock.advance(1)
        worker.wake()
        wait_for(lambda: inbox.thread(thread)["status"] == "new")
    finally:
        worker.stop()
    row = inbox.thread(thread)
    assert (row["waiting_reason"], row["waiting_until"]) == (None, None)
    last = status_events(inbox, thread)[-1]
    assert last["previous"] == "waiting"
    assert last["toast"] == "suzuki"
    assert last["waiting_reason"] == "supplier"
    trail = inbox.rows(
        "SELECT actor, action, detail FROM audit ORDER BY id DESC LIMIT 1"
    )
    assert (trail[0]["actor"], trail[0]["action"]) == ("system", "status")
    assert pushed
    with inbox.store.read() as conn:
        assert audit.verify(conn)[1] == []


def test_customer_reply_reopens_early(
    setup: tuple[Inbox, ManualClock, Callable[[str], core.Context]],
) -> None:
    inbox, clock, ctx = setup
    thread = inbox.put(mail()).thread_id
    assert thread is not None
    hold(ctx("tanaka"), thread, MONDAY_10 + 48 * H)
    reply = mail(message_id="<r1@example.jp>", in_reply_to="<m1@example.jp>",
                 body="その後いかがでしょうか")  # fmt: skip
    assert inbox.put(reply, at=MONDAY_10 + H).thread_id == thread
    row = inbox.thread(thread)
    assert (row["status"], row["waiting_until"]) == ("new", None)
    last = status_events(inbox, thread)[-1]
    assert last == {"status": "new", "previous": "waiting",
                    "reason": "customer replied", "assignee": "suzuki",
                    "toast": "suzuki"}  # fmt: skip
    clock.advance(49 * H)
    assert Reminders(inbox.store, inbox.config, clock=clock).tick() == 0
    assert len(status_events(inbox, thread)) == 2


def test_hold_without_time_stays(
    setup: tuple[Inbox, ManualClock, Callable[[str], core.Context]],
) -> None:
    inbox, clock, ctx = setup
    thread = inbox.put(mail()).thread_id
    assert thread is not None
    hold(ctx("tanaka"), thread, None)
    clock.advance(1000 * H)
    assert Reminders(inbox.store, inbox.config, clock=clock).tick() == 0
    assert inbox.thread(thread)["status"] == "waiting"


def due_soon(inbox: Inbox) -> list[tuple[int, dict[str, object]]]:
    rows = inbox.rows("SELECT thread_id, data FROM event WHERE kind = 'sla.due_soon'")
    return [(r[0], json.loads(r[1])) for r in rows]


def test_due_soon_once_per_thread(
    setup: tuple[Inbox, ManualClock, Callable[[str], core.Context]],
) -> None:
    inbox, clock, _ = setup
    thread = inbox.put(mail()).thread_id  # due Monday 13:00
    worker = Reminders(inbox.store, inbox.config, clock=clock)
    clock.advance(3 * H - 15 * 60 - 1)
    assert worker.tick() == 0
    clock.advance(1)
    assert worker.tick() == 1
    clock.advance(60)
    assert worker.tick() == 0
    [(tid, data)] = due_soon(inbox)
    assert tid == thread
    assert data["text"] == "first reply due in 15 min"
    assert data["due"] == "2026-03-02T13:00:00+09:00"


def test_no_reminder_for_answered_overdue_or_disabled(tmp_path: Path) -> None:
    inbox = make_inbox(tmp_path)  # reminder_before = 0
    clock = ManualClock(MONDAY_10 + 3 * H - 60)
    inbox.put(mail())
    assert Reminders(inbox.store, inbox.config, clock=clock).tick() == 0
    assert due_soon(inbox) == []
    inbox.store.close()


def test_overdue_threads_get_no_late_reminder(
    setup: tuple[Inbox, ManualClock, Callable[[str], core.Context]],
) -> None:
    inbox, clock, _ = setup
    inbox.put(mail())
    clock.advance(4 * H)
    assert Reminders(inbox.store, inbox.config, clock=clock).tick() == 0
    assert due_soon(inbox) == []


def test_worker_sleeps_until_the_next_timer(
    setup: tuple[Inbox, ManualClock, Callable[[str], core.Context]],
) -> None:
    inbox, clock, ctx = setup
    thread = inbox.put(mail()).thread_id
    assert thread is not None
    worker = Reminders(inbox.store, inbox.config, clock=clock)
    # Due 13:00, reminder at 12:45: 2h45m from now, capped at MAX_SLEEP (5 s).
    assert worker._delay() == 5.0
    clock.advance(2 * H + 45 * 60 - 3)
    assert worker._delay() == pytest.approx(3.01)
    hold(ctx("tanaka"), thread, clock.now() + 2)
    assert worker._delay() == pytest.approx(2.01)
