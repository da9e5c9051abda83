"""Indicatieregister writes and reads on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from iwlz.core.events import domain_event
from iwlz.graphql.filters import compile_where
from iwlz.registers.indicatie import models as m
from iwlz.registers.indicatie.api import FILTERS
from iwlz.registers.indicatie.service import Indicatieregister

from .factories import TODAY, indicatie, with_ids


def _get(ir: Indicatieregister, wid: uuid.UUID, peildatum: dt.date = TODAY) -> dict:
    where = compile_where(FILTERS, "WlzIndicatie", {"wlzindicatieID": {"eq": wid}})
    with ir.engine.connect() as conn:
        found = ir.zoek(conn, where, peildatum=peildatum)
    assert len(found) == 1
    return found[0]


def _count(ir: Indicatieregister, table: sa.Table) -> int:
    with ir.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_registreer_stores_whole_tree_and_derives_zorgkantoor(ir: Indicatieregister) -> None:
    uitkomst = ir.registreer(indicatie())
    assert uitkomst.geslaagd, uitkomst.fouten
    assert uitkomst.versie == 1
    got = _get(ir, uitkomst.wlzindicatieID)
    assert got["initieelVerantwoordelijkZorgkantoor"] == "5515"  # Amsterdam
    assert got["bsn"] == "111222333"
    assert [g["grondslag"] for g in got["grondslag"]] == ["02", "01"]
    assert got["geindiceerdZorgzwaartepakket"][0]["zzpCode"] == "755"
    assert got["beperking"][0]["beperkingScore"][0]["beperkingVraag"] == "0301"
    assert got["beperking"][0]["beperkingScores"] == got["beperking"][0]["beperkingScore"]
    assert got["stoornis"][0]["ziektebeeldStoornis"] == "F03"
    assert got["wzd"]["wzdVerklaring"] == "3"
    client = got["client"]
    assert client["geslachtsnaam"] == "Jansen"
    adres = [g["adres"] for g in client["contactGegevens"] if g["adres"]]
    assert adres[0]["postcode"] == "1017GC"
    # every child carries the deprecated id equal to its functional ID
    assert got["grondslag"][0]["id"] == got["grondslag"][0]["grondslagID"]


def test_registreer_records_domain_event_in_same_transaction(ir: Indicatieregister) -> None:
    uitkomst = ir.registreer(indicatie())
    with ir.engine.connect() as conn:
        rows = conn.execute(sa.select(domain_event)).mappings().all()
    assert len(rows) == 1
    assert rows[0]["event_type"] == "WlzIndicatieGeregistreerd"
    assert rows[0]["aggregate_id"] == uitkomst.wlzindicatieID
    assert rows[0]["payload"]["initieelVerantwoordelijkZorgkantoor"] == "5515"


def test_invalid_input_writes_nothing_and_reports_fields(ir: Indicatieregister) -> None:
    data = indicatie(bsn="123456789", soortWlzindicatie="7")
    data["client"]["bsn"] = "123456789"
    data["geindiceerdZorgzwaartepakket"][0]["zzpCode"] = "761"
    data["geindiceerdZorgzwaartepakket"][0]["ingangsdatum"] = dt.date(2026, 2, 1)
    uitkomst = ir.registreer(data)
    assert not uitkomst.geslaagd
    velden = {(f.veld, f.code) for f in uitkomst.fouten}
    assert ("indicatie.bsn", "BSN") in velden
    assert ("indicatie.soortWlzindicatie", "CODELIJST") in velden
    assert ("indicatie.geindiceerdZorgzwaartepakket[0].zzpCode", "CODELIJST") in velden
    assert ("indicatie.geindiceerdZorgzwaartepakket[0].ingangsdatum", "DATUMVOLGORDE") in velden
    assert _count(ir, m.wlz_indicatie) == 0
    assert _count(ir, domain_event) == 0


def test_unknown_address_needs_gemeentecode(ir: Indicatieregister) -> None:
    data = indicatie()
    adres = data["client"]["contactGegevens"][0]["adres"]
    adres["gemeentecode"] = None
    adres["plaatsnaam"] = "Nergensdorp"
    uitkomst = ir.registreer(data)
    assert [f.code for f in uitkomst.fouten] == ["ZORGKANTOOR_ONBEKEND"]
    assert "gemeentecode" in uitkomst.fouten[0].melding


def test_verblijfadres_used_without_brp_address(ir: Indicatieregister) -> None:
    data = indicatie()
    adres = data["client"]["contactGegevens"][0]["adres"]
    adres.update(adresSoort="03", gemeentecode="0599", plaatsnaam="Rotterdam", postcode="3011AA")
    uitkomst = ir.registreer(data)
    assert uitkomst.geslaagd, uitkomst.fouten
    assert _get(ir, uitkomst.wlzindicatieID)["initieelVerantwoordelijkZorgkantoor"] == "5521"


def test_duplicate_id_is_rejected(ir: Indicatieregister) -> None:
    data = with_ids(indicatie())
    assert ir.registreer(data).geslaagd
    again = ir.registreer(data)
    assert [f.code for f in again.fouten] == ["BESTAAT"]
    assert _count(ir, m.wlz_indicatie) == 1


def test_wijzig_replaces_content_keeps_ids_and_bumps_version(ir: Indicatieregister) -> None:
    data = with_ids(indicatie())
    wid = ir.registreer(data).wlzindicatieID
    changed = dict(data)
    changed["geindiceerdZorgzwaartepakket"] = [
        dict(data["geindiceerdZorgzwaartepakket"][0], zzpCode="756")
    ]
    changed["stoornisScore"] = []
    uitkomst = ir.wijzig(wid, changed, versie=1)
    assert uitkomst.geslaagd, uitkomst.fouten
    assert uitkomst.versie == 2
    got = _get(ir, wid)
    zzp = got["geindiceerdZorgzwaartepakket"][0]
    assert zzp["zzpCode"] == "756"
    assert (
        zzp["geindiceerdZorgzwaartepakketID"]
        == (data["geindiceerdZorgzwaartepakket"][0]["geindiceerdZorgzwaartepakketID"])
    )
    assert got["stoornisScore"] == []
    assert got["client"]["clientID"] == data["client"]["clientID"]


def test_wijzig_with_stale_version_conflicts(ir: Indicatieregister) -> None:
    wid = ir.registreer(indicatie()).wlzindicatieID
    assert ir.wijzig(wid, indicatie(), versie=1).geslaagd
    stale = ir.wijzig(wid, indicatie(commentaar="x"), versie=1)
    assert [f.code for f in stale.fouten] == ["VERSIECONFLICT"]
    assert _get(ir, wid)["commentaar"] is None


def test_wijzig_unknown_indication(ir: Indicatieregister) -> None:
    uitkomst = ir.wijzig(uuid.uuid4(), indicatie())
    assert [f.code for f in uitkomst.fouten] == ["NIET_GEVONDEN"]


def test_vervaldatum_set_change_remove(ir: Indicatieregister) -> None:
    wid = ir.registreer(indicatie()).wlzindicatieID
    assert ir.wijzig_vervaldatum(wid, dt.date(2026, 9, 1)).geslaagd
    assert _get(ir, wid)["vervaldatum"] == dt.date(2026, 9, 1)
    assert ir.wijzig_vervaldatum(wid, dt.date(2026, 10, 1)).geslaagd
    assert ir.wijzig_vervaldatum(wid, None).geslaagd
    assert _get(ir, wid)["vervaldatum"] is None
    too_early = ir.wijzig_vervaldatum(wid, dt.date(2025, 1, 1))
    assert [f.code for f in too_early.fouten] == ["DATUMVOLGORDE"]
    with ir.engine.connect() as conn:
        events = conn.execute(
            sa.select(domain_event.c.event_type, domain_event.c.payload)
            .where(domain_event.c.event_type == "VervaldatumGewijzigd")
            .order_by(domain_event.c.id)
        ).all()
    assert [e.payload["mutatie"] for e in events] == ["gezet", "gewijzigd", "verwijderd"]


def test_verwijder_removes_everything(ir: Indicatieregister) -> None:
    wid = ir.registreer(indicatie()).wlzindicatieID
    assert ir.verwijder(wid).geslaagd
    for table in (m.wlz_indicatie, *m.CHILD_TABLES):
        assert _count(ir, table) == 0, table.name
    assert [f.code for f in ir.verwijder(wid).fouten] == ["NIET_GEVONDEN"]


def test_contact_window_ira0001a(ir: Indicatieregister) -> None:
    wid = ir.registreer(indicatie(einddatum=dt.date(2026, 12, 31))).wlzindicatieID
    got = _get(ir, wid)
    # contact person 2 ended 2025-12-31: not shown on 2026-06-15
    assert [p["relatieNummer"] for p in got["client"]["contactPersoon"]] == ["1"]
    # after the einddatum (no vervaldatum) no contact data at all
    later = _get(ir, wid, peildatum=dt.date(2027, 1, 1))
    assert later["client"]["contactPersoon"] == []
    assert later["client"]["contactGegevens"] == []
    # a vervaldatum closes the window earlier
    ir.wijzig_vervaldatum(wid, dt.date(2026, 7, 1))
    assert _get(ir, wid, peildatum=dt.date(2026, 7, 2))["client"]["contactGegevens"] == []
    assert _get(ir, wid, peildatum=dt.date(2026, 7, 1))["client"]["contactGegevens"] != []


def test_filter_on_170_keys(ir: Indicatieregister) -> None:
    a = ir.registreer(indicatie()).wlzindicatieID
    b_data = indicatie(bsn="123456782", besluitnummer=99)
    b_data["client"]["bsn"] = "123456782"
    b = ir.registreer(b_data).wlzindicatieID
    where = {
        "bsn": {"eq": "123456782"},
        "besluitnummer": {"eq": 99},
        "afgiftedatum": {"eq": dt.date(2026, 3, 1)},
        "ingangsdatum": {"eq": dt.date(2026, 3, 1)},
    }
    with ir.engine.connect() as conn:
        found = ir.zoek(conn, compile_where(FILTERS, "WlzIndicatie", where))
        both = ir.zoek(
            conn,
            compile_where(
                FILTERS, "WlzIndicatie", {"initieelVerantwoordelijkZorgkantoor": {"eq": "5515"}}
            ),
        )
    assert [f["wlzindicatieID"] for f in found] == [b]
    assert {f["wlzindicatieID"] for f in both} == {a, b}


def test_batch_loads_many_with_bounded_queries(ir: Indicatieregister) -> None:
    items = []
    for i in range(50):
        d = indicatie(besluitnummer=1000 + i)
        items.append(d)
    outcomes = ir.registreer_batch(items)
    assert all(o.geslaagd for o in outcomes)
    statements: list[str] = []
    sa.event.listen(ir.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with ir.engine.connect() as conn:
        found = ir.zoek(
            conn,
            compile_where(
                FILTERS, "WlzIndicatie", {"initieelVerantwoordelijkZorgkantoor": {"eq": "5515"}}
            ),
        )
    assert len(found) == 50
    assert all(f["client"]["geslachtsnaam"] == "Jansen" for f in found)
    # one root query plus one per child table, whatever the number of indications
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 1 + len(
        m.CHILD_TABLES
    )


@pytest.mark.parametrize("onderdelen", [{"client"}, {"grondslag"}, set()])
def test_only_selected_parts_are_loaded(ir: Indicatieregister, onderdelen: set[str]) -> None:
    ir.registreer(indicatie())
    statements: list[str] = []
    sa.event.listen(ir.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with ir.engine.connect() as conn:
        [found] = ir.zoek(conn, sa.true(), onderdelen=onderdelen)
    # SQLite: one statement per table; PostgreSQL: the children go in one psycopg pipeline
    # that bypasses SQLAlchemy's events, so only the root statement is seen here.
    children = len(onderdelen) if ir.engine.dialect.name == "sqlite" else 0
    assert len(statements) == 1 + children
    parts = {"client", "grondslag", "geindiceerdZorgzwaartepakket", "beperking", "wzd"}
    assert {k for k in found if k in parts} == onderdelen


def test_bulk_input_missing_required_fields_is_reported_not_crashing(
    ir: Indicatieregister,
) -> None:
    data = indicatie()
    del data["client"]["geslachtsnaam"]
    data["geindiceerdZorgzwaartepakket"][0]["ingangsdatum"] = "2026-03-01"
    outcomes = ir.registreer_batch([data, {"bsn": "111222333"}])
    first = {(f.veld, f.code) for f in outcomes[0].fouten}
    assert ("indicatie.client.geslachtsnaam", "VERPLICHT") in first
    assert ("indicatie.geindiceerdZorgzwaartepakket[0].ingangsdatum", "TYPE") in first
    assert ("indicatie.client", "VERPLICHT") in {(f.veld, f.code) for f in outcomes[1].fouten}
    assert _count(ir, m.wlz_indicatie) == 0


def test_more_date_and_format_rules(ir: Indicatieregister) -> None:
    data = indicatie(einddatum=dt.date(2026, 4, 1))
    data["geindiceerdZorgzwaartepakket"][0]["ingangsdatum"] = dt.date(2026, 5, 1)
    data["client"]["geboorteDatum"] = dt.date(2026, 4, 1)
    data["client"]["voorletters"] = "Ş"
    data["client"]["contactGegevens"][1]["telefoon"]["landnummer"] = "+31"
    velden = {(f.veld, f.code) for f in ir.registreer(data).fouten}
    assert ("indicatie.geindiceerdZorgzwaartepakket[0].ingangsdatum", "DATUMVOLGORDE") in velden
    assert ("indicatie.client.geboorteDatum", "DATUMVOLGORDE") in velden
    assert ("indicatie.client.contactGegevens[1].telefoon.landnummer", "FORMAAT") in velden
    assert not any(v.endswith("voorletters") for v, _ in velden)
