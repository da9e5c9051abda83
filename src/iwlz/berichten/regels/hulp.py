"""Small helpers shared by the CD and CS rules (messages.md §3.3).

The official stylesheets distinguish "present" (the element exists) from "filled" (it has
non-blank text); :func:`gevuld` is the latter. A rule gathers its findings per berichtklasse
name (dictionary lookups, no tree walk) and hands them to :func:`op_volgorde`, which restores
document order; that sort only costs anything when a message has several findings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from iwlz.berichten.knoop import Bericht, Knoop
from iwlz.berichten.regels.basis import Fout

__all__ = ["datum", "elementen", "gevuld", "kind", "op_volgorde", "waarde", "weergave"]


def kind(klasse: Knoop, naam: str) -> Knoop | None:
    """The first child ``naam`` of ``klasse``: ``klasse.knoop(naam)`` for one step, without
    parsing a path (the rules make thousands of these lookups per second)."""
    gevonden = klasse.kinderen.get(naam)
    return gevonden[0] if gevonden else None


def waarde(klasse: Knoop, naam: str) -> str | None:
    """The stripped text of child ``naam``; None when absent or blank (``Knoop.tekst``)."""
    gevonden = klasse.kinderen.get(naam)
    return (gevonden[0].waarde or None) if gevonden else None


def datum(klasse: Knoop, naam: str) -> dt.date | None:
    """The date in child ``naam``; None when absent or not a date (``Knoop.datum``)."""
    gevonden = klasse.kinderen.get(naam)
    return gevonden[0].datum() if gevonden else None


def gevuld(klasse: Knoop, naam: str) -> bool:
    """Whether ``klasse`` has a child ``naam`` with non-blank text."""
    return waarde(klasse, naam) is not None


def elementen(b: Bericht, *namen: str) -> Iterator[Knoop]:
    """Every element named one of ``namen`` (grouped per name, each group in document order)."""
    for naam in namen:
        yield from b.klassen(naam)


def weergave(waarde: str | None) -> str:
    """A value for a finding's sentence: quoted, or ``absent``."""
    return "absent" if waarde is None else repr(waarde)


def _positie(knoop: Knoop) -> tuple[int, ...]:
    stappen: list[int] = []
    node = knoop
    while node.ouder is not None:
        stappen.append(node.ouder.volgorde.index(node))
        node = node.ouder
    return tuple(reversed(stappen))


def op_volgorde(fouten: list[Fout]) -> list[Fout]:
    """``fouten`` in document order of their elements (stable for one element)."""
    if len(fouten) < 2:
        return fouten
    return sorted(fouten, key=lambda f: _positie(f.knoop))
