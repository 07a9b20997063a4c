"""Business time for the reports: seconds inside the shop's working hours.

A working day is a weekday listed in ``[sla] business_hours.days`` that is
not in ``[sla] holidays``; its window runs from ``start`` to ``end`` on the
shop's wall clock. Mail that arrives after hours starts counting when the
next window opens; mail received and answered outside hours counts 0.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from shareinbox.config import Config

# Longer spans are counted a day at a time only up to this many days; a span
# past it is already far beyond any first-response target.
MAX_DAYS = 3 * 366


def _window(day: date, config: Config) -> tuple[float, float] | None:
    """A working day's window as epoch seconds (None: not a working day)."""
    hours = config.sla.business_hours
    if day.weekday() not in hours.days or day in config.sla.holidays:
        return None
    tz = config.shop.tz
    start = datetime.combine(day, hours.start, tzinfo=tz).timestamp()
    end = datetime.combine(day, hours.end, tzinfo=tz).timestamp()
    return (start, end) if end > start else None


def business_seconds_between(start: float, end: float, config: Config) -> float:
    """Business seconds from `start` to `end` (0 when `end` is not later).

    Args:
        start: epoch seconds (e.g. the customer's first mail).
        end: epoch seconds (e.g. the first reply).
        config: the shop's time zone, business hours and holidays.
    """
    if end <= start:
        return 0.0
    day = datetime.fromtimestamp(start, config.shop.tz).date()
    total = 0.0
    for _ in range(MAX_DAYS):
        window = _window(day, config)
        if window is not None:
            opens, closes = window
            if opens >= end:
                break
            total += max(0.0, min(closes, end) - max(opens, start))
        elif (
            datetime.combine(day, datetime.min.time(), config.shop.tz).timestamp()
            >= end
        ):
            break
        day += timedelta(days=1)
    return total


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
        tz = config.shop.tz
        day = datetime.fromtimestamp(first, tz).date()
        end = datetime.fromtimestamp(last, tz).date()
        total = 0.0
        while day <= end:
            window = _window(day, config)
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
