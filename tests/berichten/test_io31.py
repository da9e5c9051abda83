"""IO31 from the Indicatieregister: synthetic indications registered in a real register (SQLite
and PostgreSQL), read with the register's own read API, exported, and checked against the
official IO31 schema; field values follow the mapping of messages.md §2.3."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from graphql import graphql_sync
from lxml import etree

from iwlz.berichten.io31 import IO31_QUERY, ExportFout, indicaties_uit_io31, io31
from iwlz.berichten.xml import parse_bericht
from iwlz.berichten.xsd import SchemaSet
from iwlz.core import migrate
from iwlz.core.db import create_engine
from iwlz.demo.synthetic import generate
from iwlz.registers.indicatie.api import build_read_schema
from iwlz.registers.indicatie.service import Indicatieregister

TODAY = dt.date(2026, 11, 27)
NS = "{http://www.istandaarden.nl/iwlz/2_2/io31/schema}"
BASIS = "{http://www.istandaarden.nl/iwlz/2_2/basisschema/schema}"


@pytest.fixture
def register(db_url: str) -> Iterator[Indicatieregister]:
    engine = create_engine(db_url)
    migrate.upgrade(engine)
    ir = Indicatieregister(engine)
    uitkomsten = ir.registreer_batch([c.indicatie for c in generate(40, seed=7, today=TODAY)])
    assert all(u.geslaagd for u in uitkomsten)
    yield ir
    engine.dispose()


def _indicaties(ir: Indicatieregister, zorgkantoor: str | None = None) -> list[dict[str, Any]]:
    where = {"initieelVerantwoordelijkZorgkantoor": {"eq": zorgkantoor}} if zorgkantoor else None
    result = graphql_sync(
        build_read_schema(),
        IO31_QUERY,
        variable_values={"where": where},
        context_value={"indicatieregister": ir},
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    rows: list[dict[str, Any]] = result.data["wlzIndicatie"]
    return rows


@pytest.fixture(scope="module")
def xsd(shared_dir: Path) -> SchemaSet:
    return SchemaSet(shared_dir / "reference" / "iwlz-2.2-xsd")


def test_every_synthetic_indication_exports_to_a_valid_io31(
    register: Indicatieregister, xsd: SchemaSet
) -> None:
    rows = _indicaties(register)
    assert len(rows) == 40
    per_zk: dict[str, list[dict[str, Any]]] = {}
    for row in rows:  # header Ontvanger = the initially responsible zorgkantoor
        per_zk.setdefault(row["initieelVerantwoordelijkZorgkantoor"], []).append(row)
    assert len(per_zk) > 1
    for zk, indicaties in per_zk.items():
        bericht = io31(indicaties, ontvanger=zk, identificatie="IO0001", dagtekening=TODAY)
        data = etree.tostring(bericht, xml_declaration=True, encoding="UTF-8")
        code, fouten = xsd.validate(parse_bericht(data).root)
        assert (code, fouten[:3]) == ("IO31", []), zk


def test_fields_follow_the_mapping(register: Indicatieregister) -> None:
    row = _indicaties(register)[0]
    bericht = io31([row], ontvanger="5501", identificatie="IO0002", dagtekening=TODAY)
    assert bericht.findtext(f"{NS}Header/{NS}BerichtCode") == "388"
    assert bericht.findtext(f"{NS}Header/{NS}Ontvanger") == "5501"
    client = bericht.find(f"{NS}Clienten/{NS}Client")
    assert client is not None
    assert client.findtext(f"{NS}Bsn") == row["client"]["bsn"]
    assert (
        client.findtext(f"{NS}Naam/{BASIS}Geslachtsnaam/{BASIS}Achternaam")
        == (row["client"]["geslachtsnaam"])
    )
    indicatie = client.find(f"{NS}Indicatie")
    assert indicatie is not None
    assert indicatie.findtext(f"{NS}Besluitnummer") == str(row["besluitnummer"])
    assert indicatie.findtext(f"{NS}Soort") == row["soortWlzindicatie"]
    assert indicatie.findtext(f"{NS}Afgiftedatum") == row["afgiftedatum"]
    zzps = indicatie.findall(
        f"{NS}GeindiceerdeZorgzwaartepakketten/{NS}GeindiceerdZorgzwaartepakket"
    )
    assert [z.findtext(f"{NS}ZzpCode") for z in zzps] == [
        z["zzpCode"] for z in row["geindiceerdZorgzwaartepakket"]
    ]
    assert {z.findtext(f"{NS}Klasse") for z in zzps} == {"99"}  # no class for a ZZP
    # Client elements come in schema order: Indicatie last, Contactgegevens before it.
    names = [etree.QName(e).localname for e in client]
    assert names[0] == "Bsn" and names[-2:] == ["Contactgegevens", "Indicatie"]


def test_missing_required_data_is_named_not_invented(register: Indicatieregister) -> None:
    row = _indicaties(register)[0]
    row["client"]["leefeenheid"] = None
    with pytest.raises(ExportFout, match=f"client {row['client']['bsn']}: leefeenheid"):
        io31([row], ontvanger="5501", identificatie="IO0003", dagtekening=TODAY)
    with pytest.raises(ExportFout, match="at least one client"):
        io31([], ontvanger="5501", identificatie="IO0004", dagtekening=TODAY)


def _export(ir: Indicatieregister) -> dict[str, bytes]:
    """Per zorgkantoor, the IO31 of all its indications, canonical and ordered by BSN."""
    per_zk: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(_indicaties(ir), key=lambda r: str(r["bsn"])):
        per_zk.setdefault(row["initieelVerantwoordelijkZorgkantoor"], []).append(row)
    return {
        zk: etree.tostring(
            io31(rows, ontvanger=zk, identificatie="IO0001", dagtekening=TODAY), method="c14n2"
        )
        for zk, rows in per_zk.items()
    }


def test_register_to_message_to_register_to_message_is_stable(
    register: Indicatieregister, tmp_path: Path
) -> None:
    first = _export(register)
    # Import every message into a second, empty register ...
    engine = create_engine(f"sqlite:///{tmp_path / 'tweede.db'}")
    migrate.upgrade(engine)
    tweede = Indicatieregister(engine)
    for data in first.values():
        for indicatie in indicaties_uit_io31(parse_bericht(data).root):
            uitkomst = tweede.registreer(indicatie)
            assert uitkomst.geslaagd, uitkomst.fouten
    # ... and the messages it exports are the same, byte for byte (canonical XML).
    assert _export(tweede) == first
    # The register fields IO31 shares survive the trip.
    keys = ("bsn", "besluitnummer", "soortWlzindicatie", "afgiftedatum", "ingangsdatum")
    one = {r["bsn"]: r for r in _indicaties(register)}
    two = {r["bsn"]: r for r in _indicaties(tweede)}
    assert one.keys() == two.keys()
    for bsn, row in one.items():
        assert {k: row[k] for k in keys} == {k: two[bsn][k] for k in keys}
        assert row["geindiceerdZorgzwaartepakket"] == two[bsn]["geindiceerdZorgzwaartepakket"]
        assert row["client"]["geslachtsnaam"] == two[bsn]["client"]["geslachtsnaam"]
        assert len(row["client"]["contactPersoon"] or []) == len(
            two[bsn]["client"]["contactPersoon"] or []
        )
    engine.dispose()


def test_only_io31_is_imported() -> None:
    with pytest.raises(ExportFout, match="not an IO31"):
        indicaties_uit_io31(parse_bericht(b'<Bericht xmlns="urn:x"/>').root)


def test_aw33_from_both_registers_is_valid(
    register: Indicatieregister, xsd: SchemaSet, tmp_path: Path
) -> None:
    from iwlz.berichten.io31 import AW33_BSPEC_FIELDS, aw33
    from iwlz.registers.bemiddeling.api import build_read_schema as br_schema
    from iwlz.registers.bemiddeling.service import Bemiddelingsregister

    indicatie = _indicaties(register)[0]
    zk = indicatie["initieelVerantwoordelijkZorgkantoor"]
    br = Bemiddelingsregister(register.engine)
    ingang = dt.date.fromisoformat(indicatie["ingangsdatum"])
    bspecs_in = [
        {
            "leveringsvorm": "4",
            "zzpCode": z["zzpCode"],
            "toewijzingIngangsdatum": ingang,
            "instelling": "12345678",
            "uitvoerendZorgkantoor": zk,
            "vaststellingMoment": dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.UTC),
            "percentage": 100,
            "etmalen": "3,5",
            "soortToewijzing": "1",
        }
        for z in indicatie["geindiceerdZorgzwaartepakket"]
    ]
    uitkomst = br.registreer_bemiddeling(
        zk,
        {
            "wlzIndicatieID": uuid.UUID(indicatie["wlzindicatieID"]),
            "verantwoordelijkheidIngangsdatum": ingang,
            "client": {"bsn": indicatie["bsn"]},
            "bemiddelingspecificatie": bspecs_in,
        },
    )
    assert uitkomst.geslaagd, uitkomst.fouten
    result = graphql_sync(
        br_schema(),
        "{ bemiddelingspecificatie { %s } }" % AW33_BSPEC_FIELDS,
        context_value={"bemiddelingsregister": br, "zorgkantoor": zk},
    )
    assert result.errors is None and result.data is not None
    bspecs = result.data["bemiddelingspecificatie"]
    bericht = aw33(
        [(indicatie, bspecs)],
        afzender=zk,
        ontvanger="12345678",
        identificatie="AW0001",
        dagtekening=TODAY,
    )
    data = etree.tostring(bericht, xml_declaration=True, encoding="UTF-8")
    code, fouten = xsd.validate(parse_bericht(data).root)
    assert (code, fouten[:3]) == ("AW33", [])
    ns = "{http://www.istandaarden.nl/iwlz/2_2/aw33/schema}"
    pakket = bericht.find(f".//{ns}ToegewezenZorgzwaartepakket")
    assert pakket is not None
    assert pakket.findtext(f"{ns}Toewijzingsdatum") == "2026-03-01"
    assert pakket.findtext(f"{ns}Toewijzingstijd") == "09:30:00"  # Dutch local time
    assert pakket.findtext(f"{ns}ToewijzingPercentage") == "10000"  # hundredths
    assert pakket.findtext(f"{ns}Zorgkantoor") == zk
