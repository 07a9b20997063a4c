"""Business time: the shop's working days and hours, holidays excluded.

`BusinessCalendar` answers two questions in the shop's time zone: when is
an instant plus N seconds of business time, and how many business seconds
lie between two instants. Each working day's window is computed from the
local date and wall-clock hours and only then turned into epoch seconds, so
a day that loses or gains an hour to daylight saving counts what the clock
on the wall says (a 09:00–18:00 day is 8 or 10 real hours long then).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shareinbox.config import BusinessHours, Config

# No working day in this many days (every day a holiday): give up searching.
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class BusinessCalendar:
    """Working days and hours of the shop, in its time zone.

    Args:
        tz: the shop's time zone.
        hours: the working weekdays (0 = Monday) and the daily window.
        holidays: local dates on which nobody works.
    """

    tz: ZoneInfo
    hours: BusinessHours = field(default_factory=BusinessHours)
    holidays: frozenset[date] = frozenset()

    @classmethod
    def from_config(cls, config: Config) -> BusinessCalendar:
        """The calendar of ``[shop] timezone`` and ``[sla]``."""
        return cls(
            config.shop.tz, config.sla.business_hours, frozenset(config.sla.holidays)
        )

    def is_working_day(self, day: date) -> bool:
        """True on a working weekday that is not a holiday."""
        return day.weekday() in self.hours.days and day not in self.holidays

    def window(self, day: date) -> tuple[float, float] | None:
        """The working window of a local date as epoch seconds (None: day off)."""
        if not self.is_working_day(day):
            return None
        start = _instant(day, self.hours.start, self.tz)
        end = _instant(day, self.hours.end, self.tz)
        return (start, end) if end > start else None

    def _windows_from(self, at: float) -> Iterator[tuple[float, float]]:
        """Working windows that end after `at`, in order (at most `MAX_DAYS`)."""
        day = datetime.fromtimestamp(at, self.tz).date()
        for _ in range(MAX_DAYS):
            window = self.window(day)
            if window is not None and window[1] > at:
                yield window
            day += timedelta(days=1)

    def add(self, at: float, seconds: float) -> float:
        """The instant `seconds` of business time after `at`.

        Mail that arrives after hours starts counting when the next working
        window opens. Zero seconds give `at` itself.

        Raises:
            ValueError: `seconds` is negative, or there is no working day in
                the next `MAX_DAYS` days.
        """
        if seconds < 0:
            raise ValueError("business seconds must not be negative")
        if seconds == 0:
            return at
        left = float(seconds)
        for start, end in self._windows_from(at):
            begin = max(at, start)
            if left <= end - begin:
                return begin + left
            left -= end - begin
        raise ValueError(f"no working day within {MAX_DAYS} days")

    def between(self, start: float, end: float) -> float:
        """Business seconds from `start` to `end` (negative if `end` is earlier)."""
        if end < start:
            return -self.between(end, start)
        total = 0.0
        for open_, close in self._windows_from(start):
            if open_ >= end:
                break
            total += min(close, end) - max(open_, start)
        return total

    def next_open(self, at: float) -> float | None:
        """`at` if it is inside working hours, else when they next begin."""
        for start, _ in self._windows_from(at):
            return max(at, start)
        return None


def _instant(day: date, clock: time, tz: ZoneInfo) -> float:
    """Epoch seconds of a local wall-clock time.

    With ``fold=0`` (PEP 495) a time skipped by a DST jump resolves forward
    (02:30 on a spring-forward day is 03:30 summer time) and a repeated time
    takes its first occurrence.
    """
    return datetime.combine(day, clock, tzinfo=tz).timestamp()
