"""The daily matching rule (spec §1.5) on real tables: overlap, types, de-duplication."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from iwlz.signalen.kopie import KopieWlzRegister
from iwlz.signalen.matching import Matcher, signaal_sleutel_van
from iwlz.signalen.models import signaal, signaal_sleutel
from iwlz.signalen.wmo import WmoVoorziening

from .conftest import AMSTERDAM, BSN_A, BSN_B, BSN_C, ROTTERDAM, SLEUTEL

D1 = dt.date(2026, 6, 15)
D2 = dt.date(2026, 6, 16)
WID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def wmo(engine: Engine, g: str, *rows: tuple[str, str, str, str | None]) -> None:
    result = WmoVoorziening(engine).volledig(
        g,
        [
            {
                "gemeentecode": g,
                "bsn": bsn,
                "wmo_referentie": ref,
                "status": "LOPEND",
                "ingangsdatum": start,
                "einddatum": end or "",
            }
            for bsn, ref, start, end in rows
        ],
        formaat="JSON",
        door="test",
    )
    assert result.geslaagd, result.fouten


def wlz(engine: Engine, bsn: str, status: str, start: str, end: str | None, wid: str = WID) -> None:
    KopieWlzRegister(engine, None).bewaar(
        [
            {
                "wlzindicatieID": wid,
                "bsn": bsn,
                "wlzStatus": status,
                "afgiftedatum": "2026-05-01",
                "ingangsdatum": start,
                "einddatum": end,
            }
        ]
    )


def signals(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(signaal).order_by(signaal.c.signaaldatum, signaal.c.wmo_referentie)
        ).mappings()
        return [dict(r) for r in rows]


def test_overlap_uses_half_open_periods(engine: Engine) -> None:
    wmo(
        engine,
        AMSTERDAM,
        (BSN_A, "ends-before", "2025-01-01", "2026-06-01"),  # ends the day the Wlz starts
        (BSN_A, "overlaps", "2025-01-01", "2026-06-02"),
        (BSN_A, "open", "2027-01-01", None),
    )
    wlz(engine, BSN_A, "Ja", "2026-06-01", "2026-12-31")
    result = Matcher(engine, sleutel_key=SLEUTEL).run(D1)
    assert result.nieuw_per_gemeente == {AMSTERDAM: 1}
    assert [s["wmo_referentie"] for s in signals(engine)] == ["overlaps"]


def test_running_twice_changes_nothing_and_only_new_signals_appear(engine: Engine) -> None:
    wmo(engine, AMSTERDAM, (BSN_A, "A-1", "2026-01-01", None), (BSN_B, "A-2", "2026-01-01", None))
    wmo(engine, ROTTERDAM, (BSN_A, "R-1", "2026-01-01", None))
    wlz(engine, BSN_A, "Ja", "2026-06-01", None)
    matcher = Matcher(engine, sleutel_key=SLEUTEL)
    first = matcher.run(D1)
    assert first.nieuw_per_gemeente == {AMSTERDAM: 1, ROTTERDAM: 1}
    before = signals(engine)
    again = matcher.run(D1)
    assert again.nieuw == 0 and signals(engine) == before
    # Re-uploading the same Wmo list gives no new signal the next day.
    wmo(engine, AMSTERDAM, (BSN_A, "A-1", "2026-01-01", None), (BSN_B, "A-2", "2026-01-01", None))
    assert matcher.run(D2).nieuw == 0
    # A new Wlz decision for B: exactly one new signal, for Amsterdam only, dated D2.
    wlz(engine, BSN_B, "Ja", "2026-06-10", None, wid="5fa85f64-5717-4562-b3fc-2c963f66afa6")
    later = matcher.run(D2)
    assert later.nieuw_per_gemeente == {AMSTERDAM: 1}
    new = [s for s in signals(engine) if s["signaaldatum"] == D2]
    assert [(s["gemeentecode"], s["bsn"], s["signaaltype"]) for s in new] == [
        (AMSTERDAM, BSN_B, "NIEUW_WLZ")
    ]


def test_change_and_withdrawal_of_the_wlz_decision(engine: Engine) -> None:
    wmo(engine, AMSTERDAM, (BSN_A, "A-1", "2026-01-01", None))
    matcher = Matcher(engine, sleutel_key=SLEUTEL)
    # Nee without an earlier signal: nothing to tell.
    wlz(engine, BSN_A, "Nee", "2026-06-01", None)
    assert matcher.run(D1).nieuw == 0
    wlz(engine, BSN_A, "Ja", "2026-06-01", None)
    assert matcher.run(D1).nieuw == 1
    wlz(engine, BSN_A, "Ja", "2026-06-01", "2026-09-01")  # einddatum set
    assert matcher.run(D2).nieuw == 1
    wlz(engine, BSN_A, "Nee", "2026-06-01", "2026-09-01")  # withdrawn
    assert matcher.run(dt.date(2026, 6, 17)).nieuw == 1
    types = [s["signaaltype"] for s in signals(engine)]
    assert types == ["NIEUW_WLZ", "GEWIJZIGD_WLZ", "WLZ_VERVALLEN"]


def test_onbekend_signals_with_that_status(engine: Engine) -> None:
    wmo(engine, ROTTERDAM, (BSN_C, "R-1", "2026-01-01", None))
    wlz(engine, BSN_C, "Onbekend", "2026-06-01", None)
    Matcher(engine, sleutel_key=SLEUTEL).run(D1)
    assert [(s["wlz_status"], s["signaaltype"]) for s in signals(engine)] == [
        ("Onbekend", "NIEUW_WLZ")
    ]


def test_keys_are_keyed_hashes_and_outlive_their_signal(engine: Engine) -> None:
    wmo(engine, AMSTERDAM, (BSN_A, "A-1", "2026-01-01", None))
    wlz(engine, BSN_A, "Ja", "2026-06-01", None)
    matcher = Matcher(engine, sleutel_key=SLEUTEL)
    matcher.run(D1)
    expected = signaal_sleutel_van(
        SLEUTEL, AMSTERDAM, BSN_A, "A-1", dt.date(2026, 5, 1), dt.date(2026, 6, 1), None, "Ja"
    )
    other_key = signaal_sleutel_van(
        b"another-key-0123456789",
        AMSTERDAM,
        BSN_A,
        "A-1",
        dt.date(2026, 5, 1),
        dt.date(2026, 6, 1),
        None,
        "Ja",
    )
    assert expected != other_key
    with engine.begin() as conn:
        assert conn.execute(sa.select(signaal_sleutel.c.sleutel)).scalars().all() == [expected]
        conn.execute(sa.delete(signaal))  # retention removed the signal
    assert matcher.run(D2).nieuw == 0  # the key still de-duplicates
