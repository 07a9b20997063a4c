"""The team report, computed from store rows by pure functions.

Definitions (also in README.md, "Reports"):

- *received*: customer mails that arrived that day; *new threads*: threads
  whose first customer mail arrived that day; *replied*: human replies sent
  that day; *resolved*: threads set to done that day (each thread once a day).
- *first response*: for each thread whose first customer mail arrived in the
  range, the time from that mail to the first human reply after it (Zendesk
  and Help Scout: the first public reply by a person; auto-replies do not
  count), in calendar time and in business time. Median and nearest-rank
  p90 over the answered threads.
- *within SLA*: answered within ``[sla] first_response`` business seconds;
  *breached*: answered later, or unanswered and already past the target;
  *pending*: unanswered and not yet late (left out of the percentage).
- *backlog*: threads still to do now (new, open, waiting), by how long ago
  the customer last wrote.
- *per staff*: replies sent and threads handled (replied to) in the range,
  threads they resolved, and the first responses that were theirs.
- *busiest hours*: customer mails by hour of the shop's day.

Spam never counts (the store leaves spam threads out).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shareinbox.reports.stats import median, percent, spread
from shareinbox.store.report_queries import (
    FirstResponse,
    MessageTime,
    OpenThread,
    Resolution,
)

BACKLOG_BUCKETS: tuple[tuple[str, float], ...] = (
    ("under 4h", 4 * 3600.0),
    ("4-24h", 24 * 3600.0),
    ("1-3d", 3 * 86400.0),
    ("3-7d", 7 * 86400.0),
    ("over 7d", float("inf")),
)
Business = Callable[[float, float], float]


@dataclass(frozen=True)
class ReportInput:
    """Everything the report is computed from."""

    since: float
    until: float
    now: float
    tz: ZoneInfo
    sla_target: float
    business: Business  # business seconds between two instants
    first: Sequence[FirstResponse]
    messages: Sequence[MessageTime]
    resolved: Sequence[Resolution]
    backlog: Sequence[OpenThread]
    staff: Sequence[tuple[str, str]] = ()  # (login, name) from the config


def _day(ts: float, tz: ZoneInfo) -> date:
    return datetime.fromtimestamp(ts, tz).date()


def _days(data: ReportInput) -> list[dict[str, Any]]:
    first = _day(data.since, data.tz)
    last = _day(max(data.since, data.until - 1e-6), data.tz)
    received: Counter[date] = Counter()
    replied: Counter[date] = Counter()
    for m in data.messages:
        if m.direction == "in":
            received[_day(m.at, data.tz)] += 1
        elif m.human:
            replied[_day(m.at, data.tz)] += 1
    new = Counter(_day(f.first_in, data.tz) for f in data.first)
    resolved = Counter(
        day for day, _ in {(_day(r.at, data.tz), r.thread_id) for r in data.resolved}
    )
    out = []
    day = first
    while day <= last:
        out.append({"date": day.isoformat(), "received": received[day],
                    "new_threads": new[day], "replied": replied[day],
                    "resolved": resolved[day]})  # fmt: skip
        day += timedelta(days=1)
    return out


@dataclass(frozen=True)
class _Timing:
    calendar: float
    business: float


def _timings(data: ReportInput) -> dict[int, _Timing]:
    """First-response times of the answered threads, by thread id."""
    return {
        f.thread_id: _Timing(
            f.reply_at - f.first_in, data.business(f.first_in, f.reply_at)
        )
        for f in data.first
        if f.reply_at is not None
    }


def _first_response(data: ReportInput, timings: dict[int, _Timing]) -> dict[str, Any]:
    within = breached = pending = 0
    for f in data.first:
        timing = timings.get(f.thread_id)
        if timing is not None:
            if timing.business <= data.sla_target:
                within += 1
            else:
                breached += 1
        elif data.business(f.first_in, data.now) > data.sla_target:
            breached += 1
        else:
            pending += 1
    values = list(timings.values())
    return {
        "threads": len(data.first),
        "answered": len(timings),
        "calendar": spread([t.calendar for t in values]),
        "business": spread([t.business for t in values]),
        "sla_target": data.sla_target,
        "within_sla": within,
        "breached": breached,
        "pending": pending,
        "within_sla_pct": percent(within, within + breached),
    }


def _backlog(data: ReportInput) -> dict[str, Any]:
    counts: list[Counter[str]] = [Counter() for _ in BACKLOG_BUCKETS]
    for t in data.backlog:
        age = data.now - t.waiting_since
        index = next(i for i, (_, limit) in enumerate(BACKLOG_BUCKETS) if age < limit)
        counts[index][t.status] += 1
    rows = [
        {"age": name, "new": c["new"], "open": c["open"], "waiting": c["waiting"],
         "total": c.total()}
        for (name, _), c in zip(BACKLOG_BUCKETS, counts, strict=True)
    ]  # fmt: skip
    return {"buckets": rows, "total": len(data.backlog)}


def _staff(data: ReportInput, timings: dict[int, _Timing]) -> list[dict[str, Any]]:
    names = dict(data.staff)
    replies: Counter[str | None] = Counter()
    handled: defaultdict[str | None, set[int]] = defaultdict(set)
    for m in data.messages:
        if m.direction == "out" and m.human:
            replies[m.sent_by] += 1
            handled[m.sent_by].add(m.thread_id)
    resolved: defaultdict[str | None, set[int]] = defaultdict(set)
    for r in data.resolved:
        if r.actor != "system":
            resolved[r.actor].add(r.thread_id)
    firsts: defaultdict[str | None, list[_Timing]] = defaultdict(list)
    for f in data.first:
        if f.thread_id in timings:
            firsts[f.reply_by].append(timings[f.thread_id])
    logins: list[str | None] = [login for login, _ in data.staff]
    extra = {*replies, *resolved, *firsts} - set(logins)
    logins += sorted(x for x in extra if x is not None)
    if None in extra:
        logins.append(None)  # replies sent from another mail client
    return [
        {
            "login": login,
            "name": names.get(login, login) if login else None,
            "handled": len(handled[login]),
            "replies": replies[login],
            "resolved": len(resolved[login]),
            "first_responses": len(firsts[login]),
            "median_business": median([t.business for t in firsts[login]]),
            "median_calendar": median([t.calendar for t in firsts[login]]),
        }
        for login in logins
    ]


def _groups(
    data: ReportInput, timings: dict[int, _Timing], key: str
) -> list[dict[str, Any]]:
    """First-response figures per tag (`key` "tag") or per category."""
    members: defaultdict[str | None, list[FirstResponse]] = defaultdict(list)
    for f in data.first:
        labels: Sequence[str | None] = (
            (f.tags or (None,)) if key == "tag" else (f.category,)
        )
        for label in labels:
            members[label].append(f)
    rows = []
    for label in sorted(members, key=lambda x: (x is None, x or "")):
        answered = [
            timings[f.thread_id] for f in members[label] if f.thread_id in timings
        ]
        rows.append({
            key: label,
            "threads": len(members[label]),
            "answered": len(answered),
            "median_business": median([t.business for t in answered]),
            "median_calendar": median([t.calendar for t in answered]),
        })  # fmt: skip
    return rows


def _hours(data: ReportInput) -> list[dict[str, int]]:
    counts = Counter(
        datetime.fromtimestamp(m.at, data.tz).hour
        for m in data.messages
        if m.direction == "in"
    )
    return [{"hour": hour, "received": counts[hour]} for hour in range(24)]


def compute_report(data: ReportInput) -> dict[str, Any]:
    """The whole report as JSON-ready values (durations in seconds)."""
    timings = _timings(data)
    return {
        "days": _days(data),
        "first_response": _first_response(data, timings),
        "backlog": _backlog(data),
        "staff": _staff(data, timings),
        "tags": _groups(data, timings, "tag"),
        "categories": _groups(data, timings, "category"),
        "hours": _hours(data),
    }
