"""Runs the rules of a message (§3.2) and turns the findings into retour codes (§1.4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from lxml import etree

from iwlz.berichten.catalogus import bericht
from iwlz.berichten.knoop import Bericht, Knoop
from iwlz.berichten.regels import cd, cs, tr, tr_historie  # noqa: F401  (they register)
from iwlz.berichten.regels.basis import (
    REGELS,
    Bevinding,
    Referentie,
    Regel,
    RegelContext,
    ZonderReferentie,
)
from iwlz.berichten.regels.historie import Historie
from iwlz.berichten.regels.toepassing import TOEPASSING

__all__ = ["controleer", "klasse_van", "regels_voor", "retourcodes"]


def regels_voor(code: str) -> list[Regel]:
    """The implemented rules that message type ``code`` runs, in code order. KeyError for a
    retour or unknown type."""
    codes = TOEPASSING[code.upper()]
    return [REGELS[c] for c in sorted(codes) if c in REGELS]


def _klasse(knoop: Knoop, klassen: frozenset[str]) -> Knoop | None:
    # A leaf is never a class, even when it shares a class's name (AW317's
    # Leveringsstatussen/Leveringsstatus holds a value element Leveringsstatus).
    node: Knoop | None = knoop if knoop.volgorde else knoop.ouder
    while node is not None:
        if node.naam in klassen:
            return node
        if node.naam == "Header":
            return None
        node = node.ouder
    return None


def klasse_van(b: Bericht, knoop: Knoop) -> Knoop | None:
    """The berichtklasse of ``b`` that a finding on ``knoop`` is about (None: the header)."""
    return _klasse(knoop, frozenset(bericht(b.type.tegenhanger).klassen))


def controleer(
    b: Bericht,
    *,
    referentie: Referentie | None = None,
    historie: Historie | None = None,
    vandaag: dt.date | None = None,
) -> list[Bevinding]:
    """Every rule violation in heenbericht ``b``. Stateful rules run only with ``historie``.
    Findings come per rule in code order, within a rule in document order."""
    ctx = RegelContext(
        b,
        referentie=referentie or ZonderReferentie(),
        historie=historie,
        vandaag=vandaag or dt.date.today(),
    )
    klassen = frozenset(bericht(b.type.tegenhanger).klassen)
    found: list[Bevinding] = []
    for r in regels_voor(b.code):
        if r.historie and historie is None:
            continue
        for fout in r.functie(ctx):
            klasse = _klasse(fout.knoop, klassen)
            for retourcode in (r.retourcode, *fout.extra_retourcodes):
                found.append(Bevinding(r.code, retourcode, fout.knoop.pad, fout.melding, klasse))
    return found


def retourcodes(
    bevindingen: Sequence[Bevinding],
) -> tuple[Mapping[etree._Element, list[str]], list[str]]:
    """Per berichtklasse element the retour codes (each once, in finding order), and the
    header's codes, for :func:`iwlz.berichten.retour.maak_retour`."""
    per_klasse: dict[etree._Element, list[str]] = {}
    header: list[str] = []
    for b in bevindingen:
        target = header if b.klasse is None else per_klasse.setdefault(b.klasse.element, [])
        if b.retourcode not in target:
            target.append(b.retourcode)
    return per_klasse, header
