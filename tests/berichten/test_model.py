"""The message descriptors: equal to the official XSDs (when present) for all 22 types, and the
retour derivation rules of messages.md §1.4 without them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from iwlz import codelists
from iwlz.berichten.catalogus import BERICHTEN, bericht
from iwlz.berichten.model import HEEN, descriptor
from iwlz.berichten.model_basis import Element, Enkelvoudig, Samengesteld

XS = "{http://www.w3.org/2001/XMLSchema}"
_BASES = {"string": "string", "integer": "int", "date": "date", "time": "time"}


class _XsdLezer:
    """Reads an official message schema into our descriptor classes, independently of the
    model: what the model says must be what this reads."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        basis = etree.parse(str(folder / "Basisschema.xsd")).getroot()
        self.basis = basis
        self.simple = {e.get("name"): e for e in basis.iter(f"{XS}simpleType") if e.get("name")}
        self.complex = {e.get("name"): e for e in basis.iter(f"{XS}complexType")}

    def enkelvoudig(self, st: etree._Element) -> Enkelvoudig:
        (r,) = st.findall(f"{XS}restriction")
        prefix, local = str(r.get("base")).split(":")
        t = Enkelvoudig("", _BASES[local]) if prefix == "xs" else self.ldt(local)  # type: ignore[arg-type]
        if not t.naam:
            t = replace(t, naam=str(st.get("name")))
        facetten = {etree.QName(c).localname for c in r} - {"annotation"}
        assert facetten <= {
            "pattern",
            "enumeration",
            "minLength",
            "maxLength",
            "minInclusive",
            "maxInclusive",
        }
        patronen = [str(p.get("value")) for p in r.findall(f"{XS}pattern")]
        assert len(patronen) <= 1  # several in one step would be alternatives
        if patronen:
            t = replace(t, patronen=(*t.patronen, patronen[0]))
        waarden = [str(e.get("value")) for e in r.findall(f"{XS}enumeration")]
        if waarden:
            t = replace(t, waarden=frozenset(waarden))
        for facet, veld in (
            ("minLength", "min_lengte"),
            ("maxLength", "max_lengte"),
            ("minInclusive", "minimum"),
            ("maxInclusive", "maximum"),
        ):
            f = r.find(f"{XS}{facet}")
            if f is not None:
                t = replace(t, **{veld: int(str(f.get("value")))})
        return t

    def ldt(self, naam: str) -> Enkelvoudig:
        return self.enkelvoudig(self.simple[naam])

    def samengesteld(self, schema: etree._Element, ct: etree._Element, prefix: str) -> Samengesteld:
        (seq,) = [c for c in ct if c.tag != f"{XS}annotation"]
        assert seq.tag == f"{XS}sequence"
        basis = schema is self.basis
        return Samengesteld(
            str(ct.get("name")), tuple(self.element(schema, e, basis, prefix) for e in seq)
        )

    def element(
        self, schema: etree._Element, el: etree._Element, basis: bool, prefix: str
    ) -> Element:
        assert el.tag == f"{XS}element"
        maximum = el.get("maxOccurs", "1")
        typ = el.get("type")
        t: Enkelvoudig | Samengesteld
        if typ is None:
            (st,) = el.findall(f"{XS}simpleType")
            t = self.enkelvoudig(st)
        else:
            p, local = typ.split(":")
            if p == "iwlz" and local in self.simple:
                t = self.ldt(local)
            elif p == "iwlz":
                t = self.samengesteld(self.basis, self.complex[local], "iwlz")
            else:
                assert p == prefix
                ct = schema.find(f"{XS}complexType[@name='{local}']")
                assert ct is not None
                t = self.samengesteld(schema, ct, prefix)
        return Element(
            str(el.get("name")),
            t,
            int(el.get("minOccurs", "1")),
            None if maximum == "unbounded" else int(maximum),
            basis,
        )

    def bericht(self, code: str) -> Element:
        schema = etree.parse(str(self.folder / f"{code}.xsd")).getroot()
        (root,) = schema.findall(f"{XS}element")
        return self.element(schema, root, False, code.lower())


def _verschillen(ons: Element, xsd: Element, pad: str = "") -> list[str]:
    pad = f"{pad}/{ons.naam}"
    if (ons.naam, ons.min, ons.max, ons.basis) != (xsd.naam, xsd.min, xsd.max, xsd.basis):
        return [f"{pad}: {ons} != {xsd}"]
    if isinstance(ons.type, Samengesteld) and isinstance(xsd.type, Samengesteld):
        if [k.naam for k in ons.type.kinderen] != [k.naam for k in xsd.type.kinderen]:
            return [f"{pad}: children {[k.naam for k in ons.type.kinderen]}"]
        return [
            v
            for a, b in zip(ons.type.kinderen, xsd.type.kinderen, strict=True)
            for v in _verschillen(a, b, pad)
        ]
    if isinstance(ons.type, Enkelvoudig) and isinstance(xsd.type, Enkelvoudig):
        # The XSD names a local restriction after nothing; ours after the type it restricts.
        ons_t = replace(ons.type, naam="")
        xsd_t = replace(xsd.type, naam="")
        return [] if ons_t == xsd_t else [f"{pad}: {ons.type} != {xsd.type}"]
    return [f"{pad}: simple versus complex"]


@pytest.fixture(scope="module")
def xsd(shared_dir: Path) -> _XsdLezer:
    return _XsdLezer(shared_dir / "reference" / "iwlz-2.2-xsd")


@pytest.mark.parametrize("code", sorted(BERICHTEN))
def test_the_descriptor_is_what_the_official_xsd_says(code: str, xsd: _XsdLezer) -> None:
    assert _verschillen(descriptor(code), xsd.bericht(code)) == []


def test_every_enumeration_in_the_basisschema_is_one_of_our_codelists(xsd: _XsdLezer) -> None:
    enumeraties = {n: xsd.ldt(n).waarden for n in xsd.simple if xsd.ldt(n).waarden is not None}
    assert len(enumeraties) > 40
    for naam, waarden in enumeraties.items():
        assert frozenset(codelists.get(naam).values) == waarden, naam


# --- without the XSDs -------------------------------------------------------------------------


def _elementen(e: Element) -> list[Element]:
    uit = [e]
    if isinstance(e.type, Samengesteld):
        for k in e.type.kinderen:
            uit += _elementen(k)
    return uit


def _kind(e: Element, naam: str) -> Element:
    assert isinstance(e.type, Samengesteld)
    return next(k for k in e.type.kinderen if k.naam == naam)


def test_there_are_eleven_heen_descriptors() -> None:
    assert sorted(HEEN) == sorted(c for c, t in BERICHTEN.items() if t.heen)


@pytest.mark.parametrize("code", sorted(BERICHTEN))
def test_sibling_names_are_unique_and_cdt_children_are_in_the_basisschema(code: str) -> None:
    for e in _elementen(descriptor(code)):
        if isinstance(e.type, Samengesteld):
            namen = [k.naam for k in e.type.kinderen]
            assert len(namen) == len(set(namen)), e.naam
            cdt = e.type.naam.startswith("CDT_")
            assert all(k.basis == cdt for k in e.type.kinderen), e.type.naam


@pytest.mark.parametrize("code", sorted(BERICHTEN))
def test_the_header_fixes_code_version_and_subversion(code: str) -> None:
    header = _kind(descriptor(code), "Header")
    vast = {n: _kind(header, n).type for n in ("BerichtCode", "BerichtVersie", "BerichtSubversie")}
    assert all(isinstance(t, Enkelvoudig) for t in vast.values())
    assert [t.patronen[-1] for t in vast.values() if isinstance(t, Enkelvoudig)] == [
        bericht(code).berichtcode,
        "5",
        "2",
    ]


@pytest.mark.parametrize("code", sorted(c for c, t in BERICHTEN.items() if not t.heen))
def test_a_retour_is_its_heen_plus_the_retour_parts(code: str) -> None:
    retour, heen = descriptor(code), descriptor(bericht(code).tegenhanger)
    kop = [k.naam for k in _kind(retour, "Header").type.kinderen]  # type: ignore[union-attr]
    heen_kop = [k.naam for k in _kind(heen, "Header").type.kinderen]  # type: ignore[union-attr]
    assert kop == [
        *heen_kop,
        "IdentificatieRetour",
        "DagtekeningRetour",
        "XsltVersie",
        "XsdVersieRetour",
        "RetourCodes",
    ]
    assert _kind(_kind(retour, "Header"), "RetourCodes").min == 0
    body = retour.type.kinderen[1]  # type: ignore[union-attr]
    assert body.min == 0 and body.naam == heen.type.kinderen[1].naam  # type: ignore[union-attr]
    klassen = set(bericht(code).klassen)
    met_codes = 0
    for e in _elementen(retour):
        if isinstance(e.type, Samengesteld) and e.naam in klassen:
            laatste = e.type.kinderen[-1]
            assert laatste.naam == "RetourCodes" and laatste.min == 1, e.naam
            code_el = _kind(laatste, "RetourCode")
            assert code_el.max is None and isinstance(code_el.type, Enkelvoudig)
            assert code_el.type.naam == "LDT_RetourCode"
            met_codes += 1
    assert met_codes >= len(klassen) - 1
    # Without the retour parts the retour is its heen again.
    assert sum(1 for e in _elementen(retour) if e.naam == "RetourCodes") == met_codes + 1
