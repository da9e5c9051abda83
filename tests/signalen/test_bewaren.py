"""Retention: signals after 24 months, keys while the Wmo record is delivered, reports."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from iwlz.core.clock import FixedClock
from iwlz.signalen.bewaren import purge
from iwlz.signalen.matching import Matcher
from iwlz.signalen.models import signaal, signaal_sleutel, wlz_kopie, wmo_levering

from .conftest import AMSTERDAM, BSN_A, BSN_B, SLEUTEL
from .test_matching import wlz, wmo


def count(engine: Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_purge_follows_the_retention_rules(engine: Engine) -> None:
    created = FixedClock(dt.datetime(2024, 1, 10, 8, tzinfo=dt.UTC))
    wmo(engine, AMSTERDAM, (BSN_A, "A-1", "2023-01-01", None), (BSN_B, "A-2", "2023-01-01", None))
    wlz(engine, BSN_A, "Ja", "2023-06-01", None)
    wlz(engine, BSN_B, "Ja", "2023-06-01", None, wid="5fa85f64-5717-4562-b3fc-2c963f66afa6")
    Matcher(engine, sleutel_key=SLEUTEL, clock=created).run(dt.date(2024, 1, 10))
    assert count(engine, signaal) == 2
    # 23 months later nothing goes.
    purge(engine, clock=FixedClock(dt.datetime(2025, 12, 9, tzinfo=dt.UTC)))
    assert count(engine, signaal) == 2
    # B leaves the Wmo list; 24 months later the signals go, A's key stays (still delivered).
    wmo(engine, AMSTERDAM, (BSN_A, "A-1", "2023-01-01", None))
    result = purge(engine, clock=FixedClock(dt.datetime(2026, 1, 11, tzinfo=dt.UTC)))
    assert (result.signalen, result.sleutels) == (2, 1)
    with engine.connect() as conn:
        refs = conn.execute(sa.select(signaal_sleutel.c.wmo_referentie)).scalars().all()
    assert refs == ["A-1"]
    # Delivery reports older than 30 days are gone (both deliveries were made "now").
    later = FixedClock(dt.datetime.now(dt.UTC) + dt.timedelta(days=31))
    assert purge(engine, clock=later).leveringen == 2
    assert count(engine, wmo_levering) == 0
    # And A is not signalled again: its key de-duplicates.
    assert Matcher(engine, sleutel_key=SLEUTEL).run(dt.date(2026, 1, 12)).nieuw == 0


def test_withdrawn_wlz_rows_are_purged_after_the_retention(engine: Engine) -> None:
    wlz(engine, BSN_A, "Nee", "2023-06-01", None)
    assert purge(engine).wlz_kopie == 0
    far = FixedClock(dt.datetime.now(dt.UTC) + dt.timedelta(days=800))
    assert purge(engine, clock=far).wlz_kopie == 1
    assert count(engine, wlz_kopie) == 0
