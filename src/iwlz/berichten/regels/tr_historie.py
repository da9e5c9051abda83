"""The stateful technical rules (messages.md §3.2 "S", §3.3): they read the receiver's
:class:`~iwlz.berichten.regels.historie.Historie` and run only when the engine gets one.

None of them has an official stylesheet; each follows the rule text, and the choices where the
text leaves room are in the rule's docstring (collected in docs/conformance.md). Common ground:

- A delivery record (MAZ: ``GeleverdeFunctie``/``GeleverdZorgzwaartepakket``; MUT:
  ``MutatieFunctie``/``MutatieZorgzwaartepakket``; CA317 ``GeleverdeZorg``; CA319
  ``MutatieZorg``) is *current* when the last record with its business key is not a delete (3).
- The StatusAanlevering rules (TR063, TR074, TR103, TR104) see the history plus the records
  earlier in the same message, so "delete old + send new" in one message works.
- The content rules judge new records (``StatusAanlevering`` 1) only: a delete is judged by
  TR063/TR071/TR104, not by the allocation it once referred to.
- The allocation a MAZ/MUT refers to is that of the message's ``Ontvanger`` (the zorgkantoor)
  for the client's ``Bsn`` and ``Besluitnummer`` with the same unit, ``ToewijzingIngangsdatum``
  and (when the allocation names one) ``Instelling`` (TR019). Rules that compare with the
  allocation pass when there is none: TR019 reports that.
- Where a situation is one of the functional retour codes of §1.4, the finding is a
  :class:`FunctioneleFout` that names that code besides the rule's own (TR017/TR069 → 0699,
  TR020/TR128 → 1156, TR121 → 0701). The retour then carries both codes on the class.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from iwlz.berichten.knoop import Knoop
from iwlz.berichten.regels.basis import Fout, RegelContext, regel
from iwlz.berichten.regels.historie import (
    CA317,
    CA319,
    MAZ,
    MUT,
    Aanlevering,
    Historie,
    Toewijzing,
    aanleveringen_uit,
    toewijzingen_uit,
)

__all__ = ["EINDE_ZORG", "NIET_EINDE_ZORG", "FunctioneleFout"]

EINDE_ZORG = frozenset({"17", "19", "20"})
"""Mutatiecodes of a melding einde zorg (TR121's text)."""
NIET_EINDE_ZORG = frozenset({"12", "18", "21"})
"""Mutatiecodes that end no care delivery (TR078)."""


@dataclass(frozen=True)
class FunctioneleFout(Fout):
    """A finding that also warrants functional retour code ``functionele_code`` (§1.4:
    ``0699`` start date wrong, ``0701`` start inside an end-of-care period, ``1156`` mutation
    date wrong) next to the rule's own 9nnn code."""

    functionele_code: str = ""

    @property
    def extra_retourcodes(self) -> tuple[str, ...]:
        return (self.functionele_code,) if self.functionele_code else ()


# -- shared lookups ---------------------------------------------------------------------


def _historie(ctx: RegelContext) -> Historie:
    if ctx.historie is None:  # the engine runs these rules only with a history
        raise RuntimeError("stateful rule run without a history")
    return ctx.historie


class _Staat:
    """What the stateful rules of one run need, fetched once: the message's delivery records
    and, per client, the history and the allocations. One run of the engine uses one
    :class:`RegelContext` for all its rules, and the rules do not change the history, so this
    may be shared between them (see :func:`_staat`)."""

    def __init__(self, ctx: RegelContext) -> None:
        # Not the context itself: once its run is over it must be free to go (see _staat).
        self.bericht = ctx.bericht
        self.h = _historie(ctx)
        self.records = aanleveringen_uit(ctx.bericht)
        self._alle: dict[str, Sequence[Aanlevering]] = {}
        self._actueel: dict[tuple[str, str], list[Aanlevering]] = {}
        self._toewijzingen: dict[tuple[str, str, int], Sequence[Toewijzing]] = {}
        self._verloop: list[tuple[Knoop, Aanlevering, tuple[int, ...]]] | None = None

    def alle(self, bsn: str) -> Sequence[Aanlevering]:
        found = self._alle.get(bsn)
        if found is None:
            b = self.bericht
            found = self._alle[bsn] = self.h.aanleveringen(b.afzender, b.ontvanger, bsn)
        return found

    def actueel(self, bsn: str, soort: str) -> list[Aanlevering]:
        """The current records of ``soort``: per key the last one, unless it is a delete."""
        found = self._actueel.get((bsn, soort))
        if found is None:
            per_sleutel: dict[str, Aanlevering] = {}
            for a in self.alle(bsn):
                if a.soort != soort:
                    continue
                if a.status == 3:
                    per_sleutel.pop(a.sleutel, None)
                else:
                    per_sleutel[a.sleutel] = a
            found = self._actueel[(bsn, soort)] = list(per_sleutel.values())
        return found

    def toewijzingen(self, zorgkantoor: str, bsn: str, besluitnummer: int) -> Sequence[Toewijzing]:
        key = (zorgkantoor, bsn, besluitnummer)
        found = self._toewijzingen.get(key)
        if found is None:
            found = self._toewijzingen[key] = self.h.toewijzingen(*key)
        return found

    def verloop(self) -> list[tuple[Knoop, Aanlevering, tuple[int, ...]]]:
        """Each delivery record with the statuses its key had before it (history, then the
        records earlier in this message)."""
        if self._verloop is None:
            self._verloop = []
            eerder: dict[str, dict[tuple[str, str], list[int]]] = {}
            for knoop, a in self.records:
                per = eerder.get(a.bsn)
                if per is None:
                    per = eerder[a.bsn] = {}
                    for x in self.alle(a.bsn):
                        if x.status is not None:
                            per.setdefault((x.soort, x.sleutel), []).append(x.status)
                statussen = per.setdefault((a.soort, a.sleutel), [])
                self._verloop.append((knoop, a, tuple(statussen)))
                if a.status is not None:
                    statussen.append(a.status)
        return self._verloop


# The last run's state. The engine runs a message's rules one after another with one context;
# a weak reference, so a finished run's context is not kept alive nor mistaken for a new one.
_laatste: tuple[weakref.ref[RegelContext], _Staat] | None = None


def _staat(ctx: RegelContext) -> _Staat:
    global _laatste
    laatste = _laatste
    if laatste is not None and laatste[0]() is ctx:
        return laatste[1]
    staat = _Staat(ctx)
    _laatste = (weakref.ref(ctx), staat)
    return staat


def _nieuw(ctx: RegelContext, soort: str) -> Iterator[tuple[Knoop, Aanlevering]]:
    for knoop, a in _staat(ctx).records:
        if a.soort == soort and a.status == 1:
            yield knoop, a


def _toewijzingen(ctx: RegelContext, a: Aanlevering) -> Sequence[Toewijzing] | None:
    """The receiving zorgkantoor's allocations on the record's decision; None when the record
    or message lacks what the lookup needs."""
    zorgkantoor = ctx.bericht.ontvanger
    if zorgkantoor is None or a.besluitnummer is None or a.code is None or not a.bsn:
        return None
    if a.toewijzing_ingangsdatum is None:
        return None
    return _staat(ctx).toewijzingen(zorgkantoor, a.bsn, a.besluitnummer)


def _toewijzing(ctx: RegelContext, a: Aanlevering) -> Toewijzing | None:
    """The allocation record ``a`` refers to (the last one if several fit)."""
    kandidaten = _toewijzingen(ctx, a)
    if not kandidaten:
        return None
    passend = [t for t in kandidaten if t.past_bij(a)]
    return passend[-1] if passend else None


def _doel(record: Knoop, pad: str) -> Knoop:
    return record.knoop(pad) or record


def _klasse(k: str) -> tuple[str, int] | None:
    """``K8`` → ("K", 8), ``KD09`` → ("KD", 9), ``KE7`` → ("KE", 7); ``99`` and others: None."""
    letters = k.rstrip("0123456789")
    cijfers = k[len(letters) :]
    if not letters or not cijfers:
        return None
    return letters, int(cijfers)


def _vergelijk(
    klasse: str | None, opslag: int | None, andere_klasse: str | None, andere_opslag: int | None
) -> int | None:
    """Compare (Klasse, Opslag) levels: the Klasse first, within one family (K, KD, KE), then
    the Opslag (absent = 0). None when the classes are not comparable."""
    if klasse != andere_klasse:
        if klasse is None or andere_klasse is None:
            return None
        r, s = _klasse(klasse), _klasse(andere_klasse)
        if r is None or s is None or r[0] != s[0]:
            return None
        return (r[1] > s[1]) - (r[1] < s[1])
    o, p = opslag or 0, andere_opslag or 0
    return (o > p) - (o < p)


# -- TR056 ------------------------------------------------------------------------------


@regel("TR056", "Identificatie is unique per message type per sender", historie=True)
def tr056(ctx: RegelContext) -> Iterator[Fout]:
    """The receiver's accepted messages of this type from this sender (to this receiver: one
    deployment may receive for several parties) must not have this ``Identificatie``."""
    b = ctx.bericht
    ident = b.identificatie
    if ident is None:
        return
    if _historie(ctx).bericht_bekend(b.code, b.afzender, b.ontvanger, ident):
        yield Fout(
            _doel(b.header, "BerichtIdentificatie/Identificatie"),
            f"{b.code} {ident!r} of {b.afzender or 'this sender'} was received before",
        )


# -- StatusAanlevering ------------------------------------------------------------------


@regel("TR063", "Delete (3) only for an earlier delivery with the same key", historie=True)
def tr063(ctx: RegelContext) -> Iterator[Fout]:
    """A delete needs an earlier new (1) or changed (2) record with its key; a key whose only
    earlier record is itself a delete is TR104's case."""
    for knoop, a, eerder in _staat(ctx).verloop():
        if a.status == 3 and not any(s in (1, 2) for s in eerder):
            yield Fout(_doel(knoop, "StatusAanlevering"), "no earlier delivery with this key")


@regel("TR074", "A new (1) key is unique in the message and in history", historie=True)
def tr074(ctx: RegelContext) -> Iterator[Fout]:
    """A new record's key must not be current: sent before (or earlier in this message) and
    not deleted since. A deleted key may be sent again as new."""
    for knoop, a, eerder in _staat(ctx).verloop():
        if a.status == 1 and eerder and eerder[-1] != 3:
            yield Fout(_doel(knoop, "StatusAanlevering"), "a delivery with this key exists")


@regel("TR103", "Change (2) requires an earlier new (1) with the same key", historie=True)
def tr103(ctx: RegelContext) -> Iterator[Fout]:
    for knoop, a, eerder in _staat(ctx).verloop():
        if a.status == 2 and 1 not in eerder:
            yield Fout(_doel(knoop, "StatusAanlevering"), "no earlier new delivery with this key")


@regel("TR104", "A deleted delivery cannot be changed", historie=True)
def tr104(ctx: RegelContext) -> Iterator[Fout]:
    """A change (2) or another delete (3) of a key whose last record is a delete."""
    for knoop, a, eerder in _staat(ctx).verloop():
        if a.status in (2, 3) and eerder and eerder[-1] == 3:
            yield Fout(_doel(knoop, "StatusAanlevering"), "this delivery was deleted")


# -- MAZ / MUT against the allocation ----------------------------------------------------


def _nieuwe_maz_mut(ctx: RegelContext) -> Iterator[tuple[Knoop, Aanlevering]]:
    for knoop, a in _staat(ctx).records:
        if a.soort in (MAZ, MUT) and a.status == 1:
            yield knoop, a


@regel("TR019", "A MAZ/MUT matches an existing allocation on its key fields", historie=True)
def tr019(ctx: RegelContext) -> Iterator[Fout]:
    """Key fields: ``Bsn`` + ``Besluitnummer`` + ``ZzpCode``/``FunctieCode`` +
    ``ToewijzingIngangsdatum`` (+ ``Instelling`` when the allocation names one) against the
    allocations of the receiving zorgkantoor. New records only."""
    for knoop, a in _nieuwe_maz_mut(ctx):
        kandidaten = _toewijzingen(ctx, a)
        if kandidaten is None:
            continue
        if not any(t.past_bij(a) for t in kandidaten):
            yield Fout(knoop, "no allocation with these key fields")


@regel("TR017", "MAZ Begindatum/Sleuteldatum lie within the allocation", historie=True)
def tr017(ctx: RegelContext) -> Iterator[Fout]:
    """Within [allocation ``Ingangsdatum``, ``Einddatum`` (open: no end)]. A wrong Begindatum
    also warrants 0699."""
    for knoop, a in _nieuw(ctx, MAZ):
        t = _toewijzing(ctx, a)
        if t is None:
            continue
        for pad in ("Begindatum", "Sleuteldatum"):
            datum = knoop.datum(pad)
            if datum is None:
                continue
            if datum < t.ingangsdatum or (t.einddatum is not None and datum > t.einddatum):
                melding = f"{pad} {datum} outside the allocation"
                if pad == "Begindatum":
                    yield FunctioneleFout(_doel(knoop, pad), melding, "0699")
                else:
                    yield Fout(_doel(knoop, pad), melding)


@regel("TR020", "Mutatiedatum is not after the allocation's Einddatum", historie=True)
def tr020(ctx: RegelContext) -> Iterator[Fout]:
    """Also warrants 1156 (Mutatiedatum wrong)."""
    for knoop, a in _nieuw(ctx, MUT):
        if a.mutatiedatum is None:
            continue
        t = _toewijzing(ctx, a)
        if t is not None and t.einddatum is not None and a.mutatiedatum > t.einddatum:
            yield FunctioneleFout(
                _doel(knoop, "Mutatiedatum"),
                f"Mutatiedatum {a.mutatiedatum} after the allocation's end {t.einddatum}",
                "1156",
            )


@regel("TR067", "Delivered Klasse/Opslag are at most the allocated ones", historie=True)
def tr067(ctx: RegelContext) -> Iterator[Fout]:
    """(Klasse, Opslag) compared as one level: a higher class of the same family (K, KD, KE)
    fails; with the same class, a higher Opslag (allocation without one: 0) fails. Classes of
    different families are not compared."""
    for knoop, a in _nieuw(ctx, MAZ):
        klasse, opslag = knoop.tekst("Klasse"), knoop.getal("Opslag")
        if klasse is None and opslag is None:
            continue
        t = _toewijzing(ctx, a)
        if t is None:
            continue
        if _vergelijk(klasse, opslag, t.klasse, t.opslag) == 1:
            doel = "Klasse" if klasse != t.klasse else "Opslag"
            yield Fout(_doel(knoop, doel), f"{doel} higher than allocated")


@regel("TR125", "Etmalen equals that of the allocation", historie=True)
def tr125(ctx: RegelContext) -> Iterator[Fout]:
    """Judged when the record has ``Etmalen`` (its presence is CD072's business)."""
    for knoop, a in _nieuw(ctx, MAZ):
        etmalen = knoop.tekst("Etmalen")
        if etmalen is None:
            continue
        t = _toewijzing(ctx, a)
        if t is not None and t.etmalen != etmalen:
            yield Fout(_doel(knoop, "Etmalen"), f"allocated Etmalen is {t.etmalen or 'empty'}")


@regel("TR129", "Behandeling required with Verblijf and an allocation with Opname 1", historie=True)
def tr129(ctx: RegelContext) -> Iterator[Fout]:
    """Target ``Behandeling`` of a ``GeleverdZorgzwaartepakket``: required when its
    ``Leveringsvorm`` is 4 and the allocation's ``Opname`` is 1, else empty. With
    ``Leveringsvorm`` 4 and no allocation found, nothing is judged."""
    for knoop, a in _nieuw(ctx, MAZ):
        if a.functie:
            continue
        behandeling = knoop.knoop("Behandeling")
        if knoop.tekst("Leveringsvorm") == "4":
            t = _toewijzing(ctx, a)
            if t is None:
                continue
            verplicht = t.opname == "1"
        else:
            verplicht = False
        if verplicht and behandeling is None:
            yield Fout(knoop, "Behandeling is required: the allocation has Opname 1")
        elif not verplicht and behandeling is not None:
            yield Fout(behandeling, "Behandeling must be empty")


@regel("TR073", "Mutatiecode is allowed for the allocation's Soort", historie=True)
def tr073(ctx: RegelContext) -> Iterator[Fout]:
    """Our reading (no published matrix): an administrative allocation (Soort 5) records care
    already given, so only the end-of-care codes 17/19/20 apply to it; the waiting and
    hand-over codes 12, 18 and 21 do not. Regulier (1) and Overbrugging (3) allow every code."""
    for knoop, a in _nieuw(ctx, MUT):
        if a.mutatiecode not in NIET_EINDE_ZORG:
            continue
        t = _toewijzing(ctx, a)
        if t is not None and t.soort == "5":
            yield Fout(
                _doel(knoop, "Mutatiecode"),
                f"Mutatiecode {a.mutatiecode} not allowed for an administrative allocation",
            )


# -- MAZ / MUT against earlier MAZ / MUT -------------------------------------------------


@regel(
    "TR069", "Begindatum equals that of the current MAZ on or before Mutatiedatum", historie=True
)
def tr069(ctx: RegelContext) -> Iterator[Fout]:
    """The current MAZ of the same allocation and provider with the latest ``Begindatum`` on or
    before ``Mutatiedatum``; no such MAZ fails too. Also warrants 0699."""
    geschiedenis = _staat(ctx)
    for knoop, a in _nieuw(ctx, MUT):
        if a.begindatum is None or a.mutatiedatum is None:
            continue
        mutatiedatum = a.mutatiedatum
        starts = [
            m.begindatum
            for m in geschiedenis.actueel(a.bsn, MAZ)
            if m.zelfde_toewijzing(a) and m.begindatum is not None and m.begindatum <= mutatiedatum
        ]
        actueel = max(starts, default=None)
        if actueel != a.begindatum:
            yield FunctioneleFout(
                _doel(knoop, "Begindatum"),
                f"the current MAZ starts {actueel}" if actueel else "no current MAZ",
                "0699",
            )


@regel("TR071", "A MAZ cannot be deleted after an end-of-care was sent for it", historie=True)
def tr071(ctx: RegelContext) -> Iterator[Fout]:
    """End of care: a current MUT with Mutatiecode 17, 19 or 20 of the same allocation,
    provider and ``Begindatum``."""
    geschiedenis = _staat(ctx)
    for knoop, a in _staat(ctx).records:
        if a.soort != MAZ or a.status != 3:
            continue
        if any(
            m.mutatiecode in EINDE_ZORG and m.zelfde_toewijzing(a) and m.begindatum == a.begindatum
            for m in geschiedenis.actueel(a.bsn, MUT)
        ):
            yield Fout(_doel(knoop, "StatusAanlevering"), "an end of care was sent for this MAZ")


@regel("TR078", "A non-ending mutation may not follow a MAZ unless care ended (20)", historie=True)
def tr078(ctx: RegelContext) -> Iterator[Fout]:
    """A new MUT with Mutatiecode 12, 18 or 21 fails when the same allocation and provider have
    a current MAZ that was not ended by a current MUT with Mutatiecode 20 (care ended,
    allocation kept) and the same ``Begindatum``."""
    geschiedenis = _staat(ctx)
    for knoop, a in _nieuw(ctx, MUT):
        if a.mutatiecode not in NIET_EINDE_ZORG:
            continue
        mutaties = geschiedenis.actueel(a.bsn, MUT)
        for maz in geschiedenis.actueel(a.bsn, MAZ):
            if not maz.zelfde_toewijzing(a):
                continue
            if not any(
                m.mutatiecode == "20" and m.zelfde_toewijzing(a) and m.begindatum == maz.begindatum
                for m in mutaties
            ):
                yield Fout(
                    _doel(knoop, "Mutatiecode"),
                    f"care started {maz.begindatum} and was not ended with the allocation kept",
                )
                break


@regel("TR121", "No MAZ starting inside an earlier, not-deleted end-of-care period", historie=True)
def tr121(ctx: RegelContext) -> Iterator[Fout]:
    """The period of a current MUT 17/19/20 of the same unit and provider (any decision) is
    [its ``Begindatum``, its ``Mutatiedatum``): a new start on the end date itself is allowed.
    Also warrants 0701."""
    geschiedenis = _staat(ctx)
    for knoop, a in _nieuw(ctx, MAZ):
        begin = a.begindatum
        if begin is None:
            continue
        for m in geschiedenis.actueel(a.bsn, MUT):
            if (
                m.mutatiecode in EINDE_ZORG
                and m.functie == a.functie
                and m.code == a.code
                and m.instelling == a.instelling
                and m.begindatum is not None
                and m.mutatiedatum is not None
                and m.begindatum <= begin < m.mutatiedatum
            ):
                yield FunctioneleFout(
                    _doel(knoop, "Begindatum"),
                    f"care was ended from {m.begindatum} to {m.mutatiedatum}",
                    "0701",
                )
                break


# -- Aanvraag -----------------------------------------------------------------------------


@regel("TR070", "The requested period lies within the allocation of the MutatieZzp", historie=True)
def tr070(ctx: RegelContext) -> Iterator[Fout]:
    """Per client with both ``Aanvragen`` and new ``MutatieZorgzwaartepakketten``: each
    ``AanvraagInstelling``'s ``ToewijzingIngangsdatum`` and (when given)
    ``ToewijzingEinddatum`` lie within one of the allocations those mutations refer to. No
    allocation found: not judged (TR019)."""
    mutaties = [(k, a) for k, a in _nieuw(ctx, MUT) if not a.functie]
    for client in ctx.bericht.clienten():
        aanvragen = client.knopen("Aanvragen/Aanvraag")
        if not aanvragen:
            continue
        toewijzingen: list[Toewijzing] = []
        for k, a in mutaties:
            if k.voorouder("Client") is client:
                t = _toewijzing(ctx, a)
                if t is not None:
                    toewijzingen.append(t)
        if not toewijzingen:
            continue
        for aanvraag in aanvragen:
            for inst in aanvraag.knopen("AanvraagInstellingen/AanvraagInstelling"):
                for pad in ("ToewijzingIngangsdatum", "ToewijzingEinddatum"):
                    datum = inst.datum(pad)
                    if datum is None:
                        continue
                    if not any(
                        t.ingangsdatum <= datum and (t.einddatum is None or datum <= t.einddatum)
                        for t in toewijzingen
                    ):
                        yield Fout(_doel(inst, pad), f"{pad} {datum} outside the allocation")


@regel(
    "TR107",
    "Only a dossierhouder/coordinator with an allocation may send an Aanvraag",
    historie=True,
)
def tr107(ctx: RegelContext) -> Iterator[Fout]:
    """The requester (``Aanvraag/Instelling``; in an AW39 without it, the header ``Afzender``)
    must be ``Dossierhouder`` or ``CoordinatorZorgThuis`` of a current allocation of the
    receiving zorgkantoor on the Aanvraag's ``Besluitnummer``."""
    b = ctx.bericht
    zorgkantoor = b.ontvanger
    if zorgkantoor is None:
        return
    staat = _staat(ctx)
    for client in b.clienten():
        bsn = client.tekst("Bsn")
        if bsn is None:
            continue
        for aanvraag in client.knopen("Aanvragen/Aanvraag"):
            besluit = aanvraag.getal("Besluitnummer")
            aanvrager = aanvraag.tekst("Instelling") or (b.afzender if b.code == "AW39" else None)
            if besluit is None or aanvrager is None:
                continue
            if not any(
                aanvrager in (t.dossierhouder, t.coordinator_zorg_thuis)
                for t in staat.toewijzingen(zorgkantoor, bsn, besluit)
            ):
                yield Fout(
                    aanvraag,
                    f"{aanvrager} is not dossierhouder or coordinator of an allocation on "
                    f"decision {besluit}",
                )


# -- AW33 ---------------------------------------------------------------------------------


@regel(
    "TR076",
    "A new allocation with the same logical key does not lower Klasse/Opslag",
    historie=True,
)
def tr076(ctx: RegelContext) -> Iterator[Fout]:
    """Logical key: allocating zorgkantoor (header ``Afzender``) + ``Bsn`` + ``Besluitnummer``
    + unit + ``Ingangsdatum`` + ``Instelling``; the earlier allocation is the one the receiver
    holds. Levels compared as in TR067."""
    staat = _staat(ctx)
    for knoop, nieuw in toewijzingen_uit(ctx.bericht):
        if nieuw.klasse is None and nieuw.opslag is None:
            continue
        for eerder in staat.toewijzingen(nieuw.zorgkantoor, nieuw.bsn, nieuw.besluitnummer):
            if eerder.sleutel != nieuw.sleutel:
                continue
            if _vergelijk(nieuw.klasse, nieuw.opslag, eerder.klasse, eerder.opslag) == -1:
                doel = "Klasse" if nieuw.klasse != eerder.klasse else "Opslag"
                yield Fout(_doel(knoop, doel), f"{doel} lower than in the earlier allocation")


# -- AW317 --------------------------------------------------------------------------------


@regel("TR080", "AW317 Periode starts the day after the previous accepted period", historie=True)
def tr080(ctx: RegelContext) -> Iterator[Fout]:
    """The previous period is the accepted one of the same ``Afzender`` that ends last; the
    first AW317 of a zorgkantoor passes."""
    b = ctx.bericht
    begin = b.header.datum("Periode/Begindatum")
    if b.afzender is None or begin is None:
        return
    vorige = _historie(ctx).laatste_periode(b.afzender)
    if vorige is None:
        return
    verwacht = vorige.einddatum + dt.timedelta(days=1)
    if begin != verwacht:
        yield Fout(
            _doel(b.header, "Periode/Begindatum"),
            f"the previous period ended {vorige.einddatum}: expected {verwacht}",
        )


# -- CA319 --------------------------------------------------------------------------------


def _geleverde_zorg(ctx: RegelContext) -> Iterator[tuple[Knoop, Aanlevering, Aanlevering | None]]:
    """Each new or changed ``MutatieZorg`` with the current ``GeleverdeZorg`` it refers to."""
    geschiedenis = _staat(ctx)
    for knoop, a in _staat(ctx).records:
        if a.soort != CA319 or a.status not in (1, 2):
            continue
        gevonden = [g for g in geschiedenis.actueel(a.bsn, CA317) if g.sleutel == a.sleutel]
        yield knoop, a, (gevonden[0] if gevonden else None)


@regel("TR118", "CA319 MutatieZorgID refers to a current GeleverdeZorgID", historie=True)
def tr118(ctx: RegelContext) -> Iterator[Fout]:
    """Current: a CA317 ``GeleverdeZorg`` of the same client and zorgkantoor whose last record
    is not a delete. Judged for new and changed mutations (a delete may follow the delivery's
    own delete)."""
    for knoop, _, geleverd in _geleverde_zorg(ctx):
        if geleverd is None:
            yield Fout(_doel(knoop, "MutatieZorgID"), "no current GeleverdeZorg with this ID")


@regel("TR128", "CA319 Mutatiedatum is on or after the related CA317 Startdatum", historie=True)
def tr128(ctx: RegelContext) -> Iterator[Fout]:
    """Against the current ``GeleverdeZorg`` (after any change, 2). Also warrants 1156."""
    for knoop, a, geleverd in _geleverde_zorg(ctx):
        if geleverd is None or geleverd.begindatum is None or a.mutatiedatum is None:
            continue
        if a.mutatiedatum < geleverd.begindatum:
            yield FunctioneleFout(
                _doel(knoop, "Mutatiedatum"),
                f"Mutatiedatum before the Startdatum {geleverd.begindatum}",
                "1156",
            )
