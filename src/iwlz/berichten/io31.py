"""IO31 (Indicatiebesluit) from and into the Indicatieregister, and AW33 (Zorgtoewijzing) from
the Indicatieregister plus the Bemiddelingsregister: the estafette messages the CIZ and a
zorgkantoor would have sent for what the registers hold (messages.md §2.3). The two messages
share the client and indication part; AW33 adds ``Partneropname`` and the
``ToegewezenZorgzwaartepakketten`` and drops ``Meerzorg`` and ``InstellingVoorkeur``.

Input: WlzIndicatie trees as the register's read API returns them (GraphQL field names, dates as
ISO strings). Output: one IO31 ``Bericht`` for one zorgkantoor, elements in schema order with
the message namespace for message elements and the basisschema namespace inside ``CDT_*`` types.

Fields without a counterpart, and what is done with them:

* IR → nothing in IO31: ``vervaldatum``, ``roepnaam``, a ContactPersoon's ``rol``/``relatie``
  and its ``ingangsdatum``/``einddatum``, the IDs. They are left out.
* IO31 fields the IR does not hold: ``GeindiceerdeFuncties`` (left out) and the ZZP ``Klasse``
  (``99``, "niet van toepassing", as for every zorgzwaartepakket).
* IO31 requires a ``Contact`` ``Soort`` (LDT_AdresSoort); the IR keeps it on the address. A
  contact with only a telephone number or e-mail address is sent as ``02`` (correspondentie);
  a relation with no contact data at all gets a ``Contact`` with only that ``Soort``.
* One telephone number (``Telefoon01``); a missing ``Landnummer`` (required in IO31) is
  ``0031``.
* A required IO31 field the register left empty (``Leefeenheid``) makes the export fail with
  :class:`ExportFout` naming the client, rather than inventing a value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from lxml import etree

from iwlz.berichten.catalogus import (
    BASISSCHEMA_NS,
    BERICHT_SUBVERSIE,
    BERICHT_VERSIE,
    XSD_VERSIE,
    bericht,
)

__all__ = ["IO31_QUERY", "ExportFout", "io31"]

CORRESPONDENTIE = "02"
KLASSE_NVT = "99"

IO31_QUERY = """query IO31($where: WlzIndicatieFilterInput) {
  wlzIndicatie(where: $where) {
    bsn besluitnummer soortWlzindicatie afgiftedatum ingangsdatum einddatum meerzorg commentaar
    initieelVerantwoordelijkZorgkantoor wlzindicatieID
    grondslag { grondslag volgorde }
    geindiceerdZorgzwaartepakket { zzpCode ingangsdatum einddatum voorkeurClient instellingVoorkeur
      financiering commentaar }
    beperking { categorie duur commentaar
      beperkingScore { beperkingVraag beperkingScore commentaar } }
    stoornis { grondslag diagnoseCodelijst diagnoseSubCodelijst ziektebeeldStoornis prognose
      commentaar }
    stoornisScore { stoornisVraag stoornisScore commentaar }
    wzd { wzdVerklaring ingangsdatum einddatum }
    client {
      bsn geheimeClient geboorteDatum geboortedatumGebruik geslacht burgerlijkeStaat geslachtsnaam
      voorvoegselGeslachtsnaam partnernaam voorvoegselPartnernaam voornamen voorletters naamGebruik
      leefeenheid agbcodeHuisarts communicatieVorm taal commentaar
      contactPersoon { relatieNummer volgorde soortRelatie voornamen voorletters geslachtsnaam
        voorvoegselGeslachtsnaam partnernaam voorvoegselPartnernaam naamGebruik geslacht
        geboorteDatum geboortedatumGebruik contactGegevens { ...Contact } }
      contactGegevens { ...Contact }
    }
  }
}
fragment Contact on ContactGegevens {
  adres { adresSoort straatnaam huisnummer huisletter huisnummerToevoeging postcode plaatsnaam
    landCode aanduidingWoonadres ingangsdatum einddatum }
  telefoon { telefoonnummer landnummer ingangsdatum einddatum }
  email { emailadres ingangsdatum einddatum }
}"""
"""The register query whose answer :func:`io31` takes (every field IO31 has a place for)."""


class ExportFout(ValueError):
    """The register's data cannot make a valid message; the text says which client and field."""


class _Builder:
    def __init__(self, ns: str) -> None:
        self.ns = ns

    def el(
        self, parent: etree._Element, name: str, value: Any = None, *, basis: bool = False
    ) -> etree._Element:
        element = etree.SubElement(parent, f"{{{BASISSCHEMA_NS if basis else self.ns}}}{name}")
        if value is not None:
            element.text = str(value)
        return element

    def opt(self, parent: etree._Element, name: str, value: Any, *, basis: bool = False) -> None:
        if value is not None and value != "":
            self.el(parent, name, value, basis=basis)


def io31(
    indicaties: Iterable[Mapping[str, Any]],
    *,
    ontvanger: str,
    identificatie: str,
    dagtekening: dt.date,
) -> etree._Element:
    """One IO31 for zorgkantoor ``ontvanger`` with a ``Client`` per indication."""
    rows = list(indicaties)
    if not rows:
        raise ExportFout("an IO31 holds at least one client; no indications were given")
    if not 1 <= len(identificatie) <= 12:
        raise ExportFout("BerichtIdentificatie has 1 to 12 characters")
    b, root, clienten = start_bericht("IO31", None, ontvanger, identificatie, dagtekening)
    for indicatie in rows:
        _client(b, clienten, indicatie)
    return root


def start_bericht(
    code: str, afzender: str | None, ontvanger: str | None, identificatie: str, dagtekening: dt.date
) -> tuple[_Builder, etree._Element, etree._Element]:
    """A heenbericht's root with its header, and its empty ``Clienten``."""
    t = bericht(code)
    b = _Builder(t.namespace)
    root = etree.Element(
        f"{{{t.namespace}}}Bericht", nsmap={None: t.namespace, "iwlz": BASISSCHEMA_NS}
    )
    header = b.el(root, "Header")
    b.el(header, "BerichtCode", t.berichtcode)
    b.el(header, "BerichtVersie", BERICHT_VERSIE)
    b.el(header, "BerichtSubversie", BERICHT_SUBVERSIE)
    b.opt(header, "Afzender", afzender)
    b.opt(header, "Ontvanger", ontvanger)
    ident = b.el(header, "BerichtIdentificatie")
    b.el(ident, "Identificatie", identificatie, basis=True)
    b.el(ident, "Dagtekening", dagtekening.isoformat(), basis=True)
    versie = b.el(header, "XsdVersie")
    b.el(versie, "BasisschemaXsdVersie", XSD_VERSIE, basis=True)
    b.el(versie, "BerichtXsdVersie", XSD_VERSIE, basis=True)
    return b, root, b.el(root, "Clienten")


def aw33(
    toewijzingen: Iterable[tuple[Mapping[str, Any], Sequence[Mapping[str, Any]]]],
    *,
    afzender: str,
    ontvanger: str,
    identificatie: str,
    dagtekening: dt.date,
    partneropname: str = "2",
) -> etree._Element:
    """AW33 (Zorgtoewijzing) from zorgkantoor ``afzender`` to aanbieder ``ontvanger``: per
    client its indication (the Indicatieregister's tree, :data:`IO31_QUERY`) and the
    bemiddelingspecificaties (Bemiddelingsregister rows, :data:`AW33_BSPEC_FIELDS`) allocated
    to it (messages.md §2.3). ``Partneropname`` (required, LDT_JaNee) is held by neither
    register: ``partneropname`` gives it (default ``2``, nee). Regiehouders are not sent as
    ``Dossierhouder``/``CoordinatorZorgThuis``: the register's ``regierol`` has no codelist
    that says which is which (registers.md §4 item 8)."""
    pairs = list(toewijzingen)
    if not pairs:
        raise ExportFout("an AW33 holds at least one client; none was given")
    if not 1 <= len(identificatie) <= 12:
        raise ExportFout("BerichtIdentificatie has 1 to 12 characters")
    b, root, clienten = start_bericht("AW33", afzender, ontvanger, identificatie, dagtekening)
    for indicatie, bspecs in pairs:
        _client(b, clienten, indicatie, toegewezen=bspecs, partneropname=partneropname)
    return root


AW33_BSPEC_FIELDS = """zzpCode instelling uitvoerendZorgkantoor soortToewijzing vaststellingMoment
  percentage toewijzingIngangsdatum toewijzingEinddatum redenIntrekking etmalen instellingBestemming
  leveringsvorm opname"""
"""The Bemiddelingspecificatie fields :func:`aw33` reads."""

_NL = ZoneInfo("Europe/Amsterdam")


def _toegewezen(b: _Builder, parent: etree._Element, bspecs: Sequence[Mapping[str, Any]]) -> None:
    element = b.el(parent, "ToegewezenZorgzwaartepakketten")
    for s in bspecs:
        moment = dt.datetime.fromisoformat(str(s["vaststellingMoment"])).astimezone(_NL)
        pakket = b.el(element, "ToegewezenZorgzwaartepakket")
        b.el(pakket, "ZzpCode", s["zzpCode"])
        b.opt(pakket, "Instelling", s.get("instelling"))
        b.el(pakket, "Zorgkantoor", s["uitvoerendZorgkantoor"])
        b.el(pakket, "Soort", s["soortToewijzing"])
        # Toewijzingsdatum + Toewijzingstijd carry the vaststellingMoment in Dutch local time.
        b.el(pakket, "Toewijzingsdatum", moment.date().isoformat())
        b.el(pakket, "Toewijzingstijd", moment.strftime("%H:%M:%S"))
        if s.get("percentage") is not None:
            b.el(pakket, "ToewijzingPercentage", int(s["percentage"]) * 100)  # hundredths
        b.el(pakket, "Ingangsdatum", s["toewijzingIngangsdatum"])
        b.opt(pakket, "Einddatum", s.get("toewijzingEinddatum"))
        b.opt(pakket, "RedenIntrekking", s.get("redenIntrekking"))
        b.opt(pakket, "Etmalen", s.get("etmalen"))
        b.opt(pakket, "InstellingBestemming", s.get("instellingBestemming"))
        b.el(pakket, "Leveringsvorm", s["leveringsvorm"])
        b.opt(pakket, "Opname", s.get("opname"))


def _naam(b: _Builder, parent: etree._Element, p: Mapping[str, Any], wie: str) -> None:
    if not p.get("geslachtsnaam"):
        raise ExportFout(f"{wie}: geslachtsnaam is required in IO31")
    naam = b.el(parent, "Naam")
    achternaam = b.el(naam, "Geslachtsnaam", basis=True)
    b.el(achternaam, "Achternaam", p["geslachtsnaam"], basis=True)
    b.opt(achternaam, "Voorvoegsel", p.get("voorvoegselGeslachtsnaam"), basis=True)
    if p.get("partnernaam"):
        partner = b.el(naam, "Partnernaam", basis=True)
        b.el(partner, "Achternaam", p["partnernaam"], basis=True)
        b.opt(partner, "Voorvoegsel", p.get("voorvoegselPartnernaam"), basis=True)
    b.opt(naam, "Voornamen", p.get("voornamen"), basis=True)
    b.opt(naam, "Voorletters", p.get("voorletters"), basis=True)
    b.el(naam, "NaamGebruik", p.get("naamGebruik") or "1", basis=True)


def _geboortedatum(b: _Builder, parent: etree._Element, datum: Any, gebruik: Any) -> None:
    geboorte = b.el(parent, "Geboortedatum")
    b.el(geboorte, "Datum", datum, basis=True)
    b.opt(geboorte, "DatumGebruik", gebruik, basis=True)


def _contact(b: _Builder, parent: etree._Element, gegevens: Mapping[str, Any] | None) -> None:
    gegevens = gegevens or {}
    adres = gegevens.get("adres") or None
    telefoon = gegevens.get("telefoon") or None
    email = gegevens.get("email") or None
    contact = b.el(parent, "Contact")
    b.el(contact, "Soort", (adres or {}).get("adresSoort") or CORRESPONDENTIE)
    if adres is not None:
        element = b.el(contact, "Adres")
        if adres.get("huisnummer") is not None:
            huis = b.el(element, "Huis", basis=True)
            b.el(huis, "Huisnummer", adres["huisnummer"], basis=True)
            b.opt(huis, "Huisletter", adres.get("huisletter"), basis=True)
            b.opt(huis, "HuisnummerToevoeging", adres.get("huisnummerToevoeging"), basis=True)
            b.opt(huis, "AanduidingWoonadres", adres.get("aanduidingWoonadres"), basis=True)
        b.opt(element, "Postcode", adres.get("postcode"), basis=True)
        b.opt(element, "Straatnaam", adres.get("straatnaam"), basis=True)
        b.opt(element, "Plaatsnaam", adres.get("plaatsnaam"), basis=True)
        b.opt(element, "LandCode", adres.get("landCode"), basis=True)
    if telefoon is not None:
        nummers = b.el(contact, "Telefoon")
        tel = b.el(nummers, "Telefoon01", basis=True)
        b.el(tel, "Telefoonnummer", telefoon["telefoonnummer"], basis=True)
        b.el(tel, "Landnummer", telefoon.get("landnummer") or "0031", basis=True)
    if email is not None:
        b.el(contact, "Emailadres", email["emailadres"])
    periode_van = adres or telefoon or email
    if periode_van is not None and (
        periode_van.get("ingangsdatum") or periode_van.get("einddatum")
    ):
        periode = b.el(contact, "Periode")
        b.opt(periode, "Begindatum", periode_van.get("ingangsdatum"), basis=True)
        b.opt(periode, "Einddatum", periode_van.get("einddatum"), basis=True)


def _client(
    b: _Builder,
    clienten: etree._Element,
    w: Mapping[str, Any],
    *,
    toegewezen: Sequence[Mapping[str, Any]] | None = None,
    partneropname: str | None = None,
) -> None:
    c: Mapping[str, Any] = w.get("client") or {}
    wie = f"client {c.get('bsn') or w.get('bsn')}"
    client = b.el(clienten, "Client")
    b.el(client, "Bsn", c.get("bsn") or w["bsn"])
    b.el(client, "GeheimeClient", c.get("geheimeClient") or "2")
    _geboortedatum(b, client, c.get("geboorteDatum"), c.get("geboortedatumGebruik"))
    b.el(client, "Geslacht", c.get("geslacht"))
    b.opt(client, "BurgerlijkeStaat", c.get("burgerlijkeStaat"))
    _naam(b, client, c, wie)
    if not c.get("leefeenheid"):
        raise ExportFout(f"{wie}: leefeenheid is required in IO31 and empty in the register")
    b.el(client, "Leefeenheid", c["leefeenheid"])
    b.opt(client, "Huisarts", c.get("agbcodeHuisarts"))
    if c.get("communicatieVorm"):
        communicatie = b.el(client, "Communicatie")
        b.el(communicatie, "Vorm", c["communicatieVorm"], basis=True)
        b.opt(communicatie, "Taal", c.get("taal"), basis=True)
    wzd = w.get("wzd")
    if wzd:
        element = b.el(client, "Wzd")
        b.el(element, "WzdVerklaring", wzd["wzdVerklaring"], basis=True)
        b.opt(element, "WzdIngangsdatum", wzd.get("ingangsdatum"), basis=True)
        b.opt(element, "WzdEinddatum", wzd.get("einddatum"), basis=True)
    if toegewezen is not None:  # AW33
        b.el(client, "Partneropname", partneropname or "2")
    b.opt(client, "Commentaar", c.get("commentaar"))
    personen: Sequence[Mapping[str, Any]] = [p for p in c.get("contactPersoon") or [] if p]
    if personen:
        relaties = b.el(client, "Relaties")
        for p in personen:
            relatie = b.el(relaties, "Relatie")
            b.el(relatie, "Nummer", p["relatieNummer"])
            b.opt(relatie, "Volgorde", p.get("volgorde"))
            b.el(relatie, "Soort", p["soortRelatie"])
            if p.get("geboorteDatum"):
                _geboortedatum(b, relatie, p["geboorteDatum"], p.get("geboortedatumGebruik"))
            b.opt(relatie, "Geslacht", p.get("geslacht"))
            _naam(b, relatie, p, f"{wie}, relatie {p['relatieNummer']}")
            gegevens = p.get("contactGegevens") or []
            _contact(b, relatie, gegevens[0] if gegevens else None)
    contactgegevens = b.el(client, "Contactgegevens")
    for gegevens in c.get("contactGegevens") or []:
        _contact(b, contactgegevens, gegevens)
    _indicatie(b, client, w, toegewezen)


def _indicatie(
    b: _Builder,
    client: etree._Element,
    w: Mapping[str, Any],
    toegewezen: Sequence[Mapping[str, Any]] | None = None,
) -> None:
    aw33 = toegewezen is not None
    indicatie = b.el(client, "Indicatie")
    b.el(indicatie, "Besluitnummer", w["besluitnummer"])
    b.el(indicatie, "Soort", w["soortWlzindicatie"])
    grondslagen = sorted(w.get("grondslag") or [], key=lambda g: g.get("volgorde") or 0)
    if grondslagen:
        element = b.el(indicatie, "Grondslagen")
        for i, g in enumerate(grondslagen[:2], start=1):
            b.el(element, f"Grondslag0{i}", g["grondslag"], basis=True)
    b.el(indicatie, "Afgiftedatum", w["afgiftedatum"])
    b.el(indicatie, "Ingangsdatum", w["ingangsdatum"])
    b.opt(indicatie, "Einddatum", w.get("einddatum"))
    if not aw33:  # AW33's Indicatie has no Meerzorg
        b.opt(indicatie, "Meerzorg", w.get("meerzorg"))
    b.opt(indicatie, "Commentaar", w.get("commentaar"))
    stoornissen = w.get("stoornis") or []
    if stoornissen:
        element = b.el(indicatie, "Stoornissen")
        for s in stoornissen:
            stoornis = b.el(element, "Stoornis")
            b.el(stoornis, "Grondslag", s["grondslag"])
            b.el(stoornis, "DiagnoseCodelijst", s["diagnoseCodelijst"])
            b.opt(stoornis, "DiagnoseSubcodelijst", s.get("diagnoseSubCodelijst"))
            b.el(stoornis, "ZiektebeeldStoornis", s["ziektebeeldStoornis"])
            b.opt(stoornis, "Prognose", s.get("prognose"))
            b.opt(stoornis, "Commentaar", s.get("commentaar"))
    beperkingen = w.get("beperking") or []
    if beperkingen:
        element = b.el(indicatie, "Beperkingen")
        for p in beperkingen:
            beperking = b.el(element, "Beperking")
            b.el(beperking, "Categorie", p["categorie"])
            b.opt(beperking, "Duur", p.get("duur"))
            b.opt(beperking, "Commentaar", p.get("commentaar"))
            scores = p.get("beperkingScore") or []
            if scores:
                lijst = b.el(beperking, "BeperkingScores")
                for score in scores:
                    item = b.el(lijst, "BeperkingScore")
                    b.el(item, "Vraag", score["beperkingVraag"])
                    b.el(item, "Score", score["beperkingScore"])
                    b.opt(item, "Commentaar", score.get("commentaar"))
    scores = w.get("stoornisScore") or []
    if scores:
        element = b.el(indicatie, "StoornisScores")
        for score in scores:
            item = b.el(element, "StoornisScore")
            b.el(item, "Vraag", score["stoornisVraag"])
            b.el(item, "Score", score["stoornisScore"])
            b.opt(item, "Commentaar", score.get("commentaar"))
    pakketten = w.get("geindiceerdZorgzwaartepakket") or []
    if pakketten:
        element = b.el(indicatie, "GeindiceerdeZorgzwaartepakketten")
        for z in pakketten:
            pakket = b.el(element, "GeindiceerdZorgzwaartepakket")
            b.el(pakket, "ZzpCode", z["zzpCode"])
            b.el(pakket, "Ingangsdatum", z["ingangsdatum"])
            b.opt(pakket, "Einddatum", z.get("einddatum"))
            b.el(pakket, "Klasse", KLASSE_NVT)
            b.opt(pakket, "VoorkeurClient", z.get("voorkeurClient"))
            if not aw33:  # AW33's zorgzwaartepakket has no InstellingVoorkeur
                b.opt(pakket, "InstellingVoorkeur", z.get("instellingVoorkeur"))
            b.el(pakket, "Financiering", z["financiering"])
            b.opt(pakket, "Commentaar", z.get("commentaar"))
    if toegewezen:
        _toegewezen(b, indicatie, toegewezen)


# -- IO31 → Indicatieregister ---------------------------------------------------------------


def _text(element: etree._Element | None, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path)
    if found is None or found.text is None:
        return None
    return found.text.strip()


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def indicaties_uit_io31(root: etree._Element) -> list[dict[str, Any]]:
    """The Indicatieregister's registration input (``registreerWlzIndicatie``) for every client
    of an IO31, inverse to :func:`io31`: the header's ``Ontvanger`` becomes
    ``initieelVerantwoordelijkZorgkantoor``; what the register needs and IO31 lacks comes from
    the message itself (a contact's and a relation's start is the contact's ``Periode``
    ``Begindatum``, else the indication's ``Afgiftedatum``). A second telephone number, the
    ``GeindiceerdeFuncties`` and the ZZP ``Klasse`` have no place in the register."""
    t = bericht("IO31")
    n, m = f"{{{t.namespace}}}", f"{{{BASISSCHEMA_NS}}}"
    if etree.QName(root).namespace != t.namespace:
        raise ExportFout(f"not an IO31 message: {etree.QName(root).namespace!r}")
    ontvanger = _text(root, f"{n}Header/{n}Ontvanger")
    out: list[dict[str, Any]] = []
    for client in root.iterfind(f"{n}Clienten/{n}Client"):
        indicatie = client.find(f"{n}Indicatie")
        if indicatie is None:
            raise ExportFout("an IO31 Client without Indicatie")
        afgifte = _date(_text(indicatie, f"{n}Afgiftedatum"))

        def naam(parent: etree._Element) -> dict[str, Any]:
            return {
                "geslachtsnaam": _text(parent, f"{n}Naam/{m}Geslachtsnaam/{m}Achternaam"),
                "voorvoegselGeslachtsnaam": _text(
                    parent, f"{n}Naam/{m}Geslachtsnaam/{m}Voorvoegsel"
                ),
                "partnernaam": _text(parent, f"{n}Naam/{m}Partnernaam/{m}Achternaam"),
                "voorvoegselPartnernaam": _text(parent, f"{n}Naam/{m}Partnernaam/{m}Voorvoegsel"),
                "voornamen": _text(parent, f"{n}Naam/{m}Voornamen"),
                "voorletters": _text(parent, f"{n}Naam/{m}Voorletters"),
                "naamGebruik": _text(parent, f"{n}Naam/{m}NaamGebruik"),
            }

        def contact(
            element: etree._Element, afgifte: dt.date | None = afgifte
        ) -> dict[str, Any] | None:
            begin = _date(_text(element, f"{n}Periode/{m}Begindatum")) or afgifte
            eind = _date(_text(element, f"{n}Periode/{m}Einddatum"))
            gegevens: dict[str, Any] = {}
            adres = element.find(f"{n}Adres")
            if adres is not None:
                gegevens["adres"] = {
                    "adresSoort": _text(element, f"{n}Soort"),
                    "huisnummer": _int(_text(adres, f"{m}Huis/{m}Huisnummer")),
                    "huisletter": _text(adres, f"{m}Huis/{m}Huisletter"),
                    "huisnummerToevoeging": _text(adres, f"{m}Huis/{m}HuisnummerToevoeging"),
                    "aanduidingWoonadres": _text(adres, f"{m}Huis/{m}AanduidingWoonadres"),
                    "postcode": _text(adres, f"{m}Postcode"),
                    "straatnaam": _text(adres, f"{m}Straatnaam"),
                    "plaatsnaam": _text(adres, f"{m}Plaatsnaam"),
                    "landCode": _text(adres, f"{m}LandCode"),
                    "ingangsdatum": begin,
                    "einddatum": eind,
                }
            telefoon = element.find(f"{n}Telefoon/{m}Telefoon01")
            if telefoon is not None:
                gegevens["telefoon"] = {
                    "telefoonnummer": _text(telefoon, f"{m}Telefoonnummer"),
                    "landnummer": _text(telefoon, f"{m}Landnummer"),
                    "ingangsdatum": begin,
                    "einddatum": eind,
                }
            email = _text(element, f"{n}Emailadres")
            if email:
                gegevens["email"] = {"emailadres": email, "ingangsdatum": begin, "einddatum": eind}
            return gegevens or None

        personen = []
        for relatie in client.iterfind(f"{n}Relaties/{n}Relatie"):
            gegevens = [g for g in [contact(c) for c in relatie.iterfind(f"{n}Contact")] if g]
            begin = next(
                (
                    d
                    for g in gegevens
                    for d in (
                        (g.get("adres") or g.get("telefoon") or g.get("email") or {}).get(
                            "ingangsdatum"
                        ),
                    )
                    if d
                ),
                afgifte,
            )
            personen.append(
                {
                    "relatieNummer": _text(relatie, f"{n}Nummer"),
                    "volgorde": _int(_text(relatie, f"{n}Volgorde")),
                    "soortRelatie": _text(relatie, f"{n}Soort"),
                    "geboorteDatum": _date(_text(relatie, f"{n}Geboortedatum/{m}Datum")),
                    "geboortedatumGebruik": _text(relatie, f"{n}Geboortedatum/{m}DatumGebruik"),
                    "geslacht": _text(relatie, f"{n}Geslacht"),
                    **naam(relatie),
                    "ingangsdatum": begin,
                    "contactGegevens": gegevens,
                }
            )
        wzd = client.find(f"{n}Wzd")
        grondslagen = [
            g
            for g in (
                _text(indicatie, f"{n}Grondslagen/{m}Grondslag01"),
                _text(indicatie, f"{n}Grondslagen/{m}Grondslag02"),
            )
            if g
        ]
        out.append(
            {
                "bsn": _text(client, f"{n}Bsn"),
                "besluitnummer": _int(_text(indicatie, f"{n}Besluitnummer")),
                "soortWlzindicatie": _text(indicatie, f"{n}Soort"),
                "afgiftedatum": afgifte,
                "ingangsdatum": _date(_text(indicatie, f"{n}Ingangsdatum")),
                "einddatum": _date(_text(indicatie, f"{n}Einddatum")),
                "meerzorg": _text(indicatie, f"{n}Meerzorg"),
                "commentaar": _text(indicatie, f"{n}Commentaar"),
                "initieelVerantwoordelijkZorgkantoor": ontvanger,
                "grondslag": [
                    {"grondslag": g, "volgorde": i} for i, g in enumerate(grondslagen, start=1)
                ],
                "stoornis": [
                    {
                        "grondslag": _text(s, f"{n}Grondslag"),
                        "diagnoseCodelijst": _text(s, f"{n}DiagnoseCodelijst"),
                        "diagnoseSubCodelijst": _text(s, f"{n}DiagnoseSubcodelijst"),
                        "ziektebeeldStoornis": _text(s, f"{n}ZiektebeeldStoornis"),
                        "prognose": _text(s, f"{n}Prognose"),
                        "commentaar": _text(s, f"{n}Commentaar"),
                    }
                    for s in indicatie.iterfind(f"{n}Stoornissen/{n}Stoornis")
                ],
                "beperking": [
                    {
                        "categorie": _text(b, f"{n}Categorie"),
                        "duur": _text(b, f"{n}Duur"),
                        "commentaar": _text(b, f"{n}Commentaar"),
                        "beperkingScore": [
                            {
                                "beperkingVraag": _text(s, f"{n}Vraag"),
                                "beperkingScore": _text(s, f"{n}Score"),
                                "commentaar": _text(s, f"{n}Commentaar"),
                            }
                            for s in b.iterfind(f"{n}BeperkingScores/{n}BeperkingScore")
                        ],
                    }
                    for b in indicatie.iterfind(f"{n}Beperkingen/{n}Beperking")
                ],
                "stoornisScore": [
                    {
                        "stoornisVraag": _text(s, f"{n}Vraag"),
                        "stoornisScore": _text(s, f"{n}Score"),
                        "commentaar": _text(s, f"{n}Commentaar"),
                    }
                    for s in indicatie.iterfind(f"{n}StoornisScores/{n}StoornisScore")
                ],
                "geindiceerdZorgzwaartepakket": [
                    {
                        "zzpCode": _text(z, f"{n}ZzpCode"),
                        "ingangsdatum": _date(_text(z, f"{n}Ingangsdatum")),
                        "einddatum": _date(_text(z, f"{n}Einddatum")),
                        "voorkeurClient": _text(z, f"{n}VoorkeurClient"),
                        "instellingVoorkeur": _text(z, f"{n}InstellingVoorkeur"),
                        "financiering": _text(z, f"{n}Financiering"),
                        "commentaar": _text(z, f"{n}Commentaar"),
                    }
                    for z in indicatie.iterfind(
                        f"{n}GeindiceerdeZorgzwaartepakketten/{n}GeindiceerdZorgzwaartepakket"
                    )
                ],
                "wzd": (
                    {
                        "wzdVerklaring": _text(wzd, f"{m}WzdVerklaring"),
                        "ingangsdatum": _date(_text(wzd, f"{m}WzdIngangsdatum")),
                        "einddatum": _date(_text(wzd, f"{m}WzdEinddatum")),
                    }
                    if wzd is not None
                    else None
                ),
                "client": {
                    "bsn": _text(client, f"{n}Bsn"),
                    "geheimeClient": _text(client, f"{n}GeheimeClient"),
                    "geboorteDatum": _date(_text(client, f"{n}Geboortedatum/{m}Datum")),
                    "geboortedatumGebruik": _text(client, f"{n}Geboortedatum/{m}DatumGebruik"),
                    "geslacht": _text(client, f"{n}Geslacht"),
                    "burgerlijkeStaat": _text(client, f"{n}BurgerlijkeStaat"),
                    **naam(client),
                    "leefeenheid": _text(client, f"{n}Leefeenheid"),
                    "agbcodeHuisarts": _text(client, f"{n}Huisarts"),
                    "communicatieVorm": _text(client, f"{n}Communicatie/{m}Vorm"),
                    "taal": _text(client, f"{n}Communicatie/{m}Taal"),
                    "commentaar": _text(client, f"{n}Commentaar"),
                    "contactPersoon": personen,
                    "contactGegevens": [
                        g
                        for g in (
                            contact(c) for c in client.iterfind(f"{n}Contactgegevens/{n}Contact")
                        )
                        if g
                    ],
                },
            }
        )
    return out
