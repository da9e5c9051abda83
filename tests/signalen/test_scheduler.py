"""When the daily run is due."""

from __future__ import annotations

import datetime as dt

from iwlz.signalen.scheduler import due

UTC = dt.UTC


def test_due_after_the_run_time_once_a_day() -> None:
    # 05:30 UTC in June is 07:30 in Amsterdam.
    morning = dt.datetime(2026, 6, 15, 3, 30, tzinfo=UTC)  # 05:30 local
    after = dt.datetime(2026, 6, 15, 5, 30, tzinfo=UTC)
    assert due(morning, "06:00", None) is None
    assert due(after, "06:00", None) == dt.date(2026, 6, 15)
    assert due(after, "06:00", dt.date(2026, 6, 15)) is None
    assert due(after, "06:00", dt.date(2026, 6, 14)) == dt.date(2026, 6, 15)
    # The Dutch date counts: 23:30 UTC on the 15th is the 16th in Amsterdam.
    late = dt.datetime(2026, 6, 15, 23, 30, tzinfo=UTC)
    assert due(late, "00:00", dt.date(2026, 6, 15)) == dt.date(2026, 6, 16)
