"""A small store with exact timestamps; every report figure is computed by
hand in tests/reports/test_report.py.

Shop: Asia/Tokyo, Mon-Fri 09:00-18:00, first-response target 3h (business).
The range is Mon 2026-03-02 .. Wed 2026-03-04; "now" is Thu 03-05 10:00.
All times below are JST.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any
from zoneinfo import ZoneInfo

from shareinbox.clock import ManualClock
from shareinbox.config import Config
from shareinbox.service import core, operations
from shareinbox.store import history, mirror
from shareinbox.store.db import Store
from shareinbox.store.ingest import Incoming, Mailbox, PlainPolicy, ingest
from shareinbox.sync.parse import parse_message

TZ = ZoneInfo("Asia/Tokyo")
SHOP = "support@example.test"
assert operations.MODULES


def jst(day: int, hour: int, minute: int = 0, month: int = 3) -> float:
    """Epoch seconds of 2026-<month>-<day> <hour>:<minute> in Tokyo."""
    return datetime(2026, month, day, hour, minute, tzinfo=TZ).timestamp()


SINCE = jst(2, 0)  # Mon 03-02 00:00
UNTIL = jst(5, 0)  # Thu 03-05 00:00 (Wed inclusive)
NOW = jst(5, 10)  # Thu 03-05 10:00


class Shop:
    """Writes the fixture's mail and team actions, in time order."""

    def __init__(self, store: Store, config: Config) -> None:
        self.store = store
        self.config = config
        self.threads: dict[str, int] = {}
        self.last_id: dict[str, str] = {}
        self.count = 0
        self.customers: dict[str, str] = {}
        with store.write() as conn:
            self.account_id = mirror.ensure_account(conn, "support", SHOP)

    def mail(
        self, name: str, at: float, *, customer: str = "", by: str | None = None,
        out: bool = False, auto: bool = False,
    ) -> None:  # fmt: skip
        """Thread `name` gets a customer mail, or our reply (`out`) sent by `by`."""
        self.count += 1
        msg = EmailMessage()
        addr = customer or f"{name.lower()}@customer.example"
        msg["From"] = SHOP if out else addr
        msg["To"] = self.customer(name) if out else SHOP
        msg["Subject"] = ("Re: " if name in self.last_id else "") + f"件名 {name}"
        msg["Date"] = format_datetime(datetime.fromtimestamp(at, TZ))
        msg["Message-ID"] = f"<{self.count}.{name}@fixture.example>"
        if name in self.last_id:
            msg["In-Reply-To"] = msg["References"] = self.last_id[name]
        if auto:
            msg["Auto-Submitted"] = "auto-replied"
        msg.set_content("本文")
        raw = bytes(msg)
        with self.store.write() as conn:
            done = ingest(
                conn, Mailbox(self.account_id, frozenset({SHOP})),
                Incoming(raw, parse_message(raw), at), policy=PlainPolicy(), now=at,
            )  # fmt: skip
            if by is not None:
                history.mark_sent_by(conn, done.message_id, by)
        assert done.thread_id is not None
        self.threads.setdefault(name, done.thread_id)
        self.last_id[name] = msg["Message-ID"]
        self.customers[name] = self.customers.get(name, addr)

    def customer(self, name: str) -> str:
        """The address of thread `name`'s customer."""
        return self.customers[name]

    def act(self, login: str, at: float, op: str, name: str, **args: Any) -> None:
        """`login` runs operation `op` on thread `name` at `at`."""
        staff = self.config.staff_by_login(login)
        assert staff is not None
        ctx = core.Context(self.store, self.config, core.Actor.from_staff(staff),
                           clock=ManualClock(at))  # fmt: skip
        core.call(ctx, op, {"thread_id": self.threads[name], **args})


def build(store: Store, config: Config) -> dict[str, int]:
    """Write the fixture; return thread ids by name (T1..T11)."""
    shop = Shop(store, config)
    shop.mail("T10", jst(20, 10, month=2))  # Fri 02-20, old and still open
    shop.act("suzuki", jst(20, 11, month=2), "set_status", "T10", status="open")
    shop.mail("T8", jst(27, 15, month=2))  # Fri 02-27, before the range
    shop.mail("T8", jst(2, 9, 30), out=True, by="suzuki")
    shop.act("suzuki", jst(2, 9, 31), "set_status", "T8", status="waiting",
             reason="customer")  # fmt: skip
    shop.mail("T1", jst(2, 10))
    shop.mail("T8", jst(2, 10, 30))  # the customer writes back: reopened (new)
    shop.mail("T7", jst(2, 11), customer="spam@spam.example")
    shop.act("tanaka", jst(2, 11, 5), "set_status", "T7", status="spam")
    shop.mail("T1", jst(2, 11, 30), out=True, by="suzuki")
    shop.act("tanaka", jst(2, 12), "set_status", "T1", status="done")
    shop.act("tanaka", jst(2, 12, 10), "set_status", "T1", status="open")
    shop.act("tanaka", jst(2, 12, 20), "set_status", "T1", status="done")
    shop.mail("T2", jst(2, 17))
    shop.mail("T2", jst(2, 17, 1), out=True, auto=True)  # autoresponder
    shop.mail("T3", jst(2, 20))
    shop.mail("T4", jst(3, 8))
    shop.mail("T4", jst(3, 8, 30), out=True, by="sato")
    shop.act("sato", jst(3, 8, 40), "set_status", "T4", status="done")
    shop.mail("T2", jst(3, 10), out=True, by="suzuki")
    shop.act("suzuki", jst(3, 10, 5), "set_status", "T2", status="done")
    shop.mail("T3", jst(3, 13), out=True, by="tanaka")
    shop.act("tanaka", jst(3, 13, 5), "set_status", "T3", status="done")
    shop.mail("T9", jst(3, 14))
    shop.mail("T9", jst(3, 14, 20), out=True)  # from another mail client
    shop.act("tanaka", jst(3, 14, 21), "set_status", "T9", status="waiting",
             reason="supplier")  # fmt: skip
    shop.mail("T5", jst(4, 9))
    shop.mail("T6", jst(4, 17, 30))
    shop.mail("T6", jst(4, 17, 31), out=True, by="system")  # rule auto-ack
    shop.mail("T11", jst(5, 9))  # Thu, after the range
    ids = shop.threads
    with store.write() as conn:
        history.add_tags(conn, ids["T1"], ["返品"])
        history.add_tags(conn, ids["T2"], ["返品", "配送"])
        history.add_tags(conn, ids["T4"], ["配送"])
        for name, category in (("T1", "order"), ("T2", "order"),
                               ("T4", "delivery"), ("T9", "delivery")):  # fmt: skip
            history.set_category(conn, ids[name], category)
    return ids
