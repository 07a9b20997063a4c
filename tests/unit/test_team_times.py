"""Times in the shop's zone: the day a view calls today, dates on the CLI."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from shareinbox.cli_team import parse_when
from shareinbox.errors import ProtocolError
from shareinbox.store.queries import day_bounds

TOKYO = ZoneInfo("Asia/Tokyo")


def _ts(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


@pytest.mark.parametrize(
    ("now", "start", "end"),
    [
        (
            "2026-03-01T23:59:59+09:00",
            "2026-03-01T00:00:00+09:00",
            "2026-03-02T00:00:00+09:00",
        ),
        (
            "2026-03-01T15:00:00+00:00",
            "2026-03-02T00:00:00+09:00",
            "2026-03-03T00:00:00+09:00",
        ),
        (
            "2026-03-01T00:00:00+09:00",
            "2026-03-01T00:00:00+09:00",
            "2026-03-02T00:00:00+09:00",
        ),
    ],
)
def test_today_is_the_shop_s_calendar_day(now: str, start: str, end: str) -> None:
    assert day_bounds(_ts(now), TOKYO) == (_ts(start), _ts(end))


def test_parse_when() -> None:
    assert parse_when("2026-05-01", TOKYO) == _ts("2026-05-01T00:00:00+09:00")
    assert parse_when("2026-05-01", TOKYO, end_of_day=True) == _ts(
        "2026-05-02T00:00:00+09:00"
    )
    assert parse_when("2026-05-01T10:30", TOKYO) == _ts("2026-05-01T10:30:00+09:00")
    assert parse_when("2026-05-01T10:30+00:00", TOKYO) == _ts(
        "2026-05-01T19:30:00+09:00"
    )
    with pytest.raises(ProtocolError):
        parse_when("tomorrow", TOKYO)
