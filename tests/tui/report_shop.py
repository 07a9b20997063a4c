"""A week of mail with exact times for the report screen; every figure the
tests expect is worked out by hand below.

Shop: Asia/Tokyo, Mon-Fri 09:00-18:00, first-response target 3h (business).
Now is Fri 2026-03-06 12:00 JST. Timeline (JST):

    Mon 03-02 10:00  A in (tag 返品)      11:30 A out suzuki   12:00 tanaka: A done
              17:00  B in (tag 返品)
    Tue 03-03 10:00  B out tanaka                              10:05 tanaka: B done
              20:00  C in (tag 配送, category delivery)
    Wed 03-04 14:00  C out suzuki                              14:05 suzuki: C done
    Thu 03-05 09:00  D in (unanswered)
    Fri 03-06 11:00  E in (unanswered)
              11:30  F in, marked spam by tanaka at 11:35 (never counts)

First responses: A 1h30 calendar and business (5400 s); B 17h calendar
(61200), business Mon 17-18 + Tue 9-10 = 2h (7200); C 18h calendar (64800),
business Wed 9-14 = 5h (18000). D: 12 business hours so far -> late;
E: 1 business hour -> pending. Within SLA: A, B -> 2 of 4 = 50.0%.
Medians: business 2h 00m (p90 5h 00m), calendar 17h 00m (p90 18h 00m).
Per staff: suzuki handled 2, replies 2, resolved 1, first 2, median
business (5400+18000)/2 = 3h 15m, calendar (5400+64800)/2 = 9h 45m;
tanaka handled 1, replies 1, resolved 2, first 1, 2h 00m, 17h 00m.
Per tag: 返品 2 threads, 2 answered, 1h 45m / 9h 15m; 配送 1, 1, 5h 00m /
18h 00m; no tag: D and E, 0 answered.
Backlog now: D new, 27h old (1-3 days); E new, 1h old (under 4h).
Busiest hours: one customer mail each at 9, 10, 11, 17 and 20.
"""

from __future__ import annotations

from pathlib import Path

from shareinbox.app import ShareinboxApp, make_app
from shareinbox.client import Client
from shareinbox.clock import ManualClock
from shareinbox.config import Config
from shareinbox.store import history
from shareinbox.store.db import Store
from tests.daemon.harness import InProcessDaemon, daemon_config
from tests.reports.fixture import Shop, jst

NOW = jst(6, 12)


def start_week_daemon(directory: Path, socket_dir: Path) -> InProcessDaemon:
    """A daemon serving the week below, its clock at Fri 12:00."""
    running = InProcessDaemon(
        daemon_config(directory, socket_dir), clock=ManualClock(NOW)
    ).start()
    build_week(running.store, running.config)
    return running


def week_app(
    daemon: InProcessDaemon, login: str = "tanaka", language: str = "en"
) -> ShareinboxApp:
    """The app on the week's daemon, acting as `login`."""

    async def connect() -> Client:
        return await Client.connect(daemon.socket, as_login=login)

    return make_app(daemon.config, connect, clock=ManualClock(NOW), language=language)


def build_week(store: Store, config: Config) -> dict[str, int]:
    """Write the timeline; return thread ids by name."""
    shop = Shop(store, config)
    shop.mail("A", jst(2, 10))
    shop.mail("A", jst(2, 11, 30), out=True, by="suzuki")
    shop.act("tanaka", jst(2, 12), "set_status", "A", status="done")
    shop.mail("B", jst(2, 17))
    shop.mail("B", jst(3, 10), out=True, by="tanaka")
    shop.act("tanaka", jst(3, 10, 5), "set_status", "B", status="done")
    shop.mail("C", jst(3, 20))
    shop.mail("C", jst(4, 14), out=True, by="suzuki")
    shop.act("suzuki", jst(4, 14, 5), "set_status", "C", status="done")
    shop.mail("D", jst(5, 9))
    shop.mail("E", jst(6, 11))
    shop.mail("F", jst(6, 11, 30), customer="win@prize.example")
    shop.act("tanaka", jst(6, 11, 35), "mark_spam", "F")
    ids = shop.threads
    with store.write() as conn:
        history.add_tags(conn, ids["A"], ["返品"])
        history.add_tags(conn, ids["B"], ["返品"])
        history.add_tags(conn, ids["C"], ["配送"])
        history.set_category(conn, ids["C"], "delivery")
    return ids
