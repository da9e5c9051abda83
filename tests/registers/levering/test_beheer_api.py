"""Leveringsregister beheer API: the aanbieder's mutations through GraphQL execution (and one
round trip through the HTTP endpoint), one tenant per request."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from graphql import GraphQLObjectType, OperationType, graphql_sync
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from starlette.testclient import TestClient

from iwlz.core.clock import FixedClock
from iwlz.core.events import domain_event
from iwlz.core.metadata import metadata
from iwlz.graphql.http import GraphQLEndpoint, OpenGuard, ParsedOperation
from iwlz.registers.levering import models as m
from iwlz.registers.levering.api import build_beheer_schema, build_read_schema
from iwlz.registers.levering.service import Leveringsregister

ZA_A, ZA_B = "12345678", "87654321"
ZK_V, ZK_U = "5501", "5502"
NOW = dt.datetime(2025, 8, 1, 10, 0, tzinfo=dt.UTC)
SCHEMA = build_beheer_schema()

RESULT = "geslaagd versie fouten { veld code melding }"
VERWIJDER = "geslaagd id fouten { veld code melding }"


@pytest.fixture
def lr(db_url: str) -> Iterator[Leveringsregister]:
    engine = sa.create_engine(db_url)
    metadata.create_all(engine, tables=[*m.TABLES, domain_event])
    yield Leveringsregister(engine, clock=FixedClock(NOW))
    engine.dispose()


def run(lr: Leveringsregister, agb: str | None, query: str, **variables: Any) -> Any:
    context: dict[str, Any] = {"leveringsregister": lr}
    if agb is not None:
        context["aanbieder"] = agb
    return graphql_sync(SCHEMA, query, variable_values=variables, context_value=context)


def gql(lr: Leveringsregister, agb: str, query: str, **variables: Any) -> dict[str, Any]:
    result = run(lr, agb, query, **variables)
    assert result.errors is None, result.errors
    assert result.data is not None
    data: dict[str, Any] = result.data
    return data


def levering_input(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "leveringID": str(uuid.uuid4()),
        "bemiddelingspecificatieID": str(uuid.uuid4()),
        "verantwoordelijkZorgkantoor": ZK_V,
        "uitvoerendZorgkantoor": ZK_U,
        "client": {"bsn": "999993653"},
        "leveringperiodes": [
            {
                "ingangsdatum": "2025-01-01",
                "sleuteldatum": "2024-12-20",
                "behandelingperiodes": [{"ingangsdatum": "2025-02-01", "einddatum": "2025-02-28"}],
            }
        ],
        "uitstelperiodes": [
            {
                "ingangsdatum": "2024-12-01",
                "vaststellingMoment": "2024-11-30T09:00:00+01:00",
                "reden": "02",
                "leveringsstatus": "1",
                "leveringsstatusClassificatie": "11",
            }
        ],
        "verzoeken": [
            {
                "verzoekdatum": "2025-07-01",
                "product": "754",
                "toewijzingSoort": "1",
                "leveringsvorm": "4",
                "volume": 2.5,
                "verzoekAanbieders": [
                    {
                        "aanbieder": ZA_B,
                        "toewijzingIngangsdatum": "2025-09-01",
                        "toewijzingPercentage": 60,
                        "regiehouder": "N",
                    }
                ],
            }
        ],
    }
    data.update(overrides)
    return data


REGISTREER = f"""
mutation($l: LeveringInput!) {{
  registreerLevering(levering: $l) {{ {RESULT}
    levering {{ leveringID bemiddelingspecificatieID verantwoordelijkZorgkantoor
      uitvoerendZorgkantoor client {{ bsn }}
      leveringperiodes {{ leveringperiodeID ingangsdatum sleuteldatum vaststellingMoment
        behandelingperiodes {{ behandelingperiodeID ingangsdatum einddatum }} }}
      uitstelperiodes {{ uitstelperiodeID vaststellingMoment reden }}
      afstel {{ afstelID }}
      verzoeken {{ product volume verzoekAanbieders {{ aanbieder toewijzingPercentage }} }} }} }}
}}
"""


def registreer(lr: Leveringsregister, agb: str = ZA_A, **overrides: Any) -> dict[str, Any]:
    out = gql(lr, agb, REGISTREER, l=levering_input(**overrides))["registreerLevering"]
    assert out["geslaagd"], out["fouten"]
    result: dict[str, Any] = out["levering"]
    return result


def test_registreer_levering_returns_the_read_objects(lr: Leveringsregister) -> None:
    data = levering_input()
    out = gql(lr, ZA_A, REGISTREER, l=data)["registreerLevering"]
    assert (out["geslaagd"], out["versie"], out["fouten"]) == (True, 1, [])
    lev = out["levering"]
    assert lev["leveringID"] == data["leveringID"]
    assert lev["bemiddelingspecificatieID"] == data["bemiddelingspecificatieID"]
    assert (lev["verantwoordelijkZorgkantoor"], lev["uitvoerendZorgkantoor"]) == (ZK_V, ZK_U)
    assert lev["client"] == {"bsn": "999993653"}
    (periode,) = lev["leveringperiodes"]
    assert periode["sleuteldatum"] == "2024-12-20"
    assert periode["vaststellingMoment"].startswith("2025-08-01T10:00:00")  # defaulted
    assert [(b["ingangsdatum"], b["einddatum"]) for b in periode["behandelingperiodes"]] == [
        ("2025-02-01", "2025-02-28")
    ]
    (uitstel,) = lev["uitstelperiodes"]
    assert uitstel["vaststellingMoment"].startswith("2024-11-30T08:00:00")  # as given (UTC)
    assert lev["afstel"] is None
    assert lev["verzoeken"] == [
        {
            "product": "754",
            "volume": 2.5,
            "verzoekAanbieders": [{"aanbieder": ZA_B, "toewijzingPercentage": 60}],
        }
    ]
    # The same through the beheer API's read queries; the network read schema does not
    # have the zorgkantoren.
    q = "query($b: UUID!) { levering(where: {bemiddelingspecificatieID: {eq: $b}}) { uitvoerendZorgkantoor } }"
    assert gql(lr, ZA_A, q, b=data["bemiddelingspecificatieID"]) == {
        "levering": [{"uitvoerendZorgkantoor": ZK_U}]
    }
    read = build_read_schema().type_map["Levering"]
    assert isinstance(read, GraphQLObjectType)
    assert not {"verantwoordelijkZorgkantoor", "uitvoerendZorgkantoor"} & set(read.fields)


def test_problems_come_back_as_fouten(lr: Leveringsregister) -> None:
    bad = levering_input(
        uitvoerendZorgkantoor="55",
        client={"bsn": "123456789"},
        afstel={"afsteldatum": "2025-01-01", "reden": " "},
    )
    out = gql(lr, ZA_A, REGISTREER, l=bad)["registreerLevering"]
    assert out["geslaagd"] is False and out["levering"] is None and out["versie"] is None
    assert {(f["veld"], f["code"]) for f in out["fouten"]} == {
        ("levering.uitvoerendZorgkantoor", "FORMAAT"),
        ("levering.client.bsn", "FORMAAT"),
        ("levering.afstel.reden", "VERPLICHT"),
    }
    registreer(lr, leveringID=bad["leveringID"])
    again = gql(lr, ZA_A, REGISTREER, l=levering_input(leveringID=bad["leveringID"]))
    assert [f["code"] for f in again["registreerLevering"]["fouten"]] == ["BESTAAT"]
    q = f"""mutation($id: UUID!) {{ wijzigAfstel(afstelID: $id,
        afstel: {{afsteldatum: "2025-01-01", reden: "1"}}) {{ {RESULT} afstel {{ afstelID }} }} }}"""
    out = gql(lr, ZA_A, q, id=str(uuid.uuid4()))["wijzigAfstel"]
    assert out["afstel"] is None
    assert [(f["veld"], f["code"]) for f in out["fouten"]] == [("afstelID", "NIET_GEVONDEN")]


def test_missing_tenant_is_an_authorization_error(lr: Leveringsregister) -> None:
    result = run(lr, None, REGISTREER, l=levering_input())
    assert result.errors and "aanbieder" in result.errors[0].message
    with lr.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(m.levering)).scalar() == 0


def test_leveringperiode_and_behandelingperiode_mutations(lr: Leveringsregister) -> None:
    lev = registreer(lr, leveringperiodes=[])
    lid = lev["leveringID"]
    q = f"""mutation($l: UUID!, $p: LeveringperiodeInput!) {{
      registreerLeveringperiode(leveringID: $l, leveringperiode: $p) {{ {RESULT}
        leveringperiode {{ leveringperiodeID einddatum levering {{ leveringID }}
          behandelingperiodes {{ ingangsdatum }} }} }} }}"""
    periode = {
        "ingangsdatum": "2025-01-01",
        "behandelingperiodes": [{"ingangsdatum": "2025-01-10"}],
    }
    out = gql(lr, ZA_A, q, l=lid, p=periode)["registreerLeveringperiode"]
    assert out["geslaagd"] and out["versie"] == 1
    lp = out["leveringperiode"]
    assert lp["levering"] == {"leveringID": lid}
    assert lp["behandelingperiodes"] == [{"ingangsdatum": "2025-01-10"}]
    pid = lp["leveringperiodeID"]

    q = f"""mutation($id: UUID!, $p: LeveringperiodeInput!, $v: Int) {{
      wijzigLeveringperiode(leveringperiodeID: $id, leveringperiode: $p, versie: $v) {{ {RESULT}
        leveringperiode {{ einddatum beeindigingReden aanbiederBestemming }} }} }}"""
    change = {
        "ingangsdatum": "2025-01-01",
        "einddatum": "2025-06-30",
        "beeindigingReden": "01",
        "aanbiederBestemming": ZA_B,
    }
    out = gql(lr, ZA_A, q, id=pid, p=change, v=1)["wijzigLeveringperiode"]
    assert (out["geslaagd"], out["versie"]) == (True, 2)
    assert out["leveringperiode"] == {
        "einddatum": "2025-06-30",
        "beeindigingReden": "01",
        "aanbiederBestemming": ZA_B,
    }
    stale = gql(lr, ZA_A, q, id=pid, p=change, v=1)["wijzigLeveringperiode"]
    assert [f["code"] for f in stale["fouten"]] == ["VERSIECONFLICT"]
    with_children = gql(lr, ZA_A, q, id=pid, p=periode)["wijzigLeveringperiode"]
    assert [f["code"] for f in with_children["fouten"]] == ["NIET_TOEGESTAAN"]
    # Another tenant cannot touch it.
    other = gql(lr, ZA_B, q, id=pid, p=change)["wijzigLeveringperiode"]
    assert [f["code"] for f in other["fouten"]] == ["NIET_GEVONDEN"]

    q = f"""mutation($p: UUID!, $b: BehandelingperiodeInput!) {{
      registreerBehandelingperiode(leveringperiodeID: $p, behandelingperiode: $b) {{ {RESULT}
        behandelingperiode {{ behandelingperiodeID ingangsdatum
          leveringperiode {{ leveringperiodeID }} }} }} }}"""
    out = gql(lr, ZA_A, q, p=pid, b={"ingangsdatum": "2025-03-01"})["registreerBehandelingperiode"]
    assert out["geslaagd"], out["fouten"]
    bp = out["behandelingperiode"]
    assert bp["leveringperiode"] == {"leveringperiodeID": pid}
    q = f"""mutation($id: UUID!, $b: BehandelingperiodeInput!) {{
      wijzigBehandelingperiode(behandelingperiodeID: $id, behandelingperiode: $b, versie: 1) {{
        {RESULT} behandelingperiode {{ einddatum }} }} }}"""
    bad = gql(
        lr,
        ZA_A,
        q,
        id=bp["behandelingperiodeID"],
        b={"ingangsdatum": "2025-03-01", "einddatum": "2025-02-01"},
    )["wijzigBehandelingperiode"]
    assert [(f["veld"], f["code"]) for f in bad["fouten"]] == [
        ("behandelingperiode.einddatum", "DATUMVOLGORDE")
    ]
    b = {"ingangsdatum": "2025-03-01", "einddatum": "2025-03-31"}
    out = gql(lr, ZA_A, q, id=bp["behandelingperiodeID"], b=b)["wijzigBehandelingperiode"]
    assert out["versie"] == 2 and out["behandelingperiode"] == {"einddatum": "2025-03-31"}
    q = f"""mutation($id: UUID!) {{ verwijderBehandelingperiode(behandelingperiodeID: $id) {{
        {VERWIJDER} }} }}"""
    out = gql(lr, ZA_A, q, id=bp["behandelingperiodeID"])["verwijderBehandelingperiode"]
    assert out == {"geslaagd": True, "id": bp["behandelingperiodeID"], "fouten": []}

    q = f"""mutation($id: UUID!, $v: Int) {{
      verwijderLeveringperiode(leveringperiodeID: $id, versie: $v) {{ {VERWIJDER} }} }}"""
    out = gql(lr, ZA_A, q, id=pid, v=1)["verwijderLeveringperiode"]
    assert [f["code"] for f in out["fouten"]] == ["VERSIECONFLICT"] and out["id"] == pid
    assert gql(lr, ZA_A, q, id=pid, v=2)["verwijderLeveringperiode"]["geslaagd"]
    left = gql(lr, ZA_A, "{ leveringperiode { ingangsdatum } }")
    assert left == {"leveringperiode": []}


def test_uitstelperiode_afstel_and_verzoek_mutations(lr: Leveringsregister) -> None:
    lid = registreer(lr, uitstelperiodes=[], verzoeken=[])["leveringID"]
    q = f"""mutation($l: UUID!, $u: UitstelperiodeInput!) {{
      registreerUitstelperiode(leveringID: $l, uitstelperiode: $u) {{ {RESULT}
        uitstelperiode {{ uitstelperiodeID reden levering {{ leveringID }} }} }} }}"""
    u = {
        "ingangsdatum": "2025-01-01",
        "reden": "02",
        "leveringsstatus": "1",
        "leveringsstatusClassificatie": "11",
    }
    out = gql(lr, ZA_A, q, l=lid, u=u)["registreerUitstelperiode"]
    assert out["uitstelperiode"]["levering"] == {"leveringID": lid}
    uid = out["uitstelperiode"]["uitstelperiodeID"]
    q = f"""mutation($id: UUID!, $u: UitstelperiodeInput!) {{
      wijzigUitstelperiode(uitstelperiodeID: $id, uitstelperiode: $u) {{ {RESULT}
        uitstelperiode {{ reden einddatum }} }} }}"""
    out = gql(lr, ZA_A, q, id=uid, u={**u, "einddatum": "2025-02-01"})["wijzigUitstelperiode"]
    assert out["uitstelperiode"] == {"reden": "02", "einddatum": "2025-02-01"}
    q = f"mutation($id: UUID!) {{ verwijderUitstelperiode(uitstelperiodeID: $id) {{ {VERWIJDER} }} }}"
    assert gql(lr, ZA_A, q, id=uid)["verwijderUitstelperiode"]["geslaagd"]

    q = f"""mutation($l: UUID!, $a: AfstelInput!) {{
      registreerAfstel(leveringID: $l, afstel: $a) {{ {RESULT} afstel {{ afstelID reden }} }} }}"""
    a = {"afsteldatum": "2025-07-01", "reden": "03"}
    out = gql(lr, ZA_A, q, l=lid, a=a)["registreerAfstel"]
    assert out["afstel"]["reden"] == "03"
    afid = out["afstel"]["afstelID"]
    twice = gql(lr, ZA_A, q, l=lid, a=a)["registreerAfstel"]
    assert [f["code"] for f in twice["fouten"]] == ["BESTAAT"]
    q = f"""mutation($id: UUID!, $a: AfstelInput!) {{
      wijzigAfstel(afstelID: $id, afstel: $a, versie: 1) {{ {RESULT}
        afstel {{ reden vaststellingMoment }} }} }}"""
    a2 = {**a, "reden": "04", "vaststellingMoment": "2025-07-01T12:00:00+02:00"}
    out = gql(lr, ZA_A, q, id=afid, a=a2)["wijzigAfstel"]
    assert out["versie"] == 2 and out["afstel"]["reden"] == "04"
    assert out["afstel"]["vaststellingMoment"].startswith("2025-07-01T10:00:00")
    q = f"mutation($id: UUID!) {{ verwijderAfstel(afstelID: $id, versie: 2) {{ {VERWIJDER} }} }}"
    assert gql(lr, ZA_A, q, id=afid)["verwijderAfstel"]["geslaagd"]

    q = f"""mutation($l: UUID!, $v: VerzoekInput!) {{
      registreerVerzoek(leveringID: $l, verzoek: $v) {{ {RESULT}
        verzoek {{ verzoekID product levering {{ leveringID }}
          verzoekAanbieders {{ aanbieder regiehouder }} }} }} }}"""
    v = {
        "verzoekdatum": "2025-07-01",
        "product": "754",
        "toewijzingSoort": "1",
        "leveringsvorm": "4",
        "verzoekAanbieders": [
            {
                "aanbieder": ZA_B,
                "toewijzingIngangsdatum": "2025-09-01",
                "toewijzingPercentage": 100,
                "regiehouder": "J",
            }
        ],
    }
    out = gql(lr, ZA_A, q, l=lid, v=v)["registreerVerzoek"]
    assert out["geslaagd"] and out["versie"] == 1
    assert out["verzoek"]["levering"] == {"leveringID": lid}
    assert out["verzoek"]["verzoekAanbieders"] == [{"aanbieder": ZA_B, "regiehouder": "J"}]
    empty = gql(lr, ZA_A, q, l=lid, v={**v, "verzoekAanbieders": []})["registreerVerzoek"]
    assert [(f["veld"], f["code"]) for f in empty["fouten"]] == [
        ("verzoek.verzoekAanbieders", "VERPLICHT")
    ]
    missing = gql(lr, ZA_A, q, l=str(uuid.uuid4()), v=v)["registreerVerzoek"]
    assert [f["code"] for f in missing["fouten"]] == ["NIET_GEVONDEN"]


def test_verwijder_levering(lr: Leveringsregister) -> None:
    lid = registreer(lr)["leveringID"]
    other = registreer(lr, ZA_B)["leveringID"]
    q = f"mutation($id: UUID!, $v: Int) {{ verwijderLevering(leveringID: $id, versie: $v) {{ {VERWIJDER} }} }}"
    out = gql(lr, ZA_A, q, id=other)["verwijderLevering"]
    assert out["geslaagd"] is False and out["id"] == other
    assert [f["code"] for f in out["fouten"]] == ["NIET_GEVONDEN"]
    assert gql(lr, ZA_A, q, id=lid, v=1)["verwijderLevering"] == {
        "geslaagd": True,
        "id": lid,
        "fouten": [],
    }
    read = "{ levering { leveringID } leveringperiode { ingangsdatum } verzoek { product } }"
    assert gql(lr, ZA_A, read) == {"levering": [], "leveringperiode": [], "verzoek": []}
    assert gql(lr, ZA_B, read)["levering"] == [{"leveringID": other}]


def test_through_the_http_endpoint(lr: Leveringsregister) -> None:
    def context(request: Request, _op: ParsedOperation) -> dict[str, Any]:
        return {"leveringsregister": lr, "aanbieder": request.path_params["agb"]}

    endpoint = GraphQLEndpoint(
        SCHEMA,
        context_factory=context,
        guard=OpenGuard(),
        allowed_operations=frozenset({OperationType.QUERY, OperationType.MUTATION}),
        name="leveringsregister-beheer",
    )
    app = Starlette(
        routes=[Route("/leveringsregister/{agb}/beheer/graphql", endpoint.handle, methods=["POST"])]
    )
    with TestClient(app) as client:
        r = client.post(
            f"/leveringsregister/{ZA_A}/beheer/graphql",
            content=json.dumps({"query": REGISTREER, "variables": {"l": levering_input()}}),
            headers={"content-type": "application/json"},
        )
    assert r.status_code == 200, r.text
    body = r.json()
    assert "errors" not in body, body
    assert body["data"]["registreerLevering"]["geslaagd"] is True
