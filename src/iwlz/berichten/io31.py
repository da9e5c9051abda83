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
  (:data:`KLASSE_ZZP`, ``KE7``; also on an allocation with Leveringsvorm 4/5, CD051).
* Contacts (:func:`_contacten`). IO31 requires a ``Contact`` ``Soort`` (LDT_AdresSoort); the IR
  keeps it on the address. An IR contact record holds an address, a telephone number and an
  e-mail address, each optional; a ``Contact`` an address, up to two telephone numbers and an
  e-mail address, and the rules allow one ``Contact`` per ``Soort`` (TR101), each with a
  telephone number or a full address (TR006). So the export sends one ``Contact`` per address
  Soort (of two addresses of one Soort, the latest-starting) with the telephone number and
  e-mail address of that address's record. A telephone number or e-mail address of a record
  without an address goes on the first ``Contact`` with room of Soort ``02`` (correspondentie),
  ``01`` (BRP), ``03`` (verblijf), ``04`` (tijdelijk verblijf), as ``Telefoon01`` then
  ``Telefoon02``; when none has room and there is no ``02``, on a ``Contact`` of Soort ``02``
  without an address. What still finds no room (a third telephone number, a second e-mail
  address) is left out. A ``Relatie`` has exactly one ``Contact``: its first address in that
  order of Soorten with all its telephone numbers and e-mail addresses that fit; a relation
  with no contact data at all gets a ``Contact`` with only ``Soort`` ``02``.
* Contacts in, the other way: each ``Contact`` becomes one contact record with its address,
  ``Telefoon01`` and e-mail address, and ``Telefoon02`` a record of its own, so the export
  puts it back where it was.
* A missing telephone ``Landnummer`` (required in IO31) is ``0031``.
* A contact's ``ingangsdatum``/``einddatum`` travel as its ``Periode`` only for ``Soort`` 04
  (CD009); the Wzd period only with ``WzdVerklaring`` 1 (CD070). Otherwise they are left out,
  and the import starts the contact on the ``Afgiftedatum``.
* Lists the register keeps unordered (contacts, relations, stoornissen, beperkingen, scores,
  zorgzwaartepakketten) are sent in a canonical order, so the same content gives the same
  message whatever order the database returns.
* ZK31/ZK33 reuse the client and indication part (:func:`zk31`, :func:`zk33`); the bridge to
  the Bemiddelingsregister and its field table is :mod:`iwlz.berichten.brug_br`.
* A required IO31 field the register left empty (``Leefeenheid``) makes the export fail with
  :class:`ExportFout` naming the client, rather than inventing a value.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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

__all__ = ["AW33_BSPEC_FIELDS", "IO31_QUERY", "ExportFout", "aw33", "io31", "zk31", "zk33"]

BRP = "01"
CORRESPONDENTIE = "02"
VERBLIJF = "03"
TIJDELIJK_VERBLIJF = "04"
"""The only Contact Soort that may carry a Periode (CD009)."""
_VOORKEUR = (CORRESPONDENTIE, BRP, VERBLIJF, TIJDELIJK_VERBLIJF)
"""Which Contact takes a telephone number or e-mail address registered without an address,
and which address a Relatie's one Contact carries: the first of these Soorten present."""
_TELEFOONS = ("Telefoon01", "Telefoon02")
WZD_ARTIKEL_21 = "1"
"""The only WzdVerklaring that carries WzdIngangsdatum/WzdEinddatum (CD070)."""
KLASSE_ZZP = "KE7"
"""The ZZP ``Klasse`` sent where the messages require one and the registers hold none: a ZZP's
class counts 24-hour periods a week and must be KE4–KE7 (CS074); KE7, the whole week, is what a
zorgzwaartepakket means unless a part-time form says otherwise (docs/conformance.md)."""
KLASSE_VORMEN = frozenset({"4", "5"})
"""Leveringsvormen whose allocation carries a ``Klasse`` (CD051)."""

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
    """A heenbericht's root with its header, and its empty ``Clienten`` (ZK31, whose one
    ``Client`` sits directly under the root: the root)."""
    if not 1 <= len(identificatie) <= 12:
        raise ExportFout("BerichtIdentificatie has 1 to 12 characters")
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
    return b, root, (root if code == "ZK31" else b.el(root, "Clienten"))


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


def zk31(
    indicatie: Mapping[str, Any],
    toegewezen: Sequence[Mapping[str, Any]],
    *,
    afzender: str,
    ontvanger: str,
    verhuisdatum: Any,
    overdrachtdatum: Any,
    identificatie: str,
    dagtekening: dt.date,
) -> etree._Element:
    """ZK31 (Dossieroverdracht) from the old zorgkantoor ``afzender`` to the new one
    ``ontvanger``: the client's indication (:data:`IO31_QUERY`) with its allocations, each a
    bemiddelingspecificatie row (:data:`AW33_BSPEC_FIELDS`) plus its overdrachtspecificatie's
    ``leveringsstatus``/``leveringsstatusClassificatie`` (required: ZK31 has a Leveringsstatus
    per allocation). Every allocation's ``Zorgkantoor`` is ``afzender`` (TR065)."""
    b, root, parent = start_bericht("ZK31", afzender, ontvanger, identificatie, dagtekening)
    _client(
        b,
        parent,
        indicatie,
        toegewezen=list(toegewezen),
        soort="ZK31",
        verhuisdatum=verhuisdatum,
        overdrachtdatum=overdrachtdatum,
        zorgkantoor=afzender,
    )
    return root


def zk33(
    toewijzingen: Iterable[tuple[Mapping[str, Any], Sequence[Mapping[str, Any]]]],
    *,
    afzender: str,
    ontvanger: str,
    identificatie: str,
    dagtekening: dt.date,
) -> etree._Element:
    """ZK33 (bovenregionale toewijzing) from the responsible zorgkantoor ``afzender`` to the
    executing one ``ontvanger``: per client its indication and the allocations it hands over
    (as :func:`aw33`). Every allocation's ``Zorgkantoor`` is ``afzender`` (TR065): the
    executing zorgkantoor is the header's ``Ontvanger``."""
    pairs = list(toewijzingen)
    if not pairs:
        raise ExportFout("a ZK33 holds at least one client; none was given")
    b, root, clienten = start_bericht("ZK33", afzender, ontvanger, identificatie, dagtekening)
    for indicatie, bspecs in pairs:
        _client(b, clienten, indicatie, toegewezen=bspecs, soort="ZK33", zorgkantoor=afzender)
    return root


AW33_BSPEC_FIELDS = """zzpCode instelling uitvoerendZorgkantoor soortToewijzing vaststellingMoment
  percentage toewijzingIngangsdatum toewijzingEinddatum redenIntrekking etmalen instellingBestemming
  leveringsvorm opname pgbPercentage"""
"""The Bemiddelingspecificatie fields :func:`aw33` reads."""

_NL = ZoneInfo("Europe/Amsterdam")


def _toegewezen(
    b: _Builder,
    parent: etree._Element,
    bspecs: Sequence[Mapping[str, Any]],
    soort: str = "AW33",
    zorgkantoor: str | None = None,
) -> None:
    """``ToegewezenZorgzwaartepakketten`` of an AW33, ZK31 or ZK33 (their element sets differ:
    ZK31 has no RedenIntrekking/InstellingBestemming but a Leveringsstatus; ZK31/ZK33 need a
    ToewijzingPercentage). ``zorgkantoor``: the ``Zorgkantoor`` to send instead of the
    bemiddelingspecificatie's ``uitvoerendZorgkantoor`` (ZK31/ZK33: the sender, TR065)."""
    zk = soort in ("ZK31", "ZK33")
    element = b.el(parent, "ToegewezenZorgzwaartepakketten")
    for s in bspecs:
        moment = dt.datetime.fromisoformat(str(s["vaststellingMoment"])).astimezone(_NL)
        pakket = b.el(element, "ToegewezenZorgzwaartepakket")
        b.el(pakket, "ZzpCode", s["zzpCode"])
        b.opt(pakket, "Instelling", s.get("instelling"))
        b.el(pakket, "Zorgkantoor", zorgkantoor or s["uitvoerendZorgkantoor"])
        b.el(pakket, "Soort", s["soortToewijzing"])
        # Toewijzingsdatum + Toewijzingstijd carry the vaststellingMoment in Dutch local time.
        b.el(pakket, "Toewijzingsdatum", moment.date().isoformat())
        b.el(pakket, "Toewijzingstijd", moment.strftime("%H:%M:%S"))
        percentage = s.get("percentage")
        if percentage is None and zk:
            # Required in ZK31/ZK33, also for a PGB allocation (whose share is pgbPercentage).
            percentage = s.get("pgbPercentage")
            if percentage is None:
                raise ExportFout(
                    f"allocation {s['zzpCode']} from {s['toewijzingIngangsdatum']}: "
                    f"{soort} requires a ToewijzingPercentage and the register has none"
                )
        if percentage is not None:
            b.el(pakket, "ToewijzingPercentage", int(percentage) * 100)  # hundredths
        b.el(pakket, "Ingangsdatum", s["toewijzingIngangsdatum"])
        b.opt(pakket, "Einddatum", s.get("toewijzingEinddatum"))
        if soort != "ZK31":
            b.opt(pakket, "RedenIntrekking", s.get("redenIntrekking"))
        b.opt(pakket, "Etmalen", s.get("etmalen"))
        if s["leveringsvorm"] in KLASSE_VORMEN:  # CD051; the register holds no class
            b.el(pakket, "Klasse", KLASSE_ZZP)
        if soort != "ZK31":
            b.opt(pakket, "InstellingBestemming", s.get("instellingBestemming"))
        b.el(pakket, "Leveringsvorm", s["leveringsvorm"])
        b.opt(pakket, "Dossierhouder", s.get("dossierhouder"))
        b.opt(pakket, "CoordinatorZorgThuis", s.get("coordinatorZorgThuis"))
        if soort == "ZK31":
            if not s.get("leveringsstatus"):
                raise ExportFout(
                    f"allocation {s['zzpCode']} from {s['toewijzingIngangsdatum']}: ZK31 "
                    "requires a Leveringsstatus (an Overdrachtspecificatie)"
                )
            b.el(pakket, "Leveringsstatus", s["leveringsstatus"])
            b.opt(pakket, "LeveringsstatusClassificatie", s.get("leveringsstatusClassificatie"))
        b.opt(pakket, "Opname", s.get("opname"))


def _op_volgorde(
    items: Iterable[Mapping[str, Any]] | None,
    eerst: Callable[[Mapping[str, Any]], tuple[Any, ...]] = lambda _item: (),
) -> list[Mapping[str, Any]]:
    """``items`` in a canonical order: the register keeps no order for these lists (and a
    database may return them in any), so the same content always gives the same message.
    Periods do not count (a contact's often has no place in the message)."""
    return sorted(items or [], key=lambda i: (*eerst(i), json.dumps(_zonder_periode(i))))


def _zonder_periode(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {
            k: _zonder_periode(v)
            for k, v in sorted(value.items())
            if k not in ("ingangsdatum", "einddatum")
        }
    if isinstance(value, list):
        return [_zonder_periode(v) for v in value]
    return value if isinstance(value, str | int | float | bool | None) else str(value)


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


@dataclass
class _Contact:
    """One ``Contact`` to send: an address (or none) with up to two telephone numbers and one
    e-mail address, gathered from the register's contact data (see :func:`_contacten`)."""

    soort: str
    adres: Mapping[str, Any] | None = None
    telefoons: list[Mapping[str, Any]] = field(default_factory=list)
    email: Mapping[str, Any] | None = None

    def neem(self, item: tuple[str, Mapping[str, Any]]) -> bool:
        """Take a telephone number or e-mail address if there is room; False if not."""
        wat, waarde = item
        if wat == "telefoon" and len(self.telefoons) < len(_TELEFOONS):
            self.telefoons.append(waarde)
            return True
        if wat == "email" and self.email is None:
            self.email = waarde
            return True
        return False


def _contacten(
    gegevens: Iterable[Mapping[str, Any]] | None, *, een: bool = False
) -> list[_Contact]:
    """The register's contact data of a client grouped into valid ``Contact`` elements, or
    (``een``) of a relation into its one ``Contact``.

    One Contact per address Soort (TR101): of two addresses of one Soort the latest-starting
    one is sent; a relation's Contact has the first address in :data:`_VOORKEUR` order. Each
    Contact carries the telephone numbers and e-mail address registered with its address;
    the others (registered without an address, or with an address not sent) go to the first
    Contact in :data:`_VOORKEUR` order with room (``Telefoon01``/``Telefoon02``, one
    ``Emailadres``), else to a Contact of Soort 02 without an address; what finds no room is
    left out. The input is taken in canonical order, so the same content gives the same
    Contacts; they come in Soort order."""
    gekozen: dict[str, Mapping[str, Any]] = {}
    rest: list[Mapping[str, Any]] = []
    for g in _op_volgorde(gegevens):
        adres = g.get("adres")
        if not adres:
            rest.append(g)
            continue
        soort = adres.get("adresSoort") or CORRESPONDENTIE
        eerder = gekozen.get(soort)
        if eerder is None or str(adres.get("ingangsdatum")) > str(
            eerder["adres"].get("ingangsdatum")
        ):
            if eerder is not None:
                rest.append(eerder)
            gekozen[soort] = g
        else:
            rest.append(g)
    volgorde = sorted(gekozen, key=_rang)
    if een:
        rest.extend(gekozen[soort] for soort in volgorde[1:])
        volgorde = volgorde[:1]
    groepen = [_Contact(soort, gekozen[soort]["adres"]) for soort in volgorde]
    for groep in groepen:  # an empty Contact has room for its own record's number and e-mail
        for item in _items(gekozen[groep.soort]):
            groep.neem(item)
    for item in (item for g in rest for item in _items(g)):
        if any(groep.neem(item) for groep in groepen):
            continue
        if not (een and groepen) and all(g.soort != CORRESPONDENTIE for g in groepen):
            groepen.append(_Contact(CORRESPONDENTIE))
            groepen[-1].neem(item)
    if een and not groepen:
        # A relation with no contact data at all: a Contact with only its Soort.
        groepen.append(_Contact(CORRESPONDENTIE))
    return sorted(groepen, key=lambda g: g.soort)


def _items(g: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    return [(k, g[k]) for k in ("telefoon", "email") if g.get(k)]


def _rang(soort: str) -> tuple[int, str]:
    return (_VOORKEUR.index(soort) if soort in _VOORKEUR else len(_VOORKEUR), soort)


def _contact(b: _Builder, parent: etree._Element, groep: _Contact) -> None:
    adres, telefoons, email = groep.adres, groep.telefoons, groep.email
    contact = b.el(parent, "Contact")
    b.el(contact, "Soort", groep.soort)
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
    if telefoons:
        nummers = b.el(contact, "Telefoon")
        for naam, telefoon in zip(_TELEFOONS, telefoons, strict=False):
            tel = b.el(nummers, naam, basis=True)
            b.el(tel, "Telefoonnummer", telefoon["telefoonnummer"], basis=True)
            b.el(tel, "Landnummer", telefoon.get("landnummer") or "0031", basis=True)
    if email is not None:
        b.el(contact, "Emailadres", email["emailadres"])
    # Only Soort 04 has an address, so its period is the address's.
    if (
        groep.soort == TIJDELIJK_VERBLIJF
        and adres is not None
        and (adres.get("ingangsdatum") or adres.get("einddatum"))
    ):
        periode = b.el(contact, "Periode")
        b.opt(periode, "Begindatum", adres.get("ingangsdatum"), basis=True)
        b.opt(periode, "Einddatum", adres.get("einddatum"), basis=True)


def _client(
    b: _Builder,
    clienten: etree._Element,
    w: Mapping[str, Any],
    *,
    toegewezen: Sequence[Mapping[str, Any]] | None = None,
    partneropname: str | None = None,
    soort: str | None = None,
    verhuisdatum: Any = None,
    overdrachtdatum: Any = None,
    zorgkantoor: str | None = None,
) -> None:
    """One ``Client`` (for ZK31 ``clienten`` is the root: its one Client sits there)."""
    soort = soort or ("IO31" if toegewezen is None else "AW33")
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
        if wzd["wzdVerklaring"] == WZD_ARTIKEL_21:  # the period only then (CD070)
            b.opt(element, "WzdIngangsdatum", wzd.get("ingangsdatum"), basis=True)
            b.opt(element, "WzdEinddatum", wzd.get("einddatum"), basis=True)
    if soort == "AW33":
        b.el(client, "Partneropname", partneropname or "2")
    if soort == "ZK31":
        b.el(client, "Verhuisdatum", verhuisdatum)
    b.opt(client, "Commentaar", c.get("commentaar"))
    personen: Sequence[Mapping[str, Any]] = _op_volgorde(
        [p for p in c.get("contactPersoon") or [] if p],
        lambda p: (p.get("volgorde") or 0, str(p.get("relatieNummer"))),
    )
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
            # A Relatie has exactly one Contact.
            _contact(b, relatie, _contacten(p.get("contactGegevens"), een=True)[0])
    contacten = _contacten(c.get("contactGegevens"))
    if not contacten:
        # Required; the register shows none after the indication's end (IRA0001A).
        raise ExportFout(f"{wie}: Contactgegevens is required and the register shows none")
    contactgegevens = b.el(client, "Contactgegevens")
    for contact in contacten:
        _contact(b, contactgegevens, contact)
    _indicatie(b, client, w, toegewezen, soort, overdrachtdatum, zorgkantoor)


def _indicatie(
    b: _Builder,
    client: etree._Element,
    w: Mapping[str, Any],
    toegewezen: Sequence[Mapping[str, Any]] | None = None,
    soort: str = "IO31",
    overdrachtdatum: Any = None,
    zorgkantoor: str | None = None,
) -> None:
    # AW33 and ZK33 have no Meerzorg and no InstellingVoorkeur; ZK31 adds Overdrachtdatum.
    met_voorkeur = soort in ("IO31", "ZK31")
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
    if met_voorkeur:
        b.opt(indicatie, "Meerzorg", w.get("meerzorg"))
    if soort == "ZK31":
        b.el(indicatie, "Overdrachtdatum", overdrachtdatum)
    b.opt(indicatie, "Commentaar", w.get("commentaar"))
    stoornissen = _op_volgorde(w.get("stoornis"))
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
    beperkingen = _op_volgorde(w.get("beperking"), lambda p: (str(p.get("categorie")),))
    if beperkingen:
        element = b.el(indicatie, "Beperkingen")
        for p in beperkingen:
            beperking = b.el(element, "Beperking")
            b.el(beperking, "Categorie", p["categorie"])
            b.opt(beperking, "Duur", p.get("duur"))
            b.opt(beperking, "Commentaar", p.get("commentaar"))
            scores = _op_volgorde(p.get("beperkingScore"))
            if scores:
                lijst = b.el(beperking, "BeperkingScores")
                for score in scores:
                    item = b.el(lijst, "BeperkingScore")
                    b.el(item, "Vraag", score["beperkingVraag"])
                    b.el(item, "Score", score["beperkingScore"])
                    b.opt(item, "Commentaar", score.get("commentaar"))
    scores = _op_volgorde(w.get("stoornisScore"))
    if scores:
        element = b.el(indicatie, "StoornisScores")
        for score in scores:
            item = b.el(element, "StoornisScore")
            b.el(item, "Vraag", score["stoornisVraag"])
            b.el(item, "Score", score["stoornisScore"])
            b.opt(item, "Commentaar", score.get("commentaar"))
    pakketten = _op_volgorde(
        w.get("geindiceerdZorgzwaartepakket"),
        lambda z: (str(z.get("ingangsdatum")), str(z.get("zzpCode"))),
    )
    if pakketten:
        element = b.el(indicatie, "GeindiceerdeZorgzwaartepakketten")
        for z in pakketten:
            pakket = b.el(element, "GeindiceerdZorgzwaartepakket")
            b.el(pakket, "ZzpCode", z["zzpCode"])
            b.el(pakket, "Ingangsdatum", z["ingangsdatum"])
            b.opt(pakket, "Einddatum", z.get("einddatum"))
            b.el(pakket, "Klasse", KLASSE_ZZP)
            b.opt(pakket, "VoorkeurClient", z.get("voorkeurClient"))
            if met_voorkeur:
                b.opt(pakket, "InstellingVoorkeur", z.get("instellingVoorkeur"))
            b.el(pakket, "Financiering", z["financiering"])
            b.opt(pakket, "Commentaar", z.get("commentaar"))
    if toegewezen:
        _toegewezen(b, indicatie, toegewezen, soort, zorgkantoor)


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
    ``Begindatum``, else the indication's ``Afgiftedatum``); a ``Contact`` is one contact
    record, its ``Telefoon02`` a record of its own. The ``GeindiceerdeFuncties`` and the ZZP
    ``Klasse`` have no place in the register."""
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
        ) -> list[dict[str, Any]]:
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
            telefoons = [
                {
                    "telefoonnummer": _text(telefoon, f"{m}Telefoonnummer"),
                    "landnummer": _text(telefoon, f"{m}Landnummer"),
                    "ingangsdatum": begin,
                    "einddatum": eind,
                }
                for naam in _TELEFOONS
                if (telefoon := element.find(f"{n}Telefoon/{m}{naam}")) is not None
            ]
            if telefoons:
                gegevens["telefoon"] = telefoons[0]
            email = _text(element, f"{n}Emailadres")
            if email:
                gegevens["email"] = {"emailadres": email, "ingangsdatum": begin, "einddatum": eind}
            # The register holds one telephone number per contact record: Telefoon02 is one
            # of its own, which the export puts back on this Contact.
            return ([gegevens] if gegevens else []) + [{"telefoon": tel} for tel in telefoons[1:]]

        personen = []
        for relatie in client.iterfind(f"{n}Relaties/{n}Relatie"):
            gegevens = [g for c in relatie.iterfind(f"{n}Contact") for g in contact(c)]
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
                        for c in client.iterfind(f"{n}Contactgegevens/{n}Contact")
                        for g in contact(c)
                    ],
                },
            }
        )
    return out
