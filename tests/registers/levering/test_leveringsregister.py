"""Leveringsregister foundation: storage, tenant isolation, validation, events, read API."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from graphql import GraphQLObjectType, graphql_sync

from iwlz.core.clock import FixedClock
from iwlz.core.events import domain_event
from iwlz.core.metadata import metadata
from iwlz.registers.levering import models as m
from iwlz.registers.levering.api import FILTERS, build_read_schema
from iwlz.registers.levering.service import Leveringsregister

ZA_A, ZA_B = "12345678", "87654321"
ZK_V, ZK_U = "5501", "5502"
NOW = dt.datetime(2025, 8, 1, 10, 0, tzinfo=dt.UTC)
SCHEMA = build_read_schema()


@pytest.fixture
def lr(db_url: str) -> Iterator[Leveringsregister]:
    engine = sa.create_engine(db_url)
    metadata.create_all(engine, tables=[*m.TABLES, domain_event])
    yield Leveringsregister(engine, clock=FixedClock(NOW))
    engine.dispose()


def verzoek(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "verzoekID": uuid.uuid4(),
        "verzoekdatum": dt.date(2025, 7, 1),
        "product": "754",
        "toewijzingSoort": "1",
        "leveringsvorm": "4",
        "volume": 2.5,
        "eenheid": "14",
        "frequentie": "2",
        "doelmatig": "J",
        "verzoekAanbieders": [
            {
                "aanbieder": ZA_B,
                "toewijzingIngangsdatum": dt.date(2025, 9, 1),
                "toewijzingPercentage": 60,
                "regiehouder": "N",
            }
        ],
    }
    data.update(overrides)
    return data


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
                "einddatum": dt.date(2025, 3, 31),
                "vaststellingMoment": NOW,
                "beeindigingReden": "01",
                "aanbiederBestemming": ZA_B,
                "behandelingperiodes": [
                    {"ingangsdatum": dt.date(2025, 2, 1), "einddatum": dt.date(2025, 2, 28)}
                ],
            },
            {"ingangsdatum": dt.date(2025, 5, 1), "sleuteldatum": dt.date(2025, 4, 20)},
        ],
        "uitstelperiodes": [
            {
                "ingangsdatum": dt.date(2025, 4, 1),
                "einddatum": dt.date(2025, 4, 30),
                "reden": "02",
                "leveringsstatus": "1",
                "leveringsstatusClassificatie": "11",
            }
        ],
        "verzoeken": [verzoek()],
    }
    data.update(overrides)
    return data


def gql(lr: Leveringsregister, agb: str, query: str, **variables: Any) -> dict[str, Any]:
    result = graphql_sync(
        SCHEMA,
        query,
        variable_values=variables,
        context_value={"leveringsregister": lr, "aanbieder": agb},
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


FULL = """
query($b: UUID!) {
  levering(where: {bemiddelingspecificatieID: {eq: $b}}) {
    leveringID bemiddelingspecificatieID
    client { bsn leveringen { leveringID } }
    leveringperiodes { ingangsdatum einddatum sleuteldatum vaststellingMoment beeindigingReden
      aanbiederBestemming behandelingperiodes { ingangsdatum einddatum
        leveringperiode { ingangsdatum } }
      levering { leveringID } }
    uitstelperiodes { reden leveringsstatus leveringsstatusClassificatie einddatum }
    afstel { afstelID }
    verzoeken { product volume doelmatig toeslagreden
      verzoekAanbieders { aanbieder toewijzingPercentage regiehouder verzoek { product } } }
  }
}
"""


def test_full_round_trip(lr: Leveringsregister) -> None:
    data = levering()
    uitkomst = lr.registreer_levering(ZA_A, data)
    assert uitkomst.geslaagd, uitkomst.fouten
    assert uitkomst.id == data["leveringID"]
    out = gql(lr, ZA_A, FULL, b=str(data["bemiddelingspecificatieID"]))["levering"]
    assert len(out) == 1
    lev = out[0]
    assert lev["client"] == {"bsn": "999993653", "leveringen": [{"leveringID": str(uitkomst.id)}]}
    p1, p2 = sorted(lev["leveringperiodes"], key=lambda p: p["ingangsdatum"])
    assert p1["einddatum"] == "2025-03-31"
    assert p1["aanbiederBestemming"] == ZA_B
    assert p1["behandelingperiodes"] == [
        {
            "ingangsdatum": "2025-02-01",
            "einddatum": "2025-02-28",
            "leveringperiode": {"ingangsdatum": "2025-01-01"},
        }
    ]
    assert p1["levering"] == {"leveringID": str(uitkomst.id)}
    # A missing vaststellingMoment is the registration moment.
    assert p2["vaststellingMoment"].startswith("2025-08-01T10:00:00")
    assert p2["sleuteldatum"] == "2025-04-20"
    assert p2["behandelingperiodes"] == []
    assert lev["uitstelperiodes"] == [
        {
            "reden": "02",
            "leveringsstatus": "1",
            "leveringsstatusClassificatie": "11",
            "einddatum": "2025-04-30",
        }
    ]
    assert lev["afstel"] is None
    assert lev["verzoeken"] == [
        {
            "product": "754",
            "volume": 2.5,
            "doelmatig": "J",
            "toeslagreden": None,
            "verzoekAanbieders": [
                {
                    "aanbieder": ZA_B,
                    "toewijzingPercentage": 60,
                    "regiehouder": "N",
                    "verzoek": {"product": "754"},
                }
            ],
        }
    ]


def test_writes_on_an_existing_levering(lr: Leveringsregister) -> None:
    data = levering(leveringperiodes=[], uitstelperiodes=[], verzoeken=[])
    lid = lr.registreer_levering(ZA_A, data).id
    assert lid is not None
    periode = lr.registreer_leveringperiode(ZA_A, lid, {"ingangsdatum": dt.date(2025, 1, 1)})
    assert periode.geslaagd and periode.id is not None
    behandeling = lr.registreer_behandelingperiode(
        ZA_A, periode.id, {"ingangsdatum": dt.date(2025, 1, 5)}
    )
    assert behandeling.geslaagd, behandeling.fouten
    uitstel = lr.registreer_uitstelperiode(
        ZA_A,
        lid,
        {
            "ingangsdatum": dt.date(2024, 12, 1),
            "reden": "01",
            "leveringsstatus": "1",
            "leveringsstatusClassificatie": "11",
        },
    )
    assert uitstel.geslaagd, uitstel.fouten
    assert lr.registreer_verzoek(ZA_A, lid, verzoek()).geslaagd
    q = """query($id: UUID!) { levering(where: {leveringID: {eq: $id}}) {
        leveringperiodes { behandelingperiodes { ingangsdatum } } uitstelperiodes { reden }
        verzoeken { verzoekAanbieders { aanbieder } } } }"""
    lev = gql(lr, ZA_A, q, id=str(lid))["levering"][0]
    assert lev["leveringperiodes"] == [{"behandelingperiodes": [{"ingangsdatum": "2025-01-05"}]}]
    assert lev["uitstelperiodes"] == [{"reden": "01"}]
    assert lev["verzoeken"] == [{"verzoekAanbieders": [{"aanbieder": ZA_B}]}]
    # A second levering for the same bemiddelingspecificatie is refused.
    again = lr.registreer_levering(
        ZA_A, levering(bemiddelingspecificatieID=data["bemiddelingspecificatieID"])
    )
    assert [f.code for f in again.fouten] == ["BESTAAT"]
    missing = lr.registreer_uitstelperiode(ZA_A, uuid.uuid4(), {})
    assert {f.code for f in missing.fouten} == {"VERPLICHT"}
    missing = lr.registreer_leveringperiode(
        ZA_A, uuid.uuid4(), {"ingangsdatum": dt.date(2025, 1, 1)}
    )
    assert [f.code for f in missing.fouten] == ["NIET_GEVONDEN"]


def test_at_most_one_afstel(lr: Leveringsregister) -> None:
    data = levering(afstel={"afsteldatum": dt.date(2025, 7, 1), "reden": "03"})
    lid = lr.registreer_levering(ZA_A, data).id
    assert lid is not None
    tweede = lr.registreer_afstel(ZA_A, lid, {"afsteldatum": dt.date(2025, 7, 2), "reden": "03"})
    assert [(f.veld, f.code) for f in tweede.fouten] == [("leveringID", "BESTAAT")]
    other = levering(bsn="111222333")
    other_id = lr.registreer_levering(ZA_A, other).id
    assert other_id is not None
    eerste = lr.registreer_afstel(
        ZA_A,
        other_id,
        {"afsteldatum": dt.date(2025, 7, 2), "reden": "03", "aanbiederBestemming": ZA_B},
    )
    assert eerste.geslaagd, eerste.fouten
    # The database enforces it too.
    with pytest.raises(sa.exc.IntegrityError), lr.engine.begin() as conn:
        conn.execute(
            m.afstel.insert().values(
                afstelID=uuid.uuid4(),
                aanbieder=ZA_A,
                leveringID=other_id,
                afsteldatum=dt.date(2025, 7, 3),
                vaststellingMoment=NOW,
                reden="03",
                geregistreerdOp=NOW,
                gewijzigdOp=NOW,
            )
        )
    out = gql(lr, ZA_A, "{ afstel { afsteldatum levering { leveringID } } }")["afstel"]
    assert sorted(a["levering"]["leveringID"] for a in out) == sorted([str(lid), str(other_id)])


def test_tenant_isolation(lr: Leveringsregister) -> None:
    a, b = levering(), levering()
    assert lr.registreer_levering(ZA_A, a).geslaagd
    assert lr.registreer_levering(ZA_B, b).geslaagd
    query = """{ levering { leveringID client { leveringen { leveringID } } }
        leveringperiode { levering { leveringID } } verzoekAanbieder { verzoek { levering { leveringID } } } }"""
    seen = gql(lr, ZA_A, query)
    assert seen["levering"] == [
        {
            "leveringID": str(a["leveringID"]),
            "client": {"leveringen": [{"leveringID": str(a["leveringID"])}]},
        }
    ]
    assert {p["levering"]["leveringID"] for p in seen["leveringperiode"]} == {str(a["leveringID"])}
    assert [v["verzoek"]["levering"]["leveringID"] for v in seen["verzoekAanbieder"]] == [
        str(a["leveringID"])
    ]
    # Asking for B's object by ID from A finds nothing; writes on it fail.
    periode = b["leveringperiodes"][0]["leveringperiodeID"]
    q = "query($id: UUID!) { leveringperiode(where: {leveringperiodeID: {eq: $id}}) { ingangsdatum } }"
    assert gql(lr, ZA_A, q, id=str(periode)) == {"leveringperiode": []}
    assert gql(lr, ZA_B, q, id=str(periode))["leveringperiode"] != []
    for uitkomst in (
        lr.registreer_afstel(
            ZA_A, b["leveringID"], {"afsteldatum": dt.date(2025, 1, 1), "reden": "1"}
        ),
        lr.wijzig_leveringperiode(ZA_A, periode, {"ingangsdatum": dt.date(2025, 1, 1)}),
        lr.registreer_behandelingperiode(ZA_A, periode, {"ingangsdatum": dt.date(2025, 1, 1)}),
    ):
        assert [f.code for f in uitkomst.fouten] == ["NIET_GEVONDEN"]
    # IDs are global: A cannot reuse B's IDs.
    reuse = lr.registreer_levering(
        ZA_A,
        levering(bsn="111222333", verzoeken=[verzoek(verzoekID=b["verzoeken"][0]["verzoekID"])]),
    )
    assert [f.code for f in reuse.fouten] == ["BESTAAT"]
    with lr.engine.connect() as conn:
        assert {r["aanbieder"] for r in lr.zoek(conn, ZA_B, "Levering")} == {ZA_B}
        # The failed write left nothing behind (not even its new client).
        count = conn.execute(sa.select(sa.func.count()).select_from(m.client)).scalar()
        assert count == 2


def test_missing_tenant_is_forbidden(lr: Leveringsregister) -> None:
    result = graphql_sync(
        SCHEMA, "{ levering { leveringID } }", context_value={"leveringsregister": lr}
    )
    assert result.errors and "aanbieder" in result.errors[0].message


def test_validation_errors(lr: Leveringsregister) -> None:
    data = levering(bsn="123456789", bemiddelingspecificatieID="nope", uitvoerendZorgkantoor="55")
    data["leveringperiodes"][0].update(
        einddatum=dt.date(2024, 1, 1),
        vaststellingMoment=dt.datetime(2025, 1, 1),
        aanbiederBestemming="123",
    )
    data["leveringperiodes"][0]["behandelingperiodes"][0]["ingangsdatum"] = None
    data["uitstelperiodes"][0]["reden"] = " "
    data["verzoeken"] = [
        verzoek(
            volume=-1,
            verzoekAanbieders=[
                {
                    "aanbieder": "1",
                    "toewijzingIngangsdatum": dt.date(2025, 1, 1),
                    "toewijzingPercentage": 101,
                    "regiehouder": "J",
                }
            ],
        ),
        verzoek(verzoekAanbieders=[]),
    ]
    data["afstel"] = {"afsteldatum": dt.date(2025, 1, 1)}
    uitkomst = lr.registreer_levering(ZA_A, data)
    codes = {(f.veld, f.code) for f in uitkomst.fouten}
    p = "levering.leveringperiodes[0]"
    assert codes == {
        ("levering.client.bsn", "FORMAAT"),
        ("levering.bemiddelingspecificatieID", "FORMAAT"),
        ("levering.uitvoerendZorgkantoor", "FORMAAT"),
        (f"{p}.einddatum", "DATUMVOLGORDE"),
        (f"{p}.vaststellingMoment", "FORMAAT"),
        (f"{p}.aanbiederBestemming", "FORMAAT"),
        (f"{p}.behandelingperiodes[0].ingangsdatum", "VERPLICHT"),
        ("levering.uitstelperiodes[0].reden", "VERPLICHT"),
        ("levering.verzoeken[0].volume", "BEREIK"),
        ("levering.verzoeken[0].verzoekAanbieders[0].aanbieder", "FORMAAT"),
        ("levering.verzoeken[0].verzoekAanbieders[0].toewijzingPercentage", "BEREIK"),
        ("levering.verzoeken[1].verzoekAanbieders", "VERPLICHT"),
        ("levering.afstel.reden", "VERPLICHT"),
    }
    assert {
        (f.veld, f.code)
        for f in lr.registreer_levering(ZA_A, {"bemiddelingspecificatieID": uuid.uuid4()}).fouten
    } == {
        ("levering.verantwoordelijkZorgkantoor", "VERPLICHT"),
        ("levering.uitvoerendZorgkantoor", "VERPLICHT"),
        ("levering.client", "VERPLICHT"),
    }
    with lr.engine.connect() as conn:
        for table in (m.client, m.levering, domain_event):
            assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 0


def test_filters(lr: Leveringsregister) -> None:
    data = levering()
    assert lr.registreer_levering(ZA_A, data).geslaagd
    assert lr.registreer_levering(ZA_A, levering(bsn="111222333", verzoeken=[])).geslaagd
    q = """{ leveringperiode(where: {einddatum: {eq: null}}) { ingangsdatum }
             bounded: leveringperiode(where: {ingangsdatum: {or: [{lt: "2025-02-01"}, {gte: "2025-06-01"}]},
               beeindigingReden: {eq: "01"}}) { ingangsdatum } }"""
    out = gql(lr, ZA_A, q)
    assert out["leveringperiode"] == [{"ingangsdatum": "2025-05-01"}] * 2
    assert out["bounded"] == [{"ingangsdatum": "2025-01-01"}] * 2
    lid = str(data["leveringID"])
    q = """query($l: UUID!) { levering(where: {leveringID: {eq: $l}}) {
        leveringperiodes(where: {ingangsdatum: {gt: "2025-04-01"}}) { ingangsdatum }
        alle: leveringperiodes { ingangsdatum } } }"""
    lev = gql(lr, ZA_A, q, l=lid)["levering"][0]
    assert lev["leveringperiodes"] == [{"ingangsdatum": "2025-05-01"}]
    assert len(lev["alle"]) == 2
    q = """query($l: UUID!) { verzoek(where: {leveringID: {eq: $l}, volume: {gte: 2, lt: 3}}) { product }
        verzoekAanbieder(where: {toewijzingPercentage: {gt: 59.5}, aanbieder: {eq: "87654321"}}) { toewijzingPercentage }
        uitstelperiode(where: {leveringID: {eq: $l}, vaststellingMoment: {lte: "2025-08-01T12:00:00+02:00"}}) { reden }
        none: uitstelperiode(where: {vaststellingMoment: {lt: "2025-08-01T12:00:00+02:00"}}) { reden }
        afstel(where: {leveringID: {eq: $l}}) { afstelID } }"""
    out = gql(lr, ZA_A, q, l=lid)
    assert out["verzoek"] == [{"product": "754"}]
    assert out["verzoekAanbieder"] == [{"toewijzingPercentage": 60}]
    assert out["uitstelperiode"] == [{"reden": "02"}]
    assert out["none"] == []
    assert out["afstel"] == []
    cid = gql(lr, ZA_A, "{ levering { client { clientID } } }")["levering"][0]["client"]["clientID"]
    q = "query($c: UUID!) { levering(where: {clientID: {eq: $c}}) { client { bsn } } }"
    assert len(gql(lr, ZA_A, q, c=cid)["levering"]) == 1
    # No entity-level and/or and no relation keys in LR filters (§0.5, §3.3).
    for bad in (
        "{ levering(where: {or: [{leveringID: {eq: null}}]}) { leveringID } }",
        "{ leveringperiode(where: {levering: {leveringID: {eq: null}}}) { ingangsdatum } }",
        '{ verzoekAanbieder(where: {aanbieder: {neq: "1"}}) { aanbieder } }',
        "{ levering(order: [{leveringID: ASC}]) { leveringID } }",
    ):
        result = graphql_sync(
            SCHEMA, bad, context_value={"leveringsregister": lr, "aanbieder": ZA_A}
        )
        assert result.errors, bad


def test_binding_to_the_levering(lr: Leveringsregister) -> None:
    """QLR-0006 style: the period is returned only if its Levering has bspec B."""
    data, other = levering(), levering(bsn="111222333")
    assert lr.registreer_levering(ZA_A, data).geslaagd
    assert lr.registreer_levering(ZA_A, other).geslaagd
    q = """query($p: UUID!, $b: UUID!) { leveringperiode(where: {leveringperiodeID: {eq: $p}}) {
        ingangsdatum levering(where: {bemiddelingspecificatieID: {eq: $b}}) { leveringID } } }"""
    pid = str(data["leveringperiodes"][0]["leveringperiodeID"])
    out = gql(lr, ZA_A, q, p=pid, b=str(data["bemiddelingspecificatieID"]))
    assert out["leveringperiode"] == [
        {"ingangsdatum": "2025-01-01", "levering": {"leveringID": str(data["leveringID"])}}
    ]
    out = gql(lr, ZA_A, q, p=pid, b=str(other["bemiddelingspecificatieID"]))
    assert out["leveringperiode"] == []


def test_events_in_same_transaction(lr: Leveringsregister) -> None:
    seen: list[tuple[str, int]] = []

    def hook(conn: sa.Connection, event: Any) -> None:
        # Runs in the write's transaction: the rows are already visible here.
        count = conn.execute(sa.select(sa.func.count()).select_from(m.leveringperiode)).scalar()
        seen.append((event.event_type, int(count or 0)))

    lr.event_hooks.append(hook)
    data = levering()
    assert lr.registreer_levering(ZA_A, data).geslaagd
    assert [e for e, _ in seen] == [
        "LeveringGeregistreerd",
        "LeveringperiodeGeregistreerd",
        "BehandelingperiodeGeregistreerd",
        "LeveringperiodeGeregistreerd",
        "UitstelperiodeGeregistreerd",
        "VerzoekGeregistreerd",
        "VerzoekAanbiederGeregistreerd",
    ]
    assert all(n == 2 for _, n in seen)
    periode = {k: v for k, v in data["leveringperiodes"][0].items() if k != "behandelingperiodes"}
    pid = periode["leveringperiodeID"]
    gewijzigd = lr.wijzig_leveringperiode(
        ZA_A, pid, {**periode, "einddatum": dt.date(2025, 4, 30)}, versie=1
    )
    assert gewijzigd.versie == 2, gewijzigd.fouten
    stale = lr.wijzig_leveringperiode(ZA_A, pid, periode, versie=1)
    assert [f.code for f in stale.fouten] == ["VERSIECONFLICT"]
    assert lr.registreer_afstel(
        ZA_A, data["leveringID"], {"afsteldatum": dt.date(2025, 5, 1), "reden": "01"}
    ).geslaagd
    with lr.engine.connect() as conn:
        rows = conn.execute(sa.select(domain_event).order_by(domain_event.c.id)).mappings().all()
    assert {r["register"] for r in rows} == {"leveringsregister"}
    assert {r["tenant"] for r in rows} == {ZA_A}
    bspec = str(data["bemiddelingspecificatieID"])
    assert {r["payload"]["bemiddelingspecificatieID"] for r in rows} == {bspec}
    assert {r["payload"]["leveringID"] for r in rows} == {str(data["leveringID"])}
    nieuw = next(r for r in rows if r["event_type"] == "LeveringperiodeGeregistreerd")
    assert nieuw["aggregate_type"] == "Leveringperiode"
    assert nieuw["payload"]["leveringperiodeID"] == str(pid)
    assert nieuw["payload"]["ingangsdatum"] == "2025-01-01"
    assert nieuw["payload"]["vaststellingMoment"].startswith("2025-08-01T10:00:00")
    behandeling = next(r for r in rows if r["event_type"] == "BehandelingperiodeGeregistreerd")
    assert behandeling["payload"]["leveringperiodeID"] == str(pid)
    va = next(r for r in rows if r["event_type"] == "VerzoekAanbiederGeregistreerd")
    assert va["payload"]["aanbieder"] == ZA_B  # the addressee; the owner is the tenant
    assert va["payload"]["verzoekID"] == str(data["verzoeken"][0]["verzoekID"])
    wijzig = next(r for r in rows if r["event_type"] == "LeveringperiodeGewijzigd")
    assert wijzig["payload"]["einddatum"] == "2025-04-30"
    assert wijzig["payload"]["vorige"]["einddatum"] == "2025-03-31"
    assert wijzig["payload"]["versie"] == 2
    assert rows[-1]["event_type"] == "AfstelGeregistreerd"
    assert rows[-1]["payload"]["afsteldatum"] == "2025-05-01"


def test_failing_hook_rolls_back(lr: Leveringsregister) -> None:
    def boom(conn: sa.Connection, event: Any) -> None:
        raise RuntimeError("boom")

    lr.event_hooks.append(boom)
    with pytest.raises(RuntimeError):
        lr.registreer_levering(ZA_A, levering())
    with lr.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(m.client)).scalar() == 0


def test_one_query_per_relation_field(lr: Leveringsregister) -> None:
    for bsn in ("999993653", "111222333", "123456782"):
        assert lr.registreer_levering(ZA_A, levering(bsn=bsn)).geslaagd
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    sa.event.listen(lr.engine, "before_cursor_execute", count)
    try:
        out = gql(
            lr,
            ZA_A,
            """{ levering { client { bsn } leveringperiodes { behandelingperiodes { ingangsdatum } }
                 verzoeken { verzoekAanbieders { aanbieder } } afstel { reden } } }""",
        )
    finally:
        sa.event.remove(lr.engine, "before_cursor_execute", count)
    assert len(out["levering"]) == 3
    # levering, client, leveringperiodes, behandelingperiodes, verzoeken, verzoekAanbieders, afstel
    assert len(statements) == 7


def test_schema_names_follow_the_standard() -> None:
    def keys(name: str) -> set[str]:
        return set(SCHEMA.type_map[name].fields)  # type: ignore[attr-defined]

    assert keys("Query") == {
        "levering",
        "leveringperiode",
        "uitstelperiode",
        "afstel",
        "verzoek",
        "verzoekAanbieder",
    }
    assert keys("LeveringFilterInput") == {"leveringID", "bemiddelingspecificatieID", "clientID"}
    assert keys("VerzoekAanbiederFilterInput") == {
        "verzoekAanbiederID",
        "verzoekID",
        "aanbieder",
        "toewijzingIngangsdatum",
        "toewijzingEinddatum",
        "toewijzingPercentage",
        "opname",
        "regiehouder",
    }
    assert keys("UuidOperationFilterInput") == {"eq"}
    assert keys("StringOperationFilterInput") == {"and", "or", "eq"}
    assert keys("FloatOperationFilterInput") == {"and", "or", "eq", "lt", "lte", "gt", "gte"}
    # Every filter key of the SDL is known to the compiler, and vice versa.
    for entity in (
        "Levering",
        "Leveringperiode",
        "Uitstelperiode",
        "Afstel",
        "Verzoek",
        "VerzoekAanbieder",
    ):
        assert keys(f"{entity}FilterInput") == set(FILTERS[entity].fields), entity
        assert FILTERS[entity].and_or is False
    query, verzoek_type = SCHEMA.type_map["Query"], SCHEMA.type_map["Verzoek"]
    assert isinstance(query, GraphQLObjectType) and isinstance(verzoek_type, GraphQLObjectType)
    assert str(query.fields["levering"].type) == "[Levering!]"
    assert str(verzoek_type.fields["verzoekAanbieders"].type) == "[VerzoekAanbieder!]!"
    assert "BehandelingPeriode" in SCHEMA.type_map
    for entity, table in (("Client", m.client), ("VerzoekAanbieder", m.verzoek_aanbieder)):
        scalars = set(m.field_keys(table))
        assert scalars - {"verzoekID"} <= keys(entity)
