"""Leveringsregister changes and deletes: versie, tenant isolation, cascades, domain events."""

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
from iwlz.registers.levering import models as m
from iwlz.registers.levering.service import Leveringsregister

ZA_A, ZA_B = "12345678", "87654321"
ZK_V, ZK_U = "5501", "5502"
NOW = dt.datetime(2025, 8, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def lr(db_url: str) -> Iterator[Leveringsregister]:
    engine = sa.create_engine(db_url)
    metadata.create_all(engine, tables=[*m.TABLES, domain_event])
    yield Leveringsregister(engine, clock=FixedClock(NOW))
    engine.dispose()


def uitstel(**overrides: Any) -> dict[str, Any]:
    return {
        "uitstelperiodeID": uuid.uuid4(),
        "ingangsdatum": dt.date(2025, 4, 1),
        "reden": "02",
        "leveringsstatus": "1",
        "leveringsstatusClassificatie": "11",
        **overrides,
    }


def levering(bsn: str = "999993653", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "leveringID": uuid.uuid4(),
        "bemiddelingspecificatieID": uuid.uuid4(),
        "verantwoordelijkZorgkantoor": ZK_V,
        "uitvoerendZorgkantoor": ZK_U,
        "client": {"bsn": bsn},
        "leveringperiodes": [
            {
                "leveringperiodeID": uuid.uuid4(),
                "ingangsdatum": dt.date(2025, 1, 1),
                "behandelingperiodes": [
                    {"behandelingperiodeID": uuid.uuid4(), "ingangsdatum": dt.date(2025, 2, 1)}
                ],
            }
        ],
        "uitstelperiodes": [uitstel()],
        "afstel": {"afstelID": uuid.uuid4(), "afsteldatum": dt.date(2025, 7, 1), "reden": "03"},
        "verzoeken": [
            {
                "verzoekID": uuid.uuid4(),
                "verzoekdatum": dt.date(2025, 7, 1),
                "product": "754",
                "toewijzingSoort": "1",
                "leveringsvorm": "4",
                "verzoekAanbieders": [
                    {
                        "verzoekAanbiederID": uuid.uuid4(),
                        "aanbieder": ZA_B,
                        "toewijzingIngangsdatum": dt.date(2025, 9, 1),
                        "toewijzingPercentage": 60,
                        "regiehouder": "N",
                    }
                ],
            }
        ],
    }
    data.update(overrides)
    return data


def ids(data: dict[str, Any]) -> dict[str, uuid.UUID]:
    periode = data["leveringperiodes"][0]
    return {
        "levering": data["leveringID"],
        "leveringperiode": periode["leveringperiodeID"],
        "behandelingperiode": periode["behandelingperiodes"][0]["behandelingperiodeID"],
        "uitstelperiode": data["uitstelperiodes"][0]["uitstelperiodeID"],
        "afstel": data["afstel"]["afstelID"],
        "verzoek": data["verzoeken"][0]["verzoekID"],
        "verzoekAanbieder": data["verzoeken"][0]["verzoekAanbieders"][0]["verzoekAanbiederID"],
    }


def events(lr: Leveringsregister) -> list[dict[str, Any]]:
    with lr.engine.connect() as conn:
        stmt = sa.select(domain_event).order_by(domain_event.c.id)
        return [dict(r) for r in conn.execute(stmt).mappings()]


def count(lr: Leveringsregister, table: sa.Table) -> int:
    with lr.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() or 0)


def test_zorgkantoren_stored_and_in_every_event(lr: Leveringsregister) -> None:
    data = levering()
    assert lr.registreer_levering(ZA_A, data).geslaagd
    with lr.engine.connect() as conn:
        (row,) = lr.zoek(conn, ZA_A, "Levering")
    assert (row["verantwoordelijkZorgkantoor"], row["uitvoerendZorgkantoor"]) == (ZK_V, ZK_U)
    rows = events(lr)
    assert len(rows) == 7
    for r in rows:
        p = r["payload"]
        assert p["verantwoordelijkZorgkantoor"] == ZK_V and p["uitvoerendZorgkantoor"] == ZK_U
        assert p["leveringID"] == str(data["leveringID"])
        assert p["bemiddelingspecificatieID"] == str(data["bemiddelingspecificatieID"])
        assert p["clientID"] == str(row["clientID"])


@pytest.mark.parametrize(
    ("entity", "wijzig", "verwijder", "change", "check"),
    [
        (
            "leveringperiode",
            "wijzig_leveringperiode",
            "verwijder_leveringperiode",
            {"ingangsdatum": dt.date(2025, 1, 2), "einddatum": dt.date(2025, 6, 30)},
            ("einddatum", "2025-06-30"),
        ),
        (
            "behandelingperiode",
            "wijzig_behandelingperiode",
            "verwijder_behandelingperiode",
            {"ingangsdatum": dt.date(2025, 2, 2), "einddatum": dt.date(2025, 3, 1)},
            ("einddatum", "2025-03-01"),
        ),
        (
            "uitstelperiode",
            "wijzig_uitstelperiode",
            "verwijder_uitstelperiode",
            {k: v for k, v in uitstel(reden="05").items() if k != "uitstelperiodeID"},
            ("reden", "05"),
        ),
        (
            "afstel",
            "wijzig_afstel",
            "verwijder_afstel",
            {"afsteldatum": dt.date(2025, 7, 2), "reden": "04", "aanbiederBestemming": ZA_B},
            ("aanbiederBestemming", ZA_B),
        ),
    ],
)
def test_wijzig_and_verwijder(
    lr: Leveringsregister,
    entity: str,
    wijzig: str,
    verwijder: str,
    change: dict[str, Any],
    check: tuple[str, str],
) -> None:
    data = levering()
    assert lr.registreer_levering(ZA_A, data).geslaagd
    id_ = ids(data)[entity]
    Entity = {"behandelingperiode": "Behandelingperiode"}.get(entity, entity.capitalize())
    # Another tenant sees nothing.
    other = getattr(lr, wijzig)(ZA_B, id_, change)
    assert [(f.veld, f.code) for f in other.fouten] == [(f"{entity}ID", "NIET_GEVONDEN")]
    assert [f.code for f in getattr(lr, verwijder)(ZA_B, id_).fouten] == ["NIET_GEVONDEN"]
    # Wrong ID in the input, invalid input, stale versie.
    ongelijk = getattr(lr, wijzig)(ZA_A, id_, {**change, f"{entity}ID": uuid.uuid4()})
    assert [(f.veld, f.code) for f in ongelijk.fouten] == [(f"{entity}.{entity}ID", "ONGELIJK")]
    first_required = next(iter(change))
    invalid = getattr(lr, wijzig)(ZA_A, id_, {**change, first_required: None})
    assert [f.code for f in invalid.fouten] == ["VERPLICHT"]
    assert getattr(lr, wijzig)(ZA_A, id_, change, 7).fouten[0].code == "VERSIECONFLICT"
    # The change.
    ok = getattr(lr, wijzig)(ZA_A, id_, change, 1)
    assert (ok.id, ok.versie, ok.fouten) == (id_, 2, [])
    again = getattr(lr, wijzig)(ZA_A, id_, change)  # no versie: no check
    assert again.versie == 3
    gewijzigd = [e for e in events(lr) if e["event_type"] == f"{Entity}Gewijzigd"]
    assert len(gewijzigd) == 2
    payload = gewijzigd[0]["payload"]
    assert payload[check[0]] == check[1] and payload["versie"] == 2
    assert payload["vorige"][check[0]] != check[1]
    assert payload["verantwoordelijkZorgkantoor"] == ZK_V
    assert gewijzigd[0]["tenant"] == ZA_A and gewijzigd[0]["aggregate_id"] == id_
    # The delete, with versie.
    assert getattr(lr, verwijder)(ZA_A, id_, 1).fouten[0].code == "VERSIECONFLICT"
    gone = getattr(lr, verwijder)(ZA_A, id_, 3)
    assert (gone.id, gone.fouten) == (id_, [])
    assert getattr(lr, verwijder)(ZA_A, id_).fouten[0].code == "NIET_GEVONDEN"
    verwijderd = [e for e in events(lr) if e["event_type"] == f"{Entity}Verwijderd"]
    assert [e["aggregate_id"] for e in verwijderd] == [id_]
    assert verwijderd[0]["payload"][check[0]] == check[1]


def test_vaststellingmoment_defaults_to_now_on_change(lr: Leveringsregister) -> None:
    data = levering()
    assert lr.registreer_levering(ZA_A, data).geslaagd
    later = dt.datetime(2025, 1, 1, 9, 0, tzinfo=dt.UTC)
    pid = ids(data)["leveringperiode"]
    assert lr.wijzig_leveringperiode(
        ZA_A, pid, {"ingangsdatum": dt.date(2025, 1, 1), "vaststellingMoment": later}
    ).geslaagd
    with lr.engine.connect() as conn:
        (row,) = lr.zoek(conn, ZA_A, "Leveringperiode")
    assert row["vaststellingMoment"] == later
    assert lr.wijzig_leveringperiode(ZA_A, pid, {"ingangsdatum": dt.date(2025, 1, 1)}).geslaagd
    with lr.engine.connect() as conn:
        (row,) = lr.zoek(conn, ZA_A, "Leveringperiode")
    assert row["vaststellingMoment"] == NOW
    assert row["leveringID"] == data["leveringID"]  # the parent never changes


def test_wijzig_leveringperiode_refuses_behandelingperiodes(lr: Leveringsregister) -> None:
    data = levering()
    assert lr.registreer_levering(ZA_A, data).geslaagd
    periode = data["leveringperiodes"][0]
    uitkomst = lr.wijzig_leveringperiode(ZA_A, periode["leveringperiodeID"], periode)
    assert [(f.veld, f.code) for f in uitkomst.fouten] == [
        ("leveringperiode.behandelingperiodes", "NIET_TOEGESTAAN")
    ]


def test_verwijder_leveringperiode_takes_its_behandelingperiodes(lr: Leveringsregister) -> None:
    data = levering()
    assert lr.registreer_levering(ZA_A, data).geslaagd
    i = ids(data)
    assert lr.registreer_behandelingperiode(
        ZA_A, i["leveringperiode"], {"ingangsdatum": dt.date(2025, 3, 1)}
    ).geslaagd
    before = len(events(lr))
    assert lr.verwijder_leveringperiode(ZA_A, i["leveringperiode"]).geslaagd
    assert count(lr, m.behandelingperiode) == 0 and count(lr, m.leveringperiode) == 0
    new = events(lr)[before:]
    assert [e["event_type"] for e in new] == [
        "BehandelingperiodeVerwijderd",
        "BehandelingperiodeVerwijderd",
        "LeveringperiodeVerwijderd",
    ]
    assert {e["payload"]["leveringperiodeID"] for e in new} == {str(i["leveringperiode"])}


def test_afstel_can_be_registered_again_after_delete(lr: Leveringsregister) -> None:
    data = levering()
    assert lr.registreer_levering(ZA_A, data).geslaagd
    afstel = {"afsteldatum": dt.date(2025, 7, 5), "reden": "03"}
    assert lr.registreer_afstel(ZA_A, data["leveringID"], afstel).fouten[0].code == "BESTAAT"
    assert lr.verwijder_afstel(ZA_A, ids(data)["afstel"]).geslaagd
    assert lr.registreer_afstel(ZA_A, data["leveringID"], afstel).geslaagd


def test_verwijder_levering(lr: Leveringsregister) -> None:
    data = levering()
    sibling = levering(leveringperiodes=[], uitstelperiodes=[], afstel=None, verzoeken=[])
    other_tenant = levering()
    assert lr.registreer_levering(ZA_A, data).geslaagd
    assert lr.registreer_levering(ZA_A, sibling).geslaagd  # same client (bsn)
    assert lr.registreer_levering(ZA_B, other_tenant).geslaagd
    assert lr.verwijder_levering(ZA_B, data["leveringID"]).fouten[0].code == "NIET_GEVONDEN"
    assert lr.verwijder_levering(ZA_A, data["leveringID"], 2).fouten[0].code == "VERSIECONFLICT"
    before = len(events(lr))
    gone = lr.verwijder_levering(ZA_A, data["leveringID"], 1)
    assert gone.geslaagd and gone.id == data["leveringID"]
    new = events(lr)[before:]
    assert [e["event_type"] for e in new] == [
        "BehandelingperiodeVerwijderd",
        "LeveringperiodeVerwijderd",
        "UitstelperiodeVerwijderd",
        "AfstelVerwijderd",
        "VerzoekAanbiederVerwijderd",
        "VerzoekVerwijderd",
        "LeveringVerwijderd",
    ]
    i = ids(data)
    assert [e["aggregate_id"] for e in new] == [
        i["behandelingperiode"],
        i["leveringperiode"],
        i["uitstelperiode"],
        i["afstel"],
        i["verzoekAanbieder"],
        i["verzoek"],
        i["levering"],
    ]
    assert all(e["payload"]["uitvoerendZorgkantoor"] == ZK_U for e in new)
    assert new[-1]["payload"]["clientVerwijderd"] is False
    with lr.engine.connect() as conn:
        assert [r["leveringID"] for r in lr.zoek(conn, ZA_A, "Levering")] == [sibling["leveringID"]]
        for entity in ("Leveringperiode", "Uitstelperiode", "Afstel", "Verzoek"):
            assert lr.zoek(conn, ZA_A, entity) == [], entity
        assert len(lr.zoek(conn, ZA_A, "Client")) == 1
        # The other tenant's copy is untouched.
        assert len(lr.zoek(conn, ZA_B, "Leveringperiode")) == 1
        assert len(lr.zoek(conn, ZA_B, "VerzoekAanbieder")) == 1
    # The last levering of a client takes the client along.
    last = lr.verwijder_levering(ZA_A, sibling["leveringID"])
    assert last.geslaagd
    assert events(lr)[-1]["payload"]["clientVerwijderd"] is True
    with lr.engine.connect() as conn:
        assert lr.zoek(conn, ZA_A, "Client") == []
        assert len(lr.zoek(conn, ZA_B, "Client")) == 1


def test_zorgkantoren_are_validated(lr: Leveringsregister) -> None:
    data = levering(verantwoordelijkZorgkantoor="55O1", uitvoerendZorgkantoor=5502)
    fouten = {(f.veld, f.code) for f in lr.registreer_levering(ZA_A, data).fouten}
    assert fouten == {
        ("levering.verantwoordelijkZorgkantoor", "FORMAAT"),
        ("levering.uitvoerendZorgkantoor", "FORMAAT"),
    }
    data = levering(verantwoordelijkZorgkantoor=" ", uitvoerendZorgkantoor=None)
    fouten = {(f.veld, f.code) for f in lr.registreer_levering(ZA_A, data).fouten}
    assert fouten == {
        ("levering.verantwoordelijkZorgkantoor", "VERPLICHT"),
        ("levering.uitvoerendZorgkantoor", "VERPLICHT"),
    }
    assert count(lr, m.levering) == 0
