"""Bemiddelingsregister beheer API through HTTP: one tenant (zorgkantoor) per URL path."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from graphql import OperationType
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from starlette.testclient import TestClient

from iwlz.core.clock import FixedClock
from iwlz.core.events import domain_event
from iwlz.core.metadata import metadata
from iwlz.graphql.http import GraphQLEndpoint, OpenGuard, ParsedOperation
from iwlz.registers.bemiddeling import models as m
from iwlz.registers.bemiddeling.api import build_beheer_schema
from iwlz.registers.bemiddeling.service import Bemiddelingsregister

ZK_A, ZK_B = "5501", "5502"
NOW = dt.datetime(2025, 8, 1, 10, 0, tzinfo=dt.UTC)
SCHEMA = build_beheer_schema()

RESULT = "geslaagd versie fouten { veld code melding }"

REGISTREER = (
    """
mutation($b: BemiddelingInput!) {
  registreerBemiddeling(bemiddeling: $b) { %s
    bemiddeling { bemiddelingID verantwoordelijkZorgkantoor
      client { bsn contactpersoon { geslachtsnaam } }
      bemiddelingspecificatie(order: [{toewijzingIngangsdatum: ASC}]) { bemiddelingspecificatieID instelling }
      regiehouder { regiehouderID instelling } } }
}
"""
    % RESULT
)

LEES = """
query($id: UUID!) {
  bemiddeling(where: {bemiddelingID: {eq: $id}}) {
    bemiddelingID wlzIndicatieID verantwoordelijkheidEinddatum
    client { bsn taal contactgegevens { postcode } }
    bemiddelingspecificatie(order: [{instelling: ASC}]) { instelling vaststellingMoment
      overdrachtspecificatie { leveringsstatus } }
    regiehouder { instelling einddatum }
    overdracht { verantwoordelijkZorgkantoor overdrachtspecificatie { leveringsstatus } }
  }
}
"""


def path(zk: str) -> str:
    return f"/bemiddelingsregister/{zk}/beheer/graphql"


@pytest.fixture
def br(db_url: str) -> Iterator[Bemiddelingsregister]:
    engine = sa.create_engine(db_url)
    metadata.create_all(engine, tables=[*m.TABLES, domain_event])
    yield Bemiddelingsregister(engine, clock=FixedClock(NOW))
    engine.dispose()


@pytest.fixture
def client(br: Bemiddelingsregister) -> Iterator[TestClient]:
    def context(request: Request, _op: ParsedOperation) -> dict[str, Any]:
        return {"bemiddelingsregister": br, "zorgkantoor": request.path_params["uzovi"]}

    endpoint = GraphQLEndpoint(
        SCHEMA,
        context_factory=context,
        guard=OpenGuard(),
        allowed_operations=frozenset({OperationType.QUERY, OperationType.MUTATION}),
        name="bemiddelingsregister-beheer",
    )
    app = Starlette(
        routes=[
            Route("/bemiddelingsregister/{uzovi}/beheer/graphql", endpoint.handle, methods=["POST"])
        ]
    )
    with TestClient(app) as c:
        yield c


def gql(client: TestClient, zk: str, query: str, **variables: Any) -> dict[str, Any]:
    r = client.post(
        path(zk),
        content=json.dumps({"query": query, "variables": variables}),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def bspec(**overrides: Any) -> dict[str, Any]:
    return {
        "bemiddelingspecificatieID": str(uuid.uuid4()),
        "leveringsvorm": "4",
        "zzpCode": "754",
        "toewijzingIngangsdatum": "2025-01-01",
        "toewijzingEinddatum": "2025-12-31",
        "instelling": "12345678",
        "uitvoerendZorgkantoor": ZK_A,
        "vaststellingMoment": "2025-08-01T10:00:00+00:00",
        "percentage": 100,
        "soortToewijzing": "1",
        **overrides,
    }


def bemiddeling_json(bsn: str = "999993653", **overrides: Any) -> dict[str, Any]:
    return {
        "bemiddelingID": str(uuid.uuid4()),
        "wlzIndicatieID": str(uuid.uuid4()),
        "verantwoordelijkheidIngangsdatum": "2025-01-01",
        "client": {
            "bsn": bsn,
            "leefeenheid": "1",
            "taal": "nl",
            "contactgegevens": [
                {"adressoort": "01", "postcode": "1234AB", "ingangsdatum": "2024-01-01"}
            ],
            "contactpersoon": [
                {
                    "relatienummer": "1",
                    "soortRelatie": "10",
                    "geslachtsnaam": "Jansen",
                    "ingangsdatum": "2024-01-01",
                    "contactgegevens": [
                        {"adressoort": "01", "emailadres": "a@b.nl", "ingangsdatum": "2024-01-01"}
                    ],
                }
            ],
        },
        "bemiddelingspecificatie": [
            bspec(),
            bspec(
                instelling="87654321",
                uitvoerendZorgkantoor=ZK_B,
                toewijzingIngangsdatum="2024-01-01",
                toewijzingEinddatum="2024-12-31",
            ),
        ],
        "regiehouder": [{"instelling": "12345678", "ingangsdatum": "2025-01-01", "regierol": "1"}],
        **overrides,
    }


def registreer(client: TestClient, zk: str = ZK_A, **overrides: Any) -> dict[str, Any]:
    res: dict[str, Any] = gql(client, zk, REGISTREER, b=bemiddeling_json(**overrides))[
        "registreerBemiddeling"
    ]
    assert res["geslaagd"], res["fouten"]
    return res


def events(br: Bemiddelingsregister) -> list[dict[str, Any]]:
    with br.engine.connect() as conn:
        stmt = sa.select(domain_event).order_by(domain_event.c.id)
        return [dict(r) for r in conn.execute(stmt).mappings()]


def count(br: Bemiddelingsregister, table: sa.Table) -> int:
    with br.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def codes(res: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["veld"], f["code"]) for f in res["fouten"]]


def test_register_then_read_back(client: TestClient, br: Bemiddelingsregister) -> None:
    res = registreer(client)
    assert res["versie"] == 1
    b = res["bemiddeling"]
    assert b["verantwoordelijkZorgkantoor"] == ZK_A
    assert b["client"] == {"bsn": "999993653", "contactpersoon": [{"geslachtsnaam": "Jansen"}]}
    assert [s["instelling"] for s in b["bemiddelingspecificatie"]] == ["87654321", "12345678"]
    assert [r["instelling"] for r in b["regiehouder"]] == ["12345678"]
    [gelezen] = gql(client, ZK_A, LEES, id=b["bemiddelingID"])["bemiddeling"]
    assert gelezen["client"] == {
        "bsn": "999993653",
        "taal": "nl",
        "contactgegevens": [{"postcode": "1234AB"}],
    }
    assert gelezen["bemiddelingspecificatie"][0]["vaststellingMoment"].startswith(
        "2025-08-01T10:00"
    )
    assert gelezen["overdracht"] is None
    rows = events(br)
    assert [r["event_type"] for r in rows] == [
        "BemiddelingGeregistreerd",
        "BemiddelingspecificatieGeregistreerd",
        "BemiddelingspecificatieGeregistreerd",
        "RegiehouderGeregistreerd",
    ]
    assert {(r["register"], r["tenant"]) for r in rows} == {("bemiddelingsregister", ZK_A)}
    regie = rows[-1]["payload"]
    assert regie["bemiddelingID"] == b["bemiddelingID"]
    assert regie["instelling"] == "12345678"
    assert {s["uitvoerendZorgkantoor"] for s in regie["bemiddelingspecificaties"]} == {ZK_A, ZK_B}


WIJZIG_BSPEC = (
    """
mutation($id: UUID!, $s: BemiddelingspecificatieInput!, $v: Int) {
  wijzigBemiddelingspecificatie(bemiddelingspecificatieID: $id, bemiddelingspecificatie: $s, versie: $v) {
    %s bemiddelingspecificatie { instelling bemiddeling { bemiddelingID } } }
}
"""
    % RESULT
)

WIJZIG_BEMIDDELING = (
    """
mutation($id: UUID!, $b: BemiddelingInput!, $v: Int) {
  wijzigBemiddeling(bemiddelingID: $id, bemiddeling: $b, versie: $v) {
    %s bemiddeling { verantwoordelijkheidEinddatum client { taal } } }
}
"""
    % RESULT
)


def test_change_with_versie_conflict(client: TestClient, br: Bemiddelingsregister) -> None:
    b = registreer(client)["bemiddeling"]
    sid = b["bemiddelingspecificatie"][1]["bemiddelingspecificatieID"]
    spec = bspec(bemiddelingspecificatieID=sid, instelling="11112222")
    res = gql(client, ZK_A, WIJZIG_BSPEC, id=sid, s=spec, v=1)["wijzigBemiddelingspecificatie"]
    assert res["geslaagd"], res["fouten"]
    assert res["versie"] == 2
    assert res["bemiddelingspecificatie"] == {
        "instelling": "11112222",
        "bemiddeling": {"bemiddelingID": b["bemiddelingID"]},
    }
    stale = gql(client, ZK_A, WIJZIG_BSPEC, id=sid, s=spec, v=1)["wijzigBemiddelingspecificatie"]
    assert not stale["geslaagd"]
    assert codes(stale) == [("versie", "VERSIECONFLICT")]
    assert stale["bemiddelingspecificatie"] is None

    data = bemiddeling_json(
        bemiddelingID=b["bemiddelingID"], verantwoordelijkheidEinddatum="2026-12-31"
    )
    data["client"]["taal"] = "en"
    del data["bemiddelingspecificatie"], data["regiehouder"]
    res = gql(client, ZK_A, WIJZIG_BEMIDDELING, id=b["bemiddelingID"], b=data, v=1)[
        "wijzigBemiddeling"
    ]
    assert res["geslaagd"], res["fouten"]
    assert res["versie"] == 2
    assert res["bemiddeling"] == {
        "verantwoordelijkheidEinddatum": "2026-12-31",
        "client": {"taal": "en"},
    }
    stale = gql(client, ZK_A, WIJZIG_BEMIDDELING, id=b["bemiddelingID"], b=data, v=1)[
        "wijzigBemiddeling"
    ]
    assert codes(stale) == [("versie", "VERSIECONFLICT")]
    # The client cannot be swapped, and children change through their own mutations.
    other = {**data, "client": {**data["client"], "bsn": "999990019"}}
    res = gql(client, ZK_A, WIJZIG_BEMIDDELING, id=b["bemiddelingID"], b=other)["wijzigBemiddeling"]
    assert codes(res) == [("bemiddeling.client.bsn", "ONGELIJK")]
    res = gql(
        client, ZK_A, WIJZIG_BEMIDDELING, id=b["bemiddelingID"], b={**data, "regiehouder": []}
    )["wijzigBemiddeling"]
    assert res["geslaagd"]
    res = gql(
        client,
        ZK_A,
        WIJZIG_BEMIDDELING,
        id=b["bemiddelingID"],
        b={**data, "bemiddelingspecificatie": [bspec()]},
    )["wijzigBemiddeling"]
    assert codes(res) == [("bemiddeling.bemiddelingspecificatie", "NIET_TOEGESTAAN")]
    gewijzigd = [r for r in events(br) if r["event_type"] == "BemiddelingGewijzigd"]
    assert len(gewijzigd) == 2
    assert gewijzigd[0]["payload"]["verantwoordelijkheidEinddatum"] == "2026-12-31"
    assert gewijzigd[0]["payload"]["vorige"]["verantwoordelijkheidEinddatum"] is None


REGIEHOUDER = """
mutation($bid: UUID!, $r: RegiehouderInput!) {
  registreerRegiehouder(bemiddelingID: $bid, regiehouder: $r) {
    geslaagd versie fouten { veld code melding } regiehouder { regiehouderID instelling } }
}
"""
WIJZIG_REGIEHOUDER = """
mutation($id: UUID!, $r: RegiehouderInput!, $v: Int) {
  wijzigRegiehouder(regiehouderID: $id, regiehouder: $r, versie: $v) {
    geslaagd versie fouten { veld code melding } regiehouder { einddatum } }
}
"""
VERWIJDER_REGIEHOUDER = """
mutation($id: UUID!, $v: Int) {
  verwijderRegiehouder(regiehouderID: $id, versie: $v) { geslaagd id fouten { veld code melding } }
}
"""


def test_regiehouder_lifecycle(client: TestClient, br: Bemiddelingsregister) -> None:
    bid = registreer(client)["bemiddeling"]["bemiddelingID"]
    r = {"instelling": "87654321", "ingangsdatum": "2025-03-01", "regierol": "1"}
    res = gql(client, ZK_A, REGIEHOUDER, bid=bid, r=r)["registreerRegiehouder"]
    assert res["geslaagd"], res["fouten"]
    rid = res["regiehouder"]["regiehouderID"]
    res = gql(client, ZK_A, WIJZIG_REGIEHOUDER, id=rid, r={**r, "einddatum": "2025-06-30"}, v=1)[
        "wijzigRegiehouder"
    ]
    assert (res["versie"], res["regiehouder"]) == (2, {"einddatum": "2025-06-30"})
    stale = gql(client, ZK_A, VERWIJDER_REGIEHOUDER, id=rid, v=1)["verwijderRegiehouder"]
    assert codes(stale) == [("versie", "VERSIECONFLICT")]
    res = gql(client, ZK_A, VERWIJDER_REGIEHOUDER, id=rid, v=2)["verwijderRegiehouder"]
    assert res == {"geslaagd": True, "id": rid, "fouten": []}
    again = gql(client, ZK_A, VERWIJDER_REGIEHOUDER, id=rid)["verwijderRegiehouder"]
    assert codes(again) == [("regiehouderID", "NIET_GEVONDEN")]
    [gelezen] = gql(client, ZK_A, LEES, id=bid)["bemiddeling"]
    assert gelezen["regiehouder"] == [{"instelling": "12345678", "einddatum": None}]
    rows = [r for r in events(br) if r["aggregate_id"] == uuid.UUID(rid)]
    assert [r["event_type"] for r in rows] == [
        "RegiehouderGeregistreerd",
        "RegiehouderGewijzigd",
        "RegiehouderVerwijderd",
    ]
    assert rows[1]["payload"]["einddatum"] == "2025-06-30"
    assert rows[1]["payload"]["vorige"]["einddatum"] is None
    assert len(rows[2]["payload"]["bemiddelingspecificaties"]) == 2


OVERDRACHT = """
mutation($bid: UUID!, $o: OverdrachtInput!) {
  registreerOverdracht(bemiddelingID: $bid, overdracht: $o) {
    geslaagd versie fouten { veld code melding }
    overdracht { overdrachtID verantwoordelijkZorgkantoor vaststellingMoment
      overdrachtspecificatie { leveringsstatus bemiddelingspecificatie { instelling } } } }
}
"""
WIJZIG_OVERDRACHT = """
mutation($id: UUID!, $o: OverdrachtInput!, $v: Int) {
  wijzigOverdracht(overdrachtID: $id, overdracht: $o, versie: $v) {
    geslaagd versie fouten { veld code melding }
    overdracht { verhuisDatum overdrachtspecificatie { leveringsstatus } } }
}
"""
VERWIJDER_OVERDRACHT = """
mutation($id: UUID!) { verwijderOverdracht(overdrachtID: $id) { geslaagd id fouten { code } } }
"""


def test_overdracht_lifecycle(client: TestClient, br: Bemiddelingsregister) -> None:
    b = registreer(client)["bemiddeling"]
    s1, s2 = (s["bemiddelingspecificatieID"] for s in b["bemiddelingspecificatie"])
    o = {
        "verantwoordelijkZorgkantoor": ZK_B,
        "overdrachtDatum": "2025-09-01",
        "verhuisDatum": "2025-08-15",
        "overdrachtspecificatie": [{"bemiddelingspecificatieID": s1, "leveringsstatus": "4"}],
    }
    res = gql(client, ZK_A, OVERDRACHT, bid=b["bemiddelingID"], o=o)["registreerOverdracht"]
    assert res["geslaagd"], res["fouten"]
    ov = res["overdracht"]
    assert ov["verantwoordelijkZorgkantoor"] == ZK_B
    assert ov["vaststellingMoment"].startswith("2025-08-01T10:00")
    assert ov["overdrachtspecificatie"] == [
        {"leveringsstatus": "4", "bemiddelingspecificatie": {"instelling": "87654321"}}
    ]
    twee = gql(client, ZK_A, OVERDRACHT, bid=b["bemiddelingID"], o=o)["registreerOverdracht"]
    assert codes(twee) == [("bemiddelingID", "BESTAAT")]
    o2 = {
        **o,
        "verhuisDatum": "2025-08-20",
        "overdrachtspecificatie": [
            {"bemiddelingspecificatieID": s1, "leveringsstatus": "1"},
            {"bemiddelingspecificatieID": s2, "leveringsstatus": "4"},
        ],
    }
    res = gql(client, ZK_A, WIJZIG_OVERDRACHT, id=ov["overdrachtID"], o=o2, v=1)["wijzigOverdracht"]
    assert res["geslaagd"], res["fouten"]
    assert res["versie"] == 2
    assert res["overdracht"]["verhuisDatum"] == "2025-08-20"
    assert sorted(s["leveringsstatus"] for s in res["overdracht"]["overdrachtspecificatie"]) == [
        "1",
        "4",
    ]
    # A specification must be about a bemiddelingspecificatie of the same bemiddeling.
    vreemd = {
        **o2,
        "overdrachtspecificatie": [
            {"bemiddelingspecificatieID": str(uuid.uuid4()), "leveringsstatus": "4"}
        ],
    }
    res = gql(client, ZK_A, WIJZIG_OVERDRACHT, id=ov["overdrachtID"], o=vreemd)["wijzigOverdracht"]
    assert codes(res) == [
        ("overdracht.overdrachtspecificatie[0].bemiddelingspecificatieID", "NIET_GEVONDEN")
    ]
    assert count(br, m.overdrachtspecificatie) == 2  # rolled back
    res = gql(client, ZK_A, VERWIJDER_OVERDRACHT, id=ov["overdrachtID"])["verwijderOverdracht"]
    assert res == {"geslaagd": True, "id": ov["overdrachtID"], "fouten": []}
    assert count(br, m.overdracht) == count(br, m.overdrachtspecificatie) == 0
    rows = [r for r in events(br) if r["aggregate_type"] == "Overdracht"]
    assert [r["event_type"] for r in rows] == [
        "OverdrachtGeregistreerd",
        "OverdrachtGewijzigd",
        "OverdrachtVerwijderd",
    ]
    assert rows[1]["payload"]["verhuisDatum"] == "2025-08-20"
    assert rows[1]["payload"]["vorige"]["bemiddelingspecificatieIDs"] == [s1]
    assert rows[2]["payload"]["verantwoordelijkZorgkantoor"] == ZK_B
    assert sorted(rows[2]["payload"]["bemiddelingspecificatieIDs"]) == sorted([s1, s2])


VERWIJDER_BEMIDDELING = """
mutation($id: UUID!, $v: Int) {
  verwijderBemiddeling(bemiddelingID: $id, versie: $v) { geslaagd id fouten { veld code melding } }
}
"""


def test_delete_bemiddeling(client: TestClient, br: Bemiddelingsregister) -> None:
    b = registreer(client)["bemiddeling"]
    s1 = b["bemiddelingspecificatie"][0]["bemiddelingspecificatieID"]
    o = {
        "verantwoordelijkZorgkantoor": ZK_B,
        "overdrachtDatum": "2025-09-01",
        "verhuisDatum": "2025-08-15",
        "overdrachtspecificatie": [{"bemiddelingspecificatieID": s1, "leveringsstatus": "4"}],
    }
    assert gql(client, ZK_A, OVERDRACHT, bid=b["bemiddelingID"], o=o)["registreerOverdracht"][
        "geslaagd"
    ]
    # A second bemiddeling of the same client keeps the client alive on the first delete.
    tweede = registreer(client)["bemiddeling"]["bemiddelingID"]
    stale = gql(client, ZK_A, VERWIJDER_BEMIDDELING, id=b["bemiddelingID"], v=7)[
        "verwijderBemiddeling"
    ]
    assert codes(stale) == [("versie", "VERSIECONFLICT")]
    res = gql(client, ZK_A, VERWIJDER_BEMIDDELING, id=b["bemiddelingID"], v=1)[
        "verwijderBemiddeling"
    ]
    assert res == {"geslaagd": True, "id": b["bemiddelingID"], "fouten": []}
    assert gql(client, ZK_A, LEES, id=b["bemiddelingID"]) == {"bemiddeling": []}
    assert count(br, m.client) == 1
    assert count(br, m.bemiddelingspecificatie) == 2  # the second bemiddeling's
    assert count(br, m.overdracht) == count(br, m.overdrachtspecificatie) == 0
    rows = [r for r in events(br) if r["event_type"].endswith("Verwijderd")]
    assert [r["event_type"] for r in rows] == [
        "OverdrachtVerwijderd",
        "RegiehouderVerwijderd",
        "BemiddelingspecificatieVerwijderd",
        "BemiddelingspecificatieVerwijderd",
        "BemiddelingVerwijderd",
    ]
    assert rows[-1]["payload"]["clientVerwijderd"] is False
    assert rows[2]["payload"]["bemiddelingVerwijderd"] is True
    assert gql(client, ZK_A, VERWIJDER_BEMIDDELING, id=tweede)["verwijderBemiddeling"]["geslaagd"]
    assert events(br)[-1]["payload"]["clientVerwijderd"] is True
    for table in (
        m.client,
        m.contactpersoon,
        m.client_contactgegevens,
        m.contactpersoon_contactgegevens,
        m.bemiddeling,
        m.regiehouder,
    ):
        assert count(br, table) == 0, table.name


def test_field_errors(client: TestClient, br: Bemiddelingsregister) -> None:
    data = bemiddeling_json(bsn="123456789", verantwoordelijkZorgkantoor=ZK_B)
    data["bemiddelingspecificatie"][0]["zzpCode"] = "XXX"
    data["regiehouder"][0]["instelling"] = "123"
    res = gql(client, ZK_A, REGISTREER, b=data)["registreerBemiddeling"]
    assert not res["geslaagd"]
    assert res["bemiddeling"] is None and res["versie"] is None
    assert set(codes(res)) == {
        ("bemiddeling.verantwoordelijkZorgkantoor", "ONGELIJK"),
        ("bemiddeling.client.bsn", "FORMAAT"),
        ("bemiddeling.bemiddelingspecificatie[0].zzpCode", "CODELIJST"),
        ("bemiddeling.regiehouder[0].instelling", "FORMAAT"),
    }
    assert all(f["melding"] for f in res["fouten"])
    onbekend = str(uuid.uuid4())
    r = {"instelling": "87654321", "ingangsdatum": "2025-03-01", "regierol": "1"}
    res = gql(client, ZK_A, REGIEHOUDER, bid=onbekend, r=r)["registreerRegiehouder"]
    assert codes(res) == [("bemiddelingID", "NIET_GEVONDEN")]
    res = gql(client, ZK_A, REGIEHOUDER, bid=onbekend, r={**r, "einddatum": "2024-01-01"})[
        "registreerRegiehouder"
    ]
    assert codes(res) == [("regiehouder.einddatum", "DATUMVOLGORDE")]
    assert events(br) == []


def test_failed_registration_rolls_back(client: TestClient, br: Bemiddelingsregister) -> None:
    b = registreer(client)["bemiddeling"]
    sid = b["bemiddelingspecificatie"][0]["bemiddelingspecificatieID"]
    # A new client, but a bemiddelingspecificatieID already in use: nothing is stored.
    data = bemiddeling_json(bsn="999990019")
    data["bemiddelingspecificatie"][0]["bemiddelingspecificatieID"] = sid
    res = gql(client, ZK_A, REGISTREER, b=data)["registreerBemiddeling"]
    assert codes(res) == [("bemiddeling", "BESTAAT")]
    assert count(br, m.client) == 1
    assert count(br, m.bemiddeling) == 1


def test_tenant_isolation(client: TestClient, br: Bemiddelingsregister) -> None:
    b = registreer(client, ZK_A)["bemiddeling"]
    bid = b["bemiddelingID"]
    sid = b["bemiddelingspecificatie"][0]["bemiddelingspecificatieID"]
    rid = b["regiehouder"][0]["regiehouderID"]
    o = {
        "verantwoordelijkZorgkantoor": ZK_B,
        "overdrachtDatum": "2025-09-01",
        "verhuisDatum": "2025-08-15",
    }
    oid = gql(client, ZK_A, OVERDRACHT, bid=bid, o=o)["registreerOverdracht"]["overdracht"][
        "overdrachtID"
    ]
    before = len(events(br))
    # Zorgkantoor B sees nothing of A's register and can change nothing in it.
    assert gql(client, ZK_B, LEES, id=bid) == {"bemiddeling": []}
    spec = bspec(bemiddelingspecificatieID=sid)
    res = gql(client, ZK_B, WIJZIG_BSPEC, id=sid, s=spec)["wijzigBemiddelingspecificatie"]
    assert codes(res) == [("bemiddelingspecificatieID", "NIET_GEVONDEN")]
    r = {"instelling": "87654321", "ingangsdatum": "2025-03-01", "regierol": "1"}
    res = gql(client, ZK_B, REGIEHOUDER, bid=bid, r=r)["registreerRegiehouder"]
    assert codes(res) == [("bemiddelingID", "NIET_GEVONDEN")]
    res = gql(client, ZK_B, WIJZIG_REGIEHOUDER, id=rid, r=r)["wijzigRegiehouder"]
    assert codes(res) == [("regiehouderID", "NIET_GEVONDEN")]
    res = gql(client, ZK_B, VERWIJDER_REGIEHOUDER, id=rid)["verwijderRegiehouder"]
    assert codes(res) == [("regiehouderID", "NIET_GEVONDEN")]
    res = gql(
        client, ZK_B, WIJZIG_OVERDRACHT, id=oid, o={**o, "verantwoordelijkZorgkantoor": ZK_A}
    )["wijzigOverdracht"]
    assert codes(res) == [("overdrachtID", "NIET_GEVONDEN")]
    res = gql(client, ZK_B, VERWIJDER_OVERDRACHT, id=oid)["verwijderOverdracht"]
    assert res["fouten"] == [{"code": "NIET_GEVONDEN"}]
    data = bemiddeling_json(bemiddelingID=bid)
    del data["bemiddelingspecificatie"], data["regiehouder"]
    res = gql(client, ZK_B, WIJZIG_BEMIDDELING, id=bid, b=data)["wijzigBemiddeling"]
    assert codes(res) == [("bemiddelingID", "NIET_GEVONDEN")]
    res = gql(client, ZK_B, VERWIJDER_BEMIDDELING, id=bid)["verwijderBemiddeling"]
    assert codes(res) == [("bemiddelingID", "NIET_GEVONDEN")]
    verwijder_bspec = """mutation($id: UUID!) { verwijderBemiddelingspecificatie(bemiddelingspecificatieID: $id)
        { geslaagd fouten { code } } }"""
    res = gql(client, ZK_B, verwijder_bspec, id=sid)["verwijderBemiddelingspecificatie"]
    assert res == {"geslaagd": False, "fouten": [{"code": "NIET_GEVONDEN"}]}
    assert len(events(br)) == before
    # A's data is untouched.
    [gelezen] = gql(client, ZK_A, LEES, id=bid)["bemiddeling"]
    assert len(gelezen["bemiddelingspecificatie"]) == 2
    assert gelezen["overdracht"]["verantwoordelijkZorgkantoor"] == ZK_B
    assert [r["instelling"] for r in gelezen["regiehouder"]] == ["12345678"]
