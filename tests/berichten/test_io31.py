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
from iwlz.berichten.knoop import Bericht
from iwlz.berichten.regels.motor import controleer
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
CONTACTREGELS = frozenset({"TR005", "TR006", "TR061", "TR101"})


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
    # The register holds no ZZP class; a ZZP's class is KE4–KE7 (CS074): the whole week.
    assert {z.findtext(f"{NS}Klasse") for z in zzps} == {"KE7"}
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


def test_periods_only_where_the_rules_allow_them(register: Indicatieregister) -> None:
    """CD009: a Contact's Periode only with Soort 04; CD070: the Wzd period only with
    WzdVerklaring 1. The same content in another order gives the same message."""
    row = max(_indicaties(register), key=lambda r: len(r["client"]["contactGegevens"] or []))
    assert len(row["client"]["contactGegevens"]) > 1  # so that reversing changes the order
    adres = next(g["adres"] for g in row["client"]["contactGegevens"] if g["adres"])
    adres["ingangsdatum"] = "2020-01-01"
    row["wzd"] = {"wzdVerklaring": "2", "ingangsdatum": "2020-01-01", "einddatum": None}

    def contact_periodes(r: dict[str, Any]) -> list[str | None]:
        bericht = io31([r], ontvanger="5501", identificatie="IO0005", dagtekening=TODAY)
        return [
            c.findtext(f"{NS}Periode/{BASIS}Begindatum")
            for c in bericht.iterfind(f".//{NS}Contactgegevens/{NS}Contact")
            if c.findtext(f"{NS}Soort") == adres["adresSoort"]
        ]

    adres["adresSoort"] = "01"
    assert contact_periodes(row) == [None]
    adres["adresSoort"] = "04"
    assert contact_periodes(row) == ["2020-01-01"]
    bericht = io31([row], ontvanger="5501", identificatie="IO0006", dagtekening=TODAY)
    assert bericht.find(f".//{NS}Wzd/{BASIS}WzdIngangsdatum") is None
    row["wzd"]["wzdVerklaring"] = "1"
    bericht = io31([row], ontvanger="5501", identificatie="IO0006", dagtekening=TODAY)
    assert bericht.findtext(f".//{NS}Wzd/{BASIS}WzdIngangsdatum") == "2020-01-01"
    omgekeerd = {**row, "client": {**row["client"]}}
    omgekeerd["client"]["contactGegevens"] = list(reversed(row["client"]["contactGegevens"]))
    omgekeerd["stoornis"] = list(reversed(row["stoornis"]))
    assert etree.tostring(
        io31([omgekeerd], ontvanger="5501", identificatie="IO0006", dagtekening=TODAY)
    ) == etree.tostring(bericht)


def _adres(soort: str, huisnummer: int, ingang: str) -> dict[str, Any]:
    return {
        "adresSoort": soort,
        "straatnaam": "Kerkstraat",
        "huisnummer": huisnummer,
        "huisletter": None,
        "huisnummerToevoeging": None,
        "postcode": "1234AB",
        "plaatsnaam": "Utrecht",
        "landCode": "NL",
        "aanduidingWoonadres": None,
        "ingangsdatum": ingang,
        "einddatum": None,
    }


def _los(soort: str, waarde: str) -> dict[str, Any]:
    if soort == "telefoon":
        item = {"telefoonnummer": waarde, "landnummer": None}
    else:
        item = {"emailadres": waarde}
    return {"adres": None, "telefoon": None, "email": None, soort: {**item, "ingangsdatum": None}}


def test_contact_data_is_grouped_into_valid_contacts(
    register: Indicatieregister, tmp_path: Path
) -> None:
    """One Contact per Soort (TR101), each with a telephone number or a full address (TR006):
    numbers and e-mail addresses registered without an address join an address's Contact
    (Telefoon01, Telefoon02); a Relatie's one Contact has its address, number and e-mail
    (TR005). The grouping survives register → IO31 → register → IO31."""
    row = next(r for r in _indicaties(register) if r["client"]["contactPersoon"])
    brp_oud = {**_los("email", "oud@example.org"), "adres": _adres("01", 3, "2001-05-01")}
    verblijf = {**_los("telefoon", "0104444444"), "adres": _adres("03", 9, "2024-02-01")}
    row["client"]["contactGegevens"] = [
        _los("telefoon", "0612345678"),
        {"adres": _adres("01", 7, "2019-03-01"), "telefoon": None, "email": None},
        _los("email", "jan@example.org"),
        _los("telefoon", "0201111111"),
        verblijf,
        _los("telefoon", "0303333333"),
        brp_oud,
    ]
    relatie = row["client"]["contactPersoon"][0]
    relatie["soortRelatie"] = "12"
    relatie["geboorteDatum"] = "1950-01-01"
    relatie["contactGegevens"] = [
        _los("telefoon", "0687654321"),
        _los("email", "partner@example.org"),
        {"adres": _adres("01", 7, "2019-03-01"), "telefoon": None, "email": None},
    ]
    row["client"]["leefeenheid"] = "3"
    bericht = io31([row], ontvanger="5501", identificatie="IO0007", dagtekening=TODAY)

    def nummers(contact: etree._Element) -> list[str | None]:
        return [
            contact.findtext(f"{NS}Telefoon/{BASIS}{n}/{BASIS}Telefoonnummer")
            for n in ("Telefoon01", "Telefoon02")
        ]

    contacten = bericht.findall(f".//{NS}Contactgegevens/{NS}Contact")
    assert [c.findtext(f"{NS}Soort") for c in contacten] == ["01", "03"]
    brp, verblijf_contact = contacten
    # The later of the two BRP addresses is sent; the earlier one's e-mail goes with the rest.
    assert brp.findtext(f"{NS}Adres/{BASIS}Huis/{BASIS}Huisnummer") == "7"
    assert nummers(brp) == ["0201111111", "0303333333"]
    assert brp.findtext(f"{NS}Emailadres") == "jan@example.org"
    # The residence keeps its own number and takes what the BRP Contact had no room for.
    assert nummers(verblijf_contact) == ["0104444444", "0612345678"]
    assert verblijf_contact.findtext(f"{NS}Emailadres") == "oud@example.org"
    (partner,) = bericht.findall(f".//{NS}Relatie/{NS}Contact")
    assert partner.findtext(f"{NS}Soort") == "01"
    assert partner.findtext(f"{NS}Adres/{BASIS}Postcode") == "1234AB"
    assert nummers(partner) == ["0687654321", None]
    assert partner.findtext(f"{NS}Emailadres") == "partner@example.org"
    bevindingen = controleer(Bericht(bericht), vandaag=TODAY)
    assert [(f.regel, f.pad) for f in bevindingen if f.regel in CONTACTREGELS] == []

    # Into a second register and out again: the same message.
    engine = create_engine(f"sqlite:///{tmp_path / 'contacten.db'}")
    migrate.upgrade(engine)
    tweede = Indicatieregister(engine)
    (indicatie,) = indicaties_uit_io31(bericht)
    uitkomst = tweede.registreer(indicatie)
    assert uitkomst.geslaagd, uitkomst.fouten
    (terug,) = _indicaties(tweede)
    # Two Contacts, each one record plus its Telefoon02 as a record of its own.
    assert len(terug["client"]["contactGegevens"]) == 4
    opnieuw = io31([terug], ontvanger="5501", identificatie="IO0007", dagtekening=TODAY)
    assert etree.tostring(opnieuw, method="c14n2") == etree.tostring(bericht, method="c14n2")
    engine.dispose()


def test_a_number_without_any_address_gets_a_correspondence_contact() -> None:
    from iwlz.berichten.io31 import _contacten

    (groep,) = _contacten([_los("telefoon", "0612345678"), _los("email", "a@example.org")])
    assert (groep.soort, groep.adres, groep.email) == (
        "02",
        None,
        {"emailadres": "a@example.org", "ingangsdatum": None},
    )
    assert [t["telefoonnummer"] for t in groep.telefoons] == ["0612345678"]
    # A relation without contact data still has its one Contact, with only a Soort.
    (leeg,) = _contacten([], een=True)
    assert (leeg.soort, leeg.adres, leeg.telefoons, leeg.email) == ("02", None, [], None)
