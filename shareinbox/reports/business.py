"""Business time for the reports, over the shop's calendar (`shareinbox.sla`).

A working day is a weekday listed in ``[sla] business_hours.days`` that is
not in ``[sla] holidays``; its window runs from ``start`` to ``end`` on the
shop's wall clock. Mail that arrives after hours starts counting when the
next window opens; mail received and answered outside hours counts 0.
`BusinessClock` answers many such questions over one span in constant time
each (per-day prefix sums), for the report's thousands of threads.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from shareinbox.config import Config
from shareinbox.sla import BusinessCalendar


def business_seconds_between(start: float, end: float, config: Config) -> float:
    """Business seconds from `start` to `end` (0 when `end` is not later)."""
    if end <= start:
        return 0.0
    return BusinessCalendar.from_config(config).between(start, end)


class BusinessClock:
    """Business seconds between instants in O(1), for many pairs in a span.

    Working-day windows and the business seconds before each day are
    computed once for the local days from `first` to `last`; instants
    outside that span fall back to `business_seconds_between`.
    """

    def __init__(self, config: Config, first: float, last: float) -> None:
        self.config = config
        self._windows: dict[date, tuple[float, float] | None] = {}
        self._before: dict[date, float] = {}
        calendar = BusinessCalendar.from_config(config)
        tz = config.shop.tz
        day = datetime.fromtimestamp(first, tz).date()
        end = datetime.fromtimestamp(last, tz).date()
        total = 0.0
        while day <= end:
            window = calendar.window(day)
            self._windows[day] = window
            self._before[day] = total
            if window is not None:
                total += window[1] - window[0]
            day += timedelta(days=1)

    def _elapsed(self, at: float) -> float | None:
        """Business seconds from the span's first day to `at` (None: outside)."""
        day = datetime.fromtimestamp(at, self.config.shop.tz).date()
        before = self._before.get(day)
        if before is None:
            return None
        window = self._windows[day]
        if window is None:
            return before
        return before + min(max(at - window[0], 0.0), window[1] - window[0])

    def between(self, start: float, end: float) -> float:
        """Business seconds from `start` to `end` (0 when `end` is not later)."""
        if end <= start:
            return 0.0
        a, b = self._elapsed(start), self._elapsed(end)
        if a is None or b is None:
            return business_seconds_between(start, end, self.config)
        return b - a
