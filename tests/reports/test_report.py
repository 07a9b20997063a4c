"""The report against the hand-computed fixture (tests/reports/fixture.py).

Every expected figure is worked out in the comments from the fixture's
timeline (JST; business hours Mon-Fri 09:00-18:00; target 3h = 10800 s):

    Fri 02-20 10:00  T10 in (customer)         suzuki sets T10 open 11:00
    Fri 02-27 15:00  T8 in
    Mon 03-02 09:30  T8 out suzuki             suzuki sets T8 waiting 09:31
              10:00  T1 in
              10:30  T8 in (reopens T8: new)
              11:00  T7 in (spam; tanaka marks spam 11:05)
              11:30  T1 out suzuki             tanaka: T1 done 12:00, open 12:10,
                                               done 12:20
              17:00  T2 in
              17:01  T2 out, Auto-Submitted (autoresponder: not human)
              20:00  T3 in
    Tue 03-03 08:00  T4 in
              08:30  T4 out sato               sato: T4 done 08:40
              10:00  T2 out suzuki             suzuki: T2 done 10:05
              13:00  T3 out tanaka             tanaka: T3 done 13:05
              14:00  T9 in
              14:20  T9 out, another client (sent_by unknown)
                                               tanaka: T9 waiting 14:21
    Wed 03-04 09:00  T5 in
              17:30  T6 in
              17:31  T6 out by "system" (rule auto-ack: not human)
    Thu 03-05 09:00  T11 in (after the range)  now = Thu 10:00
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shareinbox import paths
from shareinbox.clock import ManualClock
from shareinbox.config import Config, load_config
from shareinbox.errors import PermissionDenied
from shareinbox.service import core
from shareinbox.store.db import Store
from tests.fixtures.configs import write_config
from tests.reports.fixture import NOW, SINCE, UNTIL, Shop, build, jst

H = 3600.0


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[tuple[Store, Config, dict[str, int]]]:
    config = load_config(write_config(tmp_path))
    store = Store(paths.database_file(config.server.data_dir))
    ids = build(store, config)
    yield store, config, ids
    store.close()


def _report(store: Store, config: Config, login: str = "tanaka") -> dict[str, Any]:
    staff = config.staff_by_login(login)
    assert staff is not None
    ctx = core.Context(store, config, core.Actor.from_staff(staff),
                       clock=ManualClock(NOW))  # fmt: skip
    result: dict[str, Any] = core.call(ctx, "report", {"since": SINCE, "until": UNTIL})
    return result


def test_days(shop: tuple[Store, Config, dict[str, int]]) -> None:
    report = _report(shop[0], shop[1])
    assert (report["since"], report["until"]) == (
        "2026-03-02T00:00:00+09:00", "2026-03-05T00:00:00+09:00",
    )  # fmt: skip
    assert report["days"] == [
        # Mon: in T1 10:00, T8 10:30, T2 17:00, T3 20:00 (T7 is spam) = 4;
        # first mail of T1, T2, T3 = 3 new (T8 began on Fri); human replies
        # T8 09:30, T1 11:30 = 2 (T2's autoresponder does not count);
        # resolved: T1 (done twice the same day, counted once) = 1.
        {"date": "2026-03-02", "received": 4, "new_threads": 3, "replied": 2,
         "resolved": 1},
        # Tue: in T4 08:00, T9 14:00 = 2, both new; replies T4 08:30, T2 10:00,
        # T3 13:00, T9 14:20 (another client: human) = 4; done T4, T2, T3 = 3.
        {"date": "2026-03-03", "received": 2, "new_threads": 2, "replied": 4,
         "resolved": 3},
        # Wed: in T5, T6 = 2, both new; T6's auto-ack by "system" is no reply.
        {"date": "2026-03-04", "received": 2, "new_threads": 2, "replied": 0,
         "resolved": 0},
    ]  # fmt: skip


def test_first_response(shop: tuple[Store, Config, dict[str, int]]) -> None:
    first = _report(shop[0], shop[1])["first_response"]
    # Threads with the first customer mail in the range: T1 T2 T3 T4 T9 T5 T6.
    # Answered (first human reply, calendar / business seconds):
    #   T1 Mon 10:00 -> Mon 11:30 suzuki: 5400 / 5400
    #   T2 Mon 17:00 -> Tue 10:00 suzuki: 17h = 61200 / Mon 17-18 + Tue 9-10 = 7200
    #   T3 Mon 20:00 -> Tue 13:00 tanaka: 61200 / Tue 9-13 = 14400
    #   T4 Tue 08:00 -> Tue 08:30 sato:    1800 / before hours = 0
    #   T9 Tue 14:00 -> Tue 14:20 (other): 1200 / 1200
    # calendar sorted 1200 1800 5400 61200 61200: median 5400, p90 = 5th = 61200
    # business sorted 0 1200 5400 7200 14400:     median 5400, p90 = 5th = 14400
    assert (first["threads"], first["answered"]) == (7, 5)
    assert first["calendar"] == {"median": 5400.0, "p90": 61200.0}
    assert first["business"] == {"median": 5400.0, "p90": 14400.0}
    # within 3h: T1 T2 T4 T9 = 4; breached: T3 (4h) and T5 (unanswered, Wed
    # 09:00 -> now Thu 10:00 = 9h + 1h business) = 2; pending: T6 (Wed 17:30 ->
    # Thu 10:00 = 0.5h + 1h, not late yet) = 1. 4 / (4 + 2) = 66.7%.
    assert (first["within_sla"], first["breached"], first["pending"]) == (4, 2, 1)
    assert first["within_sla_pct"] == 66.7
    assert first["sla_target"] == 3 * H


def test_backlog(shop: tuple[Store, Config, dict[str, int]]) -> None:
    backlog = _report(shop[0], shop[1])["backlog"]
    # Still to do at Thu 10:00, by the customer's last mail:
    #   T11 new  Thu 09:00 -> 1h       under 4h
    #   T6  new  Wed 17:30 -> 16.5h    4-24h
    #   T5  new  Wed 09:00 -> 25h      1-3d
    #   T8  new  Mon 10:30 -> 71.5h    1-3d (reopened by the customer)
    #   T9  waiting Tue 14:00 -> 44h   1-3d
    #   T10 open Fri 02-20 10:00 -> 13 days: over 7d
    # T1-T4 are done, T7 is spam.
    assert backlog["total"] == 6
    assert backlog["buckets"] == [
        {"age": "under 4h", "new": 1, "open": 0, "waiting": 0, "total": 1},
        {"age": "4-24h", "new": 1, "open": 0, "waiting": 0, "total": 1},
        {"age": "1-3d", "new": 2, "open": 0, "waiting": 1, "total": 3},
        {"age": "3-7d", "new": 0, "open": 0, "waiting": 0, "total": 0},
        {"age": "over 7d", "new": 0, "open": 1, "waiting": 0, "total": 1},
    ]


def test_staff(shop: tuple[Store, Config, dict[str, int]]) -> None:
    staff = {s["login"]: s for s in _report(shop[0], shop[1])["staff"]}
    # Config order (root, tanaka, suzuki, sato), then replies of unknown sender.
    assert list(staff) == ["root", "tanaka", "suzuki", "sato", None]
    assert staff["root"] == {"login": "root", "name": "管理者", "handled": 0,
        "replies": 0, "resolved": 0, "first_responses": 0,
        "median_business": None, "median_calendar": None}  # fmt: skip
    # tanaka: replied T3 (1); resolved T1 (twice: 1 thread) and T3 = 2;
    # first response T3: 14400 business / 61200 calendar.
    assert staff["tanaka"] == {"login": "tanaka", "name": "田中 花子",
        "handled": 1, "replies": 1, "resolved": 2, "first_responses": 1,
        "median_business": 14400.0, "median_calendar": 61200.0}  # fmt: skip
    # suzuki: replies T8 Mon 09:30, T1, T2 = 3 in 3 threads; resolved T2 (T8
    # was set waiting, T10 open before the range); first responses T1, T2:
    # business (5400 + 7200) / 2 = 6300, calendar (5400 + 61200) / 2 = 33300.
    assert staff["suzuki"] == {"login": "suzuki", "name": "鈴木 一郎",
        "handled": 3, "replies": 3, "resolved": 1, "first_responses": 2,
        "median_business": 6300.0, "median_calendar": 33300.0}  # fmt: skip
    # sato: T4 reply and done; 0 business (before hours), 1800 calendar.
    assert staff["sato"] == {"login": "sato", "name": "佐藤 美咲",
        "handled": 1, "replies": 1, "resolved": 1, "first_responses": 1,
        "median_business": 0.0, "median_calendar": 1800.0}  # fmt: skip
    # T9's reply came from another mail client: counted, sender unknown.
    assert staff[None] == {"login": None, "name": None,
        "handled": 1, "replies": 1, "resolved": 0, "first_responses": 1,
        "median_business": 1200.0, "median_calendar": 1200.0}  # fmt: skip


def test_tags_and_categories(shop: tuple[Store, Config, dict[str, int]]) -> None:
    report = _report(shop[0], shop[1])
    assert report["tags"] == [
        # 返品: T1 (5400/5400), T2 (7200/61200): business 6300, calendar 33300
        {"tag": "返品", "threads": 2, "answered": 2, "median_business": 6300.0,
         "median_calendar": 33300.0},
        # 配送: T2 (7200/61200), T4 (0/1800): business 3600, calendar 31500
        {"tag": "配送", "threads": 2, "answered": 2, "median_business": 3600.0,
         "median_calendar": 31500.0},
        # untagged: T3 T5 T6 T9, answered T3 (14400/61200), T9 (1200/1200)
        {"tag": None, "threads": 4, "answered": 2, "median_business": 7800.0,
         "median_calendar": 31200.0},
    ]  # fmt: skip
    assert report["categories"] == [
        # delivery: T4 (0/1800), T9 (1200/1200)
        {"category": "delivery", "threads": 2, "answered": 2,
         "median_business": 600.0, "median_calendar": 1500.0},
        # order: T1, T2
        {"category": "order", "threads": 2, "answered": 2,
         "median_business": 6300.0, "median_calendar": 33300.0},
        # none: T3 (answered), T5, T6
        {"category": None, "threads": 3, "answered": 1,
         "median_business": 14400.0, "median_calendar": 61200.0},
    ]  # fmt: skip


def test_busiest_hours(shop: tuple[Store, Config, dict[str, int]]) -> None:
    hours = _report(shop[0], shop[1])["hours"]
    # Customer mail in the range by hour: 08 T4; 09 T5; 10 T1, T8; 14 T9;
    # 17 T2, T6; 20 T3 (T7 at 11 is spam).
    expected = {8: 1, 9: 1, 10: 2, 14: 1, 17: 2, 20: 1}
    assert hours == [{"hour": h, "received": expected.get(h, 0)} for h in range(24)]


def test_report_is_for_supervisors_and_audited_as_export(
    shop: tuple[Store, Config, dict[str, int]],
) -> None:
    store, config, _ = shop
    with pytest.raises(PermissionDenied):
        _report(store, config, "suzuki")
    _report(store, config, "tanaka")
    with store.read() as conn:
        row = conn.execute(
            "SELECT actor, action, target, detail FROM audit ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert (row["actor"], row["action"], row["target"]) == (
        "tanaka",
        "export",
        "report",
    )
    assert str(SINCE) in row["detail"]


def test_closing_as_a_reply_leaves_credits_its_author(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path))
    store = Store(paths.database_file(config.server.data_dir))
    try:
        shop = Shop(store, config)
        shop.mail("A", jst(2, 10))
        shop.mail("A", jst(2, 10, 30), out=True, by="sato")
        # the sender sets "then done" as the daemon, the moment the reply left
        system = core.Context(store, config, core.Actor.system(),
                              clock=ManualClock(jst(2, 10, 30) + 0.01))  # fmt: skip
        core.call(
            system, "set_status", {"thread_id": shop.threads["A"], "status": "done"}
        )
        shop.mail("B", jst(2, 11))
        # a rule closing a thread nobody answered stays the daemon's
        system.clock = ManualClock(jst(2, 11, 1))
        core.call(
            system, "set_status", {"thread_id": shop.threads["B"], "status": "done"}
        )
        report = _report(store, config)
    finally:
        store.close()
    staff = {s["login"]: s["resolved"] for s in report["staff"]}
    assert staff == {"root": 0, "tanaka": 0, "suzuki": 0, "sato": 1}
    assert report["days"][0]["resolved"] == 2
