"""Clock protocol so tests can fix 'now' without patching the world."""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """Current instant, timezone-aware."""
        ...

    def today(self) -> dt.date:
        """Current date in the Netherlands."""
        ...


_NL = dt.timezone(dt.timedelta(hours=1))  # CET fallback


class SystemClock:
    """Wall-clock time; 'today' is taken in Europe/Amsterdam."""

    def __init__(self) -> None:
        try:
            from zoneinfo import ZoneInfo

            self._tz: dt.tzinfo = ZoneInfo("Europe/Amsterdam")
        except Exception:  # tzdata missing: a fixed CET offset is close enough for dates
            self._tz = _NL

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def today(self) -> dt.date:
        return dt.datetime.now(self._tz).date()


class FixedClock:
    """A clock that stands still (tests, benchmarks, reproducible seeding)."""

    def __init__(self, instant: dt.datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware instant")
        self.instant = instant

    def now(self) -> dt.datetime:
        return self.instant

    def today(self) -> dt.date:
        return self.instant.date()
