"""The bridge between the Leveringsregister and AW35 / AW39 / ZK35 / ZK39 (messages.md §2.3, §4):
importers (registered in :data:`IMPORTEURS` on import of this module). The exports are in
:mod:`iwlz.berichten.brug_lr_export`, CA317/CA319 in :mod:`~iwlz.berichten.ca317` and
:mod:`~iwlz.berichten.ca319`.

**One transaction per message** (:func:`transactie`): the Leveringsregister's writes (rows,
domain events, the outbox rows the event hooks add) and the key map rows
(:mod:`iwlz.berichten.sleutels`) of every record of the message commit together; any refusal
(:class:`ImportFout`) rolls all of them back.

**Whose register.** The LR is the aanbieder's: every record is written into the register of its
``Instelling`` (for AW35/AW39 the header ``Afzender``; for ZK35/ZK39, whose ``Afzender`` is a
zorgkantoor, the aanbieder the forwarded record is about).

**Finding the allocation.** ``Bsn`` + ``Besluitnummer`` name the WlzIndicatie (IR); ``ZzpCode``
+ ``ToewijzingIngangsdatum`` + ``Instelling`` the bemiddelingspecificatie on its bemiddeling (BR)
of a zorgkantoor in the header (AW: the ``Ontvanger``; ZK: either party) as responsible or
executing zorgkantoor. Two allocations on one key (different leveringsvorm): the one with the
record's ``Leveringsvorm``, then the latest ``vaststellingMoment``. None: :class:`ImportFout`
``9019`` (TR019's code) on the record. The Levering for it is created when the aanbieder has
none (``verantwoordelijkZorgkantoor`` from the bemiddeling, ``uitvoerendZorgkantoor`` from the
allocation, the client by BSN).

AW35 ``GeleverdZorgzwaartepakket`` → Leveringsregister:

* (the allocation) → the ``Levering`` for its ``bemiddelingspecificatieID``;
* ``Begindatum`` → ``Leveringperiode.ingangsdatum``; ``Sleuteldatum`` → ``sleuteldatum``;
* ``Behandeling`` 1 → a ``BehandelingPeriode`` from the ``Begindatum``, open-ended (2 or absent:
  none);
* ``StatusAanlevering`` 3 → delete the leveringperiode the key map names (with its
  behandelingperiodes);
* ``Klasse`` → no LR field; kept in the key map's ``extra`` for the re-export;
* ``Etmalen``, ``Leveringsvorm``, ``Leveringsstatus`` → the allocation's (TR125; the
  ``Leveringsvorm`` chooses between two allocations on one key; ``Leveringsstatus`` is always 4,
  CS062).

AW39 ``MutatieZorgzwaartepakket`` → Leveringsregister (inferred, open point O13; the LR names no
codelists, registers.md §3.2, so its reason fields hold the ``Mutatiecode`` itself: the one
choice that keeps every code apart and the round trip lossless). By ``Mutatiecode``
(``Leveringsstatus``):

* 17, 19 (5), 20 (2/3/6/7): close the ``Leveringperiode`` whose ``ingangsdatum`` is the
  ``Begindatum`` (none: ``9069``, TR069's code): ``einddatum`` = ``Mutatiedatum``,
  ``beeindigingReden`` = the code, ``aanbiederBestemming`` = ``InstellingBestemming`` (17).
* 20 also opens an ``Uitstelperiode`` from the ``Mutatiedatum`` (``reden`` 20,
  ``leveringsstatus``, ``leveringsstatusClassificatie``): care ended, the allocation is kept
  and the client waits again (TR046 gives 20 a waiting status).
* 21 (5) when the levering has an open leveringperiode: close it as for 17 (21 carries no
  ``Begindatum``, TR066). 21 without one (no MAZ): an ``Afstel`` (``afsteldatum`` =
  ``Mutatiedatum``, ``reden`` 21, ``aanbiederBestemming`` = ``InstellingBestemming``).
* 12 (3), 18 (2/6/7): an ``Uitstelperiode`` (``ingangsdatum`` = ``Mutatiedatum``, ``reden`` =
  the code, ``leveringsstatus``, ``leveringsstatusClassificatie``).
* 12 (5): an ``Afstel`` (``reden`` 12).
* another combination: refused, ``9046`` (TR046's code).
* ``StatusAanlevering`` 3: undone through the key map: the closed period is reopened
  (``einddatum``, ``beeindigingReden``, ``aanbiederBestemming`` cleared), the uitstelperiode or
  afstel deleted.

AW39 ``Aanvraag`` → a ``Verzoek`` on the requesting ``Instelling``'s levering for one of its
allocations on that indication (the one with a levering, else the latest; none: ``9107``, TR107's
code: only an aanbieder holding an allocation on the decision may request):

* header ``Dagtekening`` → ``verzoekdatum``; ``ZzpCode`` → ``product``; ``Leveringsvorm``,
  ``Doelmatig``, ``Verantwoord`` → ``leveringsvorm``, ``doelmatig``, ``verantwoord``;
* ``Etmalen`` (``3,5``) → ``volume`` (3.5); ``eenheid`` and ``frequentie`` stay empty;
* ``BijzondereSituatie`` → ``toeslagreden``: ``E``\\ *n* (ExtraKostenThuis), ``B``\\ *n*
  (ToeslagBeademing), ``O``\\ *n* (ToeslagOverig), concatenated (``E5B1``);
* ``AanvraagInstelling/Soort`` → ``toewijzingSoort`` (one per Verzoek: the first; differing
  Soorten are kept per instelling in the key map's ``extra``);
* ``AanvraagInstelling`` → ``VerzoekAanbieder``: ``Instelling`` → ``aanbieder``,
  ``ToewijzingIngangsdatum``/``…Einddatum`` → ``toewijzingIngangsdatum``/``…Einddatum``,
  ``ToewijzingPercentage`` (hundredths) → ``toewijzingPercentage`` (whole percent),
  ``Opname`` → ``opname``;
* ``Dossierhouder``/``CoordinatorZorgThuis`` → ``regiehouder`` 1 on that instelling's
  VerzoekAanbieder, 2 on the others (a regiehouder not among them: key map ``extra``);
* ``Besluitnummer``, ``Afgiftedatum``, ``Instelling``: they identify the indication and the
  requester; ``Klasse``: key map ``extra`` only.

**Fields without a counterpart.**

* ``GeleverdeFuncties`` / ``MutatieFuncties``: skipped, not refused. A Levering belongs to a
  bemiddelingspecificatie, which the BR has only for a zorgzwaartepakket (AW33's
  ``ToegewezenFuncties`` are not imported either, brug_br.py); refusing them would make every
  valid MAZ/MUT with a function unreceivable, while the ZZP part is still meaningful.
* Client data (``Geboortedatum``, ``Geslacht``, ``Naam``): the IR's; not written.
* ``Klasse`` (AW35, Aanvraag): no LR field; kept in the key map's ``extra`` only.
* LR → nothing: ``vaststellingMoment`` (the moment of import), ``Uitstelperiode.einddatum``,
  a ``BehandelingPeriode`` that starts after its leveringperiode or ends, ``Verzoek``'s
  ``eenheid``/``frequentie``, and all IDs.

**ZK35 / ZK39** (forwarded by the executing zorgkantoor to the responsible one) import *the same
way, forgivingly*: a record whose key the map already holds (status 1) or no longer holds
(status 3) is skipped, because the aanbieder's own AW35/AW39 (or its own register writes, the
network model: the responsible zorgkantoor reads the aanbieder's LR directly) already did it.
A record the LR does not know yet is written, so a responsible zorgkantoor that only receives the
forwarded message still sees the delivery. An Aanvraag has no key: a forwarded one is skipped when
the levering already has a verzoek with the same product, leveringsvorm, soort and requested
aanbieders with their periods (an AW39 Aanvraag always becomes a new verzoek; the same message
imported twice is ``9056``, TR056). AW35/AW39 are strict: a known key with status 1 is
``9074`` (TR074), an unknown one with status 3 ``9063`` (TR063).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.engine import Connection

from iwlz.berichten import sleutels as sl
from iwlz.berichten.brug import IMPORTEURS, ImportFout, Registers, Verslag, transactie
from iwlz.berichten.brug import datum as _datum
from iwlz.berichten.brug import tekst as _tekst
from iwlz.berichten.catalogus import BASISSCHEMA_NS, bericht
from iwlz.registers.bemiddeling import models as bm
from iwlz.registers.common import Uitkomst, labelled
from iwlz.registers.indicatie import models as im
from iwlz.registers.levering import models as lm

__all__ = [
    "AANVRAAG",
    "BIJZONDERE_SITUATIE",
    "GELEVERD",
    "MUTATIE",
    "importeer_aw35",
    "importeer_aw39",
    "importeer_zk35",
    "importeer_zk39",
    "toeslagreden",
    "transactie",
]

GELEVERD = "GeleverdZorgzwaartepakket"
MUTATIE = "MutatieZorgzwaartepakket"
AANVRAAG = "Aanvraag"
"""Record classes, as the key map's ``soort``."""

ONBEKENDE_TOEWIJZING = "9019"  # TR019: no allocation matches the record's key fields
ONBEKENDE_SLEUTEL = "9063"  # TR063: delete of a record that was never delivered
ONPASSENDE_STATUS = "9046"  # TR046: Leveringsstatus does not fit the Mutatiecode
ONBEKENDE_MAZ = "9069"  # TR069: the Begindatum is not that of a MAZ
DUBBEL_BERICHT = "9056"  # TR056: the same message identification twice
DUBBELE_SLEUTEL = "9074"  # TR074: a new key that was delivered before
GEEN_TOEWIJZING_AANVRAGER = "9107"  # TR107: the requester holds no allocation on the decision
REGISTER_WEIGERT = "0001"

BEEINDIGING = frozenset({"17", "19", "20", "21"})
"""Mutatiecodes stored as a leveringperiode's ``beeindigingReden``."""
UITSTEL = frozenset({"12", "18", "20"})
"""Mutatiecodes stored as an uitstelperiode's ``reden``."""
AFSTEL = frozenset({"12", "21"})
"""Mutatiecodes stored as an afstel's ``reden``."""
_WACHTEND = frozenset({"2", "3", "6", "7"})

BIJZONDERE_SITUATIE = (("ExtraKostenThuis", "E"), ("ToeslagBeademing", "B"), ("ToeslagOverig", "O"))
"""``CDT_BijzondereSituatie``'s elements and their letter in ``Verzoek.toeslagreden``."""
_TOESLAG = re.compile(r"(?:E(\d))?(?:B(\d))?(?:O(\d))?")

_M = f"{{{BASISSCHEMA_NS}}}"


def toeslagreden(situatie: Mapping[str, str | None]) -> str | None:
    """``Verzoek.toeslagreden`` for a ``BijzondereSituatie`` (element name → value)."""
    waarde = "".join(
        f"{letter}{situatie[naam]}" for naam, letter in BIJZONDERE_SITUATIE if situatie.get(naam)
    )
    return waarde or None


def bijzondere_situatie(reden: str | None) -> dict[str, str] | None:
    """The ``BijzondereSituatie`` elements a ``toeslagreden`` stands for (None: empty); a value
    not in the form :func:`toeslagreden` writes raises ``ValueError``."""
    if not reden:
        return None
    match = _TOESLAG.fullmatch(reden)
    if match is None:
        raise ValueError(f"toeslagreden {reden!r} is not a BijzondereSituatie (E<n>B<n>O<n>)")
    out = {naam: g for (naam, _), g in zip(BIJZONDERE_SITUATIE, match.groups(), strict=True) if g}
    return out or None


# -- reading the message -------------------------------------------------------------------------


def _kolommen(*kolommen: sa.Column[Any]) -> sa.Select[Any]:
    """SELECT ``kolommen`` labelled with their standard field names (the columns' keys)."""
    return sa.select(*[k.label(k.key) for k in kolommen])


@dataclass
class _Bericht:
    code: str
    n: str
    afzender: str
    ontvanger: str
    identificatie: str
    dagtekening: dt.date
    vergevend: bool
    zorgkantoren: tuple[str, ...]
    verslag: Verslag
    now: dt.datetime
    leveringen: dict[tuple[str, uuid.UUID], uuid.UUID] = field(default_factory=dict)

    def t(self, element: etree._Element | None, naam: str) -> str | None:
        return _tekst(element, f"{self.n}{naam}")

    def d(self, element: etree._Element | None, naam: str) -> dt.date | None:
        return _datum(self.t(element, naam))


def _start(root: etree._Element, code: str, registers: Registers) -> _Bericht:
    t = bericht(code)
    if etree.QName(root).namespace != t.namespace:
        raise ImportFout(None, REGISTER_WEIGERT, f"not a {code} message")
    n = f"{{{t.namespace}}}"
    afzender = _tekst(root, f"{n}Header/{n}Afzender")
    ontvanger = _tekst(root, f"{n}Header/{n}Ontvanger")
    identificatie = _tekst(root, f"{n}Header/{n}BerichtIdentificatie/{_M}Identificatie")
    dagtekening = _datum(_tekst(root, f"{n}Header/{n}BerichtIdentificatie/{_M}Dagtekening"))
    if not afzender or not ontvanger or not identificatie or dagtekening is None:
        raise ImportFout(None, REGISTER_WEIGERT, "the header lacks Afzender, Ontvanger or ID")
    zk = code.startswith("ZK")
    return _Bericht(
        code=code,
        n=n,
        afzender=afzender,
        ontvanger=ontvanger,
        identificatie=identificatie,
        dagtekening=dagtekening,
        vergevend=zk,
        zorgkantoren=(afzender, ontvanger) if zk else (ontvanger,),
        verslag=Verslag(code),
        now=registers.clock.now(),
    )


# -- the registers -------------------------------------------------------------------------------


def _geslaagd(uitkomst: Uitkomst, element: etree._Element | None, wat: str) -> uuid.UUID:
    if not uitkomst.geslaagd or uitkomst.id is None:
        fouten = "; ".join(f"{f.veld}: {f.melding}" for f in uitkomst.fouten)
        raise ImportFout(
            element, REGISTER_WEIGERT, f"the Leveringsregister refuses {wat}: {fouten}"
        )
    return uitkomst.id


def _toewijzingen(
    conn: Connection,
    b: _Bericht,
    bsn: str | None,
    besluitnummer: str | None,
    instelling: str,
    zzp: str | None = None,
    ingang: dt.date | None = None,
) -> list[dict[str, Any]]:
    """The allocations to ``instelling`` on the indication ``bsn`` + ``besluitnummer`` (and of
    ``zzp`` from ``ingang`` when given) of a zorgkantoor of the header, across BR tenants."""
    if not bsn or not besluitnummer:
        return []
    s, bd, w = bm.bemiddelingspecificatie, bm.bemiddeling, im.wlz_indicatie
    if not besluitnummer.isdigit() or len(besluitnummer) > 9:
        return []
    if b.code.startswith("ZK"):
        # A forwarded ZK35/ZK39 travels from the executing zorgkantoor to the responsible one:
        # only allocations of exactly that pair, so a zorgkantoor cannot write into (or delete
        # from) a Leveringsregister for an allocation it has nothing to do with.
        zorgkantoor = sa.and_(
            s.c.uitvoerendZorgkantoor == b.afzender,
            bd.c.verantwoordelijkZorgkantoor == b.ontvanger,
        )
    else:
        zorgkantoor = sa.or_(
            bd.c.verantwoordelijkZorgkantoor.in_(b.zorgkantoren),
            s.c.uitvoerendZorgkantoor.in_(b.zorgkantoren),
        )
    where = [
        w.c.bsn == bsn,
        w.c.besluitnummer == int(besluitnummer),
        s.c.instelling == instelling,
        zorgkantoor,
    ]
    if zzp is not None:
        where += [s.c.zzpCode == zzp, s.c.toewijzingIngangsdatum == ingang]
    stmt = (
        _kolommen(
            s.c.bemiddelingspecificatieID,
            s.c.leveringsvorm,
            s.c.toewijzingIngangsdatum,
            s.c.uitvoerendZorgkantoor,
            s.c.vaststellingMoment,
            bd.c.verantwoordelijkZorgkantoor,
        )
        .select_from(s)
        .join(
            bd, sa.and_(bd.c.bemiddelingID == s.c.bemiddelingID, bd.c[bm.TENANT] == s.c[bm.TENANT])
        )
        .join(w, w.c[im.ROOT] == bd.c.wlzIndicatieID)
        .where(*where)
    )
    return [dict(r) for r in conn.execute(stmt).mappings()]


def _levering(
    registers: Registers,
    conn: Connection,
    b: _Bericht,
    aanbieder: str,
    bsn: str,
    toewijzing: Mapping[str, Any],
    element: etree._Element,
) -> uuid.UUID:
    """The aanbieder's levering for the allocation, registered when new."""
    bspec_id: uuid.UUID = toewijzing["bemiddelingspecificatieID"]
    bekend = b.leveringen.get((aanbieder, bspec_id))
    if bekend is not None:
        return bekend
    c = lm.levering.c
    row = conn.execute(
        sa.select(c.leveringID).where(
            c.aanbieder == aanbieder, c.bemiddelingspecificatieID == bspec_id
        )
    ).first()
    if row is not None:
        lid: uuid.UUID = row.leveringID
    else:
        uitkomst = registers.lr.registreer_levering(
            aanbieder,
            {
                "bemiddelingspecificatieID": bspec_id,
                "verantwoordelijkZorgkantoor": toewijzing["verantwoordelijkZorgkantoor"],
                "uitvoerendZorgkantoor": toewijzing["uitvoerendZorgkantoor"],
                "client": {"bsn": bsn},
            },
        )
        lid = _geslaagd(uitkomst, element, f"the levering for BSN {bsn}")
        b.verslag.voeg_toe("Levering", lid)
    b.leveringen[(aanbieder, bspec_id)] = lid
    return lid


def _eigen_instelling(b: _Bericht, record: etree._Element) -> str:
    """The record's ``Instelling``; in an AW35/AW39 it must be the sender itself (TR064), so
    an aanbieder writes only into its own Leveringsregister even if the rules were skipped."""
    instelling = b.t(record, "Instelling") or ""
    if not b.code.startswith("ZK") and instelling != b.afzender:
        raise ImportFout(
            record,
            "9064",
            f"Instelling {instelling} is not the sender {b.afzender} (TR064): an aanbieder "
            "reports only its own deliveries",
        )
    return instelling


def _allocatie(
    conn: Connection, b: _Bericht, client: etree._Element, record: etree._Element
) -> dict[str, Any]:
    instelling = b.t(record, "Instelling") or ""
    rows = _toewijzingen(
        conn,
        b,
        b.t(client, "Bsn"),
        b.t(record, "Besluitnummer"),
        instelling,
        b.t(record, "ZzpCode"),
        b.d(record, "ToewijzingIngangsdatum"),
    )
    if not rows:
        raise ImportFout(
            record,
            ONBEKENDE_TOEWIJZING,
            f"no allocation of ZZP {b.t(record, 'ZzpCode')} from "
            f"{b.t(record, 'ToewijzingIngangsdatum')} to {instelling} on decision "
            f"{b.t(record, 'Besluitnummer')} of BSN {b.t(client, 'Bsn')} by zorgkantoor "
            f"{' or '.join(b.zorgkantoren)}",
        )
    vorm = b.t(record, "Leveringsvorm")
    rows.sort(key=lambda r: (r["leveringsvorm"] != vorm, -r["vaststellingMoment"].timestamp()))
    return rows[0]


def _record_sleutel(b: _Bericht, client: etree._Element, record: etree._Element) -> list[Any]:
    return [
        b.t(client, "Bsn"),
        b.t(record, "Besluitnummer"),
        b.t(record, "ZzpCode"),
        b.d(record, "ToewijzingIngangsdatum"),
        b.t(record, "Instelling"),
        b.d(record, "Begindatum"),
    ]


def _bestaand(
    conn: Connection, b: _Bericht, soort: str, partij: str, sleutel: str, record: etree._Element
) -> list[sl.Koppeling] | None:
    """The key's objects for a delete; None when the record is to be skipped (see the module
    docstring); raises for a new key that exists or a delete of an unknown one."""
    status = b.t(record, "StatusAanlevering")
    bestaand = sl.koppelingen(conn, soort, partij, sleutel)
    if status == "3":
        if bestaand:
            return bestaand
        if b.vergevend:
            return None
        raise ImportFout(record, ONBEKENDE_SLEUTEL, f"no earlier delivery with key {sleutel}")
    if status != "1":
        raise ImportFout(record, REGISTER_WEIGERT, f"StatusAanlevering {status!r} is not 1 or 3")
    if bestaand:
        if b.vergevend:
            return None
        raise ImportFout(record, DUBBELE_SLEUTEL, f"key {sleutel} was delivered before")
    return []


# -- AW35 ----------------------------------------------------------------------------------------


def _geleverd(
    registers: Registers,
    conn: Connection,
    b: _Bericht,
    client: etree._Element,
    record: etree._Element,
) -> None:
    aanbieder = _eigen_instelling(b, record)
    toewijzing = _allocatie(conn, b, client, record)  # deletes too: only for the sender's own
    sleutel = sl.maak_sleutel(*_record_sleutel(b, client, record))
    bestaand = _bestaand(conn, b, GELEVERD, aanbieder, sleutel, record)
    if bestaand is None:
        return
    if b.t(record, "StatusAanlevering") == "3":
        for k in bestaand:
            if k.entiteit == "Leveringperiode":
                uitkomst = registers.lr.verwijder_leveringperiode(aanbieder, k.register_id)
                _geslaagd(uitkomst, record, f"deleting leveringperiode {k.register_id}")
                b.verslag.voeg_toe("Leveringperiode verwijderd", k.register_id)
        sl.ontkoppel(conn, GELEVERD, aanbieder, sleutel)
        return
    bsn = b.t(client, "Bsn") or ""
    lid = _levering(registers, conn, b, aanbieder, bsn, toewijzing, record)
    begin = b.d(record, "Begindatum")
    periode: dict[str, Any] = {"ingangsdatum": begin, "sleuteldatum": b.d(record, "Sleuteldatum")}
    if b.t(record, "Behandeling") == "1":
        periode["behandelingperiodes"] = [{"ingangsdatum": begin}]
    pid = _geslaagd(
        registers.lr.registreer_leveringperiode(aanbieder, lid, periode),
        record,
        f"the leveringperiode from {begin}",
    )
    b.verslag.voeg_toe("Leveringperiode", pid)
    klasse = b.t(record, "Klasse")
    extra = {"Klasse": klasse} if klasse else None
    sl.koppel(
        conn, GELEVERD, aanbieder, sleutel, [sl.Koppeling("Leveringperiode", pid, extra)], nu=b.now
    )


# -- AW39 ----------------------------------------------------------------------------------------


def _perioden(conn: Connection, aanbieder: str, levering_id: uuid.UUID) -> list[dict[str, Any]]:
    p = lm.leveringperiode
    stmt = labelled(p).where(p.c.aanbieder == aanbieder, p.c.leveringID == levering_id)
    return [dict(r) for r in conn.execute(stmt.order_by(p.c.ingangsdatum)).mappings()]


def _periode_velden(periode: Mapping[str, Any], **wijziging: Any) -> dict[str, Any]:
    velden = {
        k: periode[k]
        for k in (
            "ingangsdatum",
            "sleuteldatum",
            "einddatum",
            "beeindigingReden",
            "aanbiederBestemming",
        )
    }
    return {**velden, **wijziging}


def _undo_mutatie(
    registers: Registers,
    conn: Connection,
    b: _Bericht,
    aanbieder: str,
    bestaand: Sequence[sl.Koppeling],
    record: etree._Element,
) -> None:
    for k in bestaand:
        if k.entiteit == "Leveringperiode":
            p = lm.leveringperiode
            row = (
                conn.execute(labelled(p).where(p.c.leveringperiodeID == k.register_id))
                .mappings()
                .first()
            )
            if row is None:
                continue  # deleted since (a MAZ delete takes its end with it)
            uitkomst = registers.lr.wijzig_leveringperiode(
                aanbieder,
                k.register_id,
                _periode_velden(
                    dict(row), einddatum=None, beeindigingReden=None, aanbiederBestemming=None
                ),
                row["versie"],
            )
        elif k.entiteit == "Uitstelperiode":
            uitkomst = registers.lr.verwijder_uitstelperiode(aanbieder, k.register_id)
        else:
            uitkomst = registers.lr.verwijder_afstel(aanbieder, k.register_id)
        _geslaagd(uitkomst, record, f"undoing {k.entiteit} {k.register_id}")
        b.verslag.voeg_toe(f"{k.entiteit} teruggedraaid", k.register_id)


def _mutatie(
    registers: Registers,
    conn: Connection,
    b: _Bericht,
    client: etree._Element,
    record: etree._Element,
) -> None:
    aanbieder = _eigen_instelling(b, record)
    _allocatie(conn, b, client, record)  # undo too: only for the sender's own allocation
    code = b.t(record, "Mutatiecode") or ""
    datum = b.d(record, "Mutatiedatum")
    sleutel = sl.maak_sleutel(*_record_sleutel(b, client, record), code, datum)
    bestaand = _bestaand(conn, b, MUTATIE, aanbieder, sleutel, record)
    if bestaand is None:
        return
    if b.t(record, "StatusAanlevering") == "3":
        _undo_mutatie(registers, conn, b, aanbieder, bestaand, record)
        sl.ontkoppel(conn, MUTATIE, aanbieder, sleutel)
        return
    status = b.t(record, "Leveringsstatus")
    classificatie = b.t(record, "LeveringsstatusClassificatie")
    bestemming = b.t(record, "InstellingBestemming")
    begin = b.d(record, "Begindatum")
    toewijzing = _allocatie(conn, b, client, record)
    lid = _levering(registers, conn, b, aanbieder, b.t(client, "Bsn") or "", toewijzing, record)
    koppelingen: list[sl.Koppeling] = []

    def uitstel() -> None:
        uid = _geslaagd(
            registers.lr.registreer_uitstelperiode(
                aanbieder,
                lid,
                {
                    "ingangsdatum": datum,
                    "reden": code,
                    "leveringsstatus": status,
                    "leveringsstatusClassificatie": classificatie,
                },
            ),
            record,
            f"the uitstelperiode of mutation {code}",
        )
        b.verslag.voeg_toe("Uitstelperiode", uid)
        koppelingen.append(sl.Koppeling("Uitstelperiode", uid))

    perioden = _perioden(conn, aanbieder, lid)
    if code in ("17", "19", "20"):
        periode = next((p for p in perioden if p["ingangsdatum"] == begin), None)
        if periode is None:
            raise ImportFout(record, ONBEKENDE_MAZ, f"no delivery (MAZ) from {begin} to end")
    elif code == "21":
        periode = next((p for p in reversed(perioden) if p["einddatum"] is None), None)
    else:
        periode = None
    if not _past(code, status):
        raise ImportFout(
            record,
            ONPASSENDE_STATUS,
            f"Leveringsstatus {status!r} does not fit Mutatiecode {code!r}",
        )
    if periode is not None:
        pid = periode["leveringperiodeID"]
        _geslaagd(
            registers.lr.wijzig_leveringperiode(
                aanbieder,
                pid,
                _periode_velden(
                    periode, einddatum=datum, beeindigingReden=code, aanbiederBestemming=bestemming
                ),
                periode["versie"],
            ),
            record,
            f"ending the leveringperiode from {periode['ingangsdatum']}",
        )
        b.verslag.voeg_toe("Leveringperiode", pid)
        koppelingen.append(sl.Koppeling("Leveringperiode", pid))
        if code == "20":
            uitstel()
    elif code in ("12", "18") and status in _WACHTEND:
        uitstel()
    else:  # 12 with status 5, 21 without a MAZ
        aid = _geslaagd(
            registers.lr.registreer_afstel(
                aanbieder,
                lid,
                {"afsteldatum": datum, "reden": code, "aanbiederBestemming": bestemming},
            ),
            record,
            f"the afstel of mutation {code}",
        )
        b.verslag.voeg_toe("Afstel", aid)
        koppelingen.append(sl.Koppeling("Afstel", aid))
    sl.koppel(conn, MUTATIE, aanbieder, sleutel, koppelingen, nu=b.now)


def _past(code: str, status: str | None) -> bool:
    """Whether the Mutatiecode + Leveringsstatus pair has a register mapping (TR046)."""
    if code in ("17", "19", "21"):
        return status == "5"
    if code == "12":
        return status in ("3", "5")
    if code == "18":
        return status in ("2", "6", "7")
    if code == "20":
        return status in _WACHTEND
    return False


def _aanvraag(
    registers: Registers,
    conn: Connection,
    b: _Bericht,
    client: etree._Element,
    aanvraag: etree._Element,
    volgnummer: int,
) -> None:
    aanbieder = _eigen_instelling(b, aanvraag)
    bsn = b.t(client, "Bsn") or ""
    besluitnummer = b.t(aanvraag, "Besluitnummer")
    kandidaten = _toewijzingen(conn, b, bsn, besluitnummer, aanbieder)
    if not kandidaten:
        raise ImportFout(
            aanvraag,
            GEEN_TOEWIJZING_AANVRAGER,
            f"{aanbieder} holds no allocation on decision {besluitnummer} of BSN {bsn}",
        )
    c = lm.levering.c
    met_levering = {
        r.bemiddelingspecificatieID
        for r in conn.execute(
            sa.select(c.bemiddelingspecificatieID).where(
                c.aanbieder == aanbieder,
                c.bemiddelingspecificatieID.in_(
                    [k["bemiddelingspecificatieID"] for k in kandidaten]
                ),
            )
        )
    }
    kandidaten.sort(
        key=lambda k: (
            k["bemiddelingspecificatieID"] not in met_levering,
            -k["toewijzingIngangsdatum"].toordinal(),
            -k["vaststellingMoment"].timestamp(),
        )
    )
    lid = _levering(registers, conn, b, aanbieder, bsn, kandidaten[0], aanvraag)
    n = b.n
    regie = b.t(aanvraag, "Dossierhouder") or b.t(aanvraag, "CoordinatorZorgThuis")
    instellingen = aanvraag.findall(f"{n}AanvraagInstellingen/{n}AanvraagInstelling")
    soorten = [b.t(i, "Soort") for i in instellingen]
    aanbieders = []
    for i in instellingen:
        percentage = b.t(i, "ToewijzingPercentage")
        aanbieders.append(
            {
                "aanbieder": b.t(i, "Instelling"),
                "toewijzingIngangsdatum": b.d(i, "ToewijzingIngangsdatum"),
                "toewijzingEinddatum": b.d(i, "ToewijzingEinddatum"),
                "toewijzingPercentage": int(percentage) // 100 if percentage else None,
                "opname": b.t(i, "Opname"),
                "regiehouder": "1" if regie and b.t(i, "Instelling") == regie else "2",
            }
        )
    etmalen = b.t(aanvraag, "Etmalen")
    situatie = aanvraag.find(f"{n}BijzondereSituatie")
    verzoek = {
        "verzoekdatum": b.dagtekening,
        "product": b.t(aanvraag, "ZzpCode"),
        "toewijzingSoort": soorten[0] if soorten else None,
        "leveringsvorm": b.t(aanvraag, "Leveringsvorm"),
        "volume": float(etmalen.replace(",", ".")) if etmalen else None,
        "doelmatig": b.t(aanvraag, "Doelmatig"),
        "toeslagreden": toeslagreden(
            {naam: _tekst(situatie, f"{_M}{naam}") for naam, _ in BIJZONDERE_SITUATIE}
        ),
        "verantwoord": b.t(aanvraag, "Verantwoord"),
        "verzoekAanbieders": aanbieders,
    }
    if b.vergevend and _verzoek_bekend(conn, aanbieder, lid, verzoek):
        return
    vid = _geslaagd(
        registers.lr.registreer_verzoek(aanbieder, lid, verzoek), aanvraag, "the verzoek"
    )
    b.verslag.voeg_toe("Verzoek", vid)
    extra: dict[str, Any] = {}
    if b.t(aanvraag, "Klasse"):
        extra["Klasse"] = b.t(aanvraag, "Klasse")
    if len(set(soorten)) > 1:
        extra["Soorten"] = {
            str(a["aanbieder"]): s for a, s in zip(aanbieders, soorten, strict=True)
        }
    if regie and all(a["regiehouder"] == "2" for a in aanbieders):
        extra["Regiehouder"] = regie
    sleutel = sl.maak_sleutel(
        bsn,
        besluitnummer,
        aanbieder,
        b.t(aanvraag, "ZzpCode"),
        b.t(aanvraag, "Leveringsvorm"),
        f"{b.afzender}/{b.identificatie}/{volgnummer}",
    )
    if sl.koppelingen(conn, AANVRAAG, aanbieder, sleutel):
        # The key holds the message's identity: this message was imported before.
        raise ImportFout(
            None, DUBBEL_BERICHT, f"message {b.identificatie} of {b.afzender} was imported before"
        )
    sl.koppel(conn, AANVRAAG, aanbieder, sleutel, [sl.Koppeling("Verzoek", vid, extra)], nu=b.now)


def _verzoek_inhoud(verzoek: Mapping[str, Any], aanbieders: Sequence[Mapping[str, Any]]) -> Any:
    return (
        verzoek["product"],
        verzoek["leveringsvorm"],
        verzoek["toewijzingSoort"],
        sorted(
            (str(a["aanbieder"]), str(a["toewijzingIngangsdatum"]), str(a["toewijzingEinddatum"]))
            for a in aanbieders
        ),
    )


def _verzoek_bekend(
    conn: Connection, aanbieder: str, levering_id: uuid.UUID, verzoek: Mapping[str, Any]
) -> bool:
    """Whether the levering already has this request (same product, leveringsvorm, soort and
    requested aanbieders with their periods): a ZK39 forwarding an Aanvraag the aanbieder's own
    AW39 (which has no key for it) already brought in."""
    v, va = lm.verzoek, lm.verzoek_aanbieder
    verzoeken = [
        dict(r)
        for r in conn.execute(
            labelled(v).where(v.c.aanbieder == aanbieder, v.c.leveringID == levering_id)
        ).mappings()
    ]
    gezocht = _verzoek_inhoud(verzoek, verzoek["verzoekAanbieders"])
    for bestaand in verzoeken:
        rijen = conn.execute(labelled(va).where(va.c.verzoekID == bestaand["verzoekID"]))
        if _verzoek_inhoud(bestaand, [dict(r) for r in rijen.mappings()]) == gezocht:
            return True
    return False


# -- the importers -------------------------------------------------------------------------------


def _importeer(root: etree._Element, registers: Registers, code: str) -> Verslag:
    b = _start(root, code, registers)
    n = b.n
    with transactie(registers) as conn:
        for client in root.iterfind(f"{n}Clienten/{n}Client"):
            if code in ("AW35", "ZK35"):
                for record in client.iterfind(
                    f"{n}GeleverdeZorgzwaartepakketten/{n}GeleverdZorgzwaartepakket"
                ):
                    _geleverd(registers, conn, b, client, record)
                continue
            for record in client.iterfind(
                f"{n}MutatieZorgzwaartepakketten/{n}MutatieZorgzwaartepakket"
            ):
                _mutatie(registers, conn, b, client, record)
            for i, aanvraag in enumerate(client.iterfind(f"{n}Aanvragen/{n}Aanvraag"), start=1):
                _aanvraag(registers, conn, b, client, aanvraag, i)
    return b.verslag


def importeer_aw35(root: etree._Element, registers: Registers) -> Verslag:
    """AW35 → the Leveringsregister of each record's Instelling (see the module docstring)."""
    return _importeer(root, registers, "AW35")


def importeer_aw39(root: etree._Element, registers: Registers) -> Verslag:
    """AW39 → the Leveringsregister: mutations and Aanvragen (see the module docstring)."""
    return _importeer(root, registers, "AW39")


def importeer_zk35(root: etree._Element, registers: Registers) -> Verslag:
    """ZK35 → as AW35, skipping what the LR already has (see the module docstring)."""
    return _importeer(root, registers, "ZK35")


def importeer_zk39(root: etree._Element, registers: Registers) -> Verslag:
    """ZK39 → as AW39, skipping what the LR already has (see the module docstring)."""
    return _importeer(root, registers, "ZK39")


IMPORTEURS.update(
    {
        "AW35": importeer_aw35,
        "AW39": importeer_aw39,
        "ZK35": importeer_zk35,
        "ZK39": importeer_zk39,
    }
)
