"""The responsible zorgkantoor's notification rules fill the outbox in the BR write's transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from iwlz.core.clock import FixedClock
from iwlz.core.events import domain_event
from iwlz.core.metadata import metadata
from iwlz.notificaties.outbox import OutboxRow, outbox_table
from iwlz.notificaties.rules import NotificationRules
from iwlz.registers.bemiddeling import models as m
from iwlz.registers.bemiddeling.notificaties import (
    actief_op,
    bemiddeling_rules,
    binnen_venster,
    overlapt,
)
from iwlz.registers.bemiddeling.service import Bemiddelingsregister

ZK_A, ZK_B, ZK_C = "5501", "5502", "5503"
NOW = dt.datetime(2025, 8, 1, 10, 0, tzinfo=dt.UTC)
STAMP = "2025-08-01T10:00:00.000Z"


@pytest.fixture
def br(db_url: str) -> Iterator[Bemiddelingsregister]:
    engine = sa.create_engine(db_url)
    metadata.create_all(engine, tables=[*m.TABLES, domain_event, outbox_table])
    yield Bemiddelingsregister(
        engine, clock=FixedClock(NOW), event_hooks=[NotificationRules(bemiddeling_rules())]
    )
    engine.dispose()


def bspec(**overrides: Any) -> dict[str, Any]:
    data = {
        "bemiddelingspecificatieID": uuid.uuid4(),
        "leveringsvorm": "4",
        "zzpCode": "754",
        "toewijzingIngangsdatum": dt.date(2025, 1, 1),
        "toewijzingEinddatum": dt.date(2025, 12, 31),
        "instelling": "12345678",
        "uitvoerendZorgkantoor": ZK_A,
        "vaststellingMoment": NOW,
        "percentage": 100,
        "pgbPercentage": None,
        "soortToewijzing": "1",
    }
    data.update(overrides)
    return data


def bemiddeling(*bspecs: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "bemiddelingID": uuid.uuid4(),
        "wlzIndicatieID": uuid.uuid4(),
        "verantwoordelijkheidIngangsdatum": dt.date(2025, 1, 1),
        "client": {"bsn": "999993653"},
        "bemiddelingspecificatie": list(bspecs),
        "regiehouder": [],
    }
    data.update(overrides)
    return data


def _outbox(br: Bemiddelingsregister) -> list[OutboxRow]:
    with br.engine.connect() as conn:
        return [
            OutboxRow.from_row(r)
            for r in conn.execute(sa.select(outbox_table).order_by(outbox_table.c.id))
        ]


def _clear(br: Bemiddelingsregister) -> None:
    with br.engine.begin() as conn:
        conn.execute(outbox_table.delete())


def _sent(br: Bemiddelingsregister) -> list[tuple[str, str, str]]:
    """(eventType, ontvangerIDType, ontvangerID) of every queued notification, then clear."""
    out = [(r.event_type or "", r.ontvanger_id_type, r.ontvanger_id) for r in _outbox(br)]
    _clear(br)
    return out


def _expect(
    row: OutboxRow,
    event_type: str,
    ontvanger: tuple[str, str],
    subjects: list[tuple[str, str]],
) -> None:
    assert row.kind == "notificatie" and row.systeemrol == "NOTIFICATIE_BEMIDDELING"
    assert row.afzender == f"uzovi:{ZK_A}" and row.event_type == event_type
    assert (row.ontvanger_id_type, row.ontvanger_id) == ontvanger
    assert row.ontvanger_kenmerk is None
    assert dict(row.payload) == {
        "timestamp": STAMP,
        "afzenderIDType": "UZOVI",
        "afzenderID": ZK_A,
        "ontvangerIDType": ontvanger[0],
        "ontvangerID": ontvanger[1],
        "ontvangerKenmerk": None,
        "eventType": event_type,
        "subjectList": [{"subject": s, "recordID": r} for s, r in subjects],
    }


def test_bemiddelingspecificatie_lifecycle(br: Bemiddelingsregister) -> None:
    spec = bspec(uitvoerendZorgkantoor=ZK_B)
    data = bemiddeling(spec)
    assert br.registreer_bemiddeling(ZK_A, data).geslaagd
    bid, sid = data["bemiddelingID"], spec["bemiddelingspecificatieID"]
    subjects = [(f"Bemiddeling/{bid}", f"Bemiddelingspecificatie/{sid}")]
    za, zk = _outbox(br)
    _expect(za, "NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER", ("AGB", "12345678"), subjects)
    _expect(zk, "NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR", ("UZOVI", ZK_B), subjects)
    _clear(br)

    # A change of instelling tells both the new and the previous aanbieder.
    assert br.wijzig_bemiddelingspecificatie(ZK_A, sid, {**spec, "instelling": "11112222"}).geslaagd
    rows = _outbox(br)
    assert [(r.event_type, r.ontvanger_id) for r in rows] == [
        ("GEWIJZIGDE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER", "11112222"),
        ("GEWIJZIGDE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER", "12345678"),
        ("GEWIJZIGDE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR", ZK_B),
    ]
    _expect(
        rows[0], "GEWIJZIGDE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER", ("AGB", "11112222"), subjects
    )
    _expect(rows[2], "GEWIJZIGDE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR", ("UZOVI", ZK_B), subjects)
    _clear(br)

    assert br.verwijder_bemiddelingspecificatie(ZK_A, sid).geslaagd
    za, zk = _outbox(br)
    _expect(za, "VERWIJDERDE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER", ("AGB", "11112222"), subjects)
    _expect(zk, "VERWIJDERDE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR", ("UZOVI", ZK_B), subjects)


def test_no_zorgkantoor_notification_when_the_responsible_one_executes(
    br: Bemiddelingsregister,
) -> None:
    data = bemiddeling()
    assert br.registreer_bemiddeling(ZK_A, data).geslaagd
    assert _sent(br) == []  # a bemiddeling alone notifies nobody
    spec = bspec()
    assert br.registreer_bemiddelingspecificatie(ZK_A, data["bemiddelingID"], spec).geslaagd
    assert _sent(br) == [("NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER", "AGB", "12345678")]


def test_regiehouder_lifecycle(br: Bemiddelingsregister) -> None:
    actief = bspec(uitvoerendZorgkantoor=ZK_B, instelling="12345678")
    eigen = bspec(uitvoerendZorgkantoor=ZK_A, instelling="12345678")
    toekomst = bspec(
        uitvoerendZorgkantoor=ZK_C,
        instelling="12345678",
        toewijzingIngangsdatum=dt.date(2026, 1, 1),
        toewijzingEinddatum=None,
        vaststellingMoment=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    data = bemiddeling(actief, eigen, toekomst)
    assert br.registreer_bemiddeling(ZK_A, data).geslaagd
    _clear(br)
    bid = data["bemiddelingID"]
    regie = {"instelling": "87654321", "ingangsdatum": dt.date(2025, 1, 1), "regierol": "1"}
    uitkomst = br.registreer_regiehouder(ZK_A, bid, regie)
    assert uitkomst.geslaagd
    rid = uitkomst.id
    za, zk = _outbox(br)
    _expect(
        za,
        "NIEUWE_REGIEHOUDER_ZORGAANBIEDER",
        ("AGB", "87654321"),
        [(f"Bemiddeling/{bid}", f"Regiehouder/{rid}")],
    )
    # Only the executing zorgkantoor of the bspec active today; not the sender, not ZK_C.
    zk_subjects = [
        (f"Bemiddelingspecificatie/{actief['bemiddelingspecificatieID']}", f"Regiehouder/{rid}")
    ]
    _expect(zk, "NIEUWE_REGIEHOUDER_ZORGKANTOOR", ("UZOVI", ZK_B), zk_subjects)
    _clear(br)

    assert rid is not None
    assert br.wijzig_regiehouder(ZK_A, rid, {**regie, "einddatum": dt.date(2025, 9, 30)}).geslaagd
    za, zk = _outbox(br)
    _expect(
        za,
        "GEWIJZIGDE_REGIEHOUDER_ZORGAANBIEDER",
        ("AGB", "87654321"),
        [(f"Bemiddeling/{bid}", f"Regiehouder/{rid}")],
    )
    _expect(zk, "GEWIJZIGDE_REGIEHOUDER_ZORGKANTOOR", ("UZOVI", ZK_B), zk_subjects)
    _clear(br)

    assert br.verwijder_regiehouder(ZK_A, rid).geslaagd
    za, zk = _outbox(br)
    _expect(
        za,
        "VERWIJDERDE_REGIEHOUDER_ZORGAANBIEDER",
        ("AGB", "87654321"),
        [(f"Bemiddeling/{bid}", f"Regiehouder/{rid}")],
    )
    _expect(zk, "VERWIJDERDE_REGIEHOUDER_ZORGKANTOOR", ("UZOVI", ZK_B), zk_subjects)


def test_overdracht_lifecycle(br: Bemiddelingsregister) -> None:
    spec = bspec()
    data = bemiddeling(spec)
    assert br.registreer_bemiddeling(ZK_A, data).geslaagd
    _clear(br)
    overdracht = {
        "verantwoordelijkZorgkantoor": ZK_B,
        "overdrachtDatum": dt.date(2025, 9, 1),
        "verhuisDatum": dt.date(2025, 8, 15),
        "overdrachtspecificatie": [
            {"bemiddelingspecificatieID": spec["bemiddelingspecificatieID"], "leveringsstatus": "4"}
        ],
    }
    uitkomst = br.registreer_overdracht(ZK_A, data["bemiddelingID"], overdracht)
    assert uitkomst.geslaagd, uitkomst.fouten
    oid = uitkomst.id
    assert oid is not None
    record = [(f"Overdracht/{oid}", f"Overdracht/{oid}")]
    (row,) = _outbox(br)
    _expect(row, "NIEUWE_OVERDRACHT_ZORGKANTOOR", ("UZOVI", ZK_B), record)
    _clear(br)

    # Redirected to another zorgkantoor: both the new and the previous one hear of it.
    gewijzigd = br.wijzig_overdracht(ZK_A, oid, {**overdracht, "verantwoordelijkZorgkantoor": ZK_C})
    assert gewijzigd.geslaagd, gewijzigd.fouten
    nieuw, oud = _outbox(br)
    _expect(nieuw, "GEWIJZIGDE_OVERDRACHT_ZORGKANTOOR", ("UZOVI", ZK_C), record)
    _expect(oud, "GEWIJZIGDE_OVERDRACHT_ZORGKANTOOR", ("UZOVI", ZK_B), record)
    _clear(br)

    assert br.verwijder_overdracht(ZK_A, oid).geslaagd
    (row,) = _outbox(br)
    _expect(row, "VERWIJDERDE_OVERDRACHT_ZORGKANTOOR", ("UZOVI", ZK_C), record)


def _worked_example_others() -> dict[str, dict[str, Any]]:
    """BS1..BS5 of registers.md §2.6, each with its own aanbieder and executing zorgkantoor."""

    def bs(n: int, start: dt.date, end: dt.date | None) -> dict[str, Any]:
        moment = dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC)
        return bspec(
            instelling=f"1000000{n}",
            uitvoerendZorgkantoor=f"550{n + 3}",
            toewijzingIngangsdatum=start,
            toewijzingEinddatum=end,
            vaststellingMoment=moment,
        )

    return {
        "BS1": bs(1, dt.date(2015, 1, 1), None),
        "BS2": bs(2, dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        "BS3": bs(3, dt.date(2026, 1, 1), None),
        "BS4": bs(4, dt.date(2024, 1, 1), dt.date(2025, 5, 31)),
        "BS5": bs(5, dt.date(2025, 10, 1), None),
    }


def test_worked_example_informative_notifications(br: Bemiddelingsregister) -> None:
    others = _worked_example_others()
    data = bemiddeling(*others.values())
    assert br.registreer_bemiddeling(ZK_A, data).geslaagd
    _clear(br)
    a = bspec(
        instelling="20000000",
        uitvoerendZorgkantoor=ZK_B,
        vaststellingMoment=dt.datetime(2025, 8, 1, 9, 0, tzinfo=dt.UTC),
    )
    bid = data["bemiddelingID"]
    assert br.registreer_bemiddelingspecificatie(ZK_A, bid, a).geslaagd
    rows = _outbox(br)
    subjects = [(f"Bemiddeling/{bid}", f"Bemiddelingspecificatie/{a['bemiddelingspecificatieID']}")]
    assert [(r.event_type, r.ontvanger_id) for r in rows] == [
        ("NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER", "20000000"),
        # BS1 (open, since 2015) and BS5 (starts later in A's period); not BS2/BS3 (no
        # overlap) nor BS4 (ended before A's vaststellingMoment).
        ("INFORMATIEVE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER", "10000001"),
        ("INFORMATIEVE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER", "10000005"),
        ("NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR", ZK_B),
        # BS4's zorgkantoor overlaps and is within its window (until 2026-05-31).
        ("INFORMATIEVE_NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR", "5504"),
        ("INFORMATIEVE_NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR", "5507"),
        ("INFORMATIEVE_NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR", "5508"),
    ]
    _expect(
        rows[1],
        "INFORMATIEVE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER",
        ("AGB", "10000001"),
        subjects,
    )
    _expect(
        rows[4],
        "INFORMATIEVE_NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR",
        ("UZOVI", "5504"),
        subjects,
    )
    _clear(br)

    # An update repeats the informative ones; a delete informs only the zorgkantoren.
    sid = a["bemiddelingspecificatieID"]
    assert br.wijzig_bemiddelingspecificatie(ZK_A, sid, {**a, "percentage": 50}).geslaagd
    assert [t for t, _, zk in _sent(br) if t.startswith("INFORMATIEVE")] == [
        "INFORMATIEVE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER",
        "INFORMATIEVE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER",
        "INFORMATIEVE_GEWIJZIGDE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR",
        "INFORMATIEVE_GEWIJZIGDE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR",
        "INFORMATIEVE_GEWIJZIGDE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR",
    ]
    assert br.verwijder_bemiddelingspecificatie(ZK_A, sid).geslaagd
    assert [(t, zk) for t, _, zk in _sent(br) if t.startswith("INFORMATIEVE")] == [
        ("INFORMATIEVE_VERWIJDERDE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR", "5504"),
        ("INFORMATIEVE_VERWIJDERDE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR", "5507"),
        ("INFORMATIEVE_VERWIJDERDE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR", "5508"),
    ]


def test_informative_zorgkantoor_excludes_sender_and_own_executor(
    br: Bemiddelingsregister,
) -> None:
    same_zk = bspec(instelling="10000001", uitvoerendZorgkantoor=ZK_B)
    responsible = bspec(
        instelling="10000002",
        uitvoerendZorgkantoor=ZK_A,
        toewijzingIngangsdatum=dt.date(2025, 2, 1),
    )
    data = bemiddeling(same_zk, responsible)
    assert br.registreer_bemiddeling(ZK_A, data).geslaagd
    _clear(br)
    a = bspec(instelling="20000000", uitvoerendZorgkantoor=ZK_B)
    assert br.registreer_bemiddelingspecificatie(ZK_A, data["bemiddelingID"], a).geslaagd
    assert _sent(br) == [
        ("NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER", "AGB", "20000000"),
        ("INFORMATIEVE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER", "AGB", "10000001"),
        ("INFORMATIEVE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER", "AGB", "10000002"),
        ("NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR", "UZOVI", ZK_B),
    ]


def test_date_rules() -> None:
    a = {
        "toewijzingIngangsdatum": "2025-01-01",
        "toewijzingEinddatum": "2025-12-31",
        "vaststellingMoment": "2025-08-01T09:00:00+00:00",
    }
    # A later vaststellingMoment does not move the start; an earlier one does.
    late = {"toewijzingIngangsdatum": "2026-01-01", "vaststellingMoment": "2026-02-01T00:00:00Z"}
    early = {**late, "vaststellingMoment": "2025-12-01T00:00:00+01:00"}
    assert not overlapt(late, a) and overlapt(early, a)
    # Open-ended target: everything that has not ended before its start overlaps.
    assert overlapt(late, {**a, "toewijzingEinddatum": None})
    # 31-May window: through 31 May of the year after the end.
    ended = {"toewijzingEinddatum": dt.date(2024, 6, 30)}
    assert binnen_venster(ended, dt.date(2025, 5, 31))
    assert not binnen_venster(ended, dt.date(2025, 6, 1))
    assert binnen_venster({"toewijzingEinddatum": None}, dt.date(2099, 1, 1))
    # Active: started (or vastgesteld) on or before the day, ending after it.
    bs = {"toewijzingIngangsdatum": "2025-09-01", "toewijzingEinddatum": "2025-10-01"}
    assert not actief_op(bs, dt.date(2025, 8, 1))
    assert actief_op({**bs, "vaststellingMoment": "2025-07-01T12:00:00Z"}, dt.date(2025, 8, 1))
    assert not actief_op(bs, dt.date(2025, 10, 1))
