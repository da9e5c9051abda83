"""CA317 from delivery data: valid against the official schema, the CD091/CD071 conditions
decide Instelling and Klasse, and its CA318 retour is valid too."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from lxml import etree

from iwlz.berichten.ca317 import GeleverdeZorg, ca317, geleverde_zorg
from iwlz.berichten.io31 import ExportFout
from iwlz.berichten.retour import maak_retour
from iwlz.berichten.xml import parse_bericht
from iwlz.berichten.xsd import SchemaSet

NS = "{http://www.istandaarden.nl/iwlz/2_2/ca317/schema}"
P1, P2, P3 = (str(uuid.uuid4()) for _ in range(3))


@pytest.fixture(scope="module")
def xsd(shared_dir: Path) -> SchemaSet:
    return SchemaSet(shared_dir / "reference" / "iwlz-2.2-xsd")


def _zorg() -> list[GeleverdeZorg]:
    verblijf = {"zzpCode": "755", "leveringsvorm": "4", "etmalen": "3,5"}
    pgb = {"zzpCode": "756", "leveringsvorm": "2"}
    return [
        geleverde_zorg(
            "999993653",
            verblijf,
            {"leveringperiodeID": P1, "ingangsdatum": "2026-11-01"},
            "12345678",
        ),
        geleverde_zorg(
            "999993653",
            verblijf,
            {"leveringperiodeID": P2, "ingangsdatum": dt.date(2019, 6, 1)},
            "12345678",
        ),
        geleverde_zorg(
            "999990111", pgb, {"leveringperiodeID": P3, "ingangsdatum": "2026-10-01"}, "87654321"
        ),
    ]


def test_ca317_is_valid_and_follows_the_conditions(xsd: SchemaSet) -> None:
    bericht = ca317(
        _zorg(), afzender="5507", identificatie="CA0001", dagtekening=dt.date(2026, 11, 27)
    )
    data = etree.tostring(bericht, xml_declaration=True, encoding="UTF-8")
    assert xsd.validate(parse_bericht(data).root) == ("CA317", [])
    records = {r.findtext(f"{NS}GeleverdeZorgID"): r for r in bericht.iter(f"{NS}GeleverdeZorg")}
    assert set(records) == {P1, P2, P3}
    assert records[P1].findtext(f"{NS}Instelling") == "12345678"  # CD091: leveringsvorm 4
    assert records[P3].find(f"{NS}Instelling") is None  # PGB: no Instelling
    assert records[P1].find(f"{NS}Klasse") is None  # CD071: started after 2019
    assert records[P2].findtext(f"{NS}Klasse") == "KE7"  # ... before 2020: present
    assert [c.findtext(f"{NS}Bsn") for c in bericht.iter(f"{NS}Client")] == [
        "999993653",
        "999990111",
    ]


def test_its_retour_is_valid(xsd: SchemaSet) -> None:
    heen = ca317(
        _zorg(), afzender="5507", identificatie="CA0002", dagtekening=dt.date(2026, 11, 27)
    )
    retour = maak_retour(heen, identificatie="R0001", dagtekening=dt.date(2026, 11, 28))
    assert xsd.validate(retour) == ("CA318", [])


def test_a_verblijf_without_instelling_is_refused() -> None:
    zorg = geleverde_zorg(
        "999993653",
        {"zzpCode": "755", "leveringsvorm": "4"},
        {"leveringperiodeID": P1, "ingangsdatum": "2026-11-01"},
        "",
    )
    with pytest.raises(ExportFout, match="needs an Instelling"):
        ca317([zorg], afzender="5507", identificatie="CA0003", dagtekening=dt.date(2026, 11, 27))
    with pytest.raises(ExportFout, match="at least one"):
        ca317([], afzender="5507", identificatie="CA0004", dagtekening=dt.date(2026, 11, 27))


def test_ca317_sends_a_known_klasse_instead_of_99(xsd: SchemaSet) -> None:
    verblijf = {"zzpCode": "755", "leveringsvorm": "5"}
    periode = {"leveringperiodeID": P2, "ingangsdatum": "2019-06-01"}
    bekend = geleverde_zorg("999993653", verblijf, periode, "12345678", "KE5")
    onbekend = geleverde_zorg("999993653", verblijf, periode, "12345678")
    for zorg, klasse in ((bekend, "KE5"), (onbekend, "KE7")):
        bericht = ca317(
            [zorg], afzender="5507", identificatie="CA0002", dagtekening=dt.date(2026, 11, 27)
        )
        assert xsd.validate(bericht) == ("CA317", [])
        assert bericht.findtext(f".//{NS}Klasse") == klasse
