"""Bemiddelingsregister foundation: storage, tenant isolation, validation, events, read API."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from graphql import graphql_sync

from iwlz.core.clock import FixedClock
from iwlz.core.events import domain_event
from iwlz.core.metadata import metadata
from iwlz.registers.bemiddeling import models as m
from iwlz.registers.bemiddeling.api import build_read_schema
from iwlz.registers.bemiddeling.service import Bemiddelingsregister

ZK_A, ZK_B = "5501", "5502"
NOW = dt.datetime(2025, 8, 1, 10, 0, tzinfo=dt.UTC)
SCHEMA = build_read_schema()


@pytest.fixture
def br(db_url: str) -> Iterator[Bemiddelingsregister]:
    engine = sa.create_engine(db_url)
    metadata.create_all(engine, tables=[*m.TABLES, domain_event])
    yield Bemiddelingsregister(engine, clock=FixedClock(NOW))
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


def bemiddeling(bsn: str = "999993653", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "bemiddelingID": uuid.uuid4(),
        "wlzIndicatieID": uuid.uuid4(),
        "verantwoordelijkheidIngangsdatum": dt.date(2025, 1, 1),
        "client": {
            "bsn": bsn,
            "leefeenheid": "1",
            "huisarts": "01234567",
            "communicatievorm": "1",
            "taal": "nl",
            "contactgegevens": [
                {"adressoort": "01", "postcode": "1234AB", "ingangsdatum": dt.date(2024, 1, 1)}
            ],
            "contactpersoon": [
                {
                    "relatienummer": "1",
                    "soortRelatie": "10",
                    "geslachtsnaam": "Jansen",
                    "ingangsdatum": dt.date(2024, 1, 1),
                    "contactgegevens": [
                        {
                            "adressoort": "01",
                            "emailadres": "a@b.nl",
                            "ingangsdatum": dt.date(2024, 1, 1),
                        }
                    ],
                }
            ],
        },
        "bemiddelingspecificatie": [
            bspec(),
            bspec(
                instelling="87654321",
                toewijzingIngangsdatum=dt.date(2024, 1, 1),
                toewijzingEinddatum=dt.date(2024, 12, 31),
            ),
        ],
        "regiehouder": [
            {"instelling": "12345678", "ingangsdatum": dt.date(2025, 1, 1), "regierol": "1"}
        ],
    }
    data.update(overrides)
    return data


def gql(br: Bemiddelingsregister, zk: str, query: str, **variables: Any) -> dict[str, Any]:
    result = graphql_sync(
        SCHEMA,
        query,
        variable_values=variables,
        context_value={"bemiddelingsregister": br, "zorgkantoor": zk},
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


FULL = """
query($id: UUID!) {
  bemiddeling(where: {bemiddelingID: {eq: $id}}) {
    bemiddelingID wlzIndicatieID verantwoordelijkZorgkantoor verantwoordelijkheidIngangsdatum
    client { bsn leefeenheid huisarts communicatievorm taal
      contactgegevens { postcode adressoort ingangsdatum }
      contactpersoon { geslachtsnaam soortRelatie contactgegevens { emailadres } }
      bemiddeling { bemiddelingID } }
    bemiddelingspecificatie(order: [{toewijzingIngangsdatum: ASC}]) {
      instelling toewijzingIngangsdatum vaststellingMoment pgbPercentage
      bemiddeling { bemiddelingID } overdrachtspecificatie { leveringsstatus } }
    regiehouder { instelling regierol }
    overdracht { overdrachtID }
  }
}
"""


def test_full_round_trip(br: Bemiddelingsregister) -> None:
    data = bemiddeling()
    uitkomst = br.registreer_bemiddeling(ZK_A, data)
    assert uitkomst.geslaagd, uitkomst.fouten
    out = gql(br, ZK_A, FULL, id=str(data["bemiddelingID"]))["bemiddeling"]
    assert len(out) == 1
    b = out[0]
    assert b["verantwoordelijkZorgkantoor"] == ZK_A
    assert b["client"]["bsn"] == "999993653"
    assert b["client"]["contactgegevens"] == [
        {"postcode": "1234AB", "adressoort": "01", "ingangsdatum": "2024-01-01"}
    ]
    assert b["client"]["contactpersoon"][0]["contactgegevens"] == [{"emailadres": "a@b.nl"}]
    assert b["client"]["bemiddeling"] == [{"bemiddelingID": str(data["bemiddelingID"])}]
    assert [s["instelling"] for s in b["bemiddelingspecificatie"]] == ["87654321", "12345678"]
    assert b["bemiddelingspecificatie"][0]["bemiddeling"]["bemiddelingID"] == str(
        data["bemiddelingID"]
    )
    assert b["regiehouder"] == [{"instelling": "12345678", "regierol": "1"}]
    assert b["overdracht"] is None


def test_tenant_isolation(br: Bemiddelingsregister) -> None:
    a, b = bemiddeling(), bemiddeling()
    assert br.registreer_bemiddeling(ZK_A, a).geslaagd
    assert br.registreer_bemiddeling(ZK_B, b).geslaagd
    query = "{ bemiddelingspecificatie { bemiddelingspecificatieID bemiddeling { bemiddelingID client { bemiddeling { bemiddelingID } } } } client { bsn } }"
    seen_a = gql(br, ZK_A, query)
    ids_a = {s["bemiddeling"]["bemiddelingID"] for s in seen_a["bemiddelingspecificatie"]}
    assert ids_a == {str(a["bemiddelingID"])}
    # Same BSN, separate client per tenant; nested lists never cross tenants.
    for s in seen_a["bemiddelingspecificatie"]:
        assert s["bemiddeling"]["client"]["bemiddeling"] == [
            {"bemiddelingID": str(a["bemiddelingID"])}
        ]
    assert len(seen_a["client"]) == 1
    # Asking for B's object by ID from A finds nothing; writes on it fail.
    other = str(b["bemiddelingspecificatie"][0]["bemiddelingspecificatieID"])
    q = "query($id: UUID!) { bemiddelingspecificatie(where: {bemiddelingspecificatieID: {eq: $id}}) { instelling } }"
    assert gql(br, ZK_A, q, id=other) == {"bemiddelingspecificatie": []}
    assert gql(br, ZK_B, q, id=other)["bemiddelingspecificatie"] != []
    verwijder = br.verwijder_bemiddelingspecificatie(ZK_A, uuid.UUID(other))
    assert [f.code for f in verwijder.fouten] == ["NIET_GEVONDEN"]
    with br.engine.connect() as conn:
        assert {r["zorgkantoor"] for r in br.zoek(conn, ZK_B, "Bemiddeling")} == {ZK_B}


def test_missing_tenant_is_forbidden(br: Bemiddelingsregister) -> None:
    result = graphql_sync(SCHEMA, "{ client { bsn } }", context_value={"bemiddelingsregister": br})
    assert result.errors and "zorgkantoor" in result.errors[0].message


def test_validation_errors(br: Bemiddelingsregister) -> None:
    data = bemiddeling(bsn="123456789", verantwoordelijkZorgkantoor=ZK_B)
    data["bemiddelingspecificatie"] = [
        bspec(
            leveringsvorm="X",
            toewijzingEinddatum=dt.date(2024, 1, 1),
            zzpCode=None,
            vaststellingMoment=dt.datetime(2025, 1, 1),
            percentage=101,
        )
    ]
    uitkomst = br.registreer_bemiddeling(ZK_A, data)
    codes = {(f.veld, f.code) for f in uitkomst.fouten}
    p = "bemiddeling.bemiddelingspecificatie[0]"
    assert codes >= {
        ("bemiddeling.client.bsn", "FORMAAT"),
        ("bemiddeling.verantwoordelijkZorgkantoor", "ONGELIJK"),
        (f"{p}.leveringsvorm", "CODELIJST"),
        (f"{p}.toewijzingEinddatum", "DATUMVOLGORDE"),
        (f"{p}.zzpCode", "VERPLICHT"),
        (f"{p}.vaststellingMoment", "FORMAAT"),
        (f"{p}.percentage", "BEREIK"),
    }
    with br.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(m.bemiddeling)).scalar() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(domain_event)).scalar() == 0


def test_filters_and_sorts(br: Bemiddelingsregister) -> None:
    data = bemiddeling()
    assert br.registreer_bemiddeling(ZK_A, data).geslaagd
    q = """{ bemiddelingspecificatie(where: {or: [{toewijzingEinddatum: {eq: null}},
              {toewijzingEinddatum: {gte: "2025-01-01"}}], instelling: {startsWith: "123"}})
            { instelling } }"""
    assert gql(br, ZK_A, q) == {"bemiddelingspecificatie": [{"instelling": "12345678"}]}
    q = """{ bemiddeling { bemiddelingspecificatie(where: {toewijzingIngangsdatum: {ngt: "2024-06-01"}}) { instelling }
              desc: bemiddelingspecificatie(order: [{instelling: DESC}]) { instelling } } }"""
    b = gql(br, ZK_A, q)["bemiddeling"][0]
    assert b["bemiddelingspecificatie"] == [{"instelling": "87654321"}]
    assert [s["instelling"] for s in b["desc"]] == ["87654321", "12345678"]
    q = """{ client(where: {bemiddeling: {some: {bemiddelingspecificatie: {some: {instelling: {eq: "87654321"}}}}},
              regiehouder: {any: true}}) { bsn } }"""
    assert gql(br, ZK_A, q) == {"client": [{"bsn": "999993653"}]}
    q = '{ regiehouder(where: {client: {bsn: {eq: "000000000"}}}) { instelling } }'
    assert gql(br, ZK_A, q) == {"regiehouder": []}


def test_events_in_same_transaction(br: Bemiddelingsregister) -> None:
    seen: list[tuple[str, int]] = []

    def hook(conn: sa.Connection, event: Any) -> None:
        # Runs in the write's transaction: the rows are already visible here.
        count = conn.execute(
            sa.select(sa.func.count()).select_from(m.bemiddelingspecificatie)
        ).scalar()
        seen.append((event.event_type, int(count or 0)))

    br.event_hooks.append(hook)
    data = bemiddeling()
    assert br.registreer_bemiddeling(ZK_A, data).geslaagd
    assert [e for e, _ in seen] == [
        "BemiddelingGeregistreerd",
        "BemiddelingspecificatieGeregistreerd",
        "BemiddelingspecificatieGeregistreerd",
        "RegiehouderGeregistreerd",
    ]
    assert all(n == 2 for _, n in seen)
    spec = data["bemiddelingspecificatie"][0]
    sid = spec["bemiddelingspecificatieID"]
    gewijzigd = br.wijzig_bemiddelingspecificatie(
        ZK_A, sid, {**spec, "instelling": "11112222"}, versie=1
    )
    assert gewijzigd.versie == 2
    stale = br.wijzig_bemiddelingspecificatie(ZK_A, sid, spec, versie=1)
    assert [f.code for f in stale.fouten] == ["VERSIECONFLICT"]
    overdracht = br.registreer_overdracht(
        ZK_A,
        data["bemiddelingID"],
        {
            "verantwoordelijkZorgkantoor": ZK_B,
            "overdrachtDatum": dt.date(2025, 9, 1),
            "verhuisDatum": dt.date(2025, 8, 15),
            "overdrachtspecificatie": [{"bemiddelingspecificatieID": sid, "leveringsstatus": "4"}],
        },
    )
    assert overdracht.geslaagd, overdracht.fouten
    assert br.verwijder_bemiddelingspecificatie(ZK_A, sid).geslaagd
    with br.engine.connect() as conn:
        rows = conn.execute(sa.select(domain_event).order_by(domain_event.c.id)).mappings().all()
    assert {r["register"] for r in rows} == {"bemiddelingsregister"}
    assert {r["tenant"] for r in rows} == {ZK_A}
    wijzig = next(r for r in rows if r["event_type"] == "BemiddelingspecificatieGewijzigd")
    assert wijzig["payload"]["instelling"] == "11112222"
    assert wijzig["payload"]["vorige"]["instelling"] == "12345678"
    assert wijzig["payload"]["uitvoerendZorgkantoor"] == ZK_A
    assert wijzig["payload"]["toewijzingIngangsdatum"] == "2025-01-01"
    ov = next(r for r in rows if r["event_type"] == "OverdrachtGeregistreerd")
    assert ov["payload"]["verantwoordelijkZorgkantoor"] == ZK_B
    assert rows[-1]["event_type"] == "BemiddelingspecificatieVerwijderd"
    out = gql(
        br,
        ZK_A,
        "{ overdracht { verantwoordelijkZorgkantoor overdrachtspecificatie { leveringsstatus } bemiddeling { bemiddelingspecificatie { instelling } } } }",
    )
    assert out["overdracht"][0]["overdrachtspecificatie"] == []
    assert out["overdracht"][0]["bemiddeling"]["bemiddelingspecificatie"] == [
        {"instelling": "87654321"}
    ]


def test_one_overdrachtspecificatie_per_bemiddelingspecificatie(
    br: Bemiddelingsregister,
) -> None:
    data = bemiddeling()
    assert br.registreer_bemiddeling(ZK_A, data).geslaagd
    sid = data["bemiddelingspecificatie"][0]["bemiddelingspecificatieID"]
    twice = [
        {"bemiddelingspecificatieID": sid, "leveringsstatus": "4"},
        {"bemiddelingspecificatieID": sid, "leveringsstatus": "1"},
    ]
    uitkomst = br.registreer_overdracht(
        ZK_A,
        data["bemiddelingID"],
        {
            "verantwoordelijkZorgkantoor": ZK_B,
            "overdrachtDatum": dt.date(2025, 9, 1),
            "verhuisDatum": dt.date(2025, 8, 15),
            "overdrachtspecificatie": twice,
        },
    )
    assert not uitkomst.geslaagd
    assert [(f.veld, f.code) for f in uitkomst.fouten] == [
        ("overdracht.overdrachtspecificatie[1].bemiddelingspecificatieID", "DUBBEL")
    ]
    assert gql(br, ZK_A, "{ overdracht { overdrachtID } }")["overdracht"] == []


def test_failing_hook_rolls_back(br: Bemiddelingsregister) -> None:
    def boom(conn: sa.Connection, event: Any) -> None:
        raise RuntimeError("boom")

    br.event_hooks.append(boom)
    with pytest.raises(RuntimeError):
        br.registreer_bemiddeling(ZK_A, bemiddeling())
    with br.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(m.client)).scalar() == 0


def test_one_query_per_relation_field(br: Bemiddelingsregister) -> None:
    for i in range(3):
        assert br.registreer_bemiddeling(
            ZK_A, bemiddeling(bsn=["999993653", "111222333", "123456782"][i])
        ).geslaagd
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    sa.event.listen(br.engine, "before_cursor_execute", count)
    try:
        out = gql(
            br,
            ZK_A,
            """{ bemiddeling { client { contactpersoon { contactgegevens { emailadres } } }
                 bemiddelingspecificatie { bemiddeling { regiehouder { instelling } } } } }""",
        )
    finally:
        sa.event.remove(br.engine, "before_cursor_execute", count)
    assert len(out["bemiddeling"]) == 3
    # bemiddeling, client, contactpersoon, contactgegevens, bspec, bspec.bemiddeling, regiehouder
    assert len(statements) == 7


def test_schema_names_follow_the_standard() -> None:
    def keys(name: str) -> set[str]:
        return set(SCHEMA.type_map[name].fields)  # type: ignore[attr-defined]

    assert keys("Query") == {
        "client",
        "bemiddeling",
        "bemiddelingspecificatie",
        "overdracht",
        "regiehouder",
    }
    assert "regiehouder" in keys("ClientFilterInput")
    assert not {"regiehouder", "clientID"} & keys("BemiddelingFilterInput")
    assert "client" in keys("RegiehouderFilterInput")
    assert not {"regierol", "bemiddeling"} & keys("RegiehouderFilterInput")
    assert "bemiddelingID" in keys("OverdrachtFilterInput")
    assert "bemiddelingspecificatieID" in keys("OverdrachtspecificatieFilterInput")
    assert "client" in keys("RegiehouderSortInput")
    order = SCHEMA.type_map["Client"].fields["bemiddeling"].args["order"].type  # type: ignore[attr-defined]
    assert str(order) == "[BemiddelingSortInput]"
    assert str(SCHEMA.type_map["Client"].fields["bemiddeling"].type) == "[Bemiddeling!]!"  # type: ignore[attr-defined]
