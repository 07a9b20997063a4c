"""Business-time arithmetic: weekends, holidays, after hours, DST."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from shareinbox.config import BusinessHours
from shareinbox.sla import BusinessCalendar

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
HOLIDAYS = frozenset({date(2026, 4, 29), date(2026, 5, 4), date(2026, 5, 5)})
SHOP = BusinessCalendar(TOKYO, BusinessHours(), HOLIDAYS)
H = 3600.0


def _ts(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def _tokyo(text: str) -> float:
    return _ts(text + "+09:00")


# Monday 2026-03-02 .. Sunday 2026-03-08; 2026-04-29 (Wed) is a holiday,
# 2026-05-01 is a Friday and 05-04/05-05 (Mon/Tue) are holidays.
ADD_CASES = [
    ("inside hours", "2026-03-02T10:00", 3 * H, "2026-03-02T13:00"),
    ("ends at closing", "2026-03-02T15:00", 3 * H, "2026-03-02T18:00"),
    ("overnight", "2026-03-02T17:00", 3 * H, "2026-03-03T11:00"),
    ("before opening", "2026-03-02T06:30", 3 * H, "2026-03-02T12:00"),
    ("after hours", "2026-03-02T20:00", 3 * H, "2026-03-03T12:00"),
    ("friday evening", "2026-03-06T17:30", 3 * H, "2026-03-09T11:30"),
    ("saturday", "2026-03-07T10:00", 1 * H, "2026-03-09T10:00"),
    ("sunday night", "2026-03-08T23:59", 9 * H, "2026-03-09T18:00"),
    ("two days", "2026-03-02T09:00", 18 * H, "2026-03-03T18:00"),
    ("holiday", "2026-04-28T17:00", 2 * H, "2026-04-30T10:00"),
    ("golden week", "2026-05-01T16:00", 3 * H, "2026-05-06T10:00"),
    ("zero", "2026-03-07T10:00", 0.0, "2026-03-07T10:00"),
    ("seconds", "2026-03-02T17:59:30", 60.0, "2026-03-03T09:00:30"),
]


@pytest.mark.parametrize(
    ("start", "seconds", "due"),
    [c[1:] for c in ADD_CASES],
    ids=[c[0] for c in ADD_CASES],
)
def test_add(start: str, seconds: float, due: str) -> None:
    assert SHOP.add(_tokyo(start), seconds) == _tokyo(due)


BETWEEN_CASES = [
    ("same day", "2026-03-02T10:00", "2026-03-02T12:30", 2.5 * H),
    ("overnight", "2026-03-02T17:00", "2026-03-03T10:00", 2 * H),
    ("after hours only", "2026-03-02T19:00", "2026-03-02T23:00", 0.0),
    ("weekend", "2026-03-06T17:00", "2026-03-09T09:30", 1.5 * H),
    ("whole week", "2026-03-02T00:00", "2026-03-09T00:00", 5 * 9 * H),
    ("holiday", "2026-04-28T17:00", "2026-04-30T10:00", 2 * H),
    ("reversed", "2026-03-02T12:30", "2026-03-02T10:00", -2.5 * H),
]


@pytest.mark.parametrize(
    ("start", "end", "seconds"),
    [c[1:] for c in BETWEEN_CASES],
    ids=[c[0] for c in BETWEEN_CASES],
)
def test_between(start: str, end: str, seconds: float) -> None:
    assert SHOP.between(_tokyo(start), _tokyo(end)) == seconds


@pytest.mark.parametrize(("start", "_s", "due"), [c[1:] for c in ADD_CASES[:-2]])
def test_between_undoes_add(start: str, _s: float, due: str) -> None:
    assert SHOP.between(_tokyo(start), SHOP.add(_tokyo(start), _s)) == _s
    assert _tokyo(due) == SHOP.add(_tokyo(start), _s)


def test_dst_weekend_counts_wall_clock_hours() -> None:
    shop = BusinessCalendar(NEW_YORK, BusinessHours())
    # Clocks spring forward on Sunday 2026-03-08; Friday is EST, Monday EDT.
    friday = _ts("2026-03-06T17:00:00-05:00")
    assert shop.add(friday, 2 * H) == _ts("2026-03-09T10:00:00-04:00")
    assert shop.between(friday, _ts("2026-03-09T10:00:00-04:00")) == 2 * H


def test_dst_day_is_shorter_or_longer() -> None:
    night = BusinessHours(days=(6,), start=time(0, 0), end=time(4, 0))
    shop = BusinessCalendar(NEW_YORK, night)
    spring = shop.window(date(2026, 3, 8))
    autumn = shop.window(date(2026, 11, 1))
    assert spring is not None
    assert autumn is not None
    assert spring[1] - spring[0] == 3 * H  # 02:00-03:00 does not exist
    assert autumn[1] - autumn[0] == 5 * H  # 01:00-02:00 happens twice
    assert shop.add(spring[0], 3.5 * H) == _ts("2026-03-15T00:30:00-04:00")


def test_time_skipped_by_dst_resolves_forward() -> None:
    hours = BusinessHours(days=(6,), start=time(2, 30), end=time(5, 0))
    window = BusinessCalendar(NEW_YORK, hours).window(date(2026, 3, 8))
    assert window == (
        _ts("2026-03-08T03:30:00-04:00"),
        _ts("2026-03-08T05:00:00-04:00"),
    )


def test_no_working_day_at_all() -> None:
    every_day = frozenset(
        date.fromordinal(date(2026, 1, 1).toordinal() + i) for i in range(1200)
    )
    shop = BusinessCalendar(TOKYO, BusinessHours(), every_day)
    with pytest.raises(ValueError, match="no working day"):
        shop.add(_tokyo("2026-01-01T10:00"), H)
    assert shop.next_open(_tokyo("2026-01-01T10:00")) is None


def test_next_open() -> None:
    assert SHOP.next_open(_tokyo("2026-03-07T10:00")) == _tokyo("2026-03-09T09:00")
    assert SHOP.next_open(_tokyo("2026-03-09T10:00")) == _tokyo("2026-03-09T10:00")


def test_negative_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        SHOP.add(0.0, -1)
