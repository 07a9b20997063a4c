"""Business seconds between two instants, and the small statistics."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shareinbox.config import parse_config
from shareinbox.reports.business import BusinessClock, business_seconds_between
from shareinbox.reports.stats import median, percent, percentile
from tests.reports.fixture import jst

H = 3600.0
DAY = 86400.0


@pytest.mark.parametrize(
    ("start", "end", "seconds"),
    [
        pytest.param(jst(2, 10), jst(2, 11, 30), 1.5 * H, id="same-day"),
        pytest.param(jst(2, 17), jst(3, 10), 2 * H, id="overnight"),
        pytest.param(jst(2, 20), jst(3, 8), 0.0, id="all-after-hours"),
        pytest.param(jst(6, 17), jst(9, 10), 2 * H, id="over-the-weekend"),
        # Wed 03-04 is a holiday in this config: Tue 17:00 -> Thu 10:00 = 1h + 1h
        pytest.param(jst(3, 17), jst(5, 10), 2 * H, id="over-a-holiday"),
        pytest.param(jst(7, 9), jst(8, 20), 0.0, id="weekend-only"),
        pytest.param(jst(2, 9), jst(6, 18), 4 * 9 * H, id="a-week-less-holiday"),
        pytest.param(jst(3, 12), jst(2, 12), 0.0, id="backwards"),
    ],
)
def test_business_seconds(start: float, end: float, seconds: float) -> None:
    assert business_seconds_between(start, end, HOLIDAY_CONFIG) == seconds


HOLIDAY_CONFIG = parse_config(
    """[shop]
timezone = "Asia/Tokyo"
[sla]
first_response = "3h"
business_hours = { days = "mon-fri", start = "09:00", end = "18:00" }
holidays = ["2026-03-04"]
""",
    Path("business.toml"),
)


def test_stats() -> None:
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0, 2.0, 3.0]) == 2.5
    assert median([]) is None
    # nearest rank: p90 of 10 values is the 9th smallest, of 11 the 10th
    assert percentile([float(v) for v in range(1, 11)], 90) == 9.0
    assert percentile([float(v) for v in range(1, 12)], 90) == 10.0
    assert percentile([5.0], 90) == 5.0
    assert percentile([], 90) is None
    assert percent(2, 3) == 66.7
    assert percent(0, 0) is None


@settings(max_examples=300, deadline=None)
@given(
    start=st.floats(min_value=jst(1, 0), max_value=jst(20, 0)),
    length=st.floats(min_value=-DAY, max_value=12 * DAY),
)
def test_clock_agrees_with_day_by_day(start: float, length: float) -> None:
    config = HOLIDAY_CONFIG
    clock = BusinessClock(config, jst(1, 0), jst(10, 0))  # the span ends early:
    # instants after it take the slow path, which must agree as well
    assert clock.between(start, start + length) == pytest.approx(
        business_seconds_between(start, start + length, config), abs=1e-6
    )
