"""The aanbieder's notification rules (registers.md §3.5) fill the outbox in the LR write's
transaction: every event type, its recipients, subject and recordID."""

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
from iwlz.notificaties.rules import NotificationRules, notificatie_scope
from iwlz.registers.levering import models as m
from iwlz.registers.levering.notificaties import levering_rules
from iwlz.registers.levering.service import Leveringsregister

ZA_A, ZA_B, ZA_C = "12345678", "87654321", "11112222"
ZK_V, ZK_U = "5501", "5502"
NOW = dt.datetime(2025, 8, 1, 10, 0, tzinfo=dt.UTC)
STAMP = "2025-08-01T10:00:00.000Z"
BOTH = [("UZOVI", ZK_V), ("UZOVI", ZK_U)]


@pytest.fixture
def lr(db_url: str) -> Iterator[Leveringsregister]:
    engine = sa.create_engine(db_url)
    metadata.create_all(engine, tables=[*m.TABLES, domain_event, outbox_table])
    yield Leveringsregister(
        engine, clock=FixedClock(NOW), event_hooks=[NotificationRules(levering_rules())]
    )
    engine.dispose()


def uitstel() -> dict[str, Any]:
    return {
        "uitstelperiodeID": uuid.uuid4(),
        "ingangsdatum": dt.date(2025, 4, 1),
        "reden": "02",
        "leveringsstatus": "1",
        "leveringsstatusClassificatie": "11",
    }


def verzoek(*aanbieders: str) -> dict[str, Any]:
    return {
        "verzoekID": uuid.uuid4(),
        "verzoekdatum": dt.date(2025, 7, 1),
        "product": "754",
        "toewijzingSoort": "1",
        "leveringsvorm": "4",
        "verzoekAanbieders": [
            {
                "verzoekAanbiederID": uuid.uuid4(),
                "aanbieder": agb,
                "toewijzingIngangsdatum": dt.date(2025, 9, 1),
                "toewijzingPercentage": 50,
                "regiehouder": "J" if agb == ZA_A else "N",
            }
            for agb in aanbieders
        ],
    }


def levering(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "leveringID": uuid.uuid4(),
        "bemiddelingspecificatieID": uuid.uuid4(),
        "verantwoordelijkZorgkantoor": ZK_V,
        "uitvoerendZorgkantoor": ZK_U,
        "client": {"bsn": "999993653"},
    }
    data.update(overrides)
    return data


def _outbox(lr: Leveringsregister) -> list[OutboxRow]:
    with lr.engine.connect() as conn:
        return [
            OutboxRow.from_row(r)
            for r in conn.execute(sa.select(outbox_table).order_by(outbox_table.c.id))
        ]


def _clear(lr: Leveringsregister) -> None:
    with lr.engine.begin() as conn:
        conn.execute(outbox_table.delete())


def _sent(lr: Leveringsregister) -> list[tuple[str, str, str, str, str]]:
    """(eventType, ontvangerIDType, ontvangerID, subject, recordID) of every queued
    notification (one subject each), after checking the common envelope; then clear."""
    out = []
    for row in _outbox(lr):
        assert row.kind == "notificatie" and row.systeemrol == "NOTIFICATIE_LEVERING"
        assert row.afzender == f"agb:{ZA_A}" and row.ontvanger_kenmerk is None
        p = dict(row.payload)
        assert p["timestamp"] == STAMP
        assert (p["afzenderIDType"], p["afzenderID"]) == ("AGB", ZA_A)
        assert (p["ontvangerIDType"], p["ontvangerID"]) == (
            row.ontvanger_id_type,
            row.ontvanger_id,
        )
        assert p["eventType"] == row.event_type and p["ontvangerKenmerk"] is None
        (subject,) = p["subjectList"]
        out.append(
            (
                row.event_type or "",
                row.ontvanger_id_type,
                row.ontvanger_id,
                subject["subject"],
                subject["recordID"],
            )
        )
    _clear(lr)
    return out


def _expect(
    event_type: str,
    subject: str,
    record: str,
    ontvangers: list[tuple[str, str]] = BOTH,
) -> list[tuple[str, str, str, str, str]]:
    return [(event_type, t, v, subject, record) for t, v in ontvangers]


def test_every_period_and_afstel_event(lr: Leveringsregister) -> None:
    periode_id, behandeling_id = uuid.uuid4(), uuid.uuid4()
    u, afstel_id = uitstel(), uuid.uuid4()
    data = levering(
        leveringperiodes=[
            {
                "leveringperiodeID": periode_id,
                "ingangsdatum": dt.date(2025, 1, 1),
                "behandelingperiodes": [
                    {"behandelingperiodeID": behandeling_id, "ingangsdatum": dt.date(2025, 2, 1)}
                ],
            }
        ],
        uitstelperiodes=[u],
        afstel={"afstelID": afstel_id, "afsteldatum": dt.date(2025, 7, 1), "reden": "03"},
    )
    assert lr.registreer_levering(ZA_A, data).geslaagd
    subject = f"Levering/{data['bemiddelingspecificatieID']}"
    lp, bp = f"Leveringperiode/{periode_id}", f"Behandelingperiode/{behandeling_id}"
    up, af = f"Uitstelperiode/{u['uitstelperiodeID']}", f"Afstel/{afstel_id}"
    assert _sent(lr) == [
        *_expect("NIEUWE_LEVERINGPERIODE_ZORGKANTOOR", subject, lp),
        *_expect("NIEUWE_BEHANDELINGPERIODE_ZORGKANTOOR", subject, bp),
        *_expect("NIEUWE_UITSTELPERIODE_ZORGKANTOOR", subject, up),
        *_expect("NIEUW_AFSTEL_ZORGKANTOOR", subject, af),
    ]

    assert lr.wijzig_leveringperiode(
        ZA_A, periode_id, {"ingangsdatum": dt.date(2025, 1, 2)}
    ).geslaagd
    assert _sent(lr) == _expect("GEWIJZIGDE_LEVERINGPERIODE_ZORGKANTOOR", subject, lp)
    change: dict[str, Any] = {"ingangsdatum": dt.date(2025, 2, 2)}
    assert lr.wijzig_behandelingperiode(ZA_A, behandeling_id, change).geslaagd
    assert _sent(lr) == _expect("GEWIJZIGDE_BEHANDELINGPERIODE_ZORGKANTOOR", subject, bp)
    assert lr.wijzig_uitstelperiode(ZA_A, u["uitstelperiodeID"], {**u, "reden": "05"}).geslaagd
    assert _sent(lr) == _expect("GEWIJZIGDE_UITSTELPERIODE_ZORGKANTOOR", subject, up)
    change = {"afsteldatum": dt.date(2025, 7, 2), "reden": "03"}
    assert lr.wijzig_afstel(ZA_A, afstel_id, change).geslaagd
    assert _sent(lr) == _expect("GEWIJZIGD_AFSTEL_ZORGKANTOOR", subject, af)

    assert lr.verwijder_behandelingperiode(ZA_A, behandeling_id).geslaagd
    assert _sent(lr) == _expect("VERWIJDERDE_BEHANDELINGPERIODE_ZORGKANTOOR", subject, bp)
    assert lr.verwijder_uitstelperiode(ZA_A, u["uitstelperiodeID"]).geslaagd
    assert _sent(lr) == _expect("VERWIJDERDE_UITSTELPERIODE_ZORGKANTOOR", subject, up)
    assert lr.verwijder_afstel(ZA_A, afstel_id).geslaagd
    assert _sent(lr) == _expect("VERWIJDERD_AFSTEL_ZORGKANTOOR", subject, af)
    assert lr.verwijder_leveringperiode(ZA_A, periode_id).geslaagd
    assert _sent(lr) == _expect("VERWIJDERDE_LEVERINGPERIODE_ZORGKANTOOR", subject, lp)


def test_writes_on_an_existing_levering(lr: Leveringsregister) -> None:
    data = levering()
    assert lr.registreer_levering(ZA_A, data).geslaagd
    assert _sent(lr) == []  # a bare levering notifies nobody
    subject = f"Levering/{data['bemiddelingspecificatieID']}"
    lid = data["leveringID"]
    periode = lr.registreer_leveringperiode(ZA_A, lid, {"ingangsdatum": dt.date(2025, 1, 1)})
    assert periode.id is not None
    lp = f"Leveringperiode/{periode.id}"
    assert _sent(lr) == _expect("NIEUWE_LEVERINGPERIODE_ZORGKANTOOR", subject, lp)
    b = lr.registreer_behandelingperiode(ZA_A, periode.id, {"ingangsdatum": dt.date(2025, 1, 5)})
    bp = f"Behandelingperiode/{b.id}"
    assert _sent(lr) == _expect("NIEUWE_BEHANDELINGPERIODE_ZORGKANTOOR", subject, bp)
    u = lr.registreer_uitstelperiode(ZA_A, lid, uitstel())
    assert _sent(lr) == _expect(
        "NIEUWE_UITSTELPERIODE_ZORGKANTOOR", subject, f"Uitstelperiode/{u.id}"
    )
    a = lr.registreer_afstel(ZA_A, lid, {"afsteldatum": dt.date(2025, 7, 1), "reden": "03"})
    assert _sent(lr) == _expect("NIEUW_AFSTEL_ZORGKANTOOR", subject, f"Afstel/{a.id}")
    # Failed writes send nothing.
    afstel = {"afsteldatum": dt.date(2025, 7, 1), "reden": "3"}
    assert not lr.registreer_afstel(ZA_A, lid, afstel).geslaagd
    assert not lr.wijzig_uitstelperiode(ZA_A, uuid.uuid4(), uitstel()).geslaagd
    assert _sent(lr) == []


def test_same_zorgkantoor_is_notified_once(lr: Leveringsregister) -> None:
    data = levering(uitvoerendZorgkantoor=ZK_V, uitstelperiodes=[uitstel()])
    assert lr.registreer_levering(ZA_A, data).geslaagd
    sent = _sent(lr)
    assert [(e, v) for e, _, v, _, _ in sent] == [("NIEUWE_UITSTELPERIODE_ZORGKANTOOR", ZK_V)]


def test_verzoek_and_verzoekaanbieders(lr: Leveringsregister) -> None:
    v = verzoek(ZA_B, ZA_A, ZA_C)  # ZA_A is the sender itself: not notified
    data = levering(verzoeken=[v])
    assert lr.registreer_levering(ZA_A, data).geslaagd
    subject = f"Levering/{data['bemiddelingspecificatieID']}"
    vas = v["verzoekAanbieders"]
    assert _sent(lr) == [
        ("NIEUW_VERZOEK_ZORGKANTOOR", "UZOVI", ZK_V, subject, f"Verzoek/{v['verzoekID']}"),
        (
            "NIEUW_VERZOEKAANBIEDER_AANBIEDER",
            "AGB",
            ZA_B,
            f"Verzoek/{v['verzoekID']}",
            f"VerzoekAanbieder/{vas[0]['verzoekAanbiederID']}",
        ),
        (
            "NIEUW_VERZOEKAANBIEDER_AANBIEDER",
            "AGB",
            ZA_C,
            f"Verzoek/{v['verzoekID']}",
            f"VerzoekAanbieder/{vas[2]['verzoekAanbiederID']}",
        ),
    ]
    tweede = verzoek(ZA_C)
    assert lr.registreer_verzoek(ZA_A, data["leveringID"], tweede).geslaagd
    assert [(e, t, o) for e, t, o, _, _ in _sent(lr)] == [
        ("NIEUW_VERZOEK_ZORGKANTOOR", "UZOVI", ZK_V),
        ("NIEUW_VERZOEKAANBIEDER_AANBIEDER", "AGB", ZA_C),
    ]
    # The scopes the sender's token needs follow from the receiver type.
    assert notificatie_scope("UZOVI") == "organisaties/zorgkantoor/notificaties/notificatie:create"
    assert notificatie_scope("AGB") == "organisaties/zorgaanbieder/notificaties/notificatie:create"


def test_verwijder_levering_notifies_per_deleted_row(lr: Leveringsregister) -> None:
    periode_id, behandeling_id, afstel_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    u = uitstel()
    data = levering(
        leveringperiodes=[
            {
                "leveringperiodeID": periode_id,
                "ingangsdatum": dt.date(2025, 1, 1),
                "behandelingperiodes": [
                    {"behandelingperiodeID": behandeling_id, "ingangsdatum": dt.date(2025, 2, 1)}
                ],
            }
        ],
        uitstelperiodes=[u],
        afstel={"afstelID": afstel_id, "afsteldatum": dt.date(2025, 7, 1), "reden": "03"},
        verzoeken=[verzoek(ZA_B)],
    )
    assert lr.registreer_levering(ZA_A, data).geslaagd
    _clear(lr)
    assert lr.verwijder_levering(ZA_A, data["leveringID"]).geslaagd
    subject = f"Levering/{data['bemiddelingspecificatieID']}"
    # No notifications for deleted verzoeken or the levering itself (§3.5).
    assert _sent(lr) == [
        *_expect(
            "VERWIJDERDE_BEHANDELINGPERIODE_ZORGKANTOOR",
            subject,
            f"Behandelingperiode/{behandeling_id}",
        ),
        *_expect(
            "VERWIJDERDE_LEVERINGPERIODE_ZORGKANTOOR", subject, f"Leveringperiode/{periode_id}"
        ),
        *_expect(
            "VERWIJDERDE_UITSTELPERIODE_ZORGKANTOOR",
            subject,
            f"Uitstelperiode/{u['uitstelperiodeID']}",
        ),
        *_expect("VERWIJDERD_AFSTEL_ZORGKANTOOR", subject, f"Afstel/{afstel_id}"),
    ]


def test_legacy_levering_without_zorgkantoren(lr: Leveringsregister) -> None:
    """A Levering stored before migration 0007 has no zorgkantoren: its writes still work,
    the zorgkantoor notifications have no recipient, the aanbieder ones still go out."""
    data = levering()
    assert lr.registreer_levering(ZA_A, data).geslaagd
    with lr.engine.begin() as conn:
        conn.execute(
            m.levering.update().values(verantwoordelijkZorgkantoor=None, uitvoerendZorgkantoor=None)
        )
    lid = data["leveringID"]
    assert lr.registreer_uitstelperiode(ZA_A, lid, uitstel()).geslaagd
    assert lr.registreer_verzoek(ZA_A, lid, verzoek(ZA_B)).geslaagd
    assert [(e, o) for e, _, o, _, _ in _sent(lr)] == [("NIEUW_VERZOEKAANBIEDER_AANBIEDER", ZA_B)]


def test_other_registers_events_are_ignored(lr: Leveringsregister) -> None:
    from iwlz.core.events import DomainEvent

    event = DomainEvent(
        uuid.uuid4(),
        "bemiddelingsregister",
        ZK_V,
        "Afstel",
        uuid.uuid4(),
        "AfstelGeregistreerd",
        {"verantwoordelijkZorgkantoor": ZK_V, "bemiddelingspecificatieID": "x"},
        NOW,
    )
    with lr.engine.connect() as conn:
        assert [d for rule in levering_rules() for d in rule(conn, event)] == []
