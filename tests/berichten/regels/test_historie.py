"""The history implementations: in memory and in the database (SQLite and PostgreSQL) answer
alike, and the database one records within the caller's transaction."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from iwlz.berichten.knoop import Bericht
from iwlz.berichten.regels.historie import (
    CA317,
    MAZ,
    MUT,
    DbHistorie,
    GeheugenHistorie,
    Historie,
    Periode,
    Toewijzing,
    aanleveringen_uit,
)
from iwlz.core import migrate
from iwlz.core.db import create_engine

from .test_tr_historie import (
    BESLUIT,
    BSN,
    GZ_ID,
    ZA,
    ZA2,
    ZK,
    aw33,
    aw35,
    aw39,
    aw317,
    ca317,
    ca319,
    codes,
    gfunctie,
    gzzp,
    mzzp,
    tfunctie,
    tzzp,
)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    e = create_engine(db_url)
    migrate.upgrade(e)
    yield e
    e.dispose()


def _reeks() -> list[Bericht]:
    """A receiver's accepted messages: allocations, a MAZ (function + ZZP), an end of care, a
    corrected allocation, CAK messages and two AW317 periods."""
    return [
        aw33(tzzp(klasse="KE5", opname="1"), functies=(tfunctie(),), ident="a1"),
        aw35(gfunctie(), gzzp(), ident="m1"),
        aw39(mzzp(code="19", datum="2026-03-01"), ident="u1"),
        aw35(gzzp(status=3), gzzp(begin="2026-02-03"), ident="m2"),
        aw33(tzzp(klasse="KE6", eind="2026-12-31"), ident="a2"),
        ca317(),
        ca319(),
        aw317("2026-01-01", "2026-03-31"),
        aw317("2026-04-01", "2026-06-30"),
    ]


def _zonder_volgnummer(h: Historie, afzender: str | None, ontvanger: str | None) -> list[object]:
    return [dataclasses.replace(a, volgnummer=0) for a in h.aanleveringen(afzender, ontvanger, BSN)]


def _antwoorden(h: Historie) -> dict[str, object]:
    return {
        "bekend": [
            h.bericht_bekend("AW35", ZA, ZK, "m1"),
            h.bericht_bekend("AW35", ZA, ZK, "m3"),
            h.bericht_bekend("AW39", ZA, ZK, "m1"),
            h.bericht_bekend("AW35", ZA2, ZK, "m1"),
            h.bericht_bekend("AW33", ZK, ZA, "a2"),
        ],
        "za": _zonder_volgnummer(h, ZA, ZK),
        "ca": _zonder_volgnummer(h, ZK, None),
        "ander": _zonder_volgnummer(h, ZA2, ZK),
        "toewijzingen": sorted(h.toewijzingen(ZK, BSN, BESLUIT), key=lambda t: (t.functie, t.code)),
        "geen": list(h.toewijzingen("5509", BSN, BESLUIT)),
        "periode": h.laatste_periode(ZK),
        "geen_periode": h.laatste_periode("5509"),
    }


def test_memory_history_content() -> None:
    h = GeheugenHistorie()
    for b in _reeks():
        h.registreer(b)
    antwoord = _antwoorden(h)
    assert antwoord["bekend"] == [True, False, False, False, True]
    records = h.aanleveringen(ZA, ZK, BSN)
    assert [(a.soort, a.status) for a in records] == [
        (MAZ, 1),
        (MAZ, 1),
        (MUT, 1),
        (MAZ, 3),
        (MAZ, 1),
    ]
    assert [a.volgnummer for a in records] == sorted(a.volgnummer for a in records)
    assert records[0].sleutel == f"{BSN}|{BESLUIT}|F21|2026-01-01|{ZA}|2026-02-01"
    assert records[2].sleutel.endswith("|19|2026-03-01")
    assert [(a.soort, a.sleutel, a.begindatum) for a in h.aanleveringen(ZK, None, BSN)] == [
        (CA317, GZ_ID, dt.date(2026, 2, 1)),
        ("CA319", GZ_ID, None),
    ]
    # the second AW33 replaced the ZZP allocation and left the function alone
    zzp, functie = sorted(h.toewijzingen(ZK, BSN, BESLUIT), key=lambda t: t.functie)
    assert (zzp.klasse, zzp.einddatum, zzp.opname) == ("KE6", dt.date(2026, 12, 31), "1")
    assert (functie.functie, functie.klasse, functie.opslag) == (True, "K8", 1)
    assert antwoord["geen"] == []
    assert antwoord["periode"] == Periode(dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert antwoord["geen_periode"] is None


def test_db_history_answers_as_the_memory_one(engine: Engine) -> None:
    geheugen, db = GeheugenHistorie(), DbHistorie(engine)
    for b in _reeks():
        geheugen.registreer(b)
        db.registreer(b)
    assert _antwoorden(db) == _antwoorden(geheugen)
    volgnummers = [a.volgnummer for a in db.aanleveringen(ZA, ZK, BSN)]
    assert volgnummers == sorted(volgnummers) and len(set(volgnummers)) == 5


def test_db_history_drives_the_rules(engine: Engine) -> None:
    h = DbHistorie(engine)
    h.registreer(aw33(tzzp(ingang="2026-01-01", eind="2026-06-30"), ident="a1"))
    h.registreer(aw35(gzzp(), ident="m1"))
    assert codes(aw35(gzzp(), ident="m1"), "TR056", h) == ["9056"]
    assert codes(aw35(gzzp()), "TR074", h) == ["9074"]
    assert codes(aw35(gzzp(begin="2026-07-01")), "TR017", h) == ["9017"]
    assert codes(aw35(gzzp(zzp="756")), "TR019", h) == ["9019"]
    assert codes(aw39(mzzp(begin="2026-02-01")), "TR069", h) == []
    h.registreer(aw39(mzzp(code="19"), ident="u1"))
    assert codes(aw35(gzzp(status=3)), "TR071", h) == ["9071"]
    assert codes(ca319(), "TR118", h) == ["9118"]
    h.registreer(ca317())
    assert codes(ca319(), "TR118", h) == []
    h.registreer(aw317("2026-01-01", "2026-03-31"))
    assert codes(aw317("2026-04-02", "2026-06-30"), "TR080", h) == ["9080"]
    assert codes(aw317("2026-04-01", "2026-06-30"), "TR080", h) == []


def test_db_registreer_joins_the_callers_transaction(engine: Engine) -> None:
    h = DbHistorie(engine)
    b = aw35(gzzp(), ident="m1")
    with pytest.raises(RuntimeError), engine.begin() as conn:
        h.registreer(b, conn)
        assert conn.execute(sa.text("SELECT count(*) FROM berichten_aanlevering")).scalar() == 1
        raise RuntimeError("the import failed")
    assert not h.bericht_bekend("AW35", ZA, ZK, "m1")
    assert h.aanleveringen(ZA, ZK, BSN) == []
    with engine.begin() as conn:
        h.registreer(b, conn)
    assert h.bericht_bekend("AW35", ZA, ZK, "m1")
    assert len(h.aanleveringen(ZA, ZK, BSN)) == 1


def test_db_refuses_a_message_registered_twice(engine: Engine) -> None:
    h = DbHistorie(engine)
    h.registreer(aw35(gzzp(), ident="m1"))
    with pytest.raises(sa.exc.IntegrityError):
        h.registreer(aw35(gzzp(begin="2026-02-02"), ident="m1"))
    assert len(h.aanleveringen(ZA, ZK, BSN)) == 1  # the refused one left nothing behind


def test_db_history_with_an_allocation_source(engine: Engine) -> None:
    gevraagd: list[tuple[str, str, int]] = []

    class Bron:
        def toewijzingen(self, zorgkantoor: str, bsn: str, besluitnummer: int) -> list[Toewijzing]:
            gevraagd.append((zorgkantoor, bsn, besluitnummer))
            return [Toewijzing(zorgkantoor, bsn, besluitnummer, "756", dt.date(2026, 1, 1))]

    h = DbHistorie(engine, bron=Bron())
    h.registreer(aw33(tzzp(zzp="755"), ident="a1"))  # ignored for allocations: the source rules
    assert codes(aw35(gzzp(zzp="755")), "TR019", h) == ["9019"]
    assert codes(aw35(gzzp(zzp="756", instelling=ZA2)), "TR019", h) == []
    assert gevraagd[0] == (ZK, BSN, BESLUIT)


def test_records_of_a_message_in_document_order() -> None:
    b = aw35(gfunctie(), gzzp(), gzzp(begin="2026-02-02"))
    found = aanleveringen_uit(b)
    assert [k.naam for k, _ in found] == [
        "GeleverdeFunctie",
        "GeleverdZorgzwaartepakket",
        "GeleverdZorgzwaartepakket",
    ]
    assert [a.begindatum for _, a in found] == [
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 2),
    ]
    assert aanleveringen_uit(aw317("2026-01-01", "2026-03-31")) == []
