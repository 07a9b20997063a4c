"""Time, in one replaceable place (tests freeze or advance it)."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Something that tells the time as Unix epoch seconds."""

    def now(self) -> float:
        """The current time."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> float:
        """The current time from `time.time()`."""
        return time.time()


class ManualClock:
    """A clock that moves only when told to (tests, the demo's fixed data)."""

    def __init__(self, start: float) -> None:
        self.value = start

    def now(self) -> float:
        """The time set last."""
        return self.value

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.value += seconds
