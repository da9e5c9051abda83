"""AW35 / AW39 from the Leveringsregister (what the aanbieder would have sent), and CA317 / CA319
from its delivery data (what the responsible zorgkantoor sends the CAK): the inverse of
:mod:`iwlz.berichten.brug_lr`, whose docstring has the field mapping and the fields without a
counterpart.

The LR holds the delivery; the rest of each record comes from the registers it points at: the
allocation's ``ZzpCode``, ``ToewijzingIngangsdatum``, ``Leveringsvorm``, ``Etmalen`` and
``Opname`` from the bemiddelingspecificatie (BR), ``Besluitnummer``, ``Afgiftedatum`` and the
short client data (``Geboortedatum``, ``Geslacht``, ``Naam``) from the WlzIndicatie (IR).

Export choices where the messages want more than the registers hold:

* ``Klasse`` (required for Leveringsvorm 4/5, CD051; KE4–KE7, CS074): the one received with the
  record (key map ``extra``), else the ``klasse`` argument, else ``KE7``
  (:data:`iwlz.berichten.io31.KLASSE_ZZP`).
* ``Behandeling`` (required exactly for Leveringsvorm 4 with an allocation with ``Opname`` 1,
  TR129): ``1`` when the leveringperiode has a behandelingperiode, else ``2``. A
  behandelingperiode or a ``sleuteldatum`` (CD004: Leveringsvorm 4 only) the message cannot
  carry is an :class:`ExportFout`, not silently dropped.
* AW39 from register data that maps to no Mutatiecode (a ``beeindigingReden``, uitstel or afstel
  ``reden`` that is not one of the codes in brug_lr's table, or an uitstelperiode 20 without
  the leveringperiode it continues) is left out: the aanbieder could not have sent it.
* ``Dossierhouder``/``CoordinatorZorgThuis`` of an Aanvraag: the VerzoekAanbieder with
  ``regiehouder`` 1 (or the one kept in the key map), as CD073/CD050 place it.

Clients come in BSN order, records by their key fields: the same register content always gives
the same message.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.engine import Connection

from iwlz.berichten import sleutels as sl
from iwlz.berichten.brug import Registers
from iwlz.berichten.brug_lr import AANVRAAG, BIJZONDERE_SITUATIE, GELEVERD, bijzondere_situatie
from iwlz.berichten.ca317 import ca317, geleverde_zorg
from iwlz.berichten.ca319 import ca319, mutatie_zorg
from iwlz.berichten.io31 import KLASSE_ZZP, ExportFout, _Builder, start_bericht
from iwlz.registers.bemiddeling import models as bm
from iwlz.registers.common import labelled
from iwlz.registers.indicatie import models as im
from iwlz.registers.levering import models as lm

__all__ = [
    "aw35_uit_registers",
    "aw39_uit_registers",
    "ca317_uit_registers",
    "ca319_uit_registers",
]

_KLASSE_VORMEN = frozenset({"4", "5"})  # CD051
_ETMALEN_VORMEN = frozenset({"8"})  # CD072
_DOSSIERHOUDER_VORMEN = frozenset({"4", "5", "8", "9"})  # CD073
_COORDINATOR_VORMEN = frozenset({"7"})  # CD050
_DOELMATIG_VORMEN = frozenset({"7", "8"})  # CD074
_MUTATIE_EINDE = frozenset({"17", "19", "20", "21"})
_MUTATIE_UITSTEL = frozenset({"12", "18"})
_MUTATIE_AFSTEL = frozenset({"12", "21"})


# -- reading the registers ----------------------------------------------------------------------


def _kolommen(*kolommen: sa.Column[Any]) -> sa.Select[Any]:
    """SELECT ``kolommen`` labelled with their standard field names (the columns' keys)."""
    return sa.select(*[k.label(k.key) for k in kolommen])


def _rows(
    conn: Connection, table: sa.Table, *where: sa.ColumnElement[bool]
) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(labelled(table).where(*where)).mappings()]


def _in(column: sa.ColumnElement[Any], ids: Iterable[Any]) -> sa.ColumnElement[bool]:
    return column.in_(list(dict.fromkeys(ids)))


class _Stand:
    """Everything an export needs of some leveringen, one query per table."""

    def __init__(self, conn: Connection, leveringen: Sequence[Mapping[str, Any]]) -> None:
        self.leveringen = list(leveringen)
        lids = [lv["leveringID"] for lv in self.leveringen]
        p, bp, u, a = lm.leveringperiode, lm.behandelingperiode, lm.uitstelperiode, lm.afstel
        v, va = lm.verzoek, lm.verzoek_aanbieder
        self.perioden = _groep(_rows(conn, p, _in(p.c.leveringID, lids)), "leveringID")
        pids = [x["leveringperiodeID"] for xs in self.perioden.values() for x in xs]
        self.behandeling = _groep(
            _rows(conn, bp, _in(bp.c.leveringperiodeID, pids)), "leveringperiodeID"
        )
        self.uitstel = _groep(_rows(conn, u, _in(u.c.leveringID, lids)), "leveringID")
        self.afstel = _groep(_rows(conn, a, _in(a.c.leveringID, lids)), "leveringID")
        self.verzoeken = _groep(_rows(conn, v, _in(v.c.leveringID, lids)), "leveringID")
        vids = [x["verzoekID"] for xs in self.verzoeken.values() for x in xs]
        self.verzoek_aanbieders = _groep(_rows(conn, va, _in(va.c.verzoekID, vids)), "verzoekID")
        s, bd = bm.bemiddelingspecificatie, bm.bemiddeling
        stmt = (
            _kolommen(
                s.c.bemiddelingspecificatieID,
                s.c.zzpCode,
                s.c.toewijzingIngangsdatum,
                s.c.leveringsvorm,
                s.c.etmalen,
                s.c.opname,
                bd.c.wlzIndicatieID,
            )
            .select_from(s)
            .join(
                bd,
                sa.and_(bd.c.bemiddelingID == s.c.bemiddelingID, bd.c[bm.TENANT] == s.c[bm.TENANT]),
            )
            .where(
                _in(
                    s.c.bemiddelingspecificatieID,
                    [lv["bemiddelingspecificatieID"] for lv in leveringen],
                )
            )
        )
        self.bspecs = {
            r["bemiddelingspecificatieID"]: dict(r) for r in conn.execute(stmt).mappings()
        }
        w, c = im.wlz_indicatie, im.client
        stmt = (
            _kolommen(
                w.c[im.ROOT],
                w.c.besluitnummer,
                w.c.afgiftedatum,
                c.c.bsn,
                c.c.geboorteDatum,
                c.c.geboortedatumGebruik,
                c.c.geslacht,
                c.c.geslachtsnaam,
                c.c.voorvoegselGeslachtsnaam,
                c.c.voornamen,
                c.c.voorletters,
            )
            .select_from(w)
            .join(c, c.c[im.ROOT] == w.c[im.ROOT])
            .where(_in(w.c[im.ROOT], [b["wlzIndicatieID"] for b in self.bspecs.values()]))
        )
        self.indicaties = {r[im.ROOT]: dict(r) for r in conn.execute(stmt).mappings()}
        self.extra_periode = sl.van_register(conn, GELEVERD, "Leveringperiode", pids)
        self.extra_verzoek = sl.van_register(conn, AANVRAAG, "Verzoek", vids)

    def toewijzing(self, levering: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """The levering's allocation and its indication (with the client data)."""
        bspec = self.bspecs.get(levering["bemiddelingspecificatieID"])
        if bspec is None:
            raise ExportFout(
                f"levering {levering['leveringID']}: the Bemiddelingsregister holds no "
                f"bemiddelingspecificatie {levering['bemiddelingspecificatieID']}"
            )
        indicatie = self.indicaties.get(bspec["wlzIndicatieID"])
        if indicatie is None:
            raise ExportFout(
                f"levering {levering['leveringID']}: the Indicatieregister holds no "
                f"WlzIndicatie {bspec['wlzIndicatieID']}"
            )
        return bspec, indicatie


def _groep(rows: Iterable[dict[str, Any]], key: str) -> dict[Any, list[dict[str, Any]]]:
    out: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        out[r[key]].append(r)
    return out


def _leveringen(
    conn: Connection, aanbieder: str, ontvanger: str, ids: Sequence[uuid.UUID] | None
) -> list[dict[str, Any]]:
    lv = lm.levering
    where = [lv.c.aanbieder == aanbieder, lv.c.uitvoerendZorgkantoor == ontvanger]
    if ids is not None:
        where.append(_in(lv.c.leveringID, ids))
    return _rows(conn, lv, *where)


# -- building ------------------------------------------------------------------------------------


def _client(b: _Builder, clienten: etree._Element, w: Mapping[str, Any]) -> etree._Element:
    client = b.el(clienten, "Client")
    b.el(client, "Bsn", w["bsn"])
    geboorte = b.el(client, "Geboortedatum")
    b.el(geboorte, "Datum", _iso(w["geboorteDatum"]), basis=True)
    b.opt(geboorte, "DatumGebruik", w.get("geboortedatumGebruik"), basis=True)
    b.el(client, "Geslacht", w["geslacht"])
    naam = b.el(client, "Naam")
    achternaam = b.el(naam, "Geslachtsnaam", basis=True)
    b.el(achternaam, "Achternaam", w["geslachtsnaam"], basis=True)
    b.opt(achternaam, "Voorvoegsel", w.get("voorvoegselGeslachtsnaam"), basis=True)
    b.opt(naam, "Voornamen", w.get("voornamen"), basis=True)
    b.opt(naam, "Voorletters", w.get("voorletters"), basis=True)
    return client


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _klasse(vorm: str, ontvangen: Mapping[str, Any], klasse: str | None, wat: str) -> str | None:
    if vorm not in _KLASSE_VORMEN:
        return None
    # The registers hold no ZZP class: the one received with the record, else the caller's,
    # else KE7 as everywhere else (io31.KLASSE_ZZP; CS074 admits KE4–KE7).
    return str(ontvangen.get("Klasse") or klasse or KLASSE_ZZP)


def _per_client(
    stand: _Stand, records: Iterable[tuple[Mapping[str, Any], tuple[Any, ...], Any]]
) -> list[tuple[dict[str, Any], list[Any]]]:
    """Records (indication, sort key, record) grouped per BSN (client data of the indication
    with the latest Afgiftedatum), in BSN order, records by their sort key."""
    per_bsn: dict[str, list[tuple[Mapping[str, Any], tuple[Any, ...], Any]]] = defaultdict(list)
    for w, volgorde, record in records:
        per_bsn[str(w["bsn"])].append((w, volgorde, record))
    out = []
    for bsn in sorted(per_bsn):
        items = per_bsn[bsn]
        w = max((i[0] for i in items), key=lambda x: (x["afgiftedatum"], x["besluitnummer"]))
        out.append((dict(w), [r for _, _, r in sorted(items, key=lambda i: i[1])]))
    return out


def aw35_uit_registers(
    registers: Registers,
    aanbieder: str,
    *,
    ontvanger: str,
    identificatie: str,
    dagtekening: dt.date,
    levering_ids: Sequence[uuid.UUID] | None = None,
    klasse: str | None = None,
) -> etree._Element:
    """AW35 from aanbieder ``aanbieder`` to zorgkantoor ``ontvanger``: a
    ``GeleverdZorgzwaartepakket`` (``StatusAanlevering`` 1) per leveringperiode of its leveringen
    executed by ``ontvanger`` (or of the given ``levering_ids``). ``klasse``: the ``Klasse`` for
    Leveringsvorm 4/5 when none was received (see the module docstring)."""
    with registers.engine.connect() as conn:
        stand = _Stand(conn, _leveringen(conn, aanbieder, ontvanger, levering_ids))
    records = []
    for levering in stand.leveringen:
        bspec, w = stand.toewijzing(levering)
        for p in stand.perioden.get(levering["leveringID"], []):
            records.append(
                (
                    w,
                    (bspec["toewijzingIngangsdatum"], bspec["zzpCode"], p["ingangsdatum"]),
                    (levering, bspec, w, p),
                )
            )
    if not records:
        raise ExportFout(f"aanbieder {aanbieder} has no delivery for zorgkantoor {ontvanger}")
    b, root, clienten = start_bericht("AW35", aanbieder, ontvanger, identificatie, dagtekening)
    for w, items in _per_client(stand, records):
        client = _client(b, clienten, w)
        lijst = b.el(client, "GeleverdeZorgzwaartepakketten")
        for _levering, bspec, wi, p in items:
            _geleverd(b, lijst, stand, aanbieder, bspec, wi, p, klasse)
    return root


def _geleverd(
    b: _Builder,
    lijst: etree._Element,
    stand: _Stand,
    aanbieder: str,
    bspec: Mapping[str, Any],
    w: Mapping[str, Any],
    p: Mapping[str, Any],
    klasse: str | None,
) -> None:
    wat = f"leveringperiode {p['leveringperiodeID']}"
    vorm = bspec["leveringsvorm"]
    if p.get("sleuteldatum") is not None and vorm != "4":
        raise ExportFout(f"{wat}: a sleuteldatum with Leveringsvorm {vorm} (CD004: 4 only)")
    behandeling = stand.behandeling.get(p["leveringperiodeID"], [])
    met_behandeling = vorm == "4" and bspec.get("opname") == "1"  # TR129
    if behandeling and not (
        met_behandeling
        and len(behandeling) == 1
        and behandeling[0]["ingangsdatum"] == p["ingangsdatum"]
        and behandeling[0]["einddatum"] is None
    ):
        raise ExportFout(
            f"{wat}: its behandelingperiodes cannot be sent (Behandeling is one open period "
            "from the Begindatum, for Leveringsvorm 4 with Opname only)"
        )
    ontvangen = stand.extra_periode.get(p["leveringperiodeID"], {})
    pakket = b.el(lijst, "GeleverdZorgzwaartepakket")
    b.el(pakket, "Besluitnummer", w["besluitnummer"])
    b.el(pakket, "ZzpCode", bspec["zzpCode"])
    b.el(pakket, "ToewijzingIngangsdatum", _iso(bspec["toewijzingIngangsdatum"]))
    b.el(pakket, "Begindatum", _iso(p["ingangsdatum"]))
    b.opt(pakket, "Sleuteldatum", _iso(p.get("sleuteldatum")))
    b.el(pakket, "Instelling", aanbieder)
    if vorm in _ETMALEN_VORMEN:
        b.el(pakket, "Etmalen", bspec["etmalen"])
    b.opt(pakket, "Klasse", _klasse(vorm, ontvangen, klasse, wat))
    b.el(pakket, "Leveringsstatus", "4")  # CS062
    b.el(pakket, "Leveringsvorm", vorm)
    if met_behandeling:
        b.el(pakket, "Behandeling", "1" if behandeling else "2")
    b.el(pakket, "StatusAanlevering", "1")


def aw39_uit_registers(
    registers: Registers,
    aanbieder: str,
    *,
    ontvanger: str,
    identificatie: str,
    dagtekening: dt.date,
    levering_ids: Sequence[uuid.UUID] | None = None,
    klasse: str | None = None,
) -> etree._Element:
    """AW39 from aanbieder ``aanbieder`` to zorgkantoor ``ontvanger``: per client its
    ``MutatieZorgzwaartepakketten`` (ended leveringperiodes, uitstelperiodes, afstel) and
    ``Aanvragen`` (verzoeken) of its leveringen executed by ``ontvanger`` (or of the given
    ``levering_ids``), all ``StatusAanlevering`` 1."""
    with registers.engine.connect() as conn:
        stand = _Stand(conn, _leveringen(conn, aanbieder, ontvanger, levering_ids))
    records: list[tuple[Mapping[str, Any], tuple[Any, ...], Any]] = []
    for levering in stand.leveringen:
        bspec, w = stand.toewijzing(levering)
        for m in _mutaties(stand, levering):
            volgorde = (
                0,
                bspec["toewijzingIngangsdatum"],
                bspec["zzpCode"],
                m["Mutatiedatum"],
                m["Mutatiecode"],
            )
            records.append((w, volgorde, ("M", bspec, w, m)))
        for v in stand.verzoeken.get(levering["leveringID"], []):
            volgorde = (1, v["verzoekdatum"], v["product"], v["leveringsvorm"], str(v["verzoekID"]))
            records.append((w, volgorde, ("A", bspec, w, v)))
    if not records:
        raise ExportFout(
            f"aanbieder {aanbieder} has no mutation or verzoek for zorgkantoor {ontvanger}"
        )
    b, root, clienten = start_bericht("AW39", aanbieder, ontvanger, identificatie, dagtekening)
    for w, items in _per_client(stand, records):
        client = _client(b, clienten, w)
        mutaties = [i for i in items if i[0] == "M"]
        aanvragen = [i for i in items if i[0] == "A"]
        if mutaties:
            lijst = b.el(client, "MutatieZorgzwaartepakketten")
            for _, bspec, wi, m in mutaties:
                _mutatie(b, lijst, aanbieder, bspec, wi, m)
        if aanvragen:
            lijst = b.el(client, "Aanvragen")
            for _, _bspec, wi, v in aanvragen:
                _aanvraag(b, lijst, stand, aanbieder, wi, v, klasse)
    return root


def _mutaties(stand: _Stand, levering: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The mutations (element name → value) the levering's register data stands for."""
    lid = levering["leveringID"]
    uitstel = stand.uitstel.get(lid, [])
    out: list[dict[str, Any]] = []
    gebruikt: set[uuid.UUID] = set()
    for p in stand.perioden.get(lid, []):
        code = p.get("beeindigingReden")
        if p.get("einddatum") is None or code not in _MUTATIE_EINDE:
            continue
        m: dict[str, Any] = {
            "Begindatum": None if code == "21" else p["ingangsdatum"],
            "Mutatiecode": code,
            "Mutatiedatum": p["einddatum"],
            "Leveringsstatus": "5",
            "LeveringsstatusClassificatie": None,
            "InstellingBestemming": p.get("aanbiederBestemming") if code in ("17", "21") else None,
        }
        if code == "20":
            vervolg = next(
                (u for u in uitstel if u["reden"] == "20" and u["ingangsdatum"] == p["einddatum"]),
                None,
            )
            if vervolg is None:
                continue  # ended "allocation kept" without the waiting status it needs
            gebruikt.add(vervolg["uitstelperiodeID"])
            m["Leveringsstatus"] = vervolg["leveringsstatus"]
            m["LeveringsstatusClassificatie"] = vervolg["leveringsstatusClassificatie"]
        out.append(m)
    for u in uitstel:
        if u["uitstelperiodeID"] in gebruikt or u["reden"] not in _MUTATIE_UITSTEL:
            continue
        out.append(
            {
                "Begindatum": None,
                "Mutatiecode": u["reden"],
                "Mutatiedatum": u["ingangsdatum"],
                "Leveringsstatus": u["leveringsstatus"],
                "LeveringsstatusClassificatie": u["leveringsstatusClassificatie"],
                "InstellingBestemming": None,
            }
        )
    for a in stand.afstel.get(lid, []):
        if a["reden"] not in _MUTATIE_AFSTEL:
            continue
        out.append(
            {
                "Begindatum": None,
                "Mutatiecode": a["reden"],
                "Mutatiedatum": a["afsteldatum"],
                "Leveringsstatus": "5",
                "LeveringsstatusClassificatie": None,
                "InstellingBestemming": a.get("aanbiederBestemming")
                if a["reden"] == "21"
                else None,
            }
        )
    return out


def _mutatie(
    b: _Builder,
    lijst: etree._Element,
    aanbieder: str,
    bspec: Mapping[str, Any],
    w: Mapping[str, Any],
    m: Mapping[str, Any],
) -> None:
    pakket = b.el(lijst, "MutatieZorgzwaartepakket")
    b.el(pakket, "Besluitnummer", w["besluitnummer"])
    b.el(pakket, "ZzpCode", bspec["zzpCode"])
    b.el(pakket, "ToewijzingIngangsdatum", _iso(bspec["toewijzingIngangsdatum"]))
    b.opt(pakket, "Begindatum", _iso(m["Begindatum"]))
    b.el(pakket, "Instelling", aanbieder)
    b.el(pakket, "Mutatiecode", m["Mutatiecode"])
    b.el(pakket, "Mutatiedatum", _iso(m["Mutatiedatum"]))
    b.el(pakket, "Leveringsstatus", m["Leveringsstatus"])
    b.opt(pakket, "LeveringsstatusClassificatie", m["LeveringsstatusClassificatie"])
    b.el(pakket, "Leveringsvorm", bspec["leveringsvorm"])
    b.opt(pakket, "InstellingBestemming", m["InstellingBestemming"])
    b.el(pakket, "StatusAanlevering", "1")


def _etmalen(volume: Any) -> str | None:
    return None if volume is None else f"{float(volume):.1f}".replace(".", ",")


def _aanvraag(
    b: _Builder,
    lijst: etree._Element,
    stand: _Stand,
    aanbieder: str,
    w: Mapping[str, Any],
    v: Mapping[str, Any],
    klasse: str | None,
) -> None:
    wat = f"verzoek {v['verzoekID']}"
    vorm = v["leveringsvorm"]
    ontvangen = stand.extra_verzoek.get(v["verzoekID"], {})
    aanbieders = sorted(
        stand.verzoek_aanbieders.get(v["verzoekID"], []),
        key=lambda a: (a["toewijzingIngangsdatum"], a["aanbieder"]),
    )
    regie = next((a["aanbieder"] for a in aanbieders if a["regiehouder"] == "1"), None)
    regie = regie or ontvangen.get("Regiehouder")
    try:
        situatie = bijzondere_situatie(v.get("toeslagreden"))
    except ValueError as exc:
        raise ExportFout(f"{wat}: {exc}") from exc
    aanvraag = b.el(lijst, "Aanvraag")
    b.el(aanvraag, "Besluitnummer", w["besluitnummer"])
    b.el(aanvraag, "Afgiftedatum", _iso(w["afgiftedatum"]))
    b.el(aanvraag, "Instelling", aanbieder)
    b.el(aanvraag, "ZzpCode", v["product"])
    if vorm in _ETMALEN_VORMEN:
        b.opt(aanvraag, "Etmalen", _etmalen(v.get("volume")))
    b.opt(aanvraag, "Klasse", _klasse(vorm, ontvangen, klasse, wat))
    b.el(aanvraag, "Leveringsvorm", vorm)
    if vorm in _DOSSIERHOUDER_VORMEN:
        b.opt(aanvraag, "Dossierhouder", regie)
    if vorm in _COORDINATOR_VORMEN:
        b.opt(aanvraag, "CoordinatorZorgThuis", regie)
    if vorm in _DOELMATIG_VORMEN:
        b.opt(aanvraag, "Doelmatig", v.get("doelmatig"))
    if situatie:
        element = b.el(aanvraag, "BijzondereSituatie")
        for naam, _ in BIJZONDERE_SITUATIE:
            b.opt(element, naam, situatie.get(naam), basis=True)
    if vorm in _DOELMATIG_VORMEN:
        b.opt(aanvraag, "Verantwoord", v.get("verantwoord"))
    soorten: Mapping[str, str] = ontvangen.get("Soorten") or {}
    lijst_ = b.el(aanvraag, "AanvraagInstellingen")
    for a in aanbieders:
        instelling = b.el(lijst_, "AanvraagInstelling")
        b.el(instelling, "Instelling", a["aanbieder"])
        b.el(instelling, "Soort", soorten.get(a["aanbieder"]) or v["toewijzingSoort"])
        b.el(instelling, "ToewijzingIngangsdatum", _iso(a["toewijzingIngangsdatum"]))
        b.opt(instelling, "ToewijzingEinddatum", _iso(a.get("toewijzingEinddatum")))
        b.el(instelling, "ToewijzingPercentage", int(a["toewijzingPercentage"]) * 100)
        b.opt(instelling, "Opname", a.get("opname"))


# -- CA317 / CA319 --------------------------------------------------------------------------------


def _zorgkantoor_leveringen(conn: Connection, zorgkantoor: str) -> list[dict[str, Any]]:
    """Every aanbieder's leveringen the zorgkantoor is responsible for (the network model: the
    responsible zorgkantoor reads each aanbieder's LR)."""
    lv = lm.levering
    return _rows(conn, lv, lv.c.verantwoordelijkZorgkantoor == zorgkantoor)


def ca317_uit_registers(
    registers: Registers, zorgkantoor: str, *, identificatie: str, dagtekening: dt.date
) -> etree._Element:
    """CA317 from the responsible ``zorgkantoor``: a ``GeleverdeZorg`` per leveringperiode of
    the leveringen it is responsible for (``GeleverdeZorgID`` = the leveringperiode's ID)."""
    with registers.engine.connect() as conn:
        stand = _Stand(conn, _zorgkantoor_leveringen(conn, zorgkantoor))
    zorg = []
    for levering in sorted(stand.leveringen, key=lambda lv: str(lv["leveringID"])):
        bspec, w = stand.toewijzing(levering)
        for p in sorted(
            stand.perioden.get(levering["leveringID"], []), key=lambda p: p["ingangsdatum"]
        ):
            ontvangen = stand.extra_periode.get(p["leveringperiodeID"], {})
            zorg.append(
                geleverde_zorg(
                    str(w["bsn"]), bspec, p, levering["aanbieder"], ontvangen.get("Klasse")
                )
            )
    zorg.sort(key=lambda z: (z.bsn, z.startdatum, str(z.geleverde_zorg_id)))
    return ca317(zorg, afzender=zorgkantoor, identificatie=identificatie, dagtekening=dagtekening)


def ca319_uit_registers(
    registers: Registers, zorgkantoor: str, *, identificatie: str, dagtekening: dt.date
) -> etree._Element:
    """CA319 from the responsible ``zorgkantoor``: a ``MutatieZorg`` per leveringperiode ended
    with ``beeindigingReden`` 19 or 20 (CS067), ``MutatieZorgID`` = its ``GeleverdeZorgID``."""
    with registers.engine.connect() as conn:
        stand = _Stand(conn, _zorgkantoor_leveringen(conn, zorgkantoor))
    mutaties = []
    for levering in stand.leveringen:
        _bspec, w = stand.toewijzing(levering)
        for p in stand.perioden.get(levering["leveringID"], []):
            m = mutatie_zorg(str(w["bsn"]), p)
            if m is not None:
                mutaties.append(m)
    mutaties.sort(key=lambda m: (m.bsn, m.mutatiedatum, str(m.mutatie_zorg_id)))
    return ca319(
        mutaties, afzender=zorgkantoor, identificatie=identificatie, dagtekening=dagtekening
    )
