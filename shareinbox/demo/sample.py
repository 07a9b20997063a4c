"""Sample mail of a Japanese online shop, as real RFC 5322 bytes.

`generate(now)` turns `shareinbox.demo.script` into messages and team
actions relative to `now`, and adds a fortnight of ordinary, answered
questions drawn from a seeded random generator, so the same `now` always
gives the same bytes. Customer mail is ISO-2022-JP (as Japanese mailers
still send it) or UTF-8; the shop's replies are UTF-8.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from email import encoders
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime
from typing import Any
from zoneinfo import ZoneInfo

from shareinbox.demo import script
from shareinbox.demo.history import ordinary_threads

SHOP_NAME = "〇〇ショップ"
SHOP_ADDRESS = "support@example-shop.jp"
SEED = 20260401
# A few bytes that start like a JPEG: the attachment only has to look right.
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8 + b"\xff\xd9"


@dataclass(frozen=True)
class SampleMail:
    """One message: its bytes, when it arrived, its thread, who sent it."""

    raw: bytes
    at: float
    thread: str
    outgoing: bool
    sent_by: str | None = None  # a staff role for the team's replies


@dataclass(frozen=True)
class SampleAction:
    """Something the team did: status, assign, note, memo, tags, category, draft."""

    at: float
    thread: str
    kind: str
    role: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Sample:
    """Everything the demo loads, in time order."""

    mails: list[SampleMail] = field(default_factory=list)
    actions: list[SampleAction] = field(default_factory=list)


def _header(text: str, charset: str) -> str:
    return text if text.isascii() else Header(text, charset).encode()


def _address(name: str, addr: str, charset: str) -> str:
    return f"{_header(name, charset)} <{addr}>"


@dataclass(frozen=True)
class MailParts:
    """What a message says; `build_mail` makes the bytes."""

    sender: tuple[str, str]
    to: tuple[str, str]
    subject: str
    body: str
    at: float
    message_id: str
    charset: str = "utf-8"
    replying_to: tuple[str, ...] = ()
    extra: str = ""  # "photo": a JPEG attached; "spam": a spam filter's flags


def build_mail(parts: MailParts, tz: ZoneInfo) -> bytes:
    """The RFC 5322 bytes of a message."""
    text = MIMEText(parts.body, "plain", parts.charset)
    msg: MIMEText | MIMEMultipart = text
    if parts.extra == "photo":
        token = hashlib.sha256(parts.message_id.encode()).hexdigest()[:24]
        msg = MIMEMultipart(boundary=f"=_demo_{token}")
        msg.attach(text)
        photo = MIMEBase("image", "jpeg")
        photo.set_payload(PHOTO)
        encoders.encode_base64(photo)
        photo.add_header("Content-Disposition", "attachment",
                         filename=("utf-8", "", "傷の写真.jpg"))  # fmt: skip
        msg.attach(photo)
    msg["From"] = _address(*parts.sender, parts.charset)
    msg["To"] = _address(*parts.to, parts.charset)
    msg["Subject"] = _header(parts.subject, parts.charset)
    msg["Date"] = format_datetime(datetime.fromtimestamp(parts.at, tz))
    msg["Message-ID"] = parts.message_id
    if parts.replying_to:
        msg["In-Reply-To"] = parts.replying_to[-1]
        msg["References"] = " ".join(parts.replying_to)
    if parts.extra == "spam":
        msg["X-Spam-Flag"] = "YES"
        msg["X-Spam-Status"] = "Yes, score=14.2 required=5.0"
    return msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))


class _Clock:
    """Turns the script's relative times into epoch seconds."""

    def __init__(self, now: float, tz: ZoneInfo) -> None:
        self.now = now
        self.tz = tz
        self.today = datetime.fromtimestamp(now, tz).date()

    def at(self, when: tuple[int | str, ...]) -> float:
        """``(days, "HH:MM")``, ``(0, -minutes)`` or ``("workday", n, "HH:MM")``."""
        if when[0] == "workday":
            day = self.workday(int(when[1]))
            clock = str(when[2])
        else:
            day = self.today - timedelta(days=int(when[0]))
            if isinstance(when[1], int):
                return self.now + when[1] * 60.0
            clock = when[1]
        hour, minute = (int(x) for x in clock.split(":"))
        return datetime.combine(day, time(hour, minute), self.tz).timestamp()

    def workday(self, n: int) -> date:
        """The `n`-th weekday (Mon-Fri, the demo's business days) before today."""
        day = self.today
        while n > 0:
            day -= timedelta(days=1)
            n -= day.weekday() < 5
        return day


def _orders(rng: random.Random, clock: _Clock) -> dict[str, dict[str, str]]:
    """Each customer's Rakuten and Amazon order numbers."""
    out = {}
    for key in script.CUSTOMERS:
        ordered = clock.today - timedelta(days=rng.randint(7, 12))
        out[key] = {
            "rakuten": f"398112-{ordered:%Y%m%d}-{rng.randrange(10**10):010d}",
            "amazon": f"{rng.randint(249, 250)}-{rng.randrange(10**7):07d}-"
            f"{rng.randrange(10**7):07d}",
        }
    return out


def generate(now: float, tz: ZoneInfo | None = None, seed: int = SEED) -> Sample:
    """The demo's mail and team actions relative to `now` (deterministic)."""
    tz = tz or ZoneInfo("Asia/Tokyo")
    rng = random.Random(seed)
    clock = _Clock(now, tz)
    orders = _orders(rng, clock)
    sample = Sample()
    for key, customer, subject, charset, steps in script.THREADS:
        who = script.CUSTOMERS[customer]
        _thread(sample, clock, key, who, subject, charset, steps, orders[customer])
    for key, who, subject, charset, steps in ordinary_threads(rng, clock.today):
        _thread(sample, clock, key, who, subject, charset, steps, {})
    sample.mails.sort(key=lambda m: m.at)
    sample.actions.sort(key=lambda a: a.at)
    return sample


def _action(sample: Sample, clock: _Clock, key: str, step: tuple[Any, ...]) -> None:
    kind, when, role, *rest = step
    at = clock.at(when)
    args: dict[str, Any]
    if kind == "status":
        status, reason, days = (*rest, None, None)[:3]
        until = clock.now + days * 86400.0 if days else None
        args = {"status": status, "reason": reason, "until": until}
    elif kind == "assign":
        args = {"assignee": rest[0]}
    elif kind == "memo":
        args = {"text": rest[0], "phone": rest[1]}
    else:  # note, draft
        args = {"text": rest[0]}
    sample.actions.append(SampleAction(at, key, kind, role, args))


def _thread(
    sample: Sample, clock: _Clock, key: str, who: tuple[str, str], subject: str,
    charset: str, steps: list[tuple[Any, ...]], orders: dict[str, str],
) -> None:  # fmt: skip
    name, addr = who
    refs: list[str] = []
    first: float | None = None
    for step in steps:
        kind = step[0]
        if kind in ("tags", "category"):
            value = step[1]
            sample.actions.append(SampleAction(
                (first or clock.now) + 1, key, kind, "supervisor", {"value": value}
            ))  # fmt: skip
            continue
        if kind not in ("in", "out"):
            _action(sample, clock, key, step)
            continue
        at = clock.at(step[1])
        first = at if first is None else first
        outgoing = kind == "out"
        domain = (
            SHOP_ADDRESS.split("@")[1] if outgoing else "mail." + addr.split("@")[1]
        )
        mid = f"<{key}.{len(refs)}.{int(at)}@{domain}>"
        parts = MailParts(
            sender=(SHOP_NAME, SHOP_ADDRESS) if outgoing else (name, addr),
            to=(name, addr) if outgoing else (SHOP_NAME, SHOP_ADDRESS),
            subject=("Re: " if refs else "") + subject,
            body=(step[3] + script.SIGNATURE if outgoing else step[2]).format(**orders),
            at=at, message_id=mid, charset="utf-8" if outgoing else charset,
            replying_to=tuple(refs),
            extra="" if outgoing or len(step) < 4 else step[3],
        )  # fmt: skip
        raw = build_mail(parts, clock.tz)
        sample.mails.append(
            SampleMail(raw, at, key, outgoing, step[2] if outgoing else None)
        )
        refs.append(mid)
