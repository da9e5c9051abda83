"""The receiver's history for the stateful rules (messages.md §3.2 "S" rules).

A receiver remembers four things about the heenberichten it accepted:

- which messages it saw (``BerichtCode`` + ``Afzender`` + ``Ontvanger`` + ``Identificatie``,
  TR056);
- the delivery records, each with its business key (§1.3) and ``StatusAanlevering``: MAZ records
  (AW35/ZK35 ``GeleverdeFunctie``/``GeleverdZorgzwaartepakket``), MUT records (AW39/ZK39
  ``MutatieFunctie``/``MutatieZorgzwaartepakket``) and the CAK's ``GeleverdeZorg`` (CA317) and
  ``MutatieZorg`` (CA319);
- the allocations (toewijzingen) of a zorgkantoor: from a pluggable :class:`Toewijzingsbron`
  (the Bemiddelingsregister) or, without one, from the AW33/ZK33 messages in the history itself
  (an AW33 is its sender's own allocation record);
- the AW317 reporting periods accepted per zorgkantoor (TR080).

:class:`GeheugenHistorie` keeps them in memory (tests, ``iwlz berichten validate`` over a
sequence of files); :class:`DbHistorie` keeps them in the tables of :mod:`iwlz.berichten.models`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa

from iwlz.berichten import models as m
from iwlz.berichten.knoop import Bericht, Knoop
from iwlz.berichten.regels.hulp import datum as _datum
from iwlz.berichten.regels.hulp import waarde as _tekst

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

__all__ = [
    "CA317",
    "CA319",
    "MAZ",
    "MUT",
    "Aanlevering",
    "DbHistorie",
    "GeheugenHistorie",
    "Historie",
    "Inhoud",
    "Periode",
    "Toewijzing",
    "Toewijzingsbron",
    "aanlevering_uit",
    "aanleveringen_uit",
    "inhoud_van",
    "toewijzingen_uit",
]

MAZ = "MAZ"
"""A delivered unit of an AW35/ZK35 (melding aanvang zorg)."""
MUT = "MUT"
"""A mutation record of an AW39/ZK39."""
CA317 = "CA317"
"""A ``GeleverdeZorg`` of a CA317."""
CA319 = "CA319"
"""A ``MutatieZorg`` of a CA319."""

# Per message type: the record classes with StatusAanlevering and the soort they are stored as.
_RECORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "AW35": (("GeleverdeFuncties/GeleverdeFunctie", MAZ),
             ("GeleverdeZorgzwaartepakketten/GeleverdZorgzwaartepakket", MAZ)),
    "ZK35": (("GeleverdeFuncties/GeleverdeFunctie", MAZ),
             ("GeleverdeZorgzwaartepakketten/GeleverdZorgzwaartepakket", MAZ)),
    "AW39": (("MutatieFuncties/MutatieFunctie", MUT),
             ("MutatieZorgzwaartepakketten/MutatieZorgzwaartepakket", MUT)),
    "ZK39": (("MutatieFuncties/MutatieFunctie", MUT),
             ("MutatieZorgzwaartepakketten/MutatieZorgzwaartepakket", MUT)),
    "CA317": (("ZorgLeveringen/GeleverdeZorg", CA317),),
    "CA319": (("MutatiesZorg/MutatieZorg", CA319),),
}  # fmt: skip


@dataclass(frozen=True)
class Aanlevering:
    """One delivery record as the history keeps it.

    ``sleutel`` is the business key of §1.3 (AW35: ``Bsn`` + ``Besluitnummer`` + unit +
    ``ToewijzingIngangsdatum`` + ``Instelling`` + ``Begindatum``; AW39: plus ``Mutatiecode`` +
    ``Mutatiedatum``; CA317/CA319: the ``GeleverdeZorgID``/``MutatieZorgID``). The unit is
    ``code`` with ``functie`` telling a ``FunctieCode`` from a ``ZzpCode``. ``begindatum`` is
    the CA317 ``Startdatum``. ``volgnummer`` orders the records as they were registered."""

    soort: str
    sleutel: str
    status: int | None
    bsn: str
    besluitnummer: int | None = None
    functie: bool = False
    code: str | None = None
    toewijzing_ingangsdatum: dt.date | None = None
    instelling: str | None = None
    begindatum: dt.date | None = None
    mutatiecode: str | None = None
    mutatiedatum: dt.date | None = None
    volgnummer: int = 0

    def zelfde_toewijzing(self, andere: Aanlevering) -> bool:
        """Whether both records are about the same allocation and provider (MAZ/MUT)."""
        return (
            self.besluitnummer == andere.besluitnummer
            and self.functie == andere.functie
            and self.code == andere.code
            and self.toewijzing_ingangsdatum == andere.toewijzing_ingangsdatum
            and self.instelling == andere.instelling
        )


@dataclass(frozen=True)
class Toewijzing:
    """One allocated unit (``ToegewezenZorgzwaartepakket`` or ``ToegewezenFunctie``) as the
    allocating ``zorgkantoor`` made it, for client ``bsn`` on decision ``besluitnummer``.

    ``code`` is the ``ZzpCode`` (``functie`` False) or ``FunctieCode`` (``functie`` True);
    ``soort`` the ``LDT_SoortToewijzing``; ``instelling`` None for a PGB. The remaining fields
    carry the allocation's values with their element names."""

    zorgkantoor: str
    bsn: str
    besluitnummer: int
    code: str
    ingangsdatum: dt.date
    functie: bool = False
    einddatum: dt.date | None = None
    soort: str | None = None
    instelling: str | None = None
    klasse: str | None = None
    opslag: int | None = None
    etmalen: str | None = None
    opname: str | None = None
    leveringsvorm: str | None = None
    dossierhouder: str | None = None
    coordinator_zorg_thuis: str | None = None
    reden_intrekking: str | None = None
    toewijzingsdatum: dt.date | None = None

    @property
    def sleutel(self) -> tuple[str, str, int, bool, str, dt.date, str]:
        """The allocation's logical key: a later AW33 with this key replaces it (TR076)."""
        return (
            self.zorgkantoor,
            self.bsn,
            self.besluitnummer,
            self.functie,
            self.code,
            self.ingangsdatum,
            self.instelling or "",
        )

    def past_bij(self, a: Aanlevering) -> bool:
        """Whether delivery record ``a`` refers to this allocation on its key fields (TR019):
        unit, ``ToewijzingIngangsdatum`` and, when the allocation names one, ``Instelling``."""
        return (
            a.functie == self.functie
            and a.code == self.code
            and a.toewijzing_ingangsdatum == self.ingangsdatum
            and (self.instelling is None or a.instelling == self.instelling)
        )


@dataclass(frozen=True)
class Periode:
    """An accepted AW317 ``Header/Periode``."""

    begindatum: dt.date
    einddatum: dt.date


class Toewijzingsbron(Protocol):
    """Where a zorgkantoor's allocations come from (e.g. its Bemiddelingsregister)."""

    def toewijzingen(self, zorgkantoor: str, bsn: str, besluitnummer: int) -> list[Toewijzing]:
        """The current allocations ``zorgkantoor`` made for ``bsn`` on ``besluitnummer``."""
        ...


class Historie(Protocol):
    """What the stateful rules ask of the receiver's stored messages and registers.

    Parties are the header values as they are (``None`` where a message has no such element:
    the CIZ of an IO31, the ZIN/CAK of AW317/CA317/CA319)."""

    def bericht_bekend(
        self, code: str, afzender: str | None, ontvanger: str | None, identificatie: str
    ) -> bool:
        """Whether a message of type ``code`` with ``identificatie`` from ``afzender`` to
        ``ontvanger`` was accepted before (TR056)."""
        ...

    def aanleveringen(
        self, afzender: str | None, ontvanger: str | None, bsn: str
    ) -> Sequence[Aanlevering]:
        """Every delivery record (all soorten, every status) ``afzender`` sent ``ontvanger``
        about client ``bsn``, in the order they were registered."""
        ...

    def toewijzingen(self, zorgkantoor: str, bsn: str, besluitnummer: int) -> Sequence[Toewijzing]:
        """The current allocations of ``zorgkantoor`` for ``bsn`` on ``besluitnummer``."""
        ...

    def laatste_periode(self, zorgkantoor: str) -> Periode | None:
        """The accepted AW317 period of ``zorgkantoor`` that ends last, if any (TR080)."""
        ...

    def registreer(self, bericht: Bericht) -> None:
        """Record accepted heenbericht ``bericht`` so the next message sees it."""
        ...


# -- reading a message ------------------------------------------------------------------


def _getal(record: Knoop, naam: str) -> int | None:
    value = _tekst(record, naam)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def aanlevering_uit(record: Knoop, soort: str, bsn: str) -> Aanlevering:
    """The history's view of one delivery record of soort ``soort`` of client ``bsn``."""
    status = _getal(record, "StatusAanlevering")
    if soort in (CA317, CA319):
        ident = _tekst(record, "GeleverdeZorgID" if soort == CA317 else "MutatieZorgID") or ""
        return Aanlevering(
            soort,
            ident.lower(),
            status,
            bsn,
            code=_tekst(record, "ZzpCode"),
            instelling=_tekst(record, "Instelling"),
            begindatum=_datum(record, "Startdatum"),
            mutatiecode=_tekst(record, "Mutatiecode"),
            mutatiedatum=_datum(record, "Mutatiedatum"),
        )
    functie = "FunctieCode" in record.kinderen
    code = _tekst(record, "FunctieCode") if functie else _tekst(record, "ZzpCode")
    besluit = _getal(record, "Besluitnummer")
    tid = _datum(record, "ToewijzingIngangsdatum")
    instelling = _tekst(record, "Instelling")
    begin = _datum(record, "Begindatum")
    delen = [
        bsn,
        "" if besluit is None else str(besluit),
        ("F" if functie else "Z") + (code or ""),
        tid.isoformat() if tid else "",
        instelling or "",
        begin.isoformat() if begin else "",
    ]
    mutatiecode = mutatiedatum = None
    if soort == MUT:
        mutatiecode = _tekst(record, "Mutatiecode")
        mutatiedatum = _datum(record, "Mutatiedatum")
        delen += [mutatiecode or "", mutatiedatum.isoformat() if mutatiedatum else ""]
    return Aanlevering(
        soort,
        "|".join(delen),
        status,
        bsn,
        besluitnummer=besluit,
        functie=functie,
        code=code,
        toewijzing_ingangsdatum=tid,
        instelling=instelling,
        begindatum=begin,
        mutatiecode=mutatiecode,
        mutatiedatum=mutatiedatum,
    )


def aanleveringen_uit(bericht: Bericht) -> list[tuple[Knoop, Aanlevering]]:
    """Every delivery record of ``bericht`` with its history view, in document order."""
    paden = _RECORDS.get(bericht.code, ())
    if not paden:
        return []
    found: list[tuple[Knoop, Aanlevering]] = []
    for client in bericht.clienten():
        bsn = client.tekst("Bsn") or ""
        # The classes' lists follow each other in schema order, so this is document order.
        found.extend(
            (k, aanlevering_uit(k, soort, bsn)) for pad, soort in paden for k in client.knopen(pad)
        )
    return found


def toewijzingen_uit(bericht: Bericht) -> list[tuple[Knoop, Toewijzing]]:
    """The allocations of an AW33/ZK33 (its sender's own record), each with its element."""
    zorgkantoor = bericht.afzender
    if bericht.code not in ("AW33", "ZK33") or zorgkantoor is None:
        return []
    found: list[tuple[Knoop, Toewijzing]] = []
    for client in bericht.clienten():
        bsn = client.tekst("Bsn") or ""
        for indicatie in client.knopen("Indicatie"):
            besluit = indicatie.getal("Besluitnummer")
            if besluit is None:
                continue
            for pad, functie in (
                ("ToegewezenZorgzwaartepakketten/ToegewezenZorgzwaartepakket", False),
                ("ToegewezenFuncties/ToegewezenFunctie", True),
            ):
                for k in indicatie.knopen(pad):
                    code = k.tekst("FunctieCode" if functie else "ZzpCode")
                    ingang = k.datum("Ingangsdatum")
                    if code is None or ingang is None:
                        continue
                    found.append(
                        (
                            k,
                            Toewijzing(
                                zorgkantoor,
                                bsn,
                                besluit,
                                code,
                                ingang,
                                functie=functie,
                                einddatum=k.datum("Einddatum"),
                                soort=k.tekst("Soort"),
                                instelling=k.tekst("Instelling"),
                                klasse=k.tekst("Klasse"),
                                opslag=k.getal("Opslag"),
                                etmalen=k.tekst("Etmalen"),
                                opname=k.tekst("Opname"),
                                leveringsvorm=k.tekst("Leveringsvorm"),
                                dossierhouder=k.tekst("Dossierhouder"),
                                coordinator_zorg_thuis=k.tekst("CoordinatorZorgThuis"),
                                reden_intrekking=k.tekst("RedenIntrekking"),
                                toewijzingsdatum=k.datum("Toewijzingsdatum"),
                            ),
                        )
                    )
    return found


@dataclass(frozen=True)
class Inhoud:
    """What registering a message adds to a history."""

    code: str
    afzender: str | None
    ontvanger: str | None
    identificatie: str
    dagtekening: dt.date | None
    aanleveringen: list[Aanlevering] = field(default_factory=list)
    toewijzingen: list[Toewijzing] = field(default_factory=list)
    periode: Periode | None = None


def inhoud_van(bericht: Bericht) -> Inhoud:
    """The history content of accepted heenbericht ``bericht``."""
    periode = None
    if bericht.code == "AW317":
        begin = bericht.header.datum("Periode/Begindatum")
        eind = bericht.header.datum("Periode/Einddatum")
        if begin is not None and eind is not None:
            periode = Periode(begin, eind)
    return Inhoud(
        bericht.code,
        bericht.afzender,
        bericht.ontvanger,
        bericht.identificatie or "",
        bericht.dagtekening,
        [a for _, a in aanleveringen_uit(bericht)],
        [t for _, t in toewijzingen_uit(bericht)],
        periode,
    )


# -- in memory --------------------------------------------------------------------------


class GeheugenHistorie:
    """A history in memory. ``bron``: where allocations come from (default: the AW33/ZK33
    messages registered here)."""

    def __init__(self, bron: Toewijzingsbron | None = None) -> None:
        self.bron = bron
        self._berichten: set[tuple[str, str | None, str | None, str]] = set()
        self._aanleveringen: dict[tuple[str | None, str | None, str], list[Aanlevering]] = {}
        self._toewijzingen: dict[tuple[str, str, int], dict[tuple[Any, ...], Toewijzing]] = {}
        self._perioden: dict[str, Periode] = {}
        self._volgnummer = 0

    def bericht_bekend(
        self, code: str, afzender: str | None, ontvanger: str | None, identificatie: str
    ) -> bool:
        return (code, afzender, ontvanger, identificatie) in self._berichten

    def aanleveringen(
        self, afzender: str | None, ontvanger: str | None, bsn: str
    ) -> Sequence[Aanlevering]:
        return list(self._aanleveringen.get((afzender, ontvanger, bsn), ()))

    def toewijzingen(self, zorgkantoor: str, bsn: str, besluitnummer: int) -> Sequence[Toewijzing]:
        if self.bron is not None:
            return self.bron.toewijzingen(zorgkantoor, bsn, besluitnummer)
        return list(self._toewijzingen.get((zorgkantoor, bsn, besluitnummer), {}).values())

    def laatste_periode(self, zorgkantoor: str) -> Periode | None:
        return self._perioden.get(zorgkantoor)

    def registreer(self, bericht: Bericht) -> None:
        self.voeg_toe(inhoud_van(bericht))

    def voeg_toe(self, inhoud: Inhoud) -> None:
        """Record already-extracted content (see :func:`inhoud_van`)."""
        key = (inhoud.code, inhoud.afzender, inhoud.ontvanger, inhoud.identificatie)
        self._berichten.add(key)
        for a in inhoud.aanleveringen:
            self._volgnummer += 1
            stored = Aanlevering(**{**a.__dict__, "volgnummer": self._volgnummer})
            self._aanleveringen.setdefault((inhoud.afzender, inhoud.ontvanger, a.bsn), []).append(
                stored
            )
        for t in inhoud.toewijzingen:
            self._toewijzingen.setdefault((t.zorgkantoor, t.bsn, t.besluitnummer), {})[
                t.sleutel
            ] = t
        p = inhoud.periode
        if p is not None and inhoud.afzender is not None:
            vorige = self._perioden.get(inhoud.afzender)
            if vorige is None or p.einddatum >= vorige.einddatum:
                self._perioden[inhoud.afzender] = p


# -- in the database --------------------------------------------------------------------


class DbHistorie:
    """A history on the tables of :mod:`iwlz.berichten.models` (shared metadata, migration
    0009). ``bron``: where allocations come from (default: the AW33/ZK33 messages registered
    here)."""

    def __init__(self, engine: Engine, bron: Toewijzingsbron | None = None) -> None:
        self.engine = engine
        self.bron = bron

    def bericht_bekend(
        self, code: str, afzender: str | None, ontvanger: str | None, identificatie: str
    ) -> bool:
        t = m.bericht
        query = (
            sa.select(t.c.id)
            .where(
                t.c.code == code,
                t.c.afzender == (afzender or ""),
                t.c.ontvanger == (ontvanger or ""),
                t.c.identificatie == identificatie,
            )
            .limit(1)
        )
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    def aanleveringen(
        self, afzender: str | None, ontvanger: str | None, bsn: str
    ) -> Sequence[Aanlevering]:
        t = m.aanlevering
        query = (
            sa.select(t)
            .where(
                t.c.afzender == (afzender or ""),
                t.c.ontvanger == (ontvanger or ""),
                t.c.bsn == bsn,
            )
            .order_by(t.c.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            Aanlevering(
                r["soort"],
                r["sleutel"],
                r["status"],
                r["bsn"],
                besluitnummer=r["besluitnummer"],
                functie=bool(r["functie"]),
                code=r["code"],
                toewijzing_ingangsdatum=r["toewijzing_ingangsdatum"],
                instelling=r["instelling"],
                begindatum=r["begindatum"],
                mutatiecode=r["mutatiecode"],
                mutatiedatum=r["mutatiedatum"],
                volgnummer=r["id"],
            )
            for r in rows
        ]

    def toewijzingen(self, zorgkantoor: str, bsn: str, besluitnummer: int) -> Sequence[Toewijzing]:
        if self.bron is not None:
            return self.bron.toewijzingen(zorgkantoor, bsn, besluitnummer)
        t = m.toewijzing
        query = (
            sa.select(t)
            .where(
                t.c.zorgkantoor == zorgkantoor,
                t.c.bsn == bsn,
                t.c.besluitnummer == besluitnummer,
            )
            .order_by(t.c.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            Toewijzing(
                r["zorgkantoor"],
                r["bsn"],
                r["besluitnummer"],
                r["code"],
                r["ingangsdatum"],
                functie=bool(r["functie"]),
                einddatum=r["einddatum"],
                soort=r["soort"],
                instelling=r["instelling"] or None,
                klasse=r["klasse"],
                opslag=r["opslag"],
                etmalen=r["etmalen"],
                opname=r["opname"],
                leveringsvorm=r["leveringsvorm"],
                dossierhouder=r["dossierhouder"],
                coordinator_zorg_thuis=r["coordinator_zorg_thuis"],
                reden_intrekking=r["reden_intrekking"],
                toewijzingsdatum=r["toewijzingsdatum"],
            )
            for r in rows
        ]

    def laatste_periode(self, zorgkantoor: str) -> Periode | None:
        t = m.periode
        query = (
            sa.select(t.c.begindatum, t.c.einddatum)
            .where(t.c.zorgkantoor == zorgkantoor)
            .order_by(t.c.einddatum.desc(), t.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else Periode(row[0], row[1])

    def registreer(self, bericht: Bericht, conn: Connection | None = None) -> None:
        """Record ``bericht``; within ``conn``'s transaction when given (e.g. together with
        the message's import into the registers), else in a transaction of its own. A message
        registered twice violates a unique constraint (TR056's key)."""
        inhoud = inhoud_van(bericht)
        if conn is not None:
            self._schrijf(conn, inhoud)
            return
        with self.engine.begin() as own:
            self._schrijf(own, inhoud)

    @staticmethod
    def _schrijf(conn: Connection, inhoud: Inhoud) -> None:
        afzender, ontvanger = inhoud.afzender or "", inhoud.ontvanger or ""
        bericht_id = conn.execute(
            m.bericht.insert()
            .values(
                code=inhoud.code,
                afzender=afzender,
                ontvanger=ontvanger,
                identificatie=inhoud.identificatie,
                dagtekening=inhoud.dagtekening,
                geregistreerd_op=dt.datetime.now(dt.UTC),
            )
            .returning(m.bericht.c.id)
        ).scalar_one()
        if inhoud.aanleveringen:
            conn.execute(
                m.aanlevering.insert(),
                [
                    {
                        "bericht_id": bericht_id,
                        "afzender": afzender,
                        "ontvanger": ontvanger,
                        "soort": a.soort,
                        "sleutel": a.sleutel,
                        "status": a.status,
                        "bsn": a.bsn,
                        "besluitnummer": a.besluitnummer,
                        "functie": a.functie,
                        "code": a.code,
                        "toewijzing_ingangsdatum": a.toewijzing_ingangsdatum,
                        "instelling": a.instelling,
                        "begindatum": a.begindatum,
                        "mutatiecode": a.mutatiecode,
                        "mutatiedatum": a.mutatiedatum,
                    }
                    for a in inhoud.aanleveringen
                ],
            )
        t = m.toewijzing
        for w in _laatste_per_sleutel(inhoud.toewijzingen):
            conn.execute(
                t.delete().where(
                    t.c.zorgkantoor == w.zorgkantoor,
                    t.c.bsn == w.bsn,
                    t.c.besluitnummer == w.besluitnummer,
                    t.c.functie == w.functie,
                    t.c.code == w.code,
                    t.c.ingangsdatum == w.ingangsdatum,
                    t.c.instelling == (w.instelling or ""),
                )
            )
            conn.execute(
                t.insert().values(
                    bericht_id=bericht_id,
                    zorgkantoor=w.zorgkantoor,
                    bsn=w.bsn,
                    besluitnummer=w.besluitnummer,
                    functie=w.functie,
                    code=w.code,
                    ingangsdatum=w.ingangsdatum,
                    einddatum=w.einddatum,
                    soort=w.soort,
                    instelling=w.instelling or "",
                    klasse=w.klasse,
                    opslag=w.opslag,
                    etmalen=w.etmalen,
                    opname=w.opname,
                    leveringsvorm=w.leveringsvorm,
                    dossierhouder=w.dossierhouder,
                    coordinator_zorg_thuis=w.coordinator_zorg_thuis,
                    reden_intrekking=w.reden_intrekking,
                    toewijzingsdatum=w.toewijzingsdatum,
                )
            )
        p = inhoud.periode
        if p is not None and inhoud.afzender is not None:
            conn.execute(
                sa.insert(m.periode).values(
                    bericht_id=bericht_id,
                    zorgkantoor=inhoud.afzender,
                    begindatum=p.begindatum,
                    einddatum=p.einddatum,
                )
            )


def _laatste_per_sleutel(toewijzingen: Iterable[Toewijzing]) -> list[Toewijzing]:
    """A message naming one allocation twice: the later one counts (as in memory)."""
    return list({t.sleutel: t for t in toewijzingen}.values())
