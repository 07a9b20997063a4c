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
