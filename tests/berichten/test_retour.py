"""Retour messages: built from the heen, valid against the official retour XSD, and reversible
to the heen (the official consistency check's premise)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree

from iwlz.berichten.catalogus import BERICHTEN, bericht, namespace
from iwlz.berichten.retour import klassen_van, maak_retour, terug_naar_heen
from iwlz.berichten.xml import parse_bericht
from iwlz.berichten.xsd import SchemaSet

GELEVERDE_ZORG_1 = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
GELEVERDE_ZORG_2 = "0b8f4c1e-6a0e-4f55-9a51-2d8f0c7d1a04"

CA317 = f"""<?xml version="1.0" encoding="UTF-8"?>
<Bericht xmlns="http://www.istandaarden.nl/iwlz/2_2/ca317/schema"
         xmlns:iwlz="http://www.istandaarden.nl/iwlz/2_2/basisschema/schema">
  <Header>
    <BerichtCode>406</BerichtCode>
    <BerichtVersie>5</BerichtVersie>
    <BerichtSubversie>2</BerichtSubversie>
    <Afzender>5507</Afzender>
    <BerichtIdentificatie>
      <iwlz:Identificatie>CA0001</iwlz:Identificatie>
      <iwlz:Dagtekening>2026-11-27</iwlz:Dagtekening>
    </BerichtIdentificatie>
    <XsdVersie>
      <iwlz:BasisschemaXsdVersie>1.0.0</iwlz:BasisschemaXsdVersie>
      <iwlz:BerichtXsdVersie>1.0.0</iwlz:BerichtXsdVersie>
    </XsdVersie>
  </Header>
  <Clienten>
    <Client>
      <Bsn>999993653</Bsn>
      <ZorgLeveringen>
        <GeleverdeZorg>
          <GeleverdeZorgID>{GELEVERDE_ZORG_1}</GeleverdeZorgID>
          <Startdatum>2026-11-01</Startdatum>
          <ZzpCode>755</ZzpCode>
          <Instelling>12345678</Instelling>
          <Leveringsvorm>4</Leveringsvorm>
          <StatusAanlevering>1</StatusAanlevering>
        </GeleverdeZorg>
        <GeleverdeZorg>
          <GeleverdeZorgID>{GELEVERDE_ZORG_2}</GeleverdeZorgID>
          <Startdatum>2026-11-15</Startdatum>
          <ZzpCode>756</ZzpCode>
          <Leveringsvorm>2</Leveringsvorm>
          <StatusAanlevering>1</StatusAanlevering>
        </GeleverdeZorg>
      </ZorgLeveringen>
    </Client>
  </Clienten>
</Bericht>""".encode()


@pytest.fixture(scope="module")
def xsd(shared_dir: Path) -> SchemaSet:
    return SchemaSet(shared_dir / "reference" / "iwlz-2.2-xsd")


def _c14n(root: etree._Element) -> bytes:
    return etree.tostring(root, method="c14n2", strip_text=True)


def test_the_catalogue_pairs_every_heen_with_its_retour() -> None:
    heen = [t for t in BERICHTEN.values() if t.heen]
    assert len(heen) == 11 and len(BERICHTEN) == 22
    for t in heen:
        r = bericht(t.tegenhanger)
        assert not r.heen and r.tegenhanger == t.code
        assert int(r.berichtcode) == int(t.berichtcode) + 1
        assert r.klassen and "Client" in r.klassen
    assert bericht("zk39").tegenhanger == "ZK310"
    assert namespace("ZK310") == "http://www.istandaarden.nl/iwlz/2_2/zk310/schema"
    with pytest.raises(KeyError, match="known"):
        bericht("AW37")


def test_the_hand_built_heen_is_valid(xsd: SchemaSet) -> None:
    assert xsd.validate(parse_bericht(CA317).root) == ("CA317", [])


def test_an_accepting_retour_is_valid_and_codes_every_class(xsd: SchemaSet) -> None:
    heen = parse_bericht(CA317).root
    retour = maak_retour(heen, identificatie="R0001", dagtekening=dt.date(2026, 11, 28))
    assert xsd.validate(retour) == ("CA318", [])
    ns = "{http://www.istandaarden.nl/iwlz/2_2/ca318/schema}"
    assert retour.findtext(f"{ns}Header/{ns}BerichtCode") == "407"
    assert retour.findtext(f"{ns}Header/{ns}Afzender") == "5507"  # parties are not swapped
    codes = [
        [c.text for c in e.findall(f"{ns}RetourCodes/{ns}RetourCode")]
        for e in klassen_van(retour, ("Client", "GeleverdeZorg"))
    ]
    assert codes == [["0200"], ["0200"], ["0200"]]
    # RetourCodes is the last child of its class, after the nested classes.
    client = retour.find(f"{ns}Clienten/{ns}Client")
    assert client is not None and etree.QName(client[-1]).localname == "RetourCodes"
    # The heen itself is untouched.
    assert etree.QName(heen).namespace == "http://www.istandaarden.nl/iwlz/2_2/ca317/schema"


def test_findings_become_the_classes_codes(xsd: SchemaSet) -> None:
    heen = parse_bericht(CA317).root
    tweede = klassen_van(heen, ("GeleverdeZorg",))[1]
    retour = maak_retour(
        heen,
        identificatie="R0002",
        dagtekening=dt.date(2026, 11, 28),
        codes={tweede: ["9118", "S058"]},
        xslt_versie="2.1.4",
    )
    assert xsd.validate(retour) == ("CA318", [])
    ns = "{http://www.istandaarden.nl/iwlz/2_2/ca318/schema}"
    zorg = klassen_van(retour, ("GeleverdeZorg",))
    assert [[c.text for c in z.iter(f"{ns}RetourCode")] for z in zorg] == [
        ["0200"],
        ["9118", "S058"],
    ]
    assert retour.findtext(f"{ns}Header/{ns}XsltVersie") == "2.1.4"


def test_a_rejected_message_is_answered_with_the_header_only(xsd: SchemaSet) -> None:
    retour = maak_retour(
        parse_bericht(CA317).root,
        identificatie="R0003",
        dagtekening=dt.date(2026, 11, 28),
        afgekeurd=True,
    )
    assert xsd.validate(retour) == ("CA318", [])
    ns = "{http://www.istandaarden.nl/iwlz/2_2/ca318/schema}"
    assert [etree.QName(c).localname for c in retour] == ["Header"]
    assert retour.findtext(f"{ns}Header/{ns}RetourCodes/{ns}RetourCode") == "0001"


def test_the_retour_maps_back_to_the_heen() -> None:
    heen = parse_bericht(CA317).root
    retour = maak_retour(heen, identificatie="R0004", dagtekening=dt.date(2026, 11, 28))
    assert _c14n(terug_naar_heen(retour)) == _c14n(heen)


def test_wrong_inputs_say_what_is_wrong() -> None:
    heen = parse_bericht(CA317).root
    with pytest.raises(ValueError, match="1 to 12"):
        maak_retour(heen, identificatie="", dagtekening=dt.date(2026, 11, 28))
    retour = maak_retour(heen, identificatie="R1", dagtekening=dt.date(2026, 11, 28))
    with pytest.raises(ValueError, match="itself a retour"):
        maak_retour(retour, identificatie="R2", dagtekening=dt.date(2026, 11, 28))
    with pytest.raises(ValueError, match="not a retour"):
        terug_naar_heen(heen)
    with pytest.raises(ValueError, match=r"not an iWlz 2\.2 message"):
        maak_retour(
            parse_bericht(b'<Bericht xmlns="urn:x"/>').root,
            identificatie="R3",
            dagtekening=dt.date(2026, 11, 28),
        )
