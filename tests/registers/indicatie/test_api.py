"""Indicatieregister GraphQL APIs through HTTP (read API and CIZ beheer API)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from iwlz.app import create_app
from iwlz.config import Settings
from iwlz.core import migrate
from iwlz.core.clock import FixedClock
from iwlz.core.db import create_engine
from iwlz.graphql.http import OpenGuard
from iwlz.nid.keys import SigningKey

from .factories import TODAY

READ = "/indicatieregister/graphql"
BEHEER = "/indicatieregister/beheer/graphql"

FULL_TREE = """
query QIR($id: UUID!, $zk: String!) {
  wlzIndicatie(where: {wlzindicatieID: {eq: $id}, initieelVerantwoordelijkZorgkantoor: {eq: $zk}}) {
    wlzindicatieID bsn besluitnummer soortWlzindicatie afgiftedatum ingangsdatum einddatum
    meerzorg initieelVerantwoordelijkZorgkantoor vervaldatum commentaar
    grondslag { grondslagID grondslag volgorde }
    geindiceerdZorgzwaartepakket { geindiceerdZorgzwaartepakketID zzpCode ingangsdatum einddatum
      voorkeurClient instellingVoorkeur financiering commentaar }
    beperking { beperkingID categorie duur commentaar
      beperkingScore { beperkingScoreID beperkingVraag beperkingScore commentaar } }
    stoornis { stoornisID grondslag diagnoseCodelijst diagnoseSubCodelijst ziektebeeldStoornis
      prognose commentaar }
    stoornisScore { stoornisScoreID stoornisVraag stoornisScore commentaar }
    wzd { wzdID wzdVerklaring ingangsdatum einddatum }
    client { clientID bsn geheimeClient geboorteDatum geslacht geslachtsnaam voornamen
      voorletters naamGebruik
      contactGegevens { contactGegevensID clientID contactPersoonID
        adres { adresID adresSoort straatnaam huisnummer postcode plaatsnaam landCode ingangsdatum einddatum }
        telefoon { telefoonID telefoonnummer ingangsdatum }
        email { emailID emailadres ingangsdatum } }
      contactPersoon { contactPersoonID relatieNummer volgorde soortRelatie ingangsdatum einddatum clientID
        contactGegevens { contactGegevensID telefoon { telefoonnummer } } } }
  }
}
"""

REGISTREER = """
mutation($i: WlzIndicatieInput!) {
  registreerWlzIndicatie(indicatie: $i) {
    geslaagd versie fouten { veld code melding }
    wlzIndicatie { wlzindicatieID initieelVerantwoordelijkZorgkantoor client { bsn } }
  }
}
"""


def indicatie_json(**overrides: Any) -> dict[str, Any]:
    return {
        "bsn": "111222333",
        "besluitnummer": 4711,
        "soortWlzindicatie": "1",
        "afgiftedatum": "2026-03-01",
        "ingangsdatum": "2026-03-01",
        "meerzorg": "2",
        "grondslag": [{"grondslag": "02", "volgorde": 1}],
        "geindiceerdZorgzwaartepakket": [
            {"zzpCode": "755", "ingangsdatum": "2026-03-01", "financiering": "1"}
        ],
        "beperking": [
            {
                "categorie": "3",
                "beperkingScore": [{"beperkingVraag": "0301", "beperkingScore": "2"}],
            }
        ],
        "stoornis": [{"grondslag": "02", "diagnoseCodelijst": "014", "ziektebeeldStoornis": "F03"}],
        "stoornisScore": [{"stoornisVraag": "0101", "stoornisScore": "1"}],
        "wzd": {"wzdVerklaring": "2"},
        "client": {
            "bsn": "111222333",
            "geheimeClient": "2",
            "geboorteDatum": "1940-05-01",
            "geslacht": "1",
            "geslachtsnaam": "Visser",
            "voorletters": "J",
            "naamGebruik": "1",
            "contactGegevens": [
                {
                    "adres": {
                        "adresSoort": "01",
                        "straatnaam": "Dorpsstraat",
                        "huisnummer": 3,
                        "postcode": "9711AB",
                        "plaatsnaam": "Groningen",
                        "landCode": "NL",
                        "ingangsdatum": "2000-01-01",
                    }
                },
                {"email": {"emailadres": "j.visser@example.nl", "ingangsdatum": "2020-01-01"}},
            ],
            "contactPersoon": [
                {
                    "relatieNummer": "1",
                    "soortRelatie": "12",
                    "ingangsdatum": "2020-01-01",
                    "contactGegevens": [
                        {"telefoon": {"telefoonnummer": "0612345678", "ingangsdatum": "2020-01-01"}}
                    ],
                }
            ],
        },
        **overrides,
    }


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    engine = create_engine(db_url)
    migrate.upgrade(engine)
    clock = FixedClock(dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.UTC))
    # The register's own behaviour, without nID in front (tests/nid and tests/e2e cover it).
    settings = Settings(database_url=db_url, audit_bsn_key="test-audit-key-0123456789")
    app = create_app(
        settings, engine=engine, clock=clock, guard=OpenGuard(), signing_key=SigningKey.generate()
    )
    with TestClient(app) as c:
        yield c
    engine.dispose()


def gql(
    client: TestClient,
    path: str,
    query: str,
    variables: dict[str, Any] | None = None,
    **headers: str,
) -> Any:
    return client.post(
        path,
        content=json.dumps({"query": query, "variables": variables or {}}),
        headers={"content-type": "application/json", **headers},
    )


def registreer(client: TestClient, data: dict[str, Any]) -> dict[str, Any]:
    r = gql(client, BEHEER, REGISTREER, {"i": data})
    assert r.status_code == 200, r.text
    return r.json()["data"]["registreerWlzIndicatie"]


def test_register_then_query_full_tree(client: TestClient) -> None:
    res = registreer(client, indicatie_json())
    assert res["geslaagd"], res["fouten"]
    wid = res["wlzIndicatie"]["wlzindicatieID"]
    zk = res["wlzIndicatie"]["initieelVerantwoordelijkZorgkantoor"]
    assert zk == "5501"  # Groningen, derived from the plaatsnaam
    r = gql(client, READ, FULL_TREE, {"id": wid, "zk": zk})
    assert r.status_code == 200, r.text
    [ind] = r.json()["data"]["wlzIndicatie"]
    assert ind["wlzindicatieID"] == wid
    assert ind["afgiftedatum"] == "2026-03-01"
    assert ind["geindiceerdZorgzwaartepakket"][0]["zzpCode"] == "755"
    assert ind["beperking"][0]["beperkingScore"][0]["beperkingScore"] == "2"
    assert ind["client"]["contactPersoon"][0]["contactGegevens"][0]["telefoon"] == {
        "telefoonnummer": "0612345678"
    }
    emails = [g["email"] for g in ind["client"]["contactGegevens"] if g["email"]]
    assert emails[0]["emailadres"] == "j.visser@example.nl"


def test_issue_example_query(client: TestClient) -> None:
    wid = registreer(client, indicatie_json())["wlzIndicatie"]["wlzindicatieID"]
    q = (
        '{ wlzIndicatie(where:{wlzindicatieID:{eq:"%s"}}) { wlzindicatieID bsn '
        "client { bsn geslachtsnaam } geindiceerdZorgzwaartepakket { zzpCode } } }" % wid
    )
    r = gql(client, READ, q)
    assert r.json() == {
        "data": {
            "wlzIndicatie": [
                {
                    "wlzindicatieID": wid,
                    "bsn": "111222333",
                    "client": {"bsn": "111222333", "geslachtsnaam": "Visser"},
                    "geindiceerdZorgzwaartepakket": [{"zzpCode": "755"}],
                }
            ]
        }
    }


def test_unknown_id_gives_empty_list(client: TestClient) -> None:
    q = '{ wlzIndicatie(where:{wlzindicatieID:{eq:"3fa85f64-5717-4562-b3fc-2c963f66afa6"}}) { bsn } }'
    assert gql(client, READ, q).json() == {"data": {"wlzIndicatie": []}}


def test_read_endpoint_refuses_mutations(client: TestClient) -> None:
    r = gql(client, READ, REGISTREER, {"i": indicatie_json()})
    assert r.status_code == 400


def test_and_or_not_in_ir_filter(client: TestClient) -> None:
    r = gql(client, READ, '{ wlzIndicatie(where:{and:[{bsn:{eq:"1"}}]}) { bsn } }')
    assert r.status_code == 400
    assert r.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_raadpleegdatum_in_future_is_rejected(client: TestClient) -> None:
    r = gql(client, READ, '{ wlzIndicatie(where:{raadpleegDatum:"2099-01-01"}) { bsn } }')
    assert r.status_code == 400
    assert "raadpleegDatum" in r.json()["errors"][0]["message"]


def test_validation_errors_are_field_level_and_nothing_written(client: TestClient) -> None:
    bad = indicatie_json(bsn="123456789", besluitnummer=0)
    bad["client"]["contactGegevens"][0]["adres"]["postcode"] = "0123XX"
    res = registreer(client, bad)
    assert res["geslaagd"] is False
    assert res["wlzIndicatie"] is None
    velden = {f["veld"]: f["code"] for f in res["fouten"]}
    assert velden["indicatie.bsn"] == "BSN"
    assert velden["indicatie.besluitnummer"] == "BEREIK"
    assert velden["indicatie.client.contactGegevens[0].adres.postcode"] == "POSTCODE"
    r = gql(client, READ, '{ wlzIndicatie(where:{bsn:{eq:"123456789"}}) { bsn } }')
    assert r.json() == {"data": {"wlzIndicatie": []}}


def test_missing_required_input_field_is_400(client: TestClient) -> None:
    data = indicatie_json()
    del data["besluitnummer"]
    r = gql(client, BEHEER, REGISTREER, {"i": data})
    assert r.status_code == 400
    assert "besluitnummer" in r.json()["errors"][0]["message"]


def test_unknown_input_field_is_400(client: TestClient) -> None:
    r = gql(client, BEHEER, REGISTREER, {"i": indicatie_json(onbekend="x")})
    assert r.status_code == 400
    assert "onbekend" in r.json()["errors"][0]["message"]


def test_vervaldatum_and_delete_through_beheer(client: TestClient) -> None:
    wid = registreer(client, indicatie_json())["wlzIndicatie"]["wlzindicatieID"]
    r = gql(
        client,
        BEHEER,
        """mutation($id: UUID!) {
        wijzigVervaldatum(wlzindicatieID: $id, vervaldatum: "2026-09-01", versie: 1) {
          geslaagd versie wlzIndicatie { vervaldatum } } }""",
        {"id": wid},
    )
    out = r.json()["data"]["wijzigVervaldatum"]
    assert out == {"geslaagd": True, "versie": 2, "wlzIndicatie": {"vervaldatum": "2026-09-01"}}
    r = gql(
        client,
        BEHEER,
        """mutation($id: UUID!) {
        verwijderWlzIndicatie(wlzindicatieID: $id, versie: 1) { geslaagd fouten { code } } }""",
        {"id": wid},
    )
    assert r.json()["data"]["verwijderWlzIndicatie"] == {
        "geslaagd": False,
        "fouten": [{"code": "VERSIECONFLICT"}],
    }
    r = gql(
        client,
        BEHEER,
        """mutation($id: UUID!) {
        verwijderWlzIndicatie(wlzindicatieID: $id, versie: 2) { geslaagd } }""",
        {"id": wid},
    )
    assert r.json()["data"]["verwijderWlzIndicatie"] == {"geslaagd": True}
    q = '{ wlzIndicatie(where:{wlzindicatieID:{eq:"%s"}}) { bsn } }' % wid
    assert gql(client, READ, q).json() == {"data": {"wlzIndicatie": []}}


def test_wijzig_through_beheer(client: TestClient) -> None:
    wid = registreer(client, indicatie_json())["wlzIndicatie"]["wlzindicatieID"]
    changed = indicatie_json(commentaar="herindicatie")
    r = gql(
        client,
        BEHEER,
        """mutation($id: UUID!, $i: WlzIndicatieInput!) {
        wijzigWlzIndicatie(wlzindicatieID: $id, indicatie: $i) {
          geslaagd versie wlzIndicatie { commentaar initieelVerantwoordelijkZorgkantoor } } }""",
        {"id": wid, "i": changed},
    )
    assert r.json()["data"]["wijzigWlzIndicatie"] == {
        "geslaagd": True,
        "versie": 2,
        "wlzIndicatie": {
            "commentaar": "herindicatie",
            "initieelVerantwoordelijkZorgkantoor": "5501",
        },
    }


def test_healthz_and_metrics(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["database"] == "ok"
    gql(client, READ, '{ wlzIndicatie(where:{bsn:{eq:"111222333"}}) { bsn } }')
    m = client.get("/metrics")
    assert m.status_code == 200
    assert (
        'iwlz_http_requests_total{method="POST",route="/indicatieregister/graphql",status="200"}'
        in m.text
    )


def test_trace_headers(client: TestClient) -> None:
    trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    r = client.get("/healthz", headers={"X-B3-TraceId": trace})
    assert r.headers["X-B3-TraceId"] == trace
    assert len(r.headers["X-B3-SpanId"]) == 16
    r = client.get("/healthz", headers={"X-B3-TraceId": "nonsense"})
    assert r.headers["X-B3-TraceId"] != "nonsense" and len(r.headers["X-B3-TraceId"]) == 32


class BrokenPolicyGuard(OpenGuard):
    """Allows everything, as a buggy policy would, but passes the caller's claims on."""

    async def check_operation(self, request: Any, operation: Any) -> None:
        operation.state["claims"] = {"uzovi": "5501", "agb": None}


def test_register_refuses_foreign_identity_arguments_even_if_policy_allows(db_url: str) -> None:
    engine = create_engine(db_url)
    migrate.upgrade(engine)
    clock = FixedClock(dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.UTC))
    settings = Settings(database_url=db_url, audit_bsn_key="test-audit-key-0123456789")
    app = create_app(
        settings,
        engine=engine,
        clock=clock,
        guard=BrokenPolicyGuard(),
        signing_key=SigningKey.generate(),
    )
    with TestClient(app) as c:
        res = registreer(c, indicatie_json())
        wid = res["wlzIndicatie"]["wlzindicatieID"]
        q = """query($id: UUID!, $zk: String!) { wlzIndicatie(where: {wlzindicatieID: {eq: $id},
               initieelVerantwoordelijkZorgkantoor: {eq: $zk}}) { bsn } }"""
        r = gql(c, READ, q, {"id": wid, "zk": "5501"})  # Groningen: the caller's own
        assert r.json() == {"data": {"wlzIndicatie": [{"bsn": "111222333"}]}}
        r = gql(c, READ, q, {"id": wid, "zk": "5502"})
        assert r.status_code == 403
        assert r.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        r = gql(c, READ, '{ wlzIndicatie(where: {agbCodeInstelling: {eq: "12345678"}}) { bsn } }')
        assert r.status_code == 403
    engine.dispose()
