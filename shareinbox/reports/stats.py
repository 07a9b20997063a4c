"""Small statistics for the reports: median, nearest-rank percentile, percent."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def median(values: Sequence[float]) -> float | None:
    """The median (mean of the two middle values for an even count); None if empty."""
    return float(statistics.median(values)) if values else None


def percentile(values: Sequence[float], p: float) -> float | None:
    """The nearest-rank `p`-th percentile: the smallest value with at least
    p% of the values at or below it (p90 of 10 values is the 9th smallest).
    None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return float(ordered[rank - 1])


def percent(part: int, whole: int) -> float | None:
    """`part` of `whole` in percent, one decimal; None when `whole` is 0."""
    return round(100.0 * part / whole, 1) if whole else None


def spread(values: Sequence[float]) -> dict[str, float | None]:
    """``{"median": ..., "p90": ...}`` of durations in seconds."""
    return {"median": median(values), "p90": percentile(values, 90)}
