"""The business-rule building blocks (messages.md §3): a rule is a named function over a
parsed message that yields :class:`Fout` (an element and a message); the engine turns each into
a :class:`Bevinding` with the rule's code and the retour code it implies.

Rules register themselves with :func:`regel`; which messages run which rules is the table in
:mod:`iwlz.berichten.regels.toepassing` (§3.2), not the rule's business.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from iwlz.berichten.knoop import Bericht, Knoop

if TYPE_CHECKING:
    from iwlz.berichten.regels.historie import Historie

__all__ = [
    "REGELS",
    "Bevinding",
    "Fout",
    "Referentie",
    "Regel",
    "RegelContext",
    "ZonderReferentie",
    "regel",
    "retourcode_van",
]


@dataclass(frozen=True)
class Fout:
    """What a rule found: the element it is about and a sentence for people."""

    knoop: Knoop
    melding: str

    @property
    def extra_retourcodes(self) -> tuple[str, ...]:
        """Functional retour codes (§1.4: ``0699``, ``0701``, ``1156`` …) the finding warrants
        besides the rule's own."""
        return ()


@dataclass(frozen=True)
class Bevinding:
    """One rule violation in a message: ``regel`` (``CD005``), ``retourcode`` (``D005``),
    ``pad`` of the element, and ``klasse``: the berichtklasse that gets the retour code
    (None: the header)."""

    regel: str
    retourcode: str
    pad: str
    melding: str
    klasse: Knoop | None = field(compare=False, default=None)


def retourcode_van(code: str) -> str:
    """``CD005`` → ``D005``, ``CS002`` → ``S002``, ``TR056`` → ``9056`` (§3.1)."""
    prefix, number = code[:2], code[2:]
    if prefix == "CD":
        return "D" + number
    if prefix == "CS":
        return "S" + number
    if prefix == "TR":
        return "9" + number
    raise ValueError(f"not a CD/CS/TR rule code: {code!r}")


class Referentie(Protocol):
    """Reference data the rules TR021, TR042, TR064 and TR100 need (§3.1). None means "not
    known here": the rule then passes, as the official stylesheets' hooks do."""

    def agb_bestaat(self, agb: str) -> bool | None:
        """Whether an AGB code is registered (AGB register)."""
        ...

    def agb_zorgkantoren(self, agb: str) -> frozenset[str] | None:
        """The zorgkantoren an iWlz contract AGB belongs to (iWlz-AGB codelijst)."""
        ...


class ZonderReferentie:
    """No reference data: every lookup is unknown."""

    def agb_bestaat(self, agb: str) -> bool | None:
        return None

    def agb_zorgkantoren(self, agb: str) -> frozenset[str] | None:
        return None


@dataclass
class RegelContext:
    """What a rule may look at: the message, reference data, the receiver's history (stateful
    rules only; None runs them as not applicable) and today's date (for "not in the future")."""

    bericht: Bericht
    referentie: Referentie = field(default_factory=ZonderReferentie)
    historie: Historie | None = None
    vandaag: dt.date = field(default_factory=dt.date.today)


RegelFunctie = Callable[[RegelContext], Iterable[Fout]]


@dataclass(frozen=True)
class Regel:
    """A registered rule. ``historie``: it needs the receiver's stored history (§3.2 "S")."""

    code: str
    omschrijving: str
    functie: RegelFunctie
    historie: bool = False

    @property
    def retourcode(self) -> str:
        return retourcode_van(self.code)


REGELS: dict[str, Regel] = {}
"""Every implemented rule by code."""


def regel(
    code: str, omschrijving: str, *, historie: bool = False
) -> Callable[[RegelFunctie], RegelFunctie]:
    """Register ``functie`` as rule ``code`` (``CD005``, ``CS002``, ``TR056``)."""
    retourcode_van(code)  # fail at import on a malformed code

    def register(functie: RegelFunctie) -> RegelFunctie:
        if code in REGELS:
            raise ValueError(f"rule {code} is registered twice")
        REGELS[code] = Regel(code, omschrijving, functie, historie)
        return functie

    return register
