"""The codec: lees/schrijf round trips for all 22 message types, the data representation, clear
errors, and :func:`structuur` agreeing with the official XSD on accept/reject."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from lxml import etree

from iwlz.berichten.catalogus import BASISSCHEMA_NS, BERICHTEN, bericht, namespace
from iwlz.berichten.codec import berichtcode, lees, schrijf, structuur
from iwlz.berichten.model import descriptor
from iwlz.berichten.model_basis import Element, Enkelvoudig, Samengesteld
from iwlz.berichten.retour import maak_retour
from iwlz.berichten.xsd import SchemaSet

from .voorbeelden import gegevens, voorbeeld

RETOUR_DAG = dt.date(2026, 11, 3)


def _c14n(root: etree._Element) -> bytes:
    return etree.tostring(root, method="c14n")


def bericht_van(code: str, **kw: object) -> etree._Element:
    """A valid message of any of the 22 types: a heen example, or its retour."""
    t = bericht(code)
    if t.heen:
        return voorbeeld(code, **kw)  # type: ignore[arg-type]
    heen = voorbeeld(t.tegenhanger, **kw)  # type: ignore[arg-type]
    # A code on the first Client besides 0200 elsewhere; realistic and exercises a list.
    client = next(heen.iter(f"{{{namespace(t.tegenhanger)}}}Client"))
    retour = maak_retour(
        heen,
        identificatie="R-1",
        dagtekening=RETOUR_DAG,
        codes={client: ["9002", "S002"]},
        xslt_versie="2.1.4",
    )
    return retour


def test_maak_retour_leaves_aw318_value_leveringsstatus_alone() -> None:
    # AW318's class Leveringsstatussen/Leveringsstatus holds a value element Leveringsstatus:
    # only the class gets RetourCodes.
    retour = maak_retour(voorbeeld("AW317"), identificatie="R-1", dagtekening=RETOUR_DAG)
    assert structuur(retour) == []
    assert retour.nsmap == {None: namespace("AW318"), "iwlz": BASISSCHEMA_NS}


@pytest.fixture(scope="module")
def iwlz_xsd(shared_dir: Path) -> SchemaSet:
    return SchemaSet(shared_dir / "reference" / "iwlz-2.2-xsd")


# --- round trips and representation -------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(BERICHTEN))
def test_every_message_type_round_trips(code: str) -> None:
    for clienten in (1, 2):
        if code in ("ZK31", "ZK32") and clienten == 2:
            continue
        x = bericht_van(code, clienten=clienten, seed=clienten)
        assert structuur(x) == []
        again = schrijf(code, lees(x))
        assert _c14n(again) == _c14n(x)
        assert again.nsmap == {None: namespace(code), "iwlz": BASISSCHEMA_NS}


def test_a_header_only_retour_round_trips() -> None:
    retour = maak_retour(
        voorbeeld("AW35"), identificatie="R-2", dagtekening=RETOUR_DAG, afgekeurd=True
    )
    data = lees(retour)
    assert list(data) == ["Header"]
    assert data["Header"]["RetourCodes"] == {"RetourCode": ["0001"]}
    assert structuur(retour) == []
    assert _c14n(schrijf("AW36", data)) == _c14n(retour)


def test_leaves_are_typed_and_codes_keep_their_text() -> None:
    data = lees(voorbeeld("AW33"))
    header = data["Header"]
    assert header["BerichtCode"] == "352"
    assert header["BerichtVersie"] == 5
    assert isinstance(header["BerichtIdentificatie"]["Dagtekening"], dt.date)
    client = data["Clienten"]["Client"][0]
    assert isinstance(client["Bsn"], str) and len(client["Bsn"]) == 9
    assert client["Relaties"]["Relatie"][0]["Contact"]["Soort"] == "01"
    zzp = client["Indicatie"]["ToegewezenZorgzwaartepakketten"]["ToegewezenZorgzwaartepakket"]
    assert isinstance(zzp, list) and len(zzp) == 2
    assert isinstance(zzp[0]["Toewijzingstijd"], dt.time)
    assert zzp[0]["ToewijzingPercentage"] == 10000
    assert isinstance(client["Indicatie"]["Besluitnummer"], int)
    stoornis = client["Indicatie"]["Stoornissen"]["Stoornis"][0]
    assert stoornis["DiagnoseCodelijst"] == "014"


def test_etmalen_stays_a_string() -> None:
    data = gegevens("CA317")
    zorg = data["Clienten"]["Client"][0]["ZorgLeveringen"]["GeleverdeZorg"][0]
    zorg["Leveringsvorm"] = "8"
    zorg["Etmalen"] = "3,5"
    # Etmalen sits before Klasse and Leveringsvorm: schrijf puts it in schema order.
    x = schrijf("CA317", data)
    names = [
        etree.QName(e).localname for e in next(x.iter(f"{{{namespace('CA317')}}}GeleverdeZorg"))
    ]
    assert names.index("Etmalen") < names.index("Leveringsvorm")
    assert (
        lees(x)["Clienten"]["Client"][0]["ZorgLeveringen"]["GeleverdeZorg"][0]["Etmalen"] == "3,5"
    )


def test_elements_get_the_namespace_of_their_declaration() -> None:
    x = voorbeeld("IO31")
    ns = namespace("IO31")
    naam = next(x.iter(f"{{{ns}}}Naam"))
    assert [etree.QName(c).namespace for c in naam] == [BASISSCHEMA_NS] * len(naam)
    assert next(naam.iter(f"{{{BASISSCHEMA_NS}}}Achternaam")).text
    assert etree.QName(next(x.iter(f"{{{ns}}}Bsn"))).namespace == ns


def test_strings_are_accepted_for_typed_leaves() -> None:
    data = gegevens("CA319")
    mutatie = data["Clienten"]["Client"][0]["MutatiesZorg"]["MutatieZorg"][0]
    mutatie["Mutatiedatum"] = "2026-10-01"
    data["Header"]["BerichtVersie"] = "5"
    x = schrijf("CA319", data)
    assert lees(x)["Clienten"]["Client"][0]["MutatiesZorg"]["MutatieZorg"][0][
        "Mutatiedatum"
    ] == dt.date(2026, 10, 1)


def test_berichtcode_reads_the_namespace() -> None:
    assert berichtcode(voorbeeld("ZK39")) == "ZK39"
    assert berichtcode(etree.Element("{urn:other}Bericht")) is None
    assert berichtcode(etree.Element("Bericht")) is None


# --- errors ----------------------------------------------------------------------------------


def test_an_unknown_key_is_named_with_its_path() -> None:
    data = gegevens("AW35")
    data["Clienten"]["Client"][0]["Naam"]["Roepnaam"] = "Jan"
    with pytest.raises(
        ValueError, match=r"/Bericht/Clienten/Client/Naam: unknown element\(s\) Roepnaam"
    ):
        schrijf("AW35", data)


def test_a_missing_required_element_is_named_with_its_path() -> None:
    data = gegevens("AW35", clienten=2)
    del data["Clienten"]["Client"][1]["Geslacht"]
    with pytest.raises(ValueError, match=r"/Bericht/Clienten/Client\[2\]/Geslacht: required"):
        schrijf("AW35", data)


def test_a_repeated_element_must_be_a_list() -> None:
    data = gegevens("CA317")
    data["Clienten"]["Client"] = data["Clienten"]["Client"][0]
    with pytest.raises(ValueError, match="/Bericht/Clienten/Client: may occur more than once"):
        schrijf("CA317", data)
    data["Clienten"]["Client"] = []
    with pytest.raises(ValueError, match="occurs 0 times, allowed 1 to unbounded"):
        schrijf("CA317", data)


def test_a_bad_value_is_refused_unless_unchecked() -> None:
    data = gegevens("CA319")
    data["Clienten"]["Client"][0]["MutatiesZorg"]["MutatieZorg"][0]["Mutatiecode"] = "99"
    with pytest.raises(
        ValueError, match=r"MutatieZorg/Mutatiecode: '99' is not a code of LDT_MutatieCode"
    ):
        schrijf("CA319", data)
    x = schrijf("CA319", data, controleer=False)
    assert [f.path for f in structuur(x)] == [
        "/Bericht/Clienten/Client/MutatiesZorg/MutatieZorg/Mutatiecode"
    ]


def test_a_value_of_the_wrong_python_type_is_refused() -> None:
    data = gegevens("CA319")
    data["Clienten"]["Client"][0]["Bsn"] = 123456782
    with pytest.raises(ValueError, match=r"/Bericht/Clienten/Client/Bsn: expected str"):
        schrijf("CA319", data)
    data = gegevens("CA319")
    data["Header"]["BerichtVersie"] = True
    with pytest.raises(ValueError, match="BerichtVersie: expected int"):
        schrijf("CA319", data)


def test_lees_refuses_what_the_message_type_does_not_have() -> None:
    x = voorbeeld("CA319")
    client = next(x.iter(f"{{{namespace('CA319')}}}Client"))
    etree.SubElement(client, f"{{{namespace('CA319')}}}Naam")
    with pytest.raises(ValueError, match="/Bericht/Clienten/Client/Naam: not an element here"):
        lees(x)
    with pytest.raises(ValueError, match=r"not the root of an iWlz 2\.2 message"):
        lees(etree.Element("{urn:x}Bericht"))


def test_lees_refuses_an_unreadable_leaf() -> None:
    x = voorbeeld("CA319")
    datum = next(x.iter(f"{{{namespace('CA319')}}}Mutatiedatum"))
    datum.text = "2026-02-30"
    with pytest.raises(ValueError, match="Mutatiedatum: '2026-02-30' is not a valid date"):
        lees(x)


# --- structuur without the XSDs --------------------------------------------------------------


def _eerste(root: etree._Element, naam: str) -> etree._Element:
    return next(e for e in root.iter() if etree.QName(e).localname == naam)


@pytest.mark.parametrize(
    ("mutatie", "pad", "woord"),
    [
        (
            lambda x: _eerste(x, "Geslacht").getparent().remove(_eerste(x, "Geslacht")),
            "/Bericht/Clienten/Client/Naam",
            "missing",
        ),  # type: ignore[union-attr]
        (
            lambda x: setattr(_eerste(x, "BerichtCode"), "text", "353"),
            "/Bericht/Header/BerichtCode",
            "pattern",
        ),
        (
            lambda x: setattr(_eerste(x, "BerichtSubversie"), "text", "1"),
            "/Bericht/Header/BerichtSubversie",
            "pattern",
        ),
        (
            lambda x: setattr(_eerste(x, "Geslacht"), "text", "3"),
            "/Bericht/Clienten/Client/Geslacht",
            "not a code",
        ),
        (
            lambda x: setattr(_eerste(x, "Datum"), "text", "2026-13-01"),
            "/Bericht/Clienten/Client/Geboortedatum/Datum",
            "date",
        ),
        (
            lambda x: setattr(_eerste(x, "Bsn"), "text", "12345678"),
            "/Bericht/Clienten/Client/Bsn",
            "pattern",
        ),
        (
            lambda x: setattr(_eerste(x, "Voorletters"), "text", "J.P."),
            "/Bericht/Clienten/Client/Naam/Voorletters",
            "pattern",
        ),
        (
            lambda x: setattr(
                _eerste(x, "Achternaam"), "tag", f"{{{namespace('AW35')}}}Achternaam"
            ),
            "/Bericht/Clienten/Client/Naam/Geslachtsnaam/Achternaam",
            "wrong namespace",
        ),
        (lambda x: _eerste(x, "Clienten").set("id", "1"), "/Bericht/Clienten", "attribute"),
        (lambda x: setattr(_eerste(x, "Header"), "text", "tekst"), "/Bericht/Header", "text"),
    ],
)
def test_structuur_names_what_is_wrong(
    mutatie: Callable[[etree._Element], object], pad: str, woord: str
) -> None:
    x = voorbeeld("AW35")
    mutatie(x)
    fouten = structuur(x)
    assert len(fouten) == 1, fouten
    assert fouten[0].path == pad
    assert woord in fouten[0].melding


def test_structuur_of_something_else() -> None:
    fouten = structuur(etree.Element("{urn:x}Bericht"))
    assert len(fouten) == 1 and "urn:x" in fouten[0].melding
    x = voorbeeld("AW35")
    x.tag = f"{{{namespace('AW35')}}}Root"
    assert "root element" in structuur(x)[0].melding


def test_structuur_counts_and_orders() -> None:
    x = voorbeeld("AW35")
    header = _eerste(x, "Header")
    header.insert(1, copy.deepcopy(header[0]))  # BerichtCode twice
    assert [f.path for f in structuur(x)] == ["/Bericht/Header/BerichtCode[2]"]
    x = voorbeeld("AW35")
    header = _eerste(x, "Header")
    header[0], header[1] = copy.deepcopy(header[1]), copy.deepcopy(header[0])
    assert structuur(x)


def test_structuur_is_not_fooled_by_whitespace_or_comments() -> None:
    x = etree.fromstring(etree.tostring(voorbeeld("AW39"), pretty_print=True))
    _eerste(x, "Bsn").append(etree.Comment("een opmerking"))
    _eerste(x, "Header").insert(0, etree.Comment("kop"))
    assert structuur(x) == []


# --- agreement with the official XSD ----------------------------------------------------------

_SLECHT: dict[str, tuple[str, ...]] = {
    "int": ("", "x", "-1", "1.5", "99999999999", " 7 ", "+7", "007"),
    "date": (
        "",
        "2026-02-30",
        "2026-1-01",
        "20260101",
        "2026-01-01Z",
        " 2026-01-01\n",
        "2024-02-29",
    ),
    "time": ("", "24:00:00", "24:00:01", "10:00", "10:00:00+01:00", "10:00:00.25"),
    "string": ("", " ", "\t", "XX", "x" * 201, "a\nb", "99"),
}


def _leaves(d: Element, ns: str) -> dict[str, Enkelvoudig]:
    """Clark tag → simple type of every leaf under the descriptor (names are unambiguous per
    tag only within a parent, so the mutation code looks the type up by parent tag too)."""
    out: dict[str, Enkelvoudig] = {}

    def walk(e: Element, parent: str) -> None:
        tag = f"{{{BASISSCHEMA_NS if e.basis else ns}}}{e.naam}"
        if isinstance(e.type, Samengesteld):
            for k in e.type.kinderen:
                walk(k, tag)
        else:
            out[f"{parent}/{tag}"] = e.type

    walk(d, "")
    return out


def _mutaties(root: etree._Element, code: str) -> Iterator[str]:
    """Systematic mutations of a valid message, made in place: each is described while ``root``
    carries it and undone when the next one is asked for."""
    ns = namespace(code)
    bladen = _leaves(descriptor(code), ns)
    for el in list(root.iter())[1:]:
        parent = el.getparent()
        assert parent is not None
        plek = parent.index(el)
        naam = etree.QName(el).localname
        parent.remove(el)
        yield f"drop {naam}"
        parent.insert(plek, el)
        dubbel = copy.deepcopy(el)
        el.addnext(dubbel)
        yield f"duplicate {naam}"
        parent.remove(dubbel)
        nxt = el.getnext()
        if nxt is not None and nxt.tag != el.tag:
            nxt.addnext(el)
            yield f"swap {naam}"
            parent.insert(plek, el)
        tag = el.tag
        q = etree.QName(el)
        el.tag = f"{{{ns if q.namespace == BASISSCHEMA_NS else BASISSCHEMA_NS}}}{q.localname}"
        yield f"namespace {naam}"
        el.tag = tag
        tekst = el.text
        if len(el) == 0:
            t = bladen.get(f"{parent.tag}/{el.tag}")
            slecht = list(_SLECHT["string" if t is None else t.basis])
            if t is not None and t.basis == "string" and t.max_lengte is not None:
                slecht.append("9" * (t.max_lengte + 1))
            for waarde in slecht:
                el.text = waarde
                yield f"value {naam} {waarde!r}"
        else:
            el.text = "tekst"
            yield f"text in {naam}"
            el.text = tekst
            onbekend = etree.SubElement(el, f"{{{ns}}}Onbekend")
            yield f"unknown child of {naam}"
            el.remove(onbekend)
        el.text = tekst


@pytest.mark.parametrize("code", sorted(BERICHTEN))
def test_structuur_agrees_with_the_official_xsd(code: str, iwlz_xsd: SchemaSet) -> None:
    x = bericht_van(code, clienten=1, seed=7)
    assert iwlz_xsd.validate(x)[1] == []
    assert structuur(x) == []
    verschillen = []
    aantal = 0
    afgewezen = 0
    origineel = _c14n(x)
    schema = iwlz_xsd.schema(code)
    for wat in _mutaties(x, code):
        aantal += 1
        xsd_geldig = schema.validate(x)
        eigen = structuur(x)
        afgewezen += not xsd_geldig
        if xsd_geldig == bool(eigen):
            verschillen.append((wat, schema.error_log.last_error, eigen[:1]))
    assert verschillen == []
    assert _c14n(x) == origineel
    assert aantal > 100 and afgewezen > aantal // 2


_XSI = "{http://www.w3.org/2001/XMLSchema-instance}"


def _datum(x: etree._Element) -> etree._Element:
    return next(x.iter(f"{{{BASISSCHEMA_NS}}}Datum"))


def _achternaam(x: etree._Element) -> etree._Element:
    return next(x.iter(f"{{{BASISSCHEMA_NS}}}Achternaam"))


@pytest.mark.parametrize(
    "mutatie",
    [
        lambda x: x.set(f"{_XSI}schemaLocation", f"{namespace('AW35')} AW35.xsd"),
        lambda x: _datum(x).set(f"{_XSI}nil", "false"),
        lambda x: _datum(x).set("{http://www.w3.org/XML/1998/namespace}lang", "nl"),
        lambda x: _datum(x).append(etree.PI("verwerk", "niets")),
        lambda x: x[0].insert(0, etree.PI("verwerk", "niets")),
        lambda x: setattr(_datum(x), "text", "\u00a01950-01-01"),
        lambda x: setattr(x[0][1], "text", "5\u00a0"),
        lambda x: setattr(_achternaam(x), "text", "a\tb"),
        lambda x: setattr(_achternaam(x), "text", "\u00a0"),
        lambda x: setattr(_achternaam(x), "text", "😀" * 200),
        lambda x: setattr(_achternaam(x), "text", "😀" * 201),
        lambda x: setattr(next(x.iter(f"{{{BASISSCHEMA_NS}}}Voorletters")), "text", "ÅØ"),
    ],
)
def test_structuur_agrees_on_attributes_instructions_and_unicode(
    mutatie: Callable[[etree._Element], object], iwlz_xsd: SchemaSet
) -> None:
    x = voorbeeld("AW35")
    mutatie(x)
    x = etree.fromstring(etree.tostring(x))
    assert bool(iwlz_xsd.validate(x)[1]) == bool(structuur(x))
