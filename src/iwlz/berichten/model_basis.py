"""Building blocks of the message descriptors (:mod:`iwlz.berichten.model`): the shape of one
element, of a simple type (``LDT_*``) and of a composite type (``CDT_*`` or a message's own).

A descriptor says what the XSD says, nothing more: which children in which order, how often,
in which namespace, and which values a leaf may hold. The structure is the standard's; the
description is ours.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Literal

from iwlz import codelists

__all__ = ["B", "E", "Element", "Enkelvoudig", "N", "S", "Samengesteld", "codelijst"]

Basis = Literal["string", "int", "date", "time"]

N = None
"""``max=N``: unbounded (``maxOccurs="unbounded"``)."""


@dataclass(frozen=True, slots=True)
class Enkelvoudig:
    """A simple type. ``basis`` is the built-in type it restricts (``xs:string``,
    ``xs:integer``, ``xs:date``, ``xs:time``). ``patronen`` are XSD regular expressions (XSD
    syntax, anchored at both ends), one per derivation step: a value must match every one.
    ``waarden`` is the enumeration (a codelist), None when the type has none."""

    naam: str
    basis: Basis
    min_lengte: int | None = None
    max_lengte: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    patronen: tuple[str, ...] = ()
    waarden: frozenset[str] | None = None

    def beperk(self, patroon: str) -> Enkelvoudig:
        """This type restricted further by a pattern (a message's local restriction)."""
        return replace(self, patronen=(*self.patronen, patroon))


@dataclass(frozen=True, slots=True)
class Samengesteld:
    """A complex type: a sequence of child elements (every iWlz 2.2 complex type is one)."""

    naam: str
    kinderen: tuple[Element, ...]


@dataclass(frozen=True, slots=True)
class Element:
    """One element declaration. ``basis``: the element is in the basisschema namespace (a child
    of a ``CDT_*`` type), else in the message's own namespace. ``max`` None is unbounded."""

    naam: str
    type: Enkelvoudig | Samengesteld
    min: int = 1
    max: int | None = 1
    basis: bool = False

    @property
    def herhaald(self) -> bool:
        """More than one occurrence allowed: read and written as a list."""
        return self.max is None or self.max > 1


def E(naam: str, type: Enkelvoudig | Samengesteld, min: int = 1, max: int | None = 1) -> Element:
    """An element in the message's namespace."""
    return Element(naam, type, min, max)


def B(naam: str, type: Enkelvoudig | Samengesteld, min: int = 1, max: int | None = 1) -> Element:
    """An element in the basisschema namespace (a child of a ``CDT_*`` type)."""
    return Element(naam, type, min, max, basis=True)


def S(naam: str, *kinderen: Element) -> Samengesteld:
    """A complex type with these children, in order."""
    return Samengesteld(naam, kinderen)


@functools.cache
def codelijst(ldt: str) -> frozenset[str]:
    """The codes of the codelist that mirrors ``ldt``'s enumeration (:mod:`iwlz.codelists`)."""
    return frozenset(codelists.get(ldt).values)


def _code(naam: str, max_lengte: int) -> Enkelvoudig:
    return Enkelvoudig(naam, "string", max_lengte=max_lengte, waarden=codelijst(naam))


def _tekst(
    naam: str, min_lengte: int, max_lengte: int | None, patroon: str | None = None
) -> Enkelvoudig:
    patronen = () if patroon is None else (patroon,)
    return Enkelvoudig(naam, "string", min_lengte, max_lengte, patronen=patronen)


def _getal(naam: str, minimum: int, maximum: int) -> Enkelvoudig:
    return Enkelvoudig(naam, "int", minimum=minimum, maximum=maximum)


# Every enumeration in Basisschema.xsd is exactly one list of :mod:`iwlz.codelists` (checked by
# tests/berichten/test_model.py against the official XSDs), so the codes are taken from there.
# --- simple types (LDT_*), alphabetical
LDT_AanduidingWoonadres = _code("LDT_AanduidingWoonadres", 2)
LDT_AdresSoort = _code("LDT_AdresSoort", 2)
LDT_AgbCode = _tekst("LDT_AgbCode", 1, 8, "[0-9]{8}")
LDT_BeperkingCategorie = _code("LDT_BeperkingCategorie", 1)
LDT_BeperkingScore = _code("LDT_BeperkingScore", 1)
LDT_BeperkingVraag = _code("LDT_BeperkingVraag", 4)
LDT_BerichtCode = _tekst("LDT_BerichtCode", 1, 3)
LDT_BerichtSubversie = _getal("LDT_BerichtSubversie", 0, 99)
LDT_BerichtVersie = _getal("LDT_BerichtVersie", 0, 99)
LDT_Besluitnummer = _getal("LDT_Besluitnummer", 1, 999999999)
LDT_BurgerlijkeStaat = _code("LDT_BurgerlijkeStaat", 1)
LDT_BurgerServicenummer = _tekst("LDT_BurgerServicenummer", 1, 9, "[0-9]{9}")
LDT_Commentaar = _tekst("LDT_Commentaar", 1, None, r"([.\s]*\S+[.\s]*)+")
LDT_Communicatievorm = _code("LDT_Communicatievorm", 1)
LDT_Datum = Enkelvoudig("LDT_Datum", "date", patronen=("[^:Z]*",))
LDT_DatumGebruik = _code("LDT_DatumGebruik", 1)
LDT_DiagnoseCodelijst = _code("LDT_DiagnoseCodelijst", 3)
LDT_DiagnoseSubcodelijst = _code("LDT_DiagnoseSubcodelijst", 2)
LDT_Duur = _code("LDT_Duur", 1)
LDT_Emailadres = _tekst("LDT_Emailadres", 1, 80, r".*[^\s].*")
LDT_Etmalen = _code("LDT_Etmalen", 3)
LDT_ExtraKostenThuis = _code("LDT_ExtraKostenThuis", 1)
LDT_Financiering = _code("LDT_Financiering", 1)
LDT_FunctieCode = _code("LDT_FunctieCode", 2)
LDT_Geslacht = _code("LDT_Geslacht", 1)
LDT_Grondslag = _code("LDT_Grondslag", 2)
LDT_Huisletter = _tekst("LDT_Huisletter", 1, 1, r".*[^\s].*")
LDT_Huisnummer = _getal("LDT_Huisnummer", 0, 99999)
LDT_HuisnummerToevoeging = _tekst("LDT_HuisnummerToevoeging", 1, 4, r".*[^\s].*")
LDT_IdentificatieBericht = _tekst("LDT_IdentificatieBericht", 1, 12, r".*[^\s].*")
LDT_iWlzAgbCode = _tekst("LDT_iWlzAgbCode", 1, 8, "[0-9]{8}")
LDT_Jaar = _getal("LDT_Jaar", 0, 9999)
LDT_JaNee = _code("LDT_JaNee", 1)
LDT_Klasse = _code("LDT_Klasse", 4)
LDT_LandCode = _code("LDT_LandCode", 2)
LDT_Landnummer = _tekst("LDT_Landnummer", 1, 4, r".*[^\s].*")
LDT_Leefeenheid = _code("LDT_Leefeenheid", 1)
LDT_Leveringsstatus = _code("LDT_Leveringsstatus", 1)
LDT_LeveringsstatusClassificatie = _code("LDT_LeveringsstatusClassificatie", 2)
LDT_Leveringsvoorwaarde = _code("LDT_Leveringsvoorwaarde", 1)
LDT_Leveringsvorm = _code("LDT_Leveringsvorm", 1)
LDT_MutatieCode = _code("LDT_MutatieCode", 2)
LDT_Naam = _tekst("LDT_Naam", 1, 200, r".*[^\s].*")
LDT_NaamGebruik = _code("LDT_NaamGebruik", 1)
LDT_Nummer = _getal("LDT_Nummer", 0, 999999999)
LDT_Opslag = _getal("LDT_Opslag", 0, 99)
LDT_Organisatienaam = _tekst("LDT_Organisatienaam", 1, 35, r".*[^\s].*")
LDT_Percentage = _getal("LDT_Percentage", 0, 99999)
LDT_Persoonsid = _tekst("LDT_Persoonsid", 1, 20, r".*[^\s].*")
LDT_Plaatsnaam = _tekst("LDT_Plaatsnaam", 1, 80, r".*[^\s].*")
LDT_Postcode = _tekst("LDT_Postcode", 1, 8, r".*[^\s].*")
LDT_Prognose = _code("LDT_Prognose", 1)
LDT_RedenIntrekking = _code("LDT_RedenIntrekking", 1)
LDT_RelatieVolgorde = _getal("LDT_RelatieVolgorde", 0, 99)
LDT_SoortIndicatie = _code("LDT_SoortIndicatie", 1)
LDT_SoortRelatie = _code("LDT_SoortRelatie", 2)
LDT_SoortToewijzing = _code("LDT_SoortToewijzing", 1)
LDT_StatusAanlevering = _code("LDT_StatusAanlevering", 1)
LDT_StoornisCode = _tekst("LDT_StoornisCode", 1, 8)
LDT_StoornisScore = _code("LDT_StoornisScore", 1)
LDT_StoornisVraag = _code("LDT_StoornisVraag", 4)
LDT_Straatnaam = _tekst("LDT_Straatnaam", 1, 24, r".*[^\s].*")
LDT_Taal = _tekst("LDT_Taal", 1, 25, r".*[^\s].*")
LDT_Telefoonnummer = _tekst("LDT_Telefoonnummer", 1, 15, "[0-9]*")
LDT_Tijd = Enkelvoudig("LDT_Tijd", "time", patronen=("[^Z+-]+",))
LDT_ToeslagBeademing = _code("LDT_ToeslagBeademing", 1)
LDT_ToeslagOverig = _code("LDT_ToeslagOverig", 1)
LDT_UUID = _tekst(
    "LDT_UUID", 1, 36, "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
)
LDT_Versie = _tekst("LDT_Versie", 1, None, r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
LDT_Vervoer = _code("LDT_Vervoer", 1)
LDT_VoorkeurClient = _code("LDT_VoorkeurClient", 2)
LDT_Voorletters = _tekst("LDT_Voorletters", 1, 6, "([a-zA-ZÀ-ỳ])+")
LDT_Voorvoegsel = _tekst("LDT_Voorvoegsel", 1, 10, r".*[^\s].*")
LDT_WzdVerklaring = _code("LDT_WzdVerklaring", 1)
LDT_ZorgkantoorCode = _code("LDT_ZorgkantoorCode", 4)
LDT_ZzpCode = _code("LDT_ZzpCode", 3)
LDT_RetourCode = _code("LDT_RetourCode", 4)

# --- composite types (CDT_*), children in the basisschema namespace
CDT_Achternaam = S(
    "CDT_Achternaam",
    B("Achternaam", LDT_Naam),
    B("Voorvoegsel", LDT_Voorvoegsel, 0),
)
CDT_Huis = S(
    "CDT_Huis",
    B("Huisnummer", LDT_Huisnummer),
    B("Huisletter", LDT_Huisletter, 0),
    B("HuisnummerToevoeging", LDT_HuisnummerToevoeging, 0),
    B("AanduidingWoonadres", LDT_AanduidingWoonadres, 0),
)
CDT_Adres = S(
    "CDT_Adres",
    B("Huis", CDT_Huis, 0),
    B("Postcode", LDT_Postcode, 0),
    B("Straatnaam", LDT_Straatnaam, 0),
    B("Plaatsnaam", LDT_Plaatsnaam, 0),
    B("LandCode", LDT_LandCode, 0),
)
CDT_BerichtIdentificatie = S(
    "CDT_BerichtIdentificatie",
    B("Identificatie", LDT_IdentificatieBericht),
    B("Dagtekening", LDT_Datum),
)
CDT_BijzondereSituatie = S(
    "CDT_BijzondereSituatie",
    B("ExtraKostenThuis", LDT_ExtraKostenThuis, 0),
    B("ToeslagBeademing", LDT_ToeslagBeademing, 0),
    B("ToeslagOverig", LDT_ToeslagOverig, 0),
)
CDT_Communicatie = S("CDT_Communicatie", B("Vorm", LDT_Communicatievorm), B("Taal", LDT_Taal, 0))
CDT_Geboortedatum = S(
    "CDT_Geboortedatum",
    B("Datum", LDT_Datum),
    B("DatumGebruik", LDT_DatumGebruik, 0),
)
CDT_GeslotenPeriode = S(
    "CDT_GeslotenPeriode",
    B("Begindatum", LDT_Datum),
    B("Einddatum", LDT_Datum),
)
CDT_Grondslagen = S(
    "CDT_Grondslagen",
    B("Grondslag01", LDT_Grondslag),
    B("Grondslag02", LDT_Grondslag, 0),
)
CDT_OpenPeriode = S("CDT_OpenPeriode", B("Begindatum", LDT_Datum, 0), B("Einddatum", LDT_Datum, 0))
CDT_Telefoon = S(
    "CDT_Telefoon",
    B("Telefoonnummer", LDT_Telefoonnummer),
    B("Landnummer", LDT_Landnummer),
)
CDT_Telefoonnummers = S(
    "CDT_Telefoonnummers",
    B("Telefoon01", CDT_Telefoon),
    B("Telefoon02", CDT_Telefoon, 0),
)
CDT_VerkorteNaam = S(
    "CDT_VerkorteNaam",
    B("Geslachtsnaam", CDT_Achternaam),
    B("Voornamen", LDT_Naam, 0),
    B("Voorletters", LDT_Voorletters, 0),
)
CDT_VolledigeNaam = S(
    "CDT_VolledigeNaam",
    B("Geslachtsnaam", CDT_Achternaam),
    B("Partnernaam", CDT_Achternaam, 0),
    B("Voornamen", LDT_Naam, 0),
    B("Voorletters", LDT_Voorletters, 0),
    B("NaamGebruik", LDT_NaamGebruik),
)
CDT_Wzd = S(
    "CDT_Wzd",
    B("WzdVerklaring", LDT_WzdVerklaring),
    B("WzdIngangsdatum", LDT_Datum, 0),
    B("WzdEinddatum", LDT_Datum, 0),
)
CDT_XsdVersie = S(
    "CDT_XsdVersie",
    B("BasisschemaXsdVersie", LDT_Versie),
    B("BerichtXsdVersie", LDT_Versie),
)
