from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from iwlz.core import migrate
from iwlz.core.clock import FixedClock
from iwlz.core.db import create_engine
from iwlz.registers.indicatie.service import Indicatieregister

from .factories import TODAY


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime.combine(TODAY, dt.time(10, 0), tzinfo=dt.UTC))


@pytest.fixture
def ir(db_url: str, clock: FixedClock) -> Iterator[Indicatieregister]:
    """A migrated, empty Indicatieregister on SQLite and (when configured) PostgreSQL."""
    engine = create_engine(db_url)
    migrate.upgrade(engine)
    yield Indicatieregister(engine, clock=clock)
    engine.dispose()
